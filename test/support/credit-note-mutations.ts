import type { CommandContext } from '../../libs/application/src/index.js';
import * as handlers from '../../libs/ledger-application/src/index.js';
import { creditNotePayload } from '../../apps/api/src/credit-notes/credit-note.payload.js';
import type { LedgerServices } from '../../apps/api/src/ledger-services.js';
import type { CreateCreditNoteInput, IssueCreditNoteInput } from '../../apps/api/src/credit-notes/credit-note.types.js';

/** The credit note mutations as a resolver runs them: the handler, then the payload the API answers with. */
export async function createCreditNote(services: LedgerServices, context: CommandContext, input: CreateCreditNoteInput) {
  return creditNotePayload(await handlers.createCreditNote(services, context, input));
}

export async function issueCreditNote(services: LedgerServices, context: CommandContext, input: IssueCreditNoteInput) {
  return creditNotePayload(await handlers.issueCreditNote(services, context, input));
}
