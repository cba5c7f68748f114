import { Money } from '../../../money/src/index.js';
import { decideCustomerAccount, type CustomerAccountEvent, type CustomerAccountState } from '../customer-account/index.js';
import { decideInvoice, type InvoiceEvent } from '../invoice/index.js';
import { isPayableBy, type InvoiceRead } from '../payability/index.js';
import { decidePayment, evolvePayment, type InvoiceAllocation, type PaymentEvent, type PaymentState } from '../payment/index.js';

/**
 * How a succeeded payment is split over invoices, and the decisions of every stream that split touches: the
 * payment's PaymentAllocated, each invoice's InvoicePaymentApplied and, for the excess, the customer account's
 * CustomerAccountCredited (source overpayment). Pure: the states come from the caller, who appends each stream's
 * events at the revision it read them.
 */

/** The split itself: what each invoice gets, and what is left for the customer's credit (the parts add up exactly). */
export interface AllocationSplit {
  readonly allocations: InvoiceAllocation[];
  readonly creditAmount: Money;
}

/** The events an allocation decides, by stream. */
export interface AllocationPlan {
  readonly split: AllocationSplit;
  /** For the payment stream: MarkPaymentSucceeded's PaymentSucceeded first when `received` asked for it, then PaymentAllocated. */
  readonly payment: PaymentEvent[];
  /** For each invoice paid, in the order of the split: its InvoicePaymentApplied. */
  readonly invoices: ReadonlyMap<string, InvoiceEvent[]>;
  /** For the customer account: CustomerAccountCredited (overpayment) when something is left over, otherwise nothing. */
  readonly account: CustomerAccountEvent[];
}

export interface AllocationInput {
  /** The payment as read: recorded, succeeded (or `received`), not yet allocated. */
  readonly payment: PaymentState;
  /** The invoices the split may pay, as read: the named ones (explicit), or the customer's open ones (oldest due first). */
  readonly invoices: readonly InvoiceRead[];
  /** The payer's customer account as read (credited only when something is left over). */
  readonly account: CustomerAccountState;
  /** The customer-account entry of the excess: one per payment, so a redelivery never credits twice. */
  readonly ids: { readonly overpaymentEntryId: string };
  readonly now: string;
  /**
   * Money already received (a payment recorded against an invoice): a payment that would still wait for its gateway
   * is marked succeeded first, in the same decision.
   */
  readonly received?: boolean;
}

/**
 * Decides an allocation of `payment` over `invoices`: the split (splitOf), then the payment's decision, then each
 * invoice's, then the account's. Refusals are the deciders' (the payment not succeeded, or already allocated another
 * way; an invoice that cannot take the amount; an account rule). A payment already allocated the same way decides
 * nothing anywhere.
 */
export function planAllocation({ payment: read, invoices, account, ids, now, received = false }: AllocationInput): AllocationPlan {
  const metadata = { now };
  const settled =
    received && read.status !== 'succeeded' && read.paymentId !== null
      ? decidePayment({ type: 'MarkPaymentSucceeded', data: { paymentId: read.paymentId, gatewayReference: null }, metadata }, read)
      : [];
  const payment = settled.reduce(evolvePayment, read);
  const { paymentId, customerId, currency, method, reference } = payment;
  if (paymentId === null || customerId === null || currency === null || method === null || reference === null) {
    throw new Error('planAllocation: the payment has not been recorded');
  }
  const split = splitOf(payment, invoices);
  const { allocations, creditAmount } = split;
  const allocated = decidePayment({ type: 'AllocatePayment', data: { paymentId, allocations, creditAmount: creditAmount.toString() }, metadata }, payment);
  const invoiceEvents = new Map<string, InvoiceEvent[]>();
  // The same split of a payment already allocated is a redelivery: the payment acknowledges it, and nothing else moves.
  if (allocated.length === 0) return { split, payment: settled, invoices: invoiceEvents, account: [] };
  for (const allocation of allocations) {
    const invoice = invoices.find((candidate) => candidate.invoiceId === allocation.invoiceId) as InvoiceRead;
    invoiceEvents.set(
      allocation.invoiceId,
      decideInvoice(
        {
          type: 'ApplyPaymentToInvoice',
          data: { invoiceId: allocation.invoiceId, paymentId, amount: allocation.amount, currency, method, reference, paymentAmount: payment.amount },
          metadata,
        },
        invoice.state,
      ),
    );
  }
  const accountEvents = creditAmount.isPositive()
    ? decideCustomerAccount(
        {
          type: 'CreditCustomerAccount',
          data: { customerId, entryId: ids.overpaymentEntryId, amount: creditAmount.toString(), currency, source: 'overpayment', sourceId: paymentId },
          metadata,
        },
        account,
      )
    : [];
  return { split, payment: [...settled, ...allocated], invoices: invoiceEvents, account: accountEvents };
}

/**
 * The split: explicit requests in the payer's order, at most min(asked, balance) each; oldest due first over the
 * candidates by due date, then number, then id. Invoices that cannot take money now (paid meanwhile, void, another
 * customer's or currency) get nothing. What is left is the customer's credit, so the parts add up exactly.
 */
export function splitOf(payment: PaymentState, candidates: readonly InvoiceRead[]): AllocationSplit {
  const currency = payment.currency as string;
  const request = payment.allocationRequest;
  const asked = new Map<string, Money>(request?.kind === 'explicit' ? request.invoices.map((invoice) => [invoice.invoiceId, Money.of(invoice.amount, currency)]) : []);
  const ordered =
    request?.kind === 'explicit'
      ? request.invoices.map((invoice) => candidates.find((candidate) => candidate.invoiceId === invoice.invoiceId)).filter((found): found is InvoiceRead => found !== undefined)
      : [...candidates].sort(byDueDateThenNumber);
  let remaining = Money.of(payment.amount, currency);
  const allocations: InvoiceAllocation[] = [];
  for (const invoice of ordered) {
    if (!remaining.isPositive()) break;
    if (!isPayableBy(invoice.state, payment)) continue;
    const limit = asked.get(invoice.invoiceId);
    let amount = Money.min(Money.of(invoice.state.balanceDue, currency), remaining);
    if (limit !== undefined) amount = Money.min(amount, limit);
    if (!amount.isPositive()) continue;
    allocations.push({ invoiceId: invoice.invoiceId, amount: amount.toString() });
    remaining = remaining.minus(amount);
  }
  return { allocations, creditAmount: remaining };
}

function byDueDateThenNumber(left: InvoiceRead, right: InvoiceRead): number {
  const key = (invoice: InvoiceRead) => [invoice.state.dueDate ?? '9999-12-31', invoice.state.number ?? '', invoice.invoiceId] as const;
  const [a, b] = [key(left), key(right)];
  for (let index = 0; index < a.length; index += 1) {
    // Code-unit order, the same in every locale (due dates are ISO dates, numbers share one template).
    if (a[index] !== b[index]) return (a[index] as string) < (b[index] as string) ? -1 : 1;
  }
  return 0;
}
