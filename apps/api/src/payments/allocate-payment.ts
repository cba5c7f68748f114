import type { Kysely } from 'kysely';
import {
  decideCustomerAccount,
  decideInvoice,
  decidePayment,
  DomainError,
  evolveInvoice,
  paymentLimits,
  type InvoiceAllocation,
  type InvoiceState,
  type PaymentEvent,
  type PaymentState,
} from '../../../../libs/billing/src/index.js';
import { Money } from '../../../../libs/money/src/index.js';
import { executeWithRetry, streams, uuidV5, type CommandContext } from '../../../../libs/application/src/index.js';
import type { AppendRequest, EventStore, ExpectedRevision, Position } from '../../../../libs/event-store/src/index.js';
import { waitForProjections } from '../../../../libs/projection-runtime/src/index.js';
import { openInvoiceIdsOf } from '../../../../projections/invoices/open-invoices.queries.js';
import { loadCustomerAccount } from '../customer-credit/customer-account-stream.js';
import { loadInvoiceStream } from '../invoices/invoice-stream.js';
import { loadPayment, storedEvents } from './payment-streams.js';

/** What allocating needs: the event store, the one clock and, for oldest-due-first, the invoices read model. */
export interface PaymentAllocationServices {
  readonly store: EventStore;
  readonly clock: () => Date;
  /** The read models' database: the candidates of an oldest-due-first allocation come from the invoices read model. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db?: Kysely<any>;
}

/** Who asked for the allocation and why: recorded in the metadata of the events it appends. */
export interface AllocationCause {
  readonly actor: string;
  readonly actorName?: string;
  readonly correlationId: string;
  readonly causationId: string;
}

export type AllocationOutcome =
  | { readonly outcome: 'allocated'; readonly position: Position }
  | { readonly outcome: 'already_allocated' }
  /** Pending, processing, failed or cancelled: nothing to allocate (yet). */
  | { readonly outcome: 'not_succeeded' }
  /** Oldest-due-first needs the invoices read model: this process was given none. */
  | { readonly outcome: 'read_model_unavailable' }
  /** Oldest-due-first: the invoices read model did not reach the payment in time (try again later). */
  | { readonly outcome: 'read_model_behind' };

/** How long an allocation waits for the invoices read model to include every invoice issued before the payment. */
export const ALLOCATION_READ_MODEL_WAIT_MS = 5_000;

/** One invoice as read from its stream for an allocation (its revision is the one the append expects). */
export interface LoadedInvoice {
  readonly invoiceId: string;
  readonly state: InvoiceState;
  readonly expectedRevision: ExpectedRevision;
}

/** The commands an allocation decides, with the streams they append to. */
export interface AllocationPlan {
  /** PaymentAllocated, for the payment stream (whose revision the caller knows). */
  readonly paymentEvents: PaymentEvent[];
  /** Each invoice's InvoicePaymentApplied and the customer account's CustomerAccountCredited (overpayment). */
  readonly appends: AppendRequest[];
  readonly allocations: InvoiceAllocation[];
  readonly creditAmount: string;
  /** The invoices as they are once the plan is appended. */
  readonly invoicesAfter: ReadonlyMap<string, InvoiceState>;
}

/**
 * The command id of an allocation, and so its event ids: derived from the payment, the revisions it was decided on
 * and the split. The same decision made twice on the same reads (the mutation's inline call and the process manager
 * at once) gives the same ids at the same revisions, which the store acknowledges without writing twice. Any other
 * decision (one made on a read taken before the other's append) gets other ids, so its append is a conflict on the
 * payment stream, never an acknowledgement there that would let its invoice or customer-account part through: the
 * retry then finds the payment allocated.
 */
export function allocationCommandIdOf(tenantId: string, paymentId: string, paymentRevision: ExpectedRevision, invoices: readonly LoadedInvoice[], split: Split): string {
  const read = invoices.map((invoice) => `${invoice.invoiceId}@${String(invoice.expectedRevision)}`).join(',');
  const parts = split.allocations.map((allocation) => `${allocation.invoiceId}=${allocation.amount}`).join(',');
  return uuidV5(`${tenantId}:${paymentId}@${String(paymentRevision)}:AllocatePayment:${read}:${parts};credit=${split.creditAmount.toString()}`);
}

export interface Split {
  readonly allocations: InvoiceAllocation[];
  readonly creditAmount: Money;
}

/** The customer-account entry of a payment's excess: one per payment, so a redelivery never credits twice. */
export function overpaymentEntryIdOf(tenantId: string, paymentId: string): string {
  return uuidV5(`${tenantId}:${paymentId}:overpayment`);
}

/**
 * Allocates a succeeded payment, once: the split is computed from the invoices' balances as their streams hold them
 * (explicit: at most what the payer asked per named invoice; oldest due first: the customer's open invoices in that
 * currency by due date then number), whatever is left goes to the customer's credit, and everything is ONE atomic
 * append (PaymentAllocated, an InvoicePaymentApplied per invoice, CustomerAccountCredited for the excess), each
 * stream at the revision read. A conflict (another payment touched an invoice) re-reads and re-splits. Idempotent:
 * an allocated payment is left alone, so the process manager and the mutation that ran it inline never allocate twice.
 */
export async function allocatePayment(
  services: PaymentAllocationServices,
  tenantId: string,
  paymentId: string,
  cause: AllocationCause,
): Promise<AllocationOutcome> {
  let candidateIds: string[] | undefined;
  return executeWithRetry<AllocationOutcome>(services.store, async () => {
    const payment = await loadPayment(services.store, tenantId, paymentId);
    const nothing = (outcome: AllocationOutcome) => ({ appends: [], result: () => outcome });
    if (payment.state.status === 'none') throw new DomainError('NOT_FOUND', `Payment ${paymentId} does not exist`, { paymentId });
    if (payment.state.allocation !== null) return nothing({ outcome: 'already_allocated' });
    if (payment.state.status !== 'succeeded') return nothing({ outcome: 'not_succeeded' });
    // Candidates are chosen once; their balances are read again on every attempt.
    if (candidateIds === undefined) {
      const candidates = await candidateInvoiceIdsOf(services, tenantId, payment.state, payment.lastPosition);
      if (candidates === 'unavailable') return nothing({ outcome: 'read_model_unavailable' });
      if (candidates === 'behind') return nothing({ outcome: 'read_model_behind' });
      candidateIds = candidates;
    }
    const invoices = await loadInvoices(services.store, tenantId, candidateIds);
    // An invoice that already holds this payment was read after another allocator's append, the payment before it:
    // read again (the payment is then allocated) rather than decide on a mix of before and after.
    if (invoices.some((invoice) => invoice.state.paymentIds.includes(paymentId))) {
      const again = await loadPayment(services.store, tenantId, paymentId);
      if (again.state.allocation !== null) return nothing({ outcome: 'already_allocated' });
    }
    const now = services.clock().toISOString();
    const commandId = allocationCommandIdOf(tenantId, paymentId, payment.expectedRevision, invoices, splitOf(payment.state, invoices));
    const context: CommandContext = { tenantId, actor: cause.actor, ...(cause.actorName === undefined ? {} : { actorName: cause.actorName }), commandId, correlationId: cause.correlationId, causationId: cause.causationId, now };
    const plan = await planAllocation(services.store, context, payment.state, invoices);
    const paymentStream = streams.payment(tenantId, paymentId);
    return {
      appends: [{ streamId: paymentStream, expectedRevision: payment.expectedRevision, events: storedEvents(plan.paymentEvents, context, paymentStream) }, ...plan.appends],
      result: (position) => (position === undefined ? { outcome: 'already_allocated' } : { outcome: 'allocated', position }),
    };
  });
}

export function loadInvoices(store: EventStore, tenantId: string, invoiceIds: readonly string[]): Promise<LoadedInvoice[]> {
  return Promise.all(
    invoiceIds.map(async (invoiceId) => {
      const loaded = await loadInvoiceStream(store, tenantId, invoiceId);
      return { invoiceId, state: loaded.state, expectedRevision: loaded.expectedRevision };
    }),
  );
}

/**
 * Decides an allocation of `payment` (succeeded, not yet allocated) over `candidates`: the payment's PaymentAllocated
 * and the appends of the invoices and the customer account. Pure but for reading the customer's account stream.
 * The caller appends `paymentEvents` to the payment stream in the same append as `appends`.
 */
export async function planAllocation(store: EventStore, context: CommandContext, payment: PaymentState, candidates: readonly LoadedInvoice[]): Promise<AllocationPlan> {
  const { paymentId, customerId, currency, method, reference } = payment;
  if (paymentId === null || customerId === null || currency === null || method === null || reference === null) {
    throw new Error('planAllocation: the payment has not been recorded');
  }
  const metadata = { now: context.now };
  const { allocations, creditAmount } = splitOf(payment, candidates);
  const paymentEvents = decidePayment({ type: 'AllocatePayment', data: { paymentId, allocations, creditAmount: creditAmount.toString() }, metadata }, payment);
  const appends: AppendRequest[] = [];
  const invoicesAfter = new Map<string, InvoiceState>();
  for (const allocation of allocations) {
    const invoice = candidates.find((candidate) => candidate.invoiceId === allocation.invoiceId) as LoadedInvoice;
    const events = decideInvoice(
      {
        type: 'ApplyPaymentToInvoice',
        data: { invoiceId: allocation.invoiceId, paymentId, amount: allocation.amount, currency, method, reference, paymentAmount: payment.amount },
        metadata,
      },
      invoice.state,
    );
    const streamId = streams.invoice(context.tenantId, allocation.invoiceId);
    appends.push({ streamId, expectedRevision: invoice.expectedRevision, events: storedEvents(events, context, streamId) });
    invoicesAfter.set(allocation.invoiceId, events.reduce(evolveInvoice, invoice.state));
  }
  if (creditAmount.isPositive()) {
    const account = await loadCustomerAccount(store, context.tenantId, customerId);
    const events = decideCustomerAccount(
      {
        type: 'CreditCustomerAccount',
        data: { customerId, entryId: overpaymentEntryIdOf(context.tenantId, paymentId), amount: creditAmount.toString(), currency, source: 'overpayment', sourceId: paymentId },
        metadata,
      },
      account.state,
    );
    const streamId = streams.customerAccount(context.tenantId, customerId);
    appends.push({ streamId, expectedRevision: account.expectedRevision, events: storedEvents(events, context, streamId) });
  }
  return { paymentEvents, appends, allocations, creditAmount: creditAmount.toString(), invoicesAfter };
}

/** An invoice a payment of this customer and currency may pay now: issued, not void or written off, something due. */
export function isPayableBy(invoice: InvoiceState, payment: Pick<PaymentState, 'customerId' | 'currency'>): boolean {
  return (
    (invoice.status === 'open' || invoice.status === 'partially_paid') &&
    invoice.customerId === payment.customerId &&
    invoice.currency === payment.currency &&
    Money.of(invoice.balanceDue, invoice.currency as string).isPositive()
  );
}

/**
 * The split: explicit requests in the payer's order, at most min(asked, balance) each; oldest due first over the
 * candidates by due date, then number, then id. Invoices that cannot take money now (paid meanwhile, void, another
 * customer's or currency) get nothing. What is left is the customer's credit, so the parts add up exactly.
 */
export function splitOf(payment: PaymentState, candidates: readonly LoadedInvoice[]): Split {
  const currency = payment.currency as string;
  const request = payment.allocationRequest;
  const asked = new Map<string, Money>(request?.kind === 'explicit' ? request.invoices.map((invoice) => [invoice.invoiceId, Money.of(invoice.amount, currency)]) : []);
  const ordered =
    request?.kind === 'explicit'
      ? request.invoices.map((invoice) => candidates.find((candidate) => candidate.invoiceId === invoice.invoiceId)).filter((found): found is LoadedInvoice => found !== undefined)
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

function byDueDateThenNumber(left: LoadedInvoice, right: LoadedInvoice): number {
  const key = (invoice: LoadedInvoice) => [invoice.state.dueDate ?? '9999-12-31', invoice.state.number ?? '', invoice.invoiceId] as const;
  const [a, b] = [key(left), key(right)];
  for (let index = 0; index < a.length; index += 1) {
    // Code-unit order, the same in every locale (due dates are ISO dates, numbers share one template).
    if (a[index] !== b[index]) return (a[index] as string) < (b[index] as string) ? -1 : 1;
  }
  return 0;
}

/**
 * The invoices an allocation considers. Explicit: the named ones. Oldest due first: the customer's open invoices in
 * the payment's currency from the invoices read model, once it has caught up with the payment (so that every
 * invoice issued before the payment succeeded is a candidate).
 */
async function candidateInvoiceIdsOf(
  services: PaymentAllocationServices,
  tenantId: string,
  payment: PaymentState,
  at: Position | undefined,
): Promise<string[] | 'unavailable' | 'behind'> {
  const request = payment.allocationRequest;
  if (request === null) return [];
  if (request.kind === 'explicit') return request.invoices.map((invoice) => invoice.invoiceId);
  if (services.db === undefined) return 'unavailable';
  if (at !== undefined && !(await waitForProjections(services.db, ['invoices'], at, ALLOCATION_READ_MODEL_WAIT_MS))) return 'behind';
  return openInvoiceIdsOf(services.db, tenantId, payment.customerId as string, payment.currency as string, paymentLimits.allocationsMax);
}
