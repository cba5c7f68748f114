import { requireCreditNotesFeature, type BillingSettings, type CreditNoteState } from '../../../billing/src/index.js';
import { load, aggregates, type Attempt, type CommandContext, type LoadedStream } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';

/**
 * What every credit note command reads first, together: the note (at its revision; for a repeated command, where it
 * was first applied) and the tenant's settings. A repeated command gets its first outcome back as `replay`, even if
 * credit notes were turned off since; any other is refused with FEATURE_DISABLED while they are off.
 */
export async function loadCreditNoteCommand(
  services: ApplicationServices,
  context: CommandContext,
  creditNoteId: string,
): Promise<{ note: LoadedStream<CreditNoteState>; settings: BillingSettings; replay: Attempt<CreditNoteOutcome> | undefined }> {
  const [note, settings] = await Promise.all([load(services.store, aggregates.creditNote, context.tenantId, creditNoteId, context.commandId), loadBillingSettings(services, context.tenantId)]);
  const { alreadyAppliedAt } = note;
  if (alreadyAppliedAt) return { note, settings, replay: { appends: [], result: () => creditNoteOutcome(note.state, alreadyAppliedAt) } };
  requireCreditNotesFeature(settings);
  return { note, settings, replay: undefined };
}


/** A credit note as a command left it, and the position of its events (or of where it was first applied). */
export interface CreditNoteOutcome {
  readonly state: CreditNoteState;
  readonly position: Position | undefined;
}

export function creditNoteOutcome(state: CreditNoteState, position: Position | undefined): CreditNoteOutcome {
  return { state, position };
}
