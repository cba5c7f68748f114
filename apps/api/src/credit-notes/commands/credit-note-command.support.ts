import { requireCreditNotesFeature, type BillingSettings, type CreditNoteState } from '../../../../../libs/billing/src/index.js';
import { load, aggregates, type Attempt, type CommandContext, type LoadedStream } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION, type Position } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadBillingSettings } from '../../../../../libs/ledger-application/src/shared/billing-settings.js';
import { creditNoteViewFromState } from '../credit-note.view.js';
import type { CreditNotePayloadType } from '../credit-note.types.js';

/**
 * What every credit note command reads first, together: the note (at its revision; for a repeated command, where it
 * was first applied) and the tenant's settings. A repeated command gets its first outcome back as `replay`, even if
 * credit notes were turned off since; any other is refused with FEATURE_DISABLED while they are off.
 */
export async function loadCreditNoteCommand(
  services: LedgerServices,
  context: CommandContext,
  creditNoteId: string,
): Promise<{ note: LoadedStream<CreditNoteState>; settings: BillingSettings; replay: Attempt<CreditNotePayloadType> | undefined }> {
  const [note, settings] = await Promise.all([load(services.store, aggregates.creditNote, context.tenantId, creditNoteId, context.commandId), loadBillingSettings(services, context.tenantId)]);
  const { alreadyAppliedAt } = note;
  if (alreadyAppliedAt) return { note, settings, replay: { appends: [], result: () => creditNotePayload(note.state, alreadyAppliedAt) } };
  requireCreditNotesFeature(settings);
  return { note, settings, replay: undefined };
}


export function creditNotePayload(state: CreditNoteState, position: Position | undefined): CreditNotePayloadType {
  return { creditNote: creditNoteViewFromState(state), position: encodePosition(position ?? START_POSITION) };
}
