import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import type { CreditNoteOutcome } from '../../../../libs/ledger-application/src/index.js';
import type { CreditNotePayloadType } from './credit-note.types.js';
import { creditNoteViewFromState } from './credit-note.view.js';

/** A credit note mutation's answer, from what its handler returns. */
export function creditNotePayload({ state, position }: CreditNoteOutcome): CreditNotePayloadType {
  return { creditNote: creditNoteViewFromState(state), position: encodePosition(position ?? START_POSITION) };
}
