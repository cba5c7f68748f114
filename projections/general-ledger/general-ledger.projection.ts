import type { z } from 'zod';
import {
  creditNoteEventSchemas,
  customerAccountEventSchemas,
  invoiceEventSchemas,
  paymentEventSchemas,
  postingsFor,
  type IssuedInvoiceFigures,
  type JournalEntry,
  type LedgerPostingContext,
  type LedgerSourceEvent,
} from '../../libs/billing/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createGeneralLedgerTables } from './general-ledger.tables.js';

/**
 * Every event the posting rules read (including those that post nothing), by stored type name: the invoice, payment,
 * credit note and customer account events. Exactly one event of each money movement posts (PaymentAllocated, not the
 * InvoicePaymentApplied it comes with; PaymentRefunded, not InvoicePaymentRefunded or CustomerAccountDebited; ...):
 * postingsFor decides, this projection only writes what it returns.
 */
const ledgerEventSchemas: Record<string, { data: z.ZodTypeAny }> = { ...invoiceEventSchemas, ...paymentEventSchemas, ...creditNoteEventSchemas, ...customerAccountEventSchemas };

/**
 * The `general_ledger` read model: the balanced journal entries every financial event posts (libs/billing
 * general-ledger postingsFor), one row per entry and one per line. Rows are derived from the event only (ids from
 * the event id, times from the event), so a rebuild gives identical rows, and a redelivered event overwrites.
 */
export const generalLedgerProjection: Projection = {
  name: 'general_ledger',
  // Version 2: payment events (allocations, refunds) and invoice write-offs post, so stored ledgers rebuild from zero.
  version: 2,
  eventTypes: Object.keys(ledgerEventSchemas),
  tables: ['journal_entries', 'journal_lines', 'gl_issued_invoices'],
  createTables: createGeneralLedgerTables,
  apply: applyLedgerEvent,
};

export function parseLedgerEvent(recorded: RecordedEvent): LedgerSourceEvent {
  const schema = ledgerEventSchemas[recorded.type];
  if (!schema) throw new Error(`general ledger: not a ledger event: ${recorded.type}`);
  return { type: recorded.type, data: schema.data.parse(recorded.data), eventId: recorded.eventId, recordedAt: recorded.recordedAt.toISOString() } as LedgerSourceEvent;
}

async function applyLedgerEvent({ trx, schema }: ProjectionContext, recorded: RecordedEvent): Promise<void> {
  const tenantId = tenantOfStream(recorded.streamId);
  const event = parseLedgerEvent(recorded);
  const db = trx.withSchema(schema);
  const context: LedgerPostingContext = {};
  if (event.type === 'InvoiceIssued') {
    const { invoiceId, customerId, number, currency, subtotal, taxTotal, total, taxBreakdown } = event.data;
    const figures: IssuedInvoiceFigures = { invoiceId, customerId, number, currency, subtotal, taxTotal, total, ...(taxBreakdown === undefined ? {} : { taxBreakdown }) };
    await db
      .insertInto('gl_issued_invoices')
      .values({ tenant_id: tenantId, invoice_id: invoiceId, figures: JSON.stringify(figures) })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'invoice_id']).doUpdateSet({ figures: JSON.stringify(figures) }))
      .execute();
  } else if (event.type === 'InvoiceVoided') {
    const row = (await db.selectFrom('gl_issued_invoices').select('figures').where('tenant_id', '=', tenantId).where('invoice_id', '=', event.data.invoiceId).executeTakeFirst()) as
      | { figures: IssuedInvoiceFigures }
      | undefined;
    // A draft voided was never posted: there is nothing to reverse.
    context.issuedInvoice = row ? row.figures : null;
  }
  // postingsFor asserts every entry balanced before it is returned.
  const entries = postingsFor(event, context);
  for (const entry of entries) await writeEntry(db, tenantId, entry, recorded);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function writeEntry(db: any, tenantId: string, entry: JournalEntry, recorded: RecordedEvent): Promise<void> {
  // Re-posting a redelivered event replaces the entry's rows rather than adding to them.
  await db.deleteFrom('journal_lines').where('tenant_id', '=', tenantId).where('entry_id', '=', entry.entryId).execute();
  await db.deleteFrom('journal_entries').where('tenant_id', '=', tenantId).where('entry_id', '=', entry.entryId).execute();
  await db
    .insertInto('journal_entries')
    .values({
      tenant_id: tenantId,
      entry_id: entry.entryId,
      source_event_id: entry.sourceEventId,
      source_event_type: entry.sourceEventType,
      source_id: entry.sourceId,
      customer_id: entry.customerId,
      currency: entry.currency,
      description: entry.description,
      occurred_at: entry.occurredAt,
      recorded_at: entry.recordedAt,
      position: encodePosition(recorded.position),
      commit_position: recorded.position.commit.toString(),
      prepare_position: recorded.position.prepare.toString(),
    })
    .execute();
  await db
    .insertInto('journal_lines')
    .values(
      entry.lines.map((line, index) => ({
        tenant_id: tenantId,
        entry_id: entry.entryId,
        line_no: index,
        account: line.account,
        debit: line.debit,
        credit: line.credit,
        tax: line.tax === undefined ? null : JSON.stringify(line.tax),
      })),
    )
    .execute();
}
