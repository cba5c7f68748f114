import { sql } from 'kysely';
import type { InvoiceEvent, InvoiceLine } from '../../libs/billing/src/index.js';
import { invoiceEventSchemas, invoiceEventTypes } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/shared/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createInvoiceTables } from './invoices.tables.js';

/** The `invoices` read model: one row per invoice with its lines, totals, payments, balance and status. */
export const invoicesProjection: Projection = {
  name: 'invoices',
  // Version 2: a draft's balance_due is zero (version 1 showed the draft total), so stored read models rebuild.
  version: 2,
  eventTypes: invoiceEventTypes,
  tables: ['invoices', 'invoice_lines', 'invoice_payments'],
  createTables: createInvoiceTables,
  apply: applyInvoiceEvent,
};

export function parseInvoiceEvent(recorded: RecordedEvent): InvoiceEvent {
  const schema = invoiceEventSchemas[recorded.type as keyof typeof invoiceEventSchemas];
  if (!schema) throw new Error(`not an invoice event: ${recorded.type}`);
  return { type: recorded.type, data: schema.data.parse(recorded.data) } as InvoiceEvent;
}

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
      await refreshDraftTotals(db, schema, tenantId, data.invoiceId, at);
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
      await refreshDraftTotals(db, schema, tenantId, event.data.invoiceId, at);
      return;
    }
    case 'InvoiceLineRemoved':
      await db.deleteFrom('invoice_lines').where('tenant_id', '=', tenantId).where('invoice_id', '=', event.data.invoiceId).where('line_id', '=', event.data.lineId).execute();
      await refreshDraftTotals(db, schema, tenantId, event.data.invoiceId, at);
      return;
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
      tax_amount: line.taxAmount,
    })
    .execute();
}

/** While draft, totals follow the lines (the decider rounds per line, so sums of line amounts are exact). */
async function refreshDraftTotals(db: Db, schema: string, tenantId: string, invoiceId: string, at: Date): Promise<void> {
  // Raw fragments are not schema-qualified by withSchema(): name the lines table explicitly.
  const lines = sql.table(`${schema}.invoice_lines`);
  await db
    .updateTable('invoices')
    .set({
      subtotal: sql`coalesce((select sum(l.amount) from ${lines} l where l.tenant_id = invoices.tenant_id and l.invoice_id = invoices.invoice_id), 0)`,
      tax_total: sql`coalesce((select sum(l.tax_amount) from ${lines} l where l.tenant_id = invoices.tenant_id and l.invoice_id = invoices.invoice_id), 0)`,
      line_count: sql`(select count(*) from ${lines} l where l.tenant_id = invoices.tenant_id and l.invoice_id = invoices.invoice_id)::int`,
      last_event_at: at,
    })
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .execute();
  await db
    .updateTable('invoices')
    // Nothing is receivable before issue: a draft's balance due stays zero (as in the decider's state).
    .set({ total: sql`subtotal + tax_total` })
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .execute();
}
