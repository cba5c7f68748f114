import { decideCreditNote, decideInvoice, evolveCreditNote, type CreditNoteVoided } from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, storedAppend, executeWithRetry, streams, type CommandContext } from '../../../application/src/index.js';
import type { AppendRequest } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { VoidCreditNoteCommandInput } from './credit-note.inputs.js';
import { creditNoteOutcome, loadCreditNoteCommand, type CreditNoteOutcome } from './credit-note-command.support.js';

/**
 * Voids a draft or an issued note (one with credit applied is refused, CREDIT_NOTE_HAS_APPLICATIONS: an applied part
 * is never undone). An issued note on a source invoice gives its total back to what is creditable there
 * (InvoiceCreditNoteReleased) in the same atomic append. The number stays taken: numbering is gapless.
 */
export function voidCreditNote(services: ApplicationServices, context: CommandContext, input: VoidCreditNoteCommandInput): Promise<CreditNoteOutcome> {
  const { tenantId } = context;
  const noteStream = streams.creditNote(tenantId, input.creditNoteId);
  return executeWithRetry(services.store, async () => {
    const { note, replay } = await loadCreditNoteCommand(services, context, input.creditNoteId);
    if (replay) return replay;
    const noteEvents = decideCreditNote({ type: 'VoidCreditNote', data: { creditNoteId: input.creditNoteId, reason: input.reason }, metadata: { now: context.now } }, note.state);
    const voided = noteEvents.find((event): event is CreditNoteVoided => event.type === 'CreditNoteVoided');
    const invoiceAppends: AppendRequest[] = [];
    const sourceInvoiceId = note.state.sourceInvoiceId;
    if (voided !== undefined && voided.data.statusBefore === 'issued' && sourceInvoiceId !== null) {
      const invoice = await load(services.store, aggregates.invoice, context.tenantId, sourceInvoiceId, context.commandId);
      // What the note took and never applied becomes creditable again (its whole total: a note with applications cannot be voided).
      const invoiceEvents = decideInvoice(
        { type: 'ReleaseCreditNote', data: { invoiceId: sourceInvoiceId, creditNoteId: input.creditNoteId, amount: note.state.remaining, currency: voided.data.currency }, metadata: { now: context.now } },
        invoice.state,
      );
      invoiceAppends.push(storedAppend(context, streams.invoice(context.tenantId, sourceInvoiceId), invoice.expectedRevision, invoiceEvents));
    }
    return {
      appends: [{ streamId: noteStream, expectedRevision: note.expectedRevision, events: storedEvents(noteEvents, context, noteStream) }, ...invoiceAppends],
      result: (position) => creditNoteOutcome(noteEvents.reduce(evolveCreditNote, note.state), position ?? note.lastPosition),
    };
  });
}
