import { Money } from '../../../money/src/index.js';
import type { CreditNoteEvent, CreditNoteTaxBreakdownEntry } from '../credit-note/credit-note.events.js';
import type { CustomerAccountEvent } from '../customer-account/customer-account.events.js';
import type { InvoiceEvent, InvoiceIssued, InvoiceTaxBreakdownEntry } from '../invoice/invoice.events.js';
import type { PaymentEvent } from '../payment/payment.events.js';
import type { BankAccountEvent } from '../banking/bank-account/bank-account.events.js';
import type { BankReconciliationEvent, StatementLinesMatched } from '../banking/bank-reconciliation/bank-reconciliation.events.js';
import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import { requireRecordedIdentifier, validationFailed } from '../common/validation.js';
import { journalEntryOf, type JournalEntry, type PostingDraft, type PostingLeg } from './general-ledger.journal.js';

/**
 * Posting rules: which balanced journal entries each financial event posts (docs/domain.md, "General ledger"). Pure:
 * the same event (and context) always gives the same entries, with ids derived from the event id, so a projection that
 * re-posts a redelivered event overwrites rather than doubles. Every entry is in the event's single currency and is
 * asserted balanced before it is returned.
 *
 * Exactly one event posts each money movement; the events that mirror it on the other aggregates of the same append
 * post nothing, or the movement would be counted twice.
 *
 *   InvoiceIssued            Dr accounts_receivable total | Cr revenue subtotal, Cr tax_payable (one line per rate)
 *   InvoicePaymentRecorded   (legacy) Dr cash_clearing amount | Cr accounts_receivable applied, Cr customer_credit excess
 *   PaymentAllocated         Dr cash_clearing allocations + creditAmount | Cr accounts_receivable per allocation,
 *                            Cr customer_credit creditAmount
 *   PaymentRefunded          paymentRefundPostings: reopenedInvoiceAmount = the sum of `invoices`,
 *                            customerCreditAmount = `fromCredit` (Dr accounts_receivable, customer_credit, refunds |
 *                            Cr cash_clearing, or customer_credit for store_credit)
 *   InvoiceWrittenOff        invoiceWriteOffPostings (writeOffId = the invoice id): Dr bad_debt | Cr accounts_receivable
 *   InvoiceVoided            only if it had been issued: the issue entry reversed (needs the context, see below)
 *   CreditNoteIssued         Dr revenue subtotal, Dr tax_payable (per rate) | Cr credit_notes total
 *   CreditNoteApplied        Dr credit_notes amount | Cr accounts_receivable (invoice), customer_credit
 *                            (customer_account) or cash_clearing (refund)
 *   CreditNoteVoided         only if it had been issued (never once applied): the issue entry reversed
 *   CustomerCreditApplied    Dr customer_credit | Cr accounts_receivable
 *   CustomerAccountCredited  source adjustment: Dr refunds | Cr customer_credit. Other sources post nothing here: the
 *                            event that created the credit already credited customer_credit (the payment's excess,
 *                            the note applied to the account, the store-credit refund), and posting it again would
 *                            count the liability twice.
 *   Mirrors, nothing: InvoicePaymentApplied (PaymentAllocated posts it), InvoiceCreditApplied (CreditNoteApplied or
 *                            CustomerCreditApplied posts it), InvoicePaymentRefunded and CustomerAccountDebited
 *                            (PaymentRefunded posts them), InvoiceCreditNoteRegistered/Released (CreditNoteIssued/Voided).
 *   Drafts, line edits, tax recalculations, CustomerAutoApplyCreditSet, the payment's lifecycle events (recorded,
 *   processing, succeeded, failed, retried, cancelled): nothing (no money reached the books until the allocation).
 *   InvoiceBecameOverdue, InvoicePaymentReminderDue: nothing (time passing moves no money). A late fee is charged on
 *   an invoice of its own, whose InvoiceIssued posts like any other (docs/overdue.md).
 *
 * Banking (docs/banking.md); every `bank` line names its bank account:
 *   BankAccountRegistered        opening balance > 0: Dr bank | Cr opening_balance_equity; < 0 the other way; 0 nothing
 *   StatementLinesMatched        Dr bank lineTotal | Cr cash_clearing paymentTotal | the difference (paymentTotal -
 *                                lineTotal) on differenceAccount: Dr when positive (a payout less its fees), Cr when negative
 *   StatementLinesUnmatched      the match's entry reversed (needs the context: the match's figures, see below)
 *   StatementLineResolved        money in: Dr bank | Cr account; money out: Dr account | Cr bank
 *   PaymentDiscrepancyResolved   reconciliation_suspense: Dr reconciliation_suspense | Cr cash_clearing; in_transit nothing
 *   MatchDifferenceReclassified  Dr bank_fees | Cr reconciliation_suspense (the other way for a negative difference)
 *   BankAccountVerificationChanged, BankAccountCsvMappingSaved, BankStatementImported: nothing (importing a
 *   statement books nothing: a line reaches the books when it is matched or resolved). DefaultBankAccountSet, the
 *   matching rules and the reconciliation sessions are not ledger events at all.
 *
 * paymentRefundPostings and invoiceWriteOffPostings take plain inputs, so other sources can map onto them too.
 */

/** What the event store adds to each event: its id (the seed of the entry ids) and when it was stored. */
export interface LedgerEventEnvelope {
  eventId: string;
  recordedAt: string;
}

/** Every event the ledger reads, with its envelope. Events that post nothing are listed too, so the switch is exhaustive. */
export type LedgerSourceEvent = (InvoiceEvent | CreditNoteEvent | CustomerAccountEvent | PaymentEvent | BankAccountEvent | BankReconciliationEvent) & LedgerEventEnvelope;

/**
 * The figures of a match that its unmatch reverses: the StatementLinesMatched data (or these fields of it), with
 * `differenceAccount` as it stands after any MatchDifferenceReclassified (the difference then sits on bank_fees).
 */
export type MatchedLinesFigures = Pick<
  StatementLinesMatched['data'],
  'matchId' | 'bankAccountId' | 'currency' | 'lineTotal' | 'paymentTotal' | 'difference' | 'differenceAccount'
>;

/** The figures of an issued invoice that a void reverses: the InvoiceIssued data (or these fields of it). */
export type IssuedInvoiceFigures = Pick<
  InvoiceIssued['data'],
  'invoiceId' | 'customerId' | 'number' | 'currency' | 'subtotal' | 'taxTotal' | 'total' | 'taxBreakdown'
>;

/**
 * What a rule needs beyond the event itself. InvoiceVoided carries only the invoice id and reason, so its rule is
 * told by the caller (the ledger projection, which has seen the invoice's InvoiceIssued) what was issued:
 * `issuedInvoice` is the InvoiceIssued data of that invoice, or null when the invoice was voided as a draft (nothing
 * was ever posted, so nothing is reversed). It must be given (null or figures) for InvoiceVoided; leaving it out is
 * a programmer error, because guessing either way would misstate receivables.
 */
export interface LedgerPostingContext {
  issuedInvoice?: IssuedInvoiceFigures | null;
  /**
   * For StatementLinesUnmatched (which names only the match): the figures of the match it undoes, as the ledger
   * projection kept them. Required for that event; every match posted an entry, so there is always one to reverse.
   */
  match?: MatchedLinesFigures;
}

export function postingsFor(event: LedgerSourceEvent, context: LedgerPostingContext = {}): JournalEntry[] {
  return translatingMoneyErrors(() => {
    const source = { eventId: requireRecordedIdentifier(event.eventId, 'eventId'), eventType: event.type, recordedAt: requireInstant(event.recordedAt, 'recordedAt') };
    switch (event.type) {
      case 'InvoiceIssued':
        return entries(issuedInvoiceDraft(source, event.data, event.data.issuedAt, 'issue'));
      case 'InvoicePaymentRecorded': {
        const { data } = event;
        const money = moneyIn(data.currency);
        return entries({
          source,
          index: 0,
          occurredAt: data.recordedAt,
          currency: data.currency,
          description: `Payment ${data.paymentId} (${data.method}, ${data.reference}) on invoice ${data.invoiceId}`,
          sourceId: data.paymentId,
          customerId: data.customerId,
          debits: [{ account: 'cash_clearing', amount: money(data.amount) }],
          credits: [
            { account: 'accounts_receivable', amount: money(data.appliedAmount) },
            { account: 'customer_credit', amount: money(data.excessAmount) },
          ],
        });
      }
      case 'InvoiceVoided': {
        const issued = context.issuedInvoice;
        if (issued === undefined) {
          throw new Error(`general ledger: InvoiceVoided ${event.data.invoiceId} was posted without saying whether the invoice was issued (context.issuedInvoice)`);
        }
        if (issued === null) return [];
        if (issued.invoiceId !== event.data.invoiceId) {
          throw new Error(`general ledger: InvoiceVoided ${event.data.invoiceId} was given the issued figures of invoice ${issued.invoiceId}`);
        }
        return entries(issuedInvoiceDraft(source, issued, event.data.voidedAt, 'void'));
      }
      case 'CreditNoteIssued': {
        const { data } = event;
        return entries(creditNoteIssueDraft(source, data, data.issuedAt, `Credit note ${data.number} issued`, 'issue'));
      }
      case 'CreditNoteApplied': {
        const { data } = event;
        const amount = moneyIn(data.currency)(data.amount);
        let target: PostingLeg;
        let description: string;
        switch (data.applicationType) {
          case 'invoice':
            target = { account: 'accounts_receivable', amount };
            description = `Credit note ${data.creditNoteId} applied to invoice ${data.invoiceId}`;
            break;
          case 'customer_account':
            target = { account: 'customer_credit', amount };
            description = `Credit note ${data.creditNoteId} applied to the customer's account`;
            break;
          case 'refund':
            target = { account: 'cash_clearing', amount };
            description = `Credit note ${data.creditNoteId} refunded to the customer`;
            break;
          default:
            return assertNever(data.applicationType, 'credit application type');
        }
        return entries({
          source,
          index: 0,
          occurredAt: data.appliedAt,
          currency: data.currency,
          description,
          sourceId: data.creditNoteId,
          customerId: data.customerId,
          debits: [{ account: 'credit_notes', amount }],
          credits: [target],
        });
      }
      case 'CreditNoteVoided': {
        const { data } = event;
        if (data.statusBefore === 'draft') return [];
        return entries(creditNoteIssueDraft(source, data, data.voidedAt, `Credit note ${data.creditNoteId} voided: its issue reversed`, 'void'));
      }
      case 'CustomerCreditApplied': {
        const { data } = event;
        const amount = moneyIn(data.currency)(data.amount);
        return entries({
          source,
          index: 0,
          occurredAt: data.appliedAt,
          currency: data.currency,
          description: `Customer credit applied to invoice ${data.invoiceId}`,
          sourceId: data.applicationId,
          customerId: data.customerId,
          debits: [{ account: 'customer_credit', amount }],
          credits: [{ account: 'accounts_receivable', amount }],
        });
      }
      case 'CustomerAccountCredited': {
        const { data } = event;
        switch (data.source) {
          case 'overpayment':
          case 'credit_note':
          case 'store_credit_refund':
            return [];
          case 'adjustment': {
            const amount = moneyIn(data.currency)(data.amount);
            return entries({
              source,
              index: 0,
              occurredAt: data.creditedAt,
              currency: data.currency,
              description: `Credit adjustment ${data.sourceId} to the customer's account`,
              sourceId: data.sourceId,
              customerId: data.customerId,
              debits: [{ account: 'refunds', amount }],
              credits: [{ account: 'customer_credit', amount }],
            });
          }
          default:
            return assertNever(data.source, 'customer credit source');
        }
      }
      case 'PaymentAllocated': {
        const { data } = event;
        const money = moneyIn(data.currency);
        const credit = money(data.creditAmount);
        const allocated = data.allocations.map((allocation) => money(allocation.amount));
        return entries({
          source,
          index: 0,
          occurredAt: data.allocatedAt,
          currency: data.currency,
          description:
            data.allocations.length === 0
              ? `Payment ${data.paymentId} credited to the customer's account`
              : `Payment ${data.paymentId} applied to invoice(s) ${data.allocations.map((allocation) => allocation.invoiceId).join(', ')}`,
          sourceId: data.paymentId,
          customerId: data.customerId,
          debits: [{ account: 'cash_clearing', amount: Money.sum(allocated, data.currency).plus(credit) }],
          credits: [...allocated.map((amount): PostingLeg => ({ account: 'accounts_receivable', amount })), { account: 'customer_credit', amount: credit }],
        });
      }
      case 'PaymentRefunded': {
        const { data } = event;
        const money = moneyIn(data.currency);
        return paymentRefundPostings({
          eventId: event.eventId,
          recordedAt: event.recordedAt,
          sourceEventType: event.type,
          refundId: data.refundId,
          paymentId: data.paymentId,
          customerId: data.customerId,
          currency: data.currency,
          amount: data.amount,
          method: data.method,
          reopenedInvoiceAmount: Money.sum(
            data.invoices.map((part) => money(part.amount)),
            data.currency,
          ).toString(),
          customerCreditAmount: data.fromCredit,
          refundedAt: data.refundedAt,
        });
      }
      case 'InvoiceWrittenOff': {
        const { data } = event;
        return invoiceWriteOffPostings({
          eventId: event.eventId,
          recordedAt: event.recordedAt,
          sourceEventType: event.type,
          writeOffId: data.invoiceId,
          invoiceId: data.invoiceId,
          customerId: data.customerId,
          currency: data.currency,
          amount: data.amount,
          writtenOffAt: data.writtenOffAt,
        });
      }
      case 'BankAccountRegistered': {
        const { data } = event;
        const opening = moneyIn(data.currency)(data.openingBalance);
        const bank: PostingLeg = { account: 'bank', amount: absolute(opening), bankAccountId: data.bankAccountId };
        const equity: PostingLeg = { account: 'opening_balance_equity', amount: absolute(opening) };
        return entries({
          ...bankingDraft(source, data.registeredAt, data.currency, `Opening balance of bank account ${data.bankAccountId} on ${data.openingBalanceDate}`, data.bankAccountId),
          debits: [opening.isNegative() ? equity : bank],
          credits: [opening.isNegative() ? bank : equity],
        });
      }
      case 'StatementLinesMatched': {
        const { data } = event;
        return entries(matchDraft(source, data, data.matchedAt, `Statement line(s) ${data.lineIds.join(', ')} matched to payment(s) ${data.payments.map((payment) => payment.paymentId).join(', ')}`, 'match'));
      }
      case 'StatementLinesUnmatched': {
        const { data } = event;
        const match = context.match;
        if (match === undefined) throw new Error(`general ledger: StatementLinesUnmatched ${data.matchId} was posted without the match's figures (context.match)`);
        if (match.matchId !== data.matchId || match.bankAccountId !== data.bankAccountId) {
          throw new Error(`general ledger: StatementLinesUnmatched ${data.matchId} was given the figures of match ${match.matchId}`);
        }
        return entries(matchDraft(source, match, data.unmatchedAt, `Match ${data.matchId} undone: its entry reversed (${data.reason})`, 'unmatch'));
      }
      case 'StatementLineResolved': {
        const { data } = event;
        const amount = moneyIn(data.currency)(data.amount);
        const bank: PostingLeg = { account: 'bank', amount: absolute(amount), bankAccountId: data.bankAccountId };
        const other: PostingLeg = { account: data.account, amount: absolute(amount) };
        return entries({
          ...bankingDraft(source, data.resolvedAt, data.currency, `Statement line ${data.lineId} booked to ${data.account} (${data.reason})`, data.lineId),
          debits: [amount.isNegative() ? other : bank],
          credits: [amount.isNegative() ? bank : other],
        });
      }
      case 'PaymentDiscrepancyResolved': {
        const { data } = event;
        if (data.resolution === 'in_transit') return [];
        const amount = positive(moneyIn(data.currency)(data.amount), 'amount');
        return entries({
          ...bankingDraft(source, data.resolvedAt, data.currency, `Payment ${data.paymentId} with no statement line parked in reconciliation_suspense (${data.reason})`, data.paymentId),
          debits: [{ account: 'reconciliation_suspense', amount }],
          credits: [{ account: 'cash_clearing', amount }],
        });
      }
      case 'MatchDifferenceReclassified': {
        const { data } = event;
        const amount = moneyIn(data.currency)(data.amount);
        const fees: PostingLeg = { account: 'bank_fees', amount: absolute(amount) };
        const suspense: PostingLeg = { account: 'reconciliation_suspense', amount: absolute(amount) };
        return entries({
          ...bankingDraft(source, data.reclassifiedAt, data.currency, `Difference of match ${data.matchId} moved from reconciliation_suspense to bank_fees (${data.reason})`, data.matchId),
          debits: [amount.isNegative() ? suspense : fees],
          credits: [amount.isNegative() ? fees : suspense],
        });
      }
      case 'BankAccountVerificationChanged':
      case 'BankAccountCsvMappingSaved':
      case 'BankStatementImported':
      case 'InvoiceDrafted':
      case 'InvoiceLineAdded':
      case 'InvoiceLineRemoved':
      case 'InvoiceTaxCalculated':
      case 'InvoicePaymentApplied':
      case 'InvoiceCreditApplied':
      case 'InvoicePaymentRefunded':
      case 'InvoiceCreditNoteRegistered':
      case 'InvoiceCreditNoteReleased':
      case 'InvoiceBecameOverdue':
      case 'InvoicePaymentReminderDue':
      case 'CreditNoteDrafted':
      case 'CustomerAccountDebited':
      case 'CustomerAutoApplyCreditSet':
      case 'PaymentRecorded':
      case 'PaymentProcessingStarted':
      case 'PaymentSucceeded':
      case 'PaymentFailed':
      case 'PaymentRetryStarted':
      case 'PaymentCancelled':
        return [];
      default:
        return assertNever(event, 'ledger source event');
    }
  });
}

/** RefundMethodType (docs/domain.md, "Refunds"), as the refund rule reads it. */
export type LedgerRefundMethod = 'original_payment' | 'bank_account' | 'card' | 'store_credit' | 'check';

/**
 * A refund of a payment (PaymentRefunded maps onto this). The refund's amount is split by where the
 * money had gone:
 * - `reopenedInvoiceAmount`: the part of the refunded payment that had been applied to invoices (docs/domain.md,
 *   "Refunds": a refund of a payment applied to an invoice reopens that invoice's balance), so this part is debited
 *   back to receivables.
 *   (A refund made through a credit note is posted by the note's CreditNoteApplied of type refund instead: do not
 *   post it here as well.)
 * - `customerCreditAmount`: the part that had become customer credit (the payment's excess) and is now paid back:
 *   it reduces the credit liability. Zero for a store-credit refund.
 * - the rest is a refund given without reopening anything: debited to `refunds`.
 * The credit side is cash_clearing for money paid back, or customer_credit for a store-credit refund (the customer's
 * credit grows instead of money leaving).
 */
export interface PaymentRefundPostingInput extends LedgerEventEnvelope {
  sourceEventType: string;
  refundId: string;
  paymentId: string;
  customerId: string;
  currency: string;
  amount: string;
  method: LedgerRefundMethod;
  reopenedInvoiceAmount: string;
  customerCreditAmount: string;
  refundedAt: string;
}

export function paymentRefundPostings(input: PaymentRefundPostingInput): JournalEntry[] {
  return translatingMoneyErrors(() => {
    const source = envelopeOf(input, input.sourceEventType);
    const money = moneyIn(input.currency);
    const amount = positive(money(input.amount), 'amount');
    const reopened = notNegative(money(input.reopenedInvoiceAmount), 'reopenedInvoiceAmount');
    const fromCredit = notNegative(money(input.customerCreditAmount), 'customerCreditAmount');
    if (reopened.plus(fromCredit).greaterThan(amount)) {
      throw validationFailed(
        `reopenedInvoiceAmount ${reopened.toString()} + customerCreditAmount ${fromCredit.toString()} exceed the refund's amount ${amount.toString()}`,
        { field: 'reopenedInvoiceAmount' },
      );
    }
    const storeCredit = input.method === 'store_credit';
    if (storeCredit && fromCredit.isPositive()) {
      throw validationFailed('A store-credit refund cannot be paid out of the customer credit it adds to: customerCreditAmount must be 0', {
        field: 'customerCreditAmount',
      });
    }
    return entries({
      source,
      index: 0,
      occurredAt: requireInstant(input.refundedAt, 'refundedAt'),
      currency: input.currency,
      description: `Refund ${input.refundId} of payment ${input.paymentId} (${input.method})`,
      sourceId: requireRecordedIdentifier(input.refundId, 'refundId'),
      customerId: requireRecordedIdentifier(input.customerId, 'customerId'),
      debits: [
        { account: 'accounts_receivable', amount: reopened },
        { account: 'customer_credit', amount: fromCredit },
        { account: 'refunds', amount: amount.minus(reopened).minus(fromCredit) },
      ],
      credits: [{ account: storeCredit ? 'customer_credit' : 'cash_clearing', amount }],
    });
  });
}

/** An invoice's remaining balance written off as uncollectable (InvoiceWrittenOff maps onto this). */
export interface InvoiceWriteOffPostingInput extends LedgerEventEnvelope {
  sourceEventType: string;
  writeOffId: string;
  invoiceId: string;
  customerId: string;
  currency: string;
  /** The balance due written off. */
  amount: string;
  writtenOffAt: string;
}

export function invoiceWriteOffPostings(input: InvoiceWriteOffPostingInput): JournalEntry[] {
  return translatingMoneyErrors(() => {
    const source = envelopeOf(input, input.sourceEventType);
    const amount = positive(moneyIn(input.currency)(input.amount), 'amount');
    return entries({
      source,
      index: 0,
      occurredAt: requireInstant(input.writtenOffAt, 'writtenOffAt'),
      currency: input.currency,
      description: `Invoice ${input.invoiceId} written off (${input.writeOffId})`,
      sourceId: requireRecordedIdentifier(input.invoiceId, 'invoiceId'),
      customerId: requireRecordedIdentifier(input.customerId, 'customerId'),
      debits: [{ account: 'bad_debt', amount }],
      credits: [{ account: 'accounts_receivable', amount }],
    });
  });
}

type Source = PostingDraft['source'];

/** A banking entry: one currency, no customer (''), no legs yet. */
function bankingDraft(source: Source, occurredAt: string, currency: string, description: string, sourceId: string): Omit<PostingDraft, 'debits' | 'credits'> {
  return { source, index: 0, occurredAt, currency, description, sourceId, customerId: '' };
}

/**
 * A match (Dr bank lineTotal | Cr cash_clearing paymentTotal | the difference on its account), or its reversal on
 * unmatch (every leg on the other side). The entry balances because difference = paymentTotal - lineTotal; figures
 * that contradict each other fail the balance assertion, as they should.
 */
function matchDraft(source: Source, match: MatchedLinesFigures, occurredAt: string, description: string, direction: 'match' | 'unmatch'): PostingDraft {
  const money = moneyIn(match.currency);
  const difference = money(match.difference);
  if (!difference.isZero() && match.differenceAccount === null) {
    throw new Error(`general ledger: match ${match.matchId} has a difference of ${difference.toString()} and no account for it`);
  }
  const debits: PostingLeg[] = [{ account: 'bank', amount: money(match.lineTotal), bankAccountId: match.bankAccountId }];
  const credits: PostingLeg[] = [{ account: 'cash_clearing', amount: money(match.paymentTotal) }];
  if (match.differenceAccount !== null && !difference.isZero()) {
    (difference.isPositive() ? debits : credits).push({ account: match.differenceAccount, amount: absolute(difference) });
  }
  return {
    ...bankingDraft(source, occurredAt, match.currency, description, match.matchId),
    debits: direction === 'match' ? debits : credits,
    credits: direction === 'match' ? credits : debits,
  };
}

function entries(...drafts: PostingDraft[]): JournalEntry[] {
  return drafts.map(journalEntryOf).filter((entry): entry is JournalEntry => entry !== null);
}

function envelopeOf(input: LedgerEventEnvelope, eventType: unknown): Source {
  return {
    eventId: requireRecordedIdentifier(input.eventId, 'eventId'),
    eventType: requireRecordedIdentifier(eventType, 'sourceEventType'),
    recordedAt: requireInstant(input.recordedAt, 'recordedAt'),
  };
}

/**
 * Reads amounts of one currency strictly: an event amount that does not fit the minor unit is refused, never
 * rounded. Recorded amounts are read without the input digit cap, so that no recorded figure can stop the ledger.
 */
function moneyIn(currency: string): (amount: string) => Money {
  return (amount) => Money.parseComputed(amount, currency);
}

function positive(amount: Money, field: string): Money {
  if (!amount.isPositive()) throw validationFailed(`${field} must be greater than 0 (got ${amount.toString()})`, { field });
  return amount;
}

function notNegative(amount: Money, field: string): Money {
  if (amount.isNegative()) throw validationFailed(`${field} must not be negative (got ${amount.toString()})`, { field });
  return amount;
}

/**
 * The issue of an invoice, or its reversal on void (the same lines on the other sides). Tax is one line per rate of
 * the breakdown; an invoice issued before breakdowns existed posts its tax total on one line.
 */
function issuedInvoiceDraft(source: Source, invoice: IssuedInvoiceFigures, occurredAt: string, direction: 'issue' | 'void'): PostingDraft {
  const money = moneyIn(invoice.currency);
  const receivable: PostingLeg[] = [{ account: 'accounts_receivable', amount: money(invoice.total) }];
  const income: PostingLeg[] = [
    { account: 'revenue', amount: money(invoice.subtotal) },
    ...taxLegs(invoice.taxBreakdown, invoice.taxTotal, money),
  ];
  return {
    source,
    index: 0,
    occurredAt,
    currency: invoice.currency,
    description: direction === 'issue' ? `Invoice ${invoice.number} issued` : `Invoice ${invoice.number} voided: its issue reversed`,
    sourceId: invoice.invoiceId,
    customerId: invoice.customerId,
    debits: direction === 'issue' ? receivable : income,
    credits: direction === 'issue' ? income : receivable,
  };
}

type CreditNoteFigures = {
  creditNoteId: string;
  customerId: string;
  currency: string;
  subtotal: string;
  taxTotal: string;
  total: string;
  taxBreakdown: CreditNoteTaxBreakdownEntry[];
};

/** A credit note takes back revenue and tax and owes the credit until it is applied; its void reverses that. */
function creditNoteIssueDraft(source: Source, note: CreditNoteFigures, occurredAt: string, description: string, direction: 'issue' | 'void'): PostingDraft {
  const money = moneyIn(note.currency);
  const income: PostingLeg[] = [
    { account: 'revenue', amount: money(note.subtotal) },
    ...taxLegs(
      note.taxBreakdown.map((entry) => ({ rateId: null, name: entry.name, rate: entry.rate, jurisdiction: null, taxAmount: entry.taxAmount })),
      note.taxTotal,
      money,
    ),
  ];
  const owed: PostingLeg[] = [{ account: 'credit_notes', amount: money(note.total) }];
  return {
    source,
    index: 0,
    occurredAt,
    currency: note.currency,
    description,
    sourceId: note.creditNoteId,
    customerId: note.customerId,
    debits: direction === 'issue' ? income : owed,
    credits: direction === 'issue' ? owed : income,
  };
}

type TaxBreakdownLike = Pick<InvoiceTaxBreakdownEntry, 'rateId' | 'name' | 'rate' | 'jurisdiction' | 'taxAmount'>;

/**
 * Tax lines by rate. When a breakdown is given its taxes must add up to the tax total; if they do not, the entry does
 * not balance and the balance assertion crashes, which is right: the event's figures contradict each other.
 */
function taxLegs(breakdown: readonly TaxBreakdownLike[] | undefined, taxTotal: string, money: (amount: string) => Money): PostingLeg[] {
  if (breakdown === undefined) return [{ account: 'tax_payable', amount: money(taxTotal) }];
  return breakdown.map((entry) => ({
    account: 'tax_payable',
    amount: money(entry.taxAmount),
    tax: { rateId: entry.rateId, name: entry.name, rate: entry.rate, jurisdiction: entry.jurisdiction },
  }));
}

function absolute(amount: Money): Money {
  return amount.isNegative() ? amount.negated() : amount;
}
