import { sql } from 'kysely';
import { Money } from '../../libs/money/src/index.js';
import type { InvoiceEvent, InvoiceLine, LineTax } from '../../libs/billing/src/index.js';
import { explicitlyPricedLine, invoiceEventSchemas, invoiceEventTypes, pricedInvoiceTotals, taxBreakdownOf } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { tenantOfStream, recordedEventParser } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createInvoiceTables } from './invoices.tables.js';

/** The `invoices` read model: one row per invoice with its lines, totals, payments, balance and status. */
export const invoicesProjection: Projection = {
  name: 'invoices',
  // Version 2: a draft's balance_due is zero (version 1 showed the draft total), so stored read models rebuild.
  // Version 3: lines carry their net and their taxes, invoices their tax breakdown and locked exchange rate.
  // Version 4: payments applied from the Payment aggregate, credits, refunds, write-offs and the creditable amount.
  version: 4,
  eventTypes: invoiceEventTypes,
  tables: ['invoices', 'invoice_lines', 'invoice_payments', 'invoice_payment_applications', 'invoice_credit_applications'],
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
          amount_credited: '0',
          amount_refunded: '0',
          amount_written_off: '0',
          creditable_amount: '0',
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
      await insertLine(db, tenantId, event.data.invoiceId, event.data.line, nextSortOrder(db, 'invoice_lines', tenantId, event.data.invoiceId));
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
          creditable_amount: data.total,
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
      // Legacy: a payment recorded on the invoice itself; its applied part counts as paid like an applied payment.
      const { data } = event;
      await insertPaidPayment(db, tenantId, {
        invoiceId: data.invoiceId,
        paymentId: data.paymentId,
        method: data.method,
        reference: data.reference,
        currency: data.currency,
        amount: data.amount,
        appliedAmount: data.appliedAmount,
        excessAmount: data.excessAmount,
        recordedAt: data.recordedAt,
      }, at);
      return;
    }
    case 'InvoicePaymentApplied': {
      // Listed with the legacy payments (as evolveInvoice does): the whole payment, the part applied here, and the
      // rest (other invoices or the customer's credit) as its excess.
      const { data } = event;
      await insertPaidPayment(db, tenantId, {
        invoiceId: data.invoiceId,
        paymentId: data.paymentId,
        method: data.method,
        reference: data.reference,
        currency: data.currency,
        amount: data.paymentAmount,
        appliedAmount: data.amount,
        excessAmount: Money.of(data.paymentAmount, data.currency).minus(Money.of(data.amount, data.currency)).toString(),
        recordedAt: data.appliedAt,
      }, at);
      return;
    }
    case 'InvoiceCreditApplied': {
      const { data } = event;
      await db
        .insertInto('invoice_credit_applications')
        .values({
          tenant_id: tenantId,
          invoice_id: data.invoiceId,
          sort_order: nextSortOrder(db, 'invoice_credit_applications', tenantId, data.invoiceId),
          application_id: data.applicationId,
          source: data.source,
          source_id: data.sourceId,
          amount: data.amount,
          applied_at: data.appliedAt,
        })
        .execute();
      await changeFigures(db, tenantId, data.invoiceId, { amount_credited: sql`amount_credited + ${data.amount}::numeric` }, at);
      return;
    }
    case 'InvoicePaymentRefunded': {
      // A refund reopens the balance; after a write-off too (the status then follows the balance again).
      const { data } = event;
      await reopenPaymentApplications(db, tenantId, data.invoiceId, data.paymentId, data.amount, data.currency);
      await changeFigures(db, tenantId, data.invoiceId, { amount_refunded: sql`amount_refunded + ${data.amount}::numeric` }, at);
      return;
    }
    case 'InvoiceWrittenOff': {
      const { data } = event;
      await changeFigures(db, tenantId, data.invoiceId, { amount_written_off: sql`amount_written_off + ${data.amount}::numeric` }, at);
      await db
        .updateTable('invoices')
        .set({ status: 'written_off', written_off_at: data.writtenOffAt, write_off_reason: data.reason })
        .where('tenant_id', '=', tenantId)
        .where('invoice_id', '=', data.invoiceId)
        .execute();
      return;
    }
    case 'InvoiceCreditNoteRegistered':
    case 'InvoiceCreditNoteReleased': {
      // An issued note takes its total from what is creditable; its void gives the unapplied part back. The balance
      // does not move until a note is applied (InvoiceCreditApplied).
      const { data } = event;
      const change = event.type === 'InvoiceCreditNoteRegistered' ? sql`creditable_amount - ${data.amount}::numeric` : sql`creditable_amount + ${data.amount}::numeric`;
      await db
        .updateTable('invoices')
        .set({ creditable_amount: change, last_event_at: at })
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

interface PaidPayment {
  invoiceId: string;
  paymentId: string;
  method: string;
  reference: string | null;
  currency: string;
  /** The whole payment. */
  amount: string;
  /** The part of it applied to this invoice. */
  appliedAmount: string;
  /** The rest (other invoices or the customer's credit). */
  excessAmount: string;
  recordedAt: string;
}

/** A payment (legacy recorded or applied) lists on the invoice, opens an application and counts its applied part as paid. */
async function insertPaidPayment(db: Db, tenantId: string, payment: PaidPayment, at: Date): Promise<void> {
  await db
    .insertInto('invoice_payments')
    .values({
      tenant_id: tenantId,
      invoice_id: payment.invoiceId,
      payment_id: payment.paymentId,
      method: payment.method,
      reference: payment.reference,
      currency: payment.currency,
      amount: payment.amount,
      applied_amount: payment.appliedAmount,
      excess_amount: payment.excessAmount,
      recorded_at: payment.recordedAt,
    })
    .execute();
  await insertPaymentApplication(db, tenantId, payment.invoiceId, payment.paymentId, payment.appliedAmount, payment.currency, payment.recordedAt);
  await changeFigures(db, tenantId, payment.invoiceId, { amount_paid: sql`amount_paid + ${payment.appliedAmount}::numeric` }, at);
}

/**
 * A payment, a credit, a refund or a write-off changed the invoice's figures by `amounts`. The balance and status
 * then follow from the figures exactly as in evolveInvoice (invoiceBalanceOf, settledStatusOf): balance = total -
 * paid - credited + refunded - written off; nothing due is paid, something due with money paid (net of refunds) or
 * credit applied is partially paid, otherwise open. The second statement reads the figures the first one wrote.
 */
async function changeFigures(db: Db, tenantId: string, invoiceId: string, amounts: Record<string, unknown>, at: Date): Promise<void> {
  await db.updateTable('invoices').set({ ...amounts, last_event_at: at }).where('tenant_id', '=', tenantId).where('invoice_id', '=', invoiceId).execute();
  await db
    .updateTable('invoices')
    .set({
      balance_due: sql`total - amount_paid - amount_credited + amount_refunded - amount_written_off`,
      status: sql`case
        when total - amount_paid - amount_credited + amount_refunded - amount_written_off = 0 then 'paid'
        when amount_paid - amount_refunded > 0 or amount_credited > 0 then 'partially_paid'
        else 'open' end`,
    })
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .execute();
}

/** The invoice's next sort order in `table`, as a subquery of the INSERT that uses it: no round trip of its own per event. */
function nextSortOrder(db: Db, table: 'invoice_lines' | 'invoice_payment_applications' | 'invoice_credit_applications', tenantId: string, invoiceId: string) {
  return db
    .selectFrom(table)
    .select(sql<number>`coalesce(max(sort_order) + 1, 0)::int`.as('next'))
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId);
}

async function insertPaymentApplication(db: Db, tenantId: string, invoiceId: string, paymentId: string, amount: string, currency: string, appliedAt: string): Promise<void> {
  await db
    .insertInto('invoice_payment_applications')
    .values({
      tenant_id: tenantId,
      invoice_id: invoiceId,
      sort_order: nextSortOrder(db, 'invoice_payment_applications', tenantId, invoiceId),
      payment_id: paymentId,
      applied_amount: amount,
      reopened_amount: Money.zero(currency).toString(),
      applied_at: appliedAt,
    })
    .execute();
}

/** A refund reopens the payment's applications here oldest first, each at most what it applied less what was reopened (as evolveInvoice). */
async function reopenPaymentApplications(db: Db, tenantId: string, invoiceId: string, paymentId: string, amount: string, currency: string): Promise<void> {
  const applications = (await db
    .selectFrom('invoice_payment_applications')
    .select(['sort_order', 'applied_amount', 'reopened_amount'])
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .where('payment_id', '=', paymentId)
    .orderBy('sort_order')
    .execute()) as { sort_order: number; applied_amount: string; reopened_amount: string }[];
  let left = Money.of(amount, currency);
  for (const application of applications) {
    if (left.isZero()) break;
    const reopened = Money.of(application.reopened_amount, currency);
    const taken = Money.min(Money.of(application.applied_amount, currency).minus(reopened), left);
    left = left.minus(taken);
    await db
      .updateTable('invoice_payment_applications')
      .set({ reopened_amount: reopened.plus(taken).toString() })
      .where('tenant_id', '=', tenantId)
      .where('invoice_id', '=', invoiceId)
      .where('sort_order', '=', application.sort_order)
      .execute();
  }
}

async function insertLine(db: Db, tenantId: string, invoiceId: string, line: InvoiceLine, sortOrder: number | ReturnType<typeof nextSortOrder>): Promise<void> {
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
