import { sql } from 'kysely';
import { Money } from '../../libs/money/src/index.js';
import type { InvoiceEvent, InvoiceLine, LineTax } from '../../libs/billing/src/index.js';
import { explicitlyPricedLine, invoiceEventSchemas, invoiceEventTypes, pricedInvoiceTotals, taxBreakdownOf } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/shared/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { tenantOfStream, recordedEventParser } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createInvoiceTables } from './invoices.tables.js';

/** The `invoices` read model: one row per invoice with its lines, totals, payments, balance and status. */
export const invoicesProjection: Projection = {
  name: 'invoices',
  // Version 2: a draft's balance_due is zero (version 1 showed the draft total), so stored read models rebuild.
  // Version 3: lines carry their net and their taxes, invoices their tax breakdown and locked exchange rate.
  version: 3,
  eventTypes: invoiceEventTypes,
  tables: ['invoices', 'invoice_lines', 'invoice_payments'],
  createTables: createInvoiceTables,
  apply: applyInvoiceEvent,
};

export const parseInvoiceEvent = recordedEventParser<InvoiceEvent>(invoiceEventSchemas, 'invoice');

async function applyInvoiceEvent({ trx, schema }: ProjectionContext, recorded: RecordedEvent): Promise<void> {
  const tenantId = tenantOfStream(recorded.streamId);
  const event = parseInvoiceEvent(recorded);
  const db = trx.withSchema(schema);
  const at = recorded.recordedAt;
  switch (event.type) {
    case 'InvoiceDrafted': {
      const { data } = event;
      await db
        .insertInto('invoices')
        .values({
          tenant_id: tenantId,
          invoice_id: data.invoiceId,
          customer_id: data.customerId,
          number: null,
          status: 'draft',
          currency: data.currency,
          subtotal: '0',
          tax_total: '0',
          total: '0',
          amount_paid: '0',
          balance_due: '0',
          payment_terms_days: data.paymentTermsDays,
          requested_due_date: data.dueDate,
          drafted_at: data.draftedAt,
          line_count: 0,
          last_event_at: at,
        })
        .execute();
      for (const [index, line] of data.lines.entries()) await insertLine(db, tenantId, data.invoiceId, line, index);
      await refreshDraftFigures(db, tenantId, data.invoiceId, data.currency, at);
      return;
    }
    case 'InvoiceLineAdded': {
      const next = await db
        .selectFrom('invoice_lines')
        .select(sql<number>`coalesce(max(sort_order) + 1, 0)::int`.as('next'))
        .where('tenant_id', '=', tenantId)
        .where('invoice_id', '=', event.data.invoiceId)
        .executeTakeFirstOrThrow();
      await insertLine(db, tenantId, event.data.invoiceId, event.data.line, next.next);
      await refreshDraftFigures(db, tenantId, event.data.invoiceId, null, at);
      return;
    }
    case 'InvoiceLineRemoved':
      await db.deleteFrom('invoice_lines').where('tenant_id', '=', tenantId).where('invoice_id', '=', event.data.invoiceId).where('line_id', '=', event.data.lineId).execute();
      await refreshDraftFigures(db, tenantId, event.data.invoiceId, null, at);
      return;
    case 'InvoiceTaxCalculated': {
      const { data } = event;
      for (const line of data.lines) {
        await db
          .updateTable('invoice_lines')
          .set({ net_amount: line.netAmount, tax_amount: line.taxAmount, taxes: jsonb(line.taxes) })
          .where('tenant_id', '=', tenantId)
          .where('invoice_id', '=', data.invoiceId)
          .where('line_id', '=', line.lineId)
          .execute();
      }
      await db
        .updateTable('invoices')
        .set({ subtotal: data.subtotal, tax_total: data.taxTotal, total: data.total, tax_breakdown: jsonb(data.breakdown), last_event_at: at })
        .where('tenant_id', '=', tenantId)
        .where('invoice_id', '=', data.invoiceId)
        .execute();
      return;
    }
    case 'InvoiceIssued': {
      const { data } = event;
      await db
        .updateTable('invoices')
        .set({
          number: data.number,
          status: sql`case when ${data.total}::numeric = 0 then 'paid' else 'open' end`,
          subtotal: data.subtotal,
          tax_total: data.taxTotal,
          total: data.total,
          balance_due: data.total,
          issue_date: data.issueDate,
          issued_at: data.issuedAt,
          due_date: data.dueDate,
          // Invoices issued before breakdowns existed keep the one derived from their lines.
          ...(data.taxBreakdown === undefined ? {} : { tax_breakdown: jsonb(data.taxBreakdown) }),
          reporting_currency: data.reportingCurrency ?? null,
          exchange_rate: data.exchangeRate ? jsonb(data.exchangeRate) : null,
          reporting_total: data.reportingTotal ?? null,
          last_event_at: at,
        })
        .where('tenant_id', '=', tenantId)
        .where('invoice_id', '=', data.invoiceId)
        .execute();
      return;
    }
    case 'InvoicePaymentRecorded': {
      const { data } = event;
      await db
        .insertInto('invoice_payments')
        .values({
          tenant_id: tenantId,
          invoice_id: data.invoiceId,
          payment_id: data.paymentId,
          method: data.method,
          reference: data.reference,
          currency: data.currency,
          amount: data.amount,
          applied_amount: data.appliedAmount,
          excess_amount: data.excessAmount,
          recorded_at: data.recordedAt,
        })
        .execute();
      await db
        .updateTable('invoices')
        .set({
          amount_paid: sql`amount_paid + ${data.appliedAmount}::numeric`,
          balance_due: data.balanceDueAfter,
          status: sql`case when ${data.balanceDueAfter}::numeric = 0 then 'paid' else 'partially_paid' end`,
          last_event_at: at,
        })
        .where('tenant_id', '=', tenantId)
        .where('invoice_id', '=', data.invoiceId)
        .execute();
      return;
    }
    case 'InvoiceVoided':
      await db
        .updateTable('invoices')
        .set({ status: 'void', voided_at: event.data.voidedAt, void_reason: event.data.reason, balance_due: '0', last_event_at: at })
        .where('tenant_id', '=', tenantId)
        .where('invoice_id', '=', event.data.invoiceId)
        .execute();
      return;
    default:
      assertNever(event);
  }
}

type Db = ReturnType<ProjectionContext['trx']['withSchema']>;

async function insertLine(db: Db, tenantId: string, invoiceId: string, line: InvoiceLine, sortOrder: number): Promise<void> {
  // A line's own figures: net = amount, tax at its explicit rate. An InvoiceTaxCalculated that follows replaces them.
  const priced = explicitlyPricedLine(line);
  await db
    .insertInto('invoice_lines')
    .values({
      tenant_id: tenantId,
      invoice_id: invoiceId,
      line_id: line.lineId,
      sort_order: sortOrder,
      description: line.description,
      quantity: line.quantity,
      unit_price: line.unitPrice,
      tax_rate: line.taxRate,
      amount: line.amount,
      net_amount: priced.netAmount,
      tax_amount: priced.taxAmount,
      taxes: jsonb(priced.taxes),
    })
    .execute();
}

/**
 * While draft, totals and the tax breakdown follow the lines' figures. They are computed with the same functions as
 * the decider's state (pricedInvoiceTotals, taxBreakdownOf), from the rows just written, so both always agree.
 */
async function refreshDraftFigures(db: Db, tenantId: string, invoiceId: string, knownCurrency: string | null, at: Date): Promise<void> {
  const currency =
    knownCurrency ??
    (await db.selectFrom('invoices').select('currency').where('tenant_id', '=', tenantId).where('invoice_id', '=', invoiceId).executeTakeFirstOrThrow()).currency as string;
  const rows = (await db
    .selectFrom('invoice_lines')
    .select(['net_amount', 'tax_amount', 'taxes'])
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .orderBy('sort_order')
    .execute()) as { net_amount: string; tax_amount: string; taxes: LineTax[] }[];
  const lines = rows.map((row) => ({
    netAmount: Money.of(row.net_amount, currency).toString(),
    taxAmount: Money.of(row.tax_amount, currency).toString(),
    taxes: row.taxes,
  }));
  const totals = pricedInvoiceTotals(lines, currency);
  await db
    .updateTable('invoices')
    .set({ subtotal: totals.subtotal, tax_total: totals.taxTotal, total: totals.total, tax_breakdown: jsonb(taxBreakdownOf(lines, currency)), line_count: lines.length, last_event_at: at })
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .execute();
}

function jsonb(value: unknown) {
  return sql`${JSON.stringify(value)}::jsonb`;
}
