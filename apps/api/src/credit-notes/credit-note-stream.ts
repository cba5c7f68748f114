import { creditNoteDecider, creditNoteEventSchemas, type CreditNoteEvent } from '../../../../libs/billing/src/index.js';
import { loadStream, recordedEventParser, streams } from '../../../../libs/application/src/index.js';
import type { EventStore } from '../../../../libs/event-store/src/index.js';

/** Parses one stored credit note event through its zod contract; anything else on the stream is a broken invariant. */
export const parseCreditNoteEvent = recordedEventParser<CreditNoteEvent>(creditNoteEventSchemas, 'credit note');

export function loadCreditNote(store: EventStore, tenantId: string, creditNoteId: string, commandId?: string) {
  return loadStream(store, streams.creditNote(tenantId, creditNoteId), creditNoteDecider, parseCreditNoteEvent, commandId);
}
