import { creditableOnInvoice, decideCreditNote, decideInvoice, evolveCreditNote, type InvoiceEvent, type IssueCreditNote } from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, storedAppend, executeWithRetry, streams, type CommandContext } from '../../../application/src/index.js';
import type { AppendRequest } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { takeDocumentNumber } from '../common/numbering.js';
import type { CreditNoteIdInput } from './credit-note.inputs.js';
import { creditNoteOutcome, loadCreditNoteCommand, type CreditNoteOutcome } from './credit-note-command.support.js';

/**
 * Issuing takes the next gapless credit-note number (template invoice.creditNoteNumberFormat, default
 * CN-{year}-{sequence:06d}, in the tenant's time zone) and, for a note with a source invoice, registers the note's total
 * on that invoice (InvoiceCreditNoteRegistered), in ONE atomic append of the sequence, the note and the invoice, each at
 * the revision read. Two notes on one invoice therefore can never together credit more than it: the second append
 * conflicts, re-reads the invoice's creditable amount and is refused (AMOUNT_EXCEEDS_CREDITABLE) if it no longer fits.
 */
export function issueCreditNote(services: ApplicationServices, context: CommandContext, input: CreditNoteIdInput): Promise<CreditNoteOutcome> {
  const { tenantId } = context;
  const noteStream = streams.creditNote(tenantId, input.creditNoteId);
  return executeWithRetry(services.store, async () => {
    const { note, settings, replay } = await loadCreditNoteCommand(services, context, input.creditNoteId);
    if (replay) return replay;
    const issue = (number: string, creditableOnSource: string | null): IssueCreditNote => ({
      type: 'IssueCreditNote',
      data: { creditNoteId: input.creditNoteId, number, creditableOnSource },
      metadata: { now: context.now },
    });
    // Check every rule of the note and the invoice first, so that a refused issue never touches the sequence.
    decideCreditNote(issue('provisional', null), note.state);
    const sourceInvoiceId = note.state.sourceInvoiceId;
    let creditableOnSource: string | null = null;
    const invoiceAppends: AppendRequest[] = [];
    if (sourceInvoiceId !== null) {
      const invoice = await load(services.store, aggregates.invoice, context.tenantId, sourceInvoiceId, context.commandId);
      creditableOnSource = creditableOnInvoice(invoice.state, sourceInvoiceId);
      decideCreditNote(issue('provisional', creditableOnSource), note.state);
      const invoiceEvents: InvoiceEvent[] = decideInvoice(
        { type: 'RegisterCreditNote', data: { invoiceId: sourceInvoiceId, creditNoteId: input.creditNoteId, amount: note.state.total, currency: note.state.currency as string }, metadata: { now: context.now } },
        invoice.state,
      );
      invoiceAppends.push(storedAppend(context, streams.invoice(context.tenantId, sourceInvoiceId), invoice.expectedRevision, invoiceEvents));
    }
    const { number, appends: numberAppends } = await takeDocumentNumber(services.store, context, settings, 'credit_note', input.creditNoteId, context.now);
    const noteEvents = decideCreditNote(issue(number, creditableOnSource), note.state);
    return {
      appends: [...numberAppends, { streamId: noteStream, expectedRevision: note.expectedRevision, events: storedEvents(noteEvents, context, noteStream) }, ...invoiceAppends],
      result: (position) => creditNoteOutcome(noteEvents.reduce(evolveCreditNote, note.state), position ?? note.lastPosition),
    };
  });
}
