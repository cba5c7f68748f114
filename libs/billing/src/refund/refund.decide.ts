import { Money } from '../../../money/src/index.js';
import type { BillingSettings } from '../billing-settings/index.js';
import { decideCustomerAccount, evolveCustomerAccount, type CustomerAccountCommand, type CustomerAccountEvent, type CustomerAccountState } from '../customer-account/index.js';
import { decideInvoice, type InvoiceEvent, type InvoiceState } from '../invoice/index.js';
import { decidePayment, type PaymentEvent, type PaymentRefunded, type PaymentState, type RefundMethodType } from '../payment/index.js';
import { requirePaymentsFeature } from '../settings-requirements/index.js';

/**
 * A refund of part or all of a payment, decided once over every stream it touches: the payment's PaymentRefunded
 * (never more than refundable; it says which invoice parts the money comes back from, last allocated first, and what
 * comes from the credit the payment's excess created), each such invoice's InvoicePaymentRefunded (its balance
 * reopens), and on the customer account a CustomerAccountDebited for the part taken back from credit
 * (INSUFFICIENT_CREDIT if the customer spent it) and, for `store_credit`, a CustomerAccountCredited instead of money
 * going back. Pure: the caller reads the streams refundReadsOf names, and appends each stream's events at the
 * revision it read.
 */

export interface RefundRequest {
  readonly paymentId: string;
  readonly amount: string;
  readonly method: RefundMethodType;
  readonly reason: string;
}

/** The ids the refund records, derived by the caller from its command: the refund's and its two account entries'. */
export interface RefundIds {
  readonly refundId: string;
  /** The CustomerAccountDebited of the part taken back from credit. */
  readonly creditTakenBackEntryId: string;
  /** The CustomerAccountCredited of a store-credit refund. */
  readonly storeCreditEntryId: string;
}

export interface RefundInput {
  /** The tenant's settings: payments must be turned on. */
  readonly settings: BillingSettings;
  readonly payment: PaymentState;
  /** Every invoice the payment was allocated to (refundReadsOf), by id, as read. */
  readonly invoices: ReadonlyMap<string, InvoiceState>;
  /** The payer's customer account as read; null only when the payment names no customer (it does not exist). */
  readonly account: CustomerAccountState | null;
  readonly command: RefundRequest;
  readonly ids: RefundIds;
  readonly now: string;
}

/** The events of a refund, by stream; a stream with nothing to append has no entry (invoices) or no events (payment, account). */
export interface RefundDecision {
  readonly payment: PaymentEvent[];
  readonly invoices: ReadonlyMap<string, InvoiceEvent[]>;
  readonly account: CustomerAccountEvent[];
}

/**
 * The streams a refund of this payment is decided on, besides the payment and the settings: every invoice it was
 * allocated to (the split picks among them) and the customer's account. A payment that does not exist or is not
 * allocated names no invoice: the payment decider refuses it on its own state.
 */
export function refundReadsOf(payment: PaymentState): { invoiceIds: string[]; customerId: string | null } {
  return { invoiceIds: [...new Set((payment.allocation?.allocations ?? []).map((allocated) => allocated.invoiceId))], customerId: payment.customerId };
}

/**
 * Decides the refund, in this order: the payments feature; the payment's own rules (exists, succeeded, allocated,
 * within what is refundable, a store-credit refund within the invoice parts); each invoice part; the account. A
 * refund id already applied on the payment decides nothing anywhere.
 */
export function decideRefund({ settings, payment, invoices, account, command, ids, now }: RefundInput): RefundDecision {
  requirePaymentsFeature(settings);
  const metadata = { now };
  const paymentEvents = decidePayment(
    { type: 'RefundPayment', data: { paymentId: command.paymentId, refundId: ids.refundId, amount: command.amount, method: command.method, reason: command.reason }, metadata },
    payment,
  );
  const refunded = paymentEvents.find((event: PaymentEvent): event is PaymentRefunded => event.type === 'PaymentRefunded');
  if (refunded === undefined) return { payment: paymentEvents, invoices: new Map(), account: [] };
  const { data } = refunded;
  const invoiceEvents = new Map<string, InvoiceEvent[]>();
  for (const part of data.invoices) {
    const invoice = invoices.get(part.invoiceId);
    if (invoice === undefined) throw new Error(`refund ${data.refundId} reopens invoice ${part.invoiceId}, which payment ${data.paymentId} was not allocated to`);
    invoiceEvents.set(
      part.invoiceId,
      decideInvoice(
        { type: 'RefundInvoicePayment', data: { invoiceId: part.invoiceId, paymentId: data.paymentId, refundId: data.refundId, amount: part.amount, currency: data.currency }, metadata },
        invoice,
      ),
    );
  }
  const fromCredit = Money.of(data.fromCredit, data.currency);
  const accountCommands: CustomerAccountCommand[] = [];
  if (fromCredit.isPositive()) {
    accountCommands.push({
      type: 'DebitCustomerAccount',
      data: { customerId: data.customerId, entryId: ids.creditTakenBackEntryId, amount: data.fromCredit, currency: data.currency, reason: 'refund', sourceId: data.refundId },
      metadata,
    });
  }
  if (data.method === 'store_credit') {
    accountCommands.push({
      type: 'CreditCustomerAccount',
      data: { customerId: data.customerId, entryId: ids.storeCreditEntryId, amount: data.amount, currency: data.currency, source: 'store_credit_refund', sourceId: data.refundId },
      metadata,
    });
  }
  if (accountCommands.length > 0 && account === null) throw new Error(`refund ${data.refundId} of payment ${data.paymentId} has no customer account to write`);
  let accountState = account as CustomerAccountState;
  const accountEvents: CustomerAccountEvent[] = [];
  for (const accountCommand of accountCommands) {
    const decided = decideCustomerAccount(accountCommand, accountState);
    accountState = decided.reduce(evolveCustomerAccount, accountState);
    accountEvents.push(...decided);
  }
  return { payment: paymentEvents, invoices: invoiceEvents, account: accountEvents };
}
