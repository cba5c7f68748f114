import { sql } from 'kysely';
import { creditNoteEventSchemas, creditNoteEventTypes, type CreditNoteEvent } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { recordedEventParser, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createCreditNoteTables } from './credit-notes.tables.js';

/**
 * The `credit_notes` read model: each note as it now is, and every application of its credit. Every figure comes
 * from the events (CreditNoteApplied carries the remaining credit and the status after it), never from the clock,
 * so a rebuild gives identical rows.
 */
export const creditNotesProjection: Projection = {
  name: 'credit_notes',
  version: 1,
  eventTypes: creditNoteEventTypes,
  tables: ['credit_notes', 'credit_note_applications'],
  createTables: createCreditNoteTables,
  apply: applyCreditNoteEvent,
};

export const parseCreditNoteRecordedEvent = recordedEventParser<CreditNoteEvent>(creditNoteEventSchemas, 'credit note');

async function applyCreditNoteEvent({ trx, schema }: ProjectionContext, recorded: RecordedEvent): Promise<void> {
  const tenantId = tenantOfStream(recorded.streamId);
  const event = parseCreditNoteRecordedEvent(recorded);
  const db = trx.withSchema(schema);
  const update = (values: Record<string, unknown>) =>
    db.updateTable('credit_notes').set(values).where('tenant_id', '=', tenantId).where('credit_note_id', '=', event.data.creditNoteId).execute();
  switch (event.type) {
    case 'CreditNoteDrafted': {
      const { data } = event;
      await db
        .insertInto('credit_notes')
        .values({
          tenant_id: tenantId,
          credit_note_id: data.creditNoteId,
          number: null,
          customer_id: data.customerId,
          source_invoice_id: data.sourceInvoiceId,
          type: data.type,
          reason: data.reason,
          status: 'draft',
          currency: data.currency,
          lines: JSON.stringify(data.lines),
          tax_breakdown: JSON.stringify(data.taxBreakdown),
          subtotal: data.subtotal,
          tax_total: data.taxTotal,
          total: data.total,
          // A draft grants nothing yet: its remaining credit is zero until it is issued (as in the decider's state).
          amount_applied: zeroLike(data.total),
          remaining: zeroLike(data.total),
          drafted_at: data.draftedAt,
          updated_at: data.draftedAt,
        })
        .execute();
      return;
    }
    case 'CreditNoteIssued':
      await update({ status: 'issued', number: event.data.number, remaining: event.data.total, issued_at: event.data.issuedAt, updated_at: event.data.issuedAt });
      return;
    case 'CreditNoteApplied': {
      const { data } = event;
      await db
        .insertInto('credit_note_applications')
        .values({
          tenant_id: tenantId,
          credit_note_id: data.creditNoteId,
          application_id: data.applicationId,
          application_type: data.applicationType,
          invoice_id: data.invoiceId,
          amount: data.amount,
          remaining_after: data.remaining,
          applied_at: data.appliedAt,
        })
        .execute();
      // total - remaining: exact, and with the currency's scale (both figures carry it).
      await update({ status: data.status, remaining: data.remaining, amount_applied: sql`total - ${data.remaining}::numeric`, updated_at: data.appliedAt });
      return;
    }
    case 'CreditNoteVoided':
      await update({ status: 'voided', remaining: zeroLike(event.data.total), voided_at: event.data.voidedAt, void_reason: event.data.reason, updated_at: event.data.voidedAt });
      return;
    default:
      assertNever(event);
  }
}

/** "0" with the scale of `amount` ("12.50" -> "0.00", "7" -> "0"). */
function zeroLike(amount: string): string {
  const point = amount.indexOf('.');
  return point < 0 ? '0' : `0.${'0'.repeat(amount.length - point - 1)}`;
}
