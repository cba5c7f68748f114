import { creditNoteEventSchemas, DomainError, type BillingSettings, type CreditNoteEvent, type CreditNoteState, type InvoiceState } from '../../../../../libs/billing/src/index.js';
import { toEventData, type Attempt, type CommandContext, type LoadedStream } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION, type EventData, type Position } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadBillingSettings } from '../../settings/billing-settings.loader.js';
import { loadCreditNote } from '../credit-note-stream.js';
import { creditNoteViewFromState } from '../credit-note.view.js';
import type { CreditNotePayloadType } from '../credit-note.types.js';

/** FEATURE_DISABLED while the tenant's settings turn credit notes off (features.creditNotes), for every credit note command. */
export function requireCreditNotesEnabled(settings: BillingSettings): void {
  if (!settings.features.creditNotes) {
    throw new DomainError('FEATURE_DISABLED', "Credit notes are turned off in this tenant's billing settings (features.creditNotes)", { feature: 'creditNotes' });
  }
}

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
  const [note, settings] = await Promise.all([loadCreditNote(services.store, context.tenantId, creditNoteId, context.commandId), loadBillingSettings(services, context.tenantId)]);
  const { alreadyAppliedAt } = note;
  if (alreadyAppliedAt) return { note, settings, replay: { appends: [], result: () => creditNotePayload(note.state, alreadyAppliedAt) } };
  requireCreditNotesEnabled(settings);
  return { note, settings, replay: undefined };
}

export function creditNoteEventData(events: readonly CreditNoteEvent[], context: CommandContext, streamId: string): EventData[] {
  return events.map((event, index) => toEventData(event, context, streamId, index, creditNoteEventSchemas[event.type].schemaVersion));
}

export function creditNotePayload(state: CreditNoteState, position: Position | undefined): CreditNotePayloadType {
  return { creditNote: creditNoteViewFromState(state), position: encodePosition(position ?? START_POSITION) };
}

/**
 * The invoice a credit (a note's source, or where credit is applied) must exist and belong to the same customer; a
 * note credits its own customer's invoices only. The currency is the invoice decider's to check (CURRENCY_MISMATCH).
 */
export function requireInvoiceOfCustomer(invoice: InvoiceState, invoiceId: string, customerId: string, field: string): void {
  if (invoice.status === 'none' || invoice.customerId === null) {
    throw new DomainError('NOT_FOUND', `Invoice ${invoiceId} does not exist`, { invoiceId, field });
  }
  if (invoice.customerId !== customerId) {
    throw new DomainError('VALIDATION_FAILED', `Invoice ${invoiceId} belongs to another customer than ${customerId}: credit only goes to the customer's own invoices`, {
      field,
      invoiceId,
      customerId,
    });
  }
}
