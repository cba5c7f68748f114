import { creditNoteEventTypes } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createCreditNoteTables } from './credit-notes.tables.js';
import { formatDecimal, parseComputedDecimal } from '../../libs/money/src/index.js';
import { insertRows, keyOf, loadRows, upsertRows, type Row } from '../common/batch-rows.js';

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
  applyBatch: applyCreditNoteBatch,
};

/** The registry's parser of the aggregate's stored events (libs/application/src/aggregates.ts). */
export const parseCreditNoteRecordedEvent = aggregates.creditNote.parse;

const NOTE_KEY = ['tenant_id', 'credit_note_id'];

/**
 * The batch folded in memory: the notes it touches are loaded in one statement, each event applied in log order,
 * then every touched note written once (one upsert) and the batch's applications inserted (one multi-row INSERT).
 */
async function applyCreditNoteBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ tenantId: tenantOfStream(recorded.streamId), event: parseCreditNoteRecordedEvent(recorded) }));
  const notes = new Map<string, Row>();
  for (const row of await loadRows(context, 'credit_notes', NOTE_KEY, parsed.map(({ tenantId, event }) => [tenantId, event.data.creditNoteId]))) {
    notes.set(keyOf(row.tenant_id as string, row.credit_note_id as string), row);
  }
  const touched = new Set<string>();
  const applications: Row[] = [];
  for (const { tenantId, event } of parsed) {
    const key = keyOf(tenantId, event.data.creditNoteId);
    // A change to a note never drafted changes nothing, as the UPDATE did.
    const update = (values: Row) => {
      const row = notes.get(key);
      if (row) notes.set(key, { ...row, ...values });
    };
    switch (event.type) {
      case 'CreditNoteDrafted': {
        const { data } = event;
        // Drafted once: a second draft fails the batch, as the one-row INSERT did.
        if (notes.has(key)) throw new Error(`credit_notes: credit note ${data.creditNoteId} of ${tenantId} is drafted already`);
        notes.set(key, {
          tenant_id: tenantId,
          credit_note_id: data.creditNoteId,
          number: null,
          customer_id: data.customerId,
          source_invoice_id: data.sourceInvoiceId,
          type: data.type,
          reason: data.reason,
          status: 'draft',
          currency: data.currency,
          lines: data.lines,
          tax_breakdown: data.taxBreakdown,
          subtotal: data.subtotal,
          tax_total: data.taxTotal,
          total: data.total,
          // A draft grants nothing yet: its remaining credit is zero until it is issued (as in the decider's state).
          amount_applied: zeroLike(data.total),
          remaining: zeroLike(data.total),
          drafted_at: data.draftedAt,
          issued_at: null,
          voided_at: null,
          void_reason: null,
          updated_at: data.draftedAt,
        });
        break;
      }
      case 'CreditNoteIssued':
        update({ status: 'issued', number: event.data.number, remaining: event.data.total, issued_at: event.data.issuedAt, updated_at: event.data.issuedAt });
        break;
      case 'CreditNoteApplied': {
        const { data } = event;
        applications.push({
          tenant_id: tenantId,
          credit_note_id: data.creditNoteId,
          application_id: data.applicationId,
          application_type: data.applicationType,
          invoice_id: data.invoiceId,
          amount: data.amount,
          remaining_after: data.remaining,
          applied_at: data.appliedAt,
        });
        const row = notes.get(key);
        if (row) update({ status: data.status, remaining: data.remaining, amount_applied: difference(row.total as string, data.remaining), updated_at: data.appliedAt });
        break;
      }
      case 'CreditNoteVoided':
        update({ status: 'voided', remaining: zeroLike(event.data.total), voided_at: event.data.voidedAt, void_reason: event.data.reason, updated_at: event.data.voidedAt });
        break;
      default:
        assertNever(event);
    }
    if (notes.has(key)) touched.add(key);
  }
  await upsertRows(context, 'credit_notes', NOTE_KEY, [...touched].map((key) => notes.get(key) as Row));
  await insertRows(context, 'credit_note_applications', applications);
}

/**
 * `total - remaining` exactly as PostgreSQL subtracts two unconstrained numerics: the result has the larger scale
 * of the two ("12.00" - "0.00" = "12.00"). Both carry the currency's scale, so nothing is ever rounded (formatDecimal
 * refuses to drop a digit).
 */
function difference(total: string, remaining: string): string {
  return formatDecimal(parseComputedDecimal(total).minus(parseComputedDecimal(remaining)), Math.max(scaleOf(total), scaleOf(remaining)));
}

function scaleOf(amount: string): number {
  const point = amount.indexOf('.');
  return point < 0 ? 0 : amount.length - point - 1;
}

/** "0" with the scale of `amount` ("12.50" -> "0.00", "7" -> "0"). */
function zeroLike(amount: string): string {
  const point = amount.indexOf('.');
  return point < 0 ? '0' : `0.${'0'.repeat(amount.length - point - 1)}`;
}
