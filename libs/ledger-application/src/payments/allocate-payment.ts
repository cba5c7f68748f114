import type { Kysely } from 'kysely';
import {
  DomainError,
  paymentLimits,
  planAllocation as decideAllocation,
  splitOf as splitOfPayment,
  type AllocationPlan as DecidedAllocation,
  type AllocationSplit,
  type InvoiceAllocation,
  type InvoiceState,
  type PaymentEvent,
  type PaymentState,
} from '../../../billing/src/index.js';
import { load, aggregates, storedAppend, executeWithRetry, streams, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { AppendRequest, EventStore, ExpectedRevision, Position } from '../../../event-store/src/index.js';
import { waitForProjections } from '../../../projection-runtime/src/index.js';
import { openInvoiceIdsOf } from '../../../../projections/invoices/open-invoices.queries.js';
import { tenantNowOf, type TenantTimeSource } from '../common/tenant-time.js';

/** What allocating needs: the event store, the tenant's clock and, for oldest-due-first, the invoices read model. */
export interface PaymentAllocationServices extends TenantTimeSource {
  readonly store: EventStore;
  /** The read models' database: the candidates of an oldest-due-first allocation come from the invoices read model. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db?: Kysely<any>;
}

/** Who asked for the allocation and why: recorded in the metadata of the events it appends. */
export interface AllocationCause {
  readonly actor: string;
  readonly actorName?: string;
  readonly actorRole?: string;
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

/** An allocation decided and turned into appends (planAllocation below), for a caller that appends the payment itself. */
export interface AllocationAppends {
  /** PaymentAllocated, for the payment stream (whose revision the caller knows). */
  readonly paymentEvents: PaymentEvent[];
  /** Each invoice's InvoicePaymentApplied and the customer account's CustomerAccountCredited (overpayment). */
  readonly appends: AppendRequest[];
  readonly allocations: InvoiceAllocation[];
  readonly creditAmount: string;
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

export type Split = AllocationSplit;

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
    const payment = await load(services.store, aggregates.payment, tenantId, paymentId);
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
    const customerId = payment.state.customerId as string;
    const [invoices, account] = await Promise.all([loadInvoices(services.store, tenantId, candidateIds), load(services.store, aggregates.customerAccount, tenantId, customerId)]);
    // An invoice that already holds this payment was read after another allocator's append, the payment before it:
    // read again (the payment is then allocated) rather than decide on a mix of before and after.
    if (invoices.some((invoice) => invoice.state.paymentIds.includes(paymentId))) {
      const again = await load(services.store, aggregates.payment, tenantId, paymentId);
      if (again.state.allocation !== null) return nothing({ outcome: 'already_allocated' });
    }
    const now = await tenantNowOf(services, tenantId);
    const plan = decideAllocation({ payment: payment.state, invoices, account: account.state, ids: { overpaymentEntryId: overpaymentEntryIdOf(tenantId, paymentId) }, now });
    const commandId = allocationCommandIdOf(tenantId, paymentId, payment.expectedRevision, invoices, plan.split);
    const context: CommandContext = { tenantId, actor: cause.actor, ...(cause.actorName === undefined ? {} : { actorName: cause.actorName }), ...(cause.actorRole === undefined ? {} : { actorRole: cause.actorRole }), commandId, correlationId: cause.correlationId, causationId: cause.causationId, now };
    return {
      appends: [storedAppend(context, streams.payment(tenantId, paymentId), payment.expectedRevision, plan.payment), ...allocationAppends(context, plan, invoices, { customerId, expectedRevision: account.expectedRevision })],
      result: (position) => (position === undefined ? { outcome: 'already_allocated' } : { outcome: 'allocated', position }),
    };
  });
}

export function loadInvoices(store: EventStore, tenantId: string, invoiceIds: readonly string[]): Promise<LoadedInvoice[]> {
  return Promise.all(
    invoiceIds.map(async (invoiceId) => {
      const loaded = await load(store, aggregates.invoice, tenantId, invoiceId);
      return { invoiceId, state: loaded.state, expectedRevision: loaded.expectedRevision };
    }),
  );
}

/**
 * The invoices and the customer account of an allocation decided by libs/billing's planAllocation, as appends, each
 * stream at the revision it was read (the account only when the excess credits it).
 */
export function allocationAppends(
  context: CommandContext,
  plan: DecidedAllocation,
  invoices: readonly LoadedInvoice[],
  account: { readonly customerId: string; readonly expectedRevision: ExpectedRevision },
): AppendRequest[] {
  const appends = [...plan.invoices].map(([invoiceId, events]) => {
    const invoice = invoices.find((candidate) => candidate.invoiceId === invoiceId) as LoadedInvoice;
    return storedAppend(context, streams.invoice(context.tenantId, invoiceId), invoice.expectedRevision, events);
  });
  if (plan.account.length > 0) appends.push(storedAppend(context, streams.customerAccount(context.tenantId, account.customerId), account.expectedRevision, plan.account));
  return appends;
}

/**
 * Decides an allocation of `payment` (succeeded, not yet allocated) over `candidates` read by the caller, reading the
 * customer's account, with the caller's context: the payment's PaymentAllocated and the appends of the invoices and
 * the customer account. The caller appends `paymentEvents` to the payment stream in the same append as `appends`
 * (the payments e2e suite does, to replay an allocation decided on a stale read; allocatePayment derives its command
 * id from the split first, so it calls libs/billing's planAllocation itself).
 */
export async function planAllocation(store: EventStore, context: CommandContext, payment: PaymentState, candidates: readonly LoadedInvoice[]): Promise<AllocationAppends> {
  const { paymentId, customerId } = payment;
  if (paymentId === null || customerId === null) throw new Error('planAllocation: the payment has not been recorded');
  const account = await load(store, aggregates.customerAccount, context.tenantId, customerId);
  const plan = decideAllocation({ payment, invoices: candidates, account: account.state, ids: { overpaymentEntryId: overpaymentEntryIdOf(context.tenantId, paymentId) }, now: context.now });
  return {
    paymentEvents: plan.payment,
    appends: allocationAppends(context, plan, candidates, { customerId, expectedRevision: account.expectedRevision }),
    allocations: plan.split.allocations,
    creditAmount: plan.split.creditAmount.toString(),
  };
}

/** The split of a payment over the invoices read (libs/billing's splitOf). */
export function splitOf(payment: PaymentState, candidates: readonly LoadedInvoice[]): Split {
  return splitOfPayment(payment, candidates);
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
