import type { BillingSettings } from '../billing-settings/index.js';
import { decideCreditNote, type CreateCreditNote, type CreditApplicationType, type CreditNoteApplied, type CreditNoteEvent, type CreditNoteState } from '../credit-note/index.js';
import { decideCustomerAccount, type CustomerAccountEvent, type CustomerAccountState } from '../customer-account/index.js';
import { decideInvoice, type InvoiceEvent, type InvoiceState } from '../invoice/index.js';
import { creditableOnInvoice } from '../payability/index.js';
import { requireCreditNoteCurrencySupported } from '../settings-requirements/index.js';
import { assertNever } from '../common/assert-never.js';
import { DomainError } from '../common/domain-error.js';

/**
 * Credit that moves between aggregates: customer credit spent on an invoice, a credit note applied to an invoice or
 * to the customer's account, and a credit note drafted on a source invoice. Each function decides every stream the
 * movement touches, on the states the caller read, in one go; the caller appends each stream's events at the
 * revision it read, in one atomic append.
 */

/**
 * The invoice credit goes to (a note's source, or where credit is applied) must exist (NOT_FOUND) and belong to the
 * same customer (VALIDATION_FAILED): a note or an account credits its own customer's invoices only. The currency is
 * the invoice decider's to check (CURRENCY_MISMATCH).
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

export interface CustomerCreditApplicationInput {
  readonly invoice: InvoiceState;
  readonly account: CustomerAccountState;
  readonly command: { readonly customerId: string; readonly invoiceId: string; readonly amount: string; readonly currency: string };
  /** The application's id, recorded on both sides. */
  readonly ids: { readonly applicationId: string };
  readonly now: string;
}

/**
 * The two sides of spending customer credit on an invoice: the invoice's InvoiceCreditApplied (source
 * customer_credit) and the account's CustomerCreditApplied, under one application id. Checked in this order: the
 * invoice is the customer's (requireInvoiceOfCustomer), the invoice's rules (open, same currency, within the balance
 * due), then the account's (INSUFFICIENT_CREDIT).
 */
export function decideCustomerCreditApplication({ invoice, account, command, ids, now }: CustomerCreditApplicationInput): { invoice: InvoiceEvent[]; account: CustomerAccountEvent[] } {
  const { customerId, invoiceId, amount, currency } = command;
  const { applicationId } = ids;
  requireInvoiceOfCustomer(invoice, invoiceId, customerId, 'invoiceId');
  const invoiceEvents = decideInvoice(
    { type: 'ApplyCreditToInvoice', data: { invoiceId, applicationId, source: 'customer_credit', sourceId: customerId, amount, currency }, metadata: { now } },
    invoice,
  );
  const accountEvents = decideCustomerAccount({ type: 'ApplyCustomerCredit', data: { customerId, applicationId, invoiceId, amount, currency }, metadata: { now } }, account);
  return { invoice: invoiceEvents, account: accountEvents };
}

export interface CreditNoteApplicationRequest {
  readonly creditNoteId: string;
  readonly applicationType: CreditApplicationType;
  /** Required for an application to an invoice, refused for the other types. */
  readonly invoiceId: string | null;
  readonly amount: string;
}

export interface CreditNoteApplicationInput {
  readonly note: CreditNoteState;
  /** The invoice credited, as read (creditNoteApplicationReadsOf): required for an application to an invoice. */
  readonly invoice: InvoiceState | null;
  /** The note's customer account, as read: required for an application to the customer account. */
  readonly account: CustomerAccountState | null;
  readonly command: CreditNoteApplicationRequest;
  readonly ids: { readonly applicationId: string };
  readonly now: string;
}

/** The streams an application of this note reads besides the note: the invoice credited, or the note's customer account. */
export function creditNoteApplicationReadsOf(note: CreditNoteState, command: Pick<CreditNoteApplicationRequest, 'applicationType' | 'invoiceId'>): { invoiceId: string | null; customerId: string | null } {
  return {
    invoiceId: command.applicationType === 'invoice' ? command.invoiceId : null,
    customerId: command.applicationType === 'customer_account' ? note.customerId : null,
  };
}

/**
 * Applies part or all of an issued note's remaining credit: the note's CreditNoteApplied (its own rules first), then
 * where the credit goes. `invoice`: InvoiceCreditApplied on that invoice (the customer's, same currency, never above
 * its balance due); `customer_account`: CustomerAccountCredited (source credit_note, the application id as entry id)
 * on the customer's account; `refund`: money paid back outside the ledger's accounts, so the note's own event is the
 * whole record. An application already made decides nothing anywhere.
 */
export function decideCreditNoteApplication({ note, invoice, account, command, ids, now }: CreditNoteApplicationInput): {
  note: CreditNoteEvent[];
  invoice: InvoiceEvent[];
  account: CustomerAccountEvent[];
} {
  const metadata = { now };
  const noteEvents = decideCreditNote(
    {
      type: 'ApplyCreditNote',
      data: { creditNoteId: command.creditNoteId, applicationId: ids.applicationId, applicationType: command.applicationType, invoiceId: command.invoiceId, amount: command.amount },
      metadata,
    },
    note,
  );
  const applied = noteEvents.find((event): event is CreditNoteApplied => event.type === 'CreditNoteApplied');
  const none = { note: noteEvents, invoice: [], account: [] };
  if (applied === undefined) return none;
  const { data } = applied;
  switch (data.applicationType) {
    case 'invoice': {
      const invoiceId = data.invoiceId as string;
      if (invoice === null) throw new Error(`credit note application ${data.applicationId} credits invoice ${invoiceId}, which was not read`);
      requireInvoiceOfCustomer(invoice, invoiceId, data.customerId, 'invoiceId');
      const invoiceEvents = decideInvoice(
        { type: 'ApplyCreditToInvoice', data: { invoiceId, applicationId: data.applicationId, source: 'credit_note', sourceId: data.creditNoteId, amount: data.amount, currency: data.currency }, metadata },
        invoice,
      );
      return { ...none, invoice: invoiceEvents };
    }
    case 'customer_account': {
      if (account === null) throw new Error(`credit note application ${data.applicationId} credits the account of ${data.customerId}, which was not read`);
      const accountEvents = decideCustomerAccount(
        {
          type: 'CreditCustomerAccount',
          data: { customerId: data.customerId, entryId: data.applicationId, amount: data.amount, currency: data.currency, source: 'credit_note', sourceId: data.creditNoteId },
          metadata,
        },
        account,
      );
      return { ...none, account: accountEvents };
    }
    case 'refund':
      return none;
    default:
      return assertNever(data.applicationType, 'credit application type');
  }
}

/**
 * What a note drafted on `sourceInvoiceId` may credit: the invoice is the note's customer's (requireInvoiceOfCustomer,
 * field sourceInvoiceId), in the note's currency (CURRENCY_MISMATCH) and issued (creditableOnInvoice).
 */
export function creditableOnSourceInvoice(invoice: InvoiceState, sourceInvoiceId: string, note: { readonly customerId: string; readonly currency: string }): string {
  requireInvoiceOfCustomer(invoice, sourceInvoiceId, note.customerId, 'sourceInvoiceId');
  if (invoice.currency !== note.currency) {
    throw new DomainError('CURRENCY_MISMATCH', `Invoice ${sourceInvoiceId} is in ${invoice.currency}: a credit note on it must be in the same currency, not ${note.currency}`, {
      invoiceId: sourceInvoiceId,
      expected: invoice.currency,
      actual: note.currency,
    });
  }
  return creditableOnInvoice(invoice, sourceInvoiceId);
}

export interface CreditNoteDraftInput {
  readonly settings: BillingSettings;
  readonly note: CreditNoteState;
  /** The source invoice as read, when the command names one. */
  readonly sourceInvoice: InvoiceState | null;
  /** CreateCreditNote's data; what is creditable on the source is worked out here. */
  readonly command: Omit<CreateCreditNote['data'], 'creditableOnSource'>;
  readonly now: string;
}

/**
 * A draft credit note, checked in this order: the tenant bills in its currency (settings), the source invoice when
 * there is one (creditableOnSourceInvoice), then the note's own rules, against what is still creditable on the source
 * now (the check that counts is made again, atomically, when the note is issued).
 */
export function decideCreditNoteDraft({ settings, note, sourceInvoice, command, now }: CreditNoteDraftInput): CreditNoteEvent[] {
  requireCreditNoteCurrencySupported(settings, command.currency);
  const sourceInvoiceId = command.sourceInvoiceId ?? null;
  let creditableOnSource: string | null = null;
  if (sourceInvoiceId !== null) {
    if (sourceInvoice === null) throw new Error(`credit note ${command.creditNoteId} is drafted on invoice ${sourceInvoiceId}, which was not read`);
    creditableOnSource = creditableOnSourceInvoice(sourceInvoice, sourceInvoiceId, command);
  }
  return decideCreditNote({ type: 'CreateCreditNote', data: { ...command, sourceInvoiceId, creditableOnSource }, metadata: { now } }, note);
}
