import { creditNoteApplicationReadsOf, decideCreditNoteApplication, evolveCreditNote } from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, storedAppend, executeWithRetry, streams, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { AppendRequest } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { ApplyCreditNoteCommandInput } from './credit-note.inputs.js';
import { creditNoteOutcome, loadCreditNoteCommand, type CreditNoteOutcome } from './credit-note-command.support.js';

/**
 * Applies part or all of an issued note's remaining credit, in ONE atomic append of what decideCreditNoteApplication
 * decides: the note's CreditNoteApplied and where the credit goes (INVOICE: InvoiceCreditApplied on that invoice;
 * CUSTOMER_ACCOUNT: CustomerAccountCredited on the customer's account; REFUND: money paid back, the note only). Every
 * stream is appended at the revision read, so two applications racing on one note or one invoice re-read and
 * re-decide: neither the note's remaining credit nor an invoice's balance can be over-applied.
 */
export function applyCreditNote(services: ApplicationServices, context: CommandContext, input: ApplyCreditNoteCommandInput): Promise<CreditNoteOutcome> {
  const { tenantId } = context;
  const noteStream = streams.creditNote(tenantId, input.creditNoteId);
  const applicationId = uuidV5(`${context.commandId}:credit-note-application`);
  const command = { creditNoteId: input.creditNoteId, applicationType: input.applicationType, invoiceId: input.invoiceId ?? null, amount: input.amount };
  return executeWithRetry(services.store, async () => {
    const { note, replay } = await loadCreditNoteCommand(services, context, input.creditNoteId);
    if (replay) return replay;
    const { invoiceId, customerId } = creditNoteApplicationReadsOf(note.state, command);
    const [invoice, account] = await Promise.all([
      invoiceId === null ? null : load(services.store, aggregates.invoice, context.tenantId, invoiceId, context.commandId),
      customerId === null ? null : load(services.store, aggregates.customerAccount, tenantId, customerId),
    ]);
    const decided = decideCreditNoteApplication({ note: note.state, invoice: invoice?.state ?? null, account: account?.state ?? null, command, ids: { applicationId }, now: context.now });
    const appends: AppendRequest[] = [{ streamId: noteStream, expectedRevision: note.expectedRevision, events: storedEvents(decided.note, context, noteStream) }];
    if (invoiceId !== null && invoice !== null && decided.invoice.length > 0) appends.push(storedAppend(context, streams.invoice(context.tenantId, invoiceId), invoice.expectedRevision, decided.invoice));
    if (customerId !== null && account !== null && decided.account.length > 0) {
      const accountStream = streams.customerAccount(tenantId, customerId);
      appends.push({ streamId: accountStream, expectedRevision: account.expectedRevision, events: storedEvents(decided.account, context, accountStream) });
    }
    return { appends, result: (position) => creditNoteOutcome(decided.note.reduce(evolveCreditNote, note.state), position ?? note.lastPosition) };
  });
}
