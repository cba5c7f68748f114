import {
  assertNever,
  decideCreditNote,
  decideCustomerAccount,
  decideInvoice,
  evolveCreditNote,
  type CreditNoteApplied,
} from '../../../../../libs/billing/src/index.js';
import { executeWithRetry, streams, uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { AppendRequest } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { invoiceAppend, loadInvoice } from '../../invoices/commands/invoice-command.support.js';
import { loadCustomerAccount } from '../../customer-credit/customer-account-stream.js';
import { customerAccountEventData } from '../../customer-credit/customer-credit-application.js';
import type { ApplyCreditNoteInput, CreditNotePayloadType } from '../credit-note.types.js';
import { creditNoteEventData, creditNotePayload, loadCreditNoteCommand, requireInvoiceOfCustomer } from './credit-note-command.support.js';

/**
 * Applies part or all of an issued note's remaining credit, in ONE atomic append of the note's CreditNoteApplied and
 * where the credit goes: INVOICE adds InvoiceCreditApplied on that invoice (same customer and currency, never above its
 * balance due), CUSTOMER_ACCOUNT adds CustomerAccountCredited (source credit_note) on the customer's account, REFUND is
 * money paid back and touches only the note. Every stream is appended at the revision read, so two applications racing
 * on one note or one invoice re-read and re-decide: neither the note's remaining credit nor an invoice's balance can be
 * over-applied.
 */
export function applyCreditNote(services: LedgerServices, context: CommandContext, input: ApplyCreditNoteInput): Promise<CreditNotePayloadType> {
  const { tenantId } = context;
  const noteStream = streams.creditNote(tenantId, input.creditNoteId);
  const applicationId = uuidV5(`${context.commandId}:credit-note-application`);
  return executeWithRetry(services.store, async () => {
    const { note, replay } = await loadCreditNoteCommand(services, context, input.creditNoteId);
    if (replay) return replay;
    const noteEvents = decideCreditNote(
      {
        type: 'ApplyCreditNote',
        data: { creditNoteId: input.creditNoteId, applicationId, applicationType: input.applicationType, invoiceId: input.invoiceId ?? null, amount: input.amount },
        metadata: { now: context.now },
      },
      note.state,
    );
    const applied = noteEvents.find((event): event is CreditNoteApplied => event.type === 'CreditNoteApplied');
    const targetAppends = applied === undefined ? [] : await destinationAppends(services, context, applied);
    return {
      appends: [{ streamId: noteStream, expectedRevision: note.expectedRevision, events: creditNoteEventData(noteEvents, context, noteStream) }, ...targetAppends],
      result: (position) => creditNotePayload(noteEvents.reduce(evolveCreditNote, note.state), position ?? note.lastPosition),
    };
  });
}

/** The other side of the application: the invoice credited, or the customer's account; nothing for a refund. */
async function destinationAppends(services: LedgerServices, context: CommandContext, applied: CreditNoteApplied): Promise<AppendRequest[]> {
  const { tenantId } = context;
  const { data } = applied;
  switch (data.applicationType) {
    case 'invoice': {
      const invoiceId = data.invoiceId as string;
      const invoice = await loadInvoice(services, context, invoiceId);
      requireInvoiceOfCustomer(invoice.state, invoiceId, data.customerId, 'invoiceId');
      const events = decideInvoice(
        {
          type: 'ApplyCreditToInvoice',
          data: { invoiceId, applicationId: data.applicationId, source: 'credit_note', sourceId: data.creditNoteId, amount: data.amount, currency: data.currency },
          metadata: { now: context.now },
        },
        invoice.state,
      );
      return [invoiceAppend(context, invoiceId, invoice.expectedRevision, events)];
    }
    case 'customer_account': {
      const account = await loadCustomerAccount(services.store, tenantId, data.customerId);
      const events = decideCustomerAccount(
        {
          type: 'CreditCustomerAccount',
          data: { customerId: data.customerId, entryId: data.applicationId, amount: data.amount, currency: data.currency, source: 'credit_note', sourceId: data.creditNoteId },
          metadata: { now: context.now },
        },
        account.state,
      );
      const streamId = streams.customerAccount(tenantId, data.customerId);
      return [{ streamId, expectedRevision: account.expectedRevision, events: customerAccountEventData(events, context, streamId) }];
    }
    case 'refund':
      // Money paid back to the customer outside the ledger's accounts: the note's own event is the whole record.
      return [];
    default:
      return assertNever(data.applicationType, 'credit application type');
  }
}
