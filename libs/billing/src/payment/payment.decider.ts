import { Money } from '../../../money/src/index.js';
import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../common/domain-error.js';
import {
  optionalIdentifier,
  optionalText,
  requireCurrency,
  requireIdentifier,
  requireIntegerInRange,
  requireList,
  requireNonNegativeAmount,
  requireOneOf,
  requirePositiveAmount,
  requireRecord,
  requireText,
  validationFailed,
} from '../common/validation.js';
import {
  isOfflinePaymentMethod,
  refundMethodTypes,
  type AllocatePayment,
  type CancelPayment,
  type MarkPaymentFailed,
  type MarkPaymentSucceeded,
  type PaymentCommand,
  type PaymentStatus,
  type RecordPayment,
  type RefundMethodType,
  type RefundPayment,
  type RetryPayment,
  type RetryPolicy,
  type StartPaymentProcessing,
} from './payment.commands.js';
import type { AllocationRequest, InvoiceAllocation, PaymentEvent, PaymentRecorded } from './payment.events.js';
import { paymentMethodTypes, type PaymentMethodType } from './payment.method-types.js';
import { evolvePayment, initialPaymentState, type PaymentAllocationRecord, type PaymentState } from './payment.state.js';

/** Bounds on every text, list and policy of a payment (a limit on everything that grows). */
export const paymentLimits = {
  referenceLengthMax: 200,
  gatewayReferenceLengthMax: 200,
  reasonLengthMax: 500,
  /** Invoices one payment may be split over. */
  allocationsMax: 100,
  /** Refunds of one payment. */
  refundsMax: 100,
  /** The settings' bounds (billing-settings: payment.maxRetryAttempts 1..10, payment.retryIntervalHours 1..168). */
  retryAttemptsMin: 1,
  retryAttemptsMax: 10,
  retryIntervalHoursMin: 1,
  retryIntervalHoursMax: 168,
} as const;

/**
 * Order of checks in every command: the metadata, then whether the payment exists, then the command's data, then
 * the rules that relate the data to the state. A command that repeats one already applied (same payment recorded
 * again, same refund id, a success or failure notified twice) decides no event, so redeliveries are harmless.
 */
export function decidePayment(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'RecordPayment':
        return recordPayment(command, state);
      case 'StartPaymentProcessing':
        return startPaymentProcessing(command, state);
      case 'MarkPaymentSucceeded':
        return markPaymentSucceeded(command, state);
      case 'MarkPaymentFailed':
        return markPaymentFailed(command, state);
      case 'RetryPayment':
        return retryPayment(command, state);
      case 'CancelPayment':
        return cancelPayment(command, state);
      case 'AllocatePayment':
        return allocatePayment(command, state);
      case 'RefundPayment':
        return refundPayment(command, state);
      default:
        return assertNever(command, 'payment command');
    }
  });
}

export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = {
  decide: decidePayment,
  evolve: evolvePayment,
  initialState: initialPaymentState,
};

/** What remains refundable: the amount less every refund so far. */
export function refundableOf(state: PaymentState): string {
  const payment = requireExistingState(state);
  return Money.of(payment.amount, payment.currency).minus(Money.of(payment.refundedTotal, payment.currency)).toString();
}

type RecordedData = Omit<PaymentRecorded['data'], 'status' | 'recordedAt'>;

function recordPayment({ data, metadata }: RecordPayment, state: PaymentState): PaymentEvent[] {
  const recorded = recordedDataOf(data);
  if (state.status !== 'none') {
    assertDecidedOnOwnStream('payment', recorded.paymentId, state.paymentId);
    // The same payment sent again (a retried request) is acknowledged; different data under the same id is refused.
    if (sameRecording(recorded, state)) return [];
    throw new DomainError('ALREADY_EXISTS', `Payment ${state.paymentId} already exists (status ${state.status}) with different data`, {
      paymentId: state.paymentId,
      status: state.status,
    });
  }
  if (!isOfflinePaymentMethod(recorded.method)) {
    return [{ type: 'PaymentRecorded', data: { ...recorded, status: 'pending', recordedAt: metadata.now } }];
  }
  // Offline money has already arrived: recorded as succeeded, and the success is announced like any other.
  return [
    { type: 'PaymentRecorded', data: { ...recorded, status: 'succeeded', recordedAt: metadata.now } },
    {
      type: 'PaymentSucceeded',
      data: {
        paymentId: recorded.paymentId,
        customerId: recorded.customerId,
        amount: recorded.amount,
        currency: recorded.currency,
        method: recorded.method,
        gatewayReference: null,
        succeededAt: metadata.now,
      },
    },
  ];
}

function recordedDataOf(data: RecordPayment['data']): RecordedData {
  requireRecord(data, 'data', 'paymentId, customerId, amount, currency, method, reference and allocation');
  const paymentId = requireIdentifier(data.paymentId, 'paymentId');
  const customerId = requireIdentifier(data.customerId, 'customerId');
  const currency = requireCurrency(data.currency, 'currency');
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const method = requireOneOf(data.method, 'method', paymentMethodTypes);
  const reference = requireText(data.reference, 'reference', paymentLimits.referenceLengthMax);
  const paymentMethodId = optionalIdentifier(data.paymentMethodId, 'paymentMethodId');
  const allocation = allocationRequestOf(data.allocation, amount);
  // Only said when the caller said it, so that a payment recorded without bank accounts keeps its old event shape.
  const bankAccount = data.bankAccountId === undefined ? {} : { bankAccountId: optionalIdentifier(data.bankAccountId, 'bankAccountId') };
  return { paymentId, customerId, amount: amount.toString(), currency, method, reference, paymentMethodId, allocation, ...bankAccount };
}

function allocationRequestOf(value: unknown, amount: Money): AllocationRequest {
  const request = requireRecord(value, 'allocation', "kind 'explicit' (with invoices) or 'oldest_due_first'");
  const kind = requireOneOf(request.kind, 'allocation.kind', ['explicit', 'oldest_due_first'] as const);
  if (kind === 'oldest_due_first') return { kind };
  const invoices = invoiceAllocationsOf(request.invoices, 'allocation.invoices', amount.currency.code);
  if (invoices.length === 0) {
    throw validationFailed("allocation.invoices must name at least one invoice (use kind 'oldest_due_first' to let the ledger choose)", {
      field: 'allocation.invoices',
    });
  }
  const requested = sumOf(invoices, amount.currency.code);
  if (requested.greaterThan(amount)) {
    throw validationFailed(
      `allocation.invoices add up to ${requested.toString()} ${amount.currency.code}, more than the payment's ${amount.toString()}`,
      { field: 'allocation.invoices', requested: requested.toString(), amount: amount.toString() },
    );
  }
  return { kind, invoices };
}

/** Positive amounts in the payment's currency, each invoice at most once. */
function invoiceAllocationsOf(value: unknown, field: string, currency: string): InvoiceAllocation[] {
  const items = requireList(value, field, paymentLimits.allocationsMax);
  const allocations: InvoiceAllocation[] = [];
  items.forEach((item, index) => {
    const itemField = `${field}[${index}]`;
    const input = requireRecord(item, itemField, 'invoiceId and amount');
    const invoiceId = requireIdentifier(input.invoiceId, `${itemField}.invoiceId`);
    if (input.currency !== undefined && input.currency !== null && input.currency !== currency) {
      throw new DomainError('CURRENCY_MISMATCH', `${itemField} is in ${String(input.currency)} but the payment is in ${currency}`, {
        field: `${itemField}.currency`,
        currency: input.currency,
        paymentCurrency: currency,
      });
    }
    const amount = requirePositiveAmount(input.amount, currency, `${itemField}.amount`);
    if (allocations.some((allocation) => allocation.invoiceId === invoiceId)) {
      throw validationFailed(`${itemField}: invoice ${invoiceId} is listed more than once`, { field: `${itemField}.invoiceId`, invoiceId });
    }
    allocations.push({ invoiceId, amount: amount.toString() });
  });
  return allocations;
}

function sameRecording(recorded: RecordedData, state: PaymentState): boolean {
  return (
    recorded.customerId === state.customerId &&
    recorded.currency === state.currency &&
    recorded.amount === state.amount &&
    recorded.method === state.method &&
    recorded.reference === state.reference &&
    recorded.paymentMethodId === state.paymentMethodId &&
    (recorded.bankAccountId === undefined || (recorded.bankAccountId ?? null) === state.bankAccountId) &&
    state.allocationRequest !== null &&
    sameAllocationRequest(recorded.allocation, state.allocationRequest)
  );
}

function sameAllocationRequest(a: AllocationRequest, b: AllocationRequest): boolean {
  if (a.kind === 'oldest_due_first' || b.kind === 'oldest_due_first') return a.kind === b.kind;
  return sameAllocations(a.invoices, b.invoices);
}

/** Same invoices and amounts, in any order (amounts are canonical strings of one currency). */
function sameAllocations(a: readonly InvoiceAllocation[], b: readonly InvoiceAllocation[]): boolean {
  return a.length === b.length && a.every((left) => b.some((right) => right.invoiceId === left.invoiceId && right.amount === left.amount));
}

function startPaymentProcessing({ data, metadata }: StartPaymentProcessing, state: PaymentState): PaymentEvent[] {
  const payment = requireExisting(state, data?.paymentId);
  if (payment.status === 'processing') return [];
  requireStatus(payment, ['pending'], 'PAYMENT_NOT_PENDING', 'start processing');
  return [{ type: 'PaymentProcessingStarted', data: { paymentId: payment.paymentId, attempt: payment.attempt, startedAt: metadata.now } }];
}

function markPaymentSucceeded({ data, metadata }: MarkPaymentSucceeded, state: PaymentState): PaymentEvent[] {
  const payment = requireExisting(state, data?.paymentId);
  const gatewayReference = optionalText(data.gatewayReference, 'gatewayReference', paymentLimits.gatewayReferenceLengthMax);
  // A success notified again (the gateway redelivers webhooks) changes nothing, even after refunds.
  if (payment.status === 'succeeded' || payment.status === 'partially_refunded' || payment.status === 'refunded') return [];
  requireStatus(payment, ['pending', 'processing'], 'PAYMENT_NOT_PENDING', 'succeed');
  return [
    {
      type: 'PaymentSucceeded',
      data: {
        paymentId: payment.paymentId,
        customerId: payment.customerId,
        amount: payment.amount,
        currency: payment.currency,
        method: payment.method,
        gatewayReference,
        succeededAt: metadata.now,
      },
    },
  ];
}

/**
 * The attempt in flight failed. Retries are counted from the attempts made: attempt n has used n - 1 retries, so
 * retries remain while n - 1 < maxAttempts. The policy is the one in force now (settings may change between
 * attempts); a policy that shrank below the retries already used leaves none.
 */
function markPaymentFailed({ data, metadata }: MarkPaymentFailed, state: PaymentState): PaymentEvent[] {
  const payment = requireExisting(state, data?.paymentId);
  const reason = requireText(data.reason, 'reason', paymentLimits.reasonLengthMax);
  const policy = retryPolicyOf(data.retryPolicy);
  // No attempt is in flight once the payment failed: another failure notice is the same one redelivered.
  if (payment.status === 'failed') return [];
  requireStatus(payment, ['pending', 'processing'], 'PAYMENT_NOT_PENDING', 'fail');
  const maxRetryAttempts = policy?.maxAttempts ?? 0;
  const retriesRemaining = Math.max(0, maxRetryAttempts - (payment.attempt - 1));
  const nextRetryAt = policy === null || retriesRemaining === 0 ? null : instantAfterHours(metadata.now, policy.intervalHours);
  return [
    {
      type: 'PaymentFailed',
      data: { paymentId: payment.paymentId, reason, attempt: payment.attempt, maxRetryAttempts, retriesRemaining, nextRetryAt, failedAt: metadata.now },
    },
  ];
}

function retryPolicyOf(value: unknown): RetryPolicy | null {
  if (value === null) return null;
  const policy = requireRecord(value, 'retryPolicy', 'maxAttempts and intervalHours (or null when retries are off)');
  return {
    maxAttempts: requireIntegerInRange(policy.maxAttempts, 'retryPolicy.maxAttempts', paymentLimits.retryAttemptsMin, paymentLimits.retryAttemptsMax),
    intervalHours: requireIntegerInRange(
      policy.intervalHours,
      'retryPolicy.intervalHours',
      paymentLimits.retryIntervalHoursMin,
      paymentLimits.retryIntervalHoursMax,
    ),
  };
}

function retryPayment({ data, metadata }: RetryPayment, state: PaymentState): PaymentEvent[] {
  const payment = requireExisting(state, data?.paymentId);
  requireStatus(payment, ['failed'], 'PAYMENT_NOT_FAILED', 'be retried');
  if (payment.nextRetryAt === null) {
    throw new DomainError('RETRIES_EXHAUSTED', `Payment ${payment.paymentId} has no retry left after ${payment.attempt} attempt(s)`, {
      paymentId: payment.paymentId,
      attempts: payment.attempt,
    });
  }
  if (Date.parse(metadata.now) < Date.parse(payment.nextRetryAt)) {
    throw new DomainError('RETRY_NOT_DUE', `Payment ${payment.paymentId} may be retried from ${payment.nextRetryAt}, not at ${metadata.now}`, {
      paymentId: payment.paymentId,
      nextRetryAt: payment.nextRetryAt,
    });
  }
  return [{ type: 'PaymentRetryStarted', data: { paymentId: payment.paymentId, attempt: payment.attempt + 1, startedAt: metadata.now } }];
}

/** Cancelling a failed payment is allowed too: it is how further retries are stopped (nothing was taken). */
function cancelPayment({ data, metadata }: CancelPayment, state: PaymentState): PaymentEvent[] {
  const payment = requireExisting(state, data?.paymentId);
  const reason = requireText(data.reason, 'reason', paymentLimits.reasonLengthMax);
  if (payment.status === 'cancelled') return [];
  requireStatus(payment, ['pending', 'processing', 'failed'], 'PAYMENT_NOT_PENDING', 'be cancelled');
  return [{ type: 'PaymentCancelled', data: { paymentId: payment.paymentId, reason, cancelledAt: metadata.now } }];
}

function allocatePayment({ data, metadata }: AllocatePayment, state: PaymentState): PaymentEvent[] {
  const payment = requireExisting(state, data?.paymentId);
  const { currency } = payment;
  const allocations = invoiceAllocationsOf(data.allocations, 'allocations', currency);
  const creditAmount = requireNonNegativeAmount(data.creditAmount, currency, 'creditAmount');
  if (payment.allocation !== null) {
    // Once only: the same split again is a redelivery; any other split is refused.
    const { allocation } = payment;
    if (sameAllocations(allocations, allocation.allocations) && creditAmount.toString() === allocation.creditAmount) return [];
    throw new DomainError('PAYMENT_ALREADY_ALLOCATED', `Payment ${payment.paymentId} was already allocated at ${allocation.allocatedAt}`, {
      paymentId: payment.paymentId,
      allocatedAt: allocation.allocatedAt,
    });
  }
  requireStatus(payment, ['succeeded'], 'PAYMENT_NOT_SUCCEEDED', 'be allocated');
  const amount = Money.of(payment.amount, currency);
  const allocated = sumOf(allocations, currency).plus(creditAmount);
  if (!allocated.equals(amount)) {
    throw validationFailed(
      `allocations plus creditAmount come to ${allocated.toString()} ${currency} but the payment is ${amount.toString()}: they must add up exactly`,
      { field: 'allocations', allocated: allocated.toString(), amount: amount.toString() },
    );
  }
  if (payment.allocationRequest?.kind === 'explicit') requireWithinRequest(allocations, payment.allocationRequest.invoices, currency);
  return [
    {
      type: 'PaymentAllocated',
      data: { paymentId: payment.paymentId, customerId: payment.customerId, currency, allocations, creditAmount: creditAmount.toString(), allocatedAt: metadata.now },
    },
  ];
}

/** The payer named the invoices: the split may pay less than asked (a smaller balance), never another invoice or more. */
function requireWithinRequest(allocations: readonly InvoiceAllocation[], requested: readonly InvoiceAllocation[], currency: string): void {
  allocations.forEach((allocation, index) => {
    const asked = requested.find((candidate) => candidate.invoiceId === allocation.invoiceId);
    if (asked === undefined) {
      throw validationFailed(`allocations[${index}]: invoice ${allocation.invoiceId} is not among the invoices the payer asked to pay`, {
        field: `allocations[${index}].invoiceId`,
        invoiceId: allocation.invoiceId,
      });
    }
    if (Money.of(allocation.amount, currency).greaterThan(Money.of(asked.amount, currency))) {
      throw validationFailed(`allocations[${index}]: ${allocation.amount} is more than the ${asked.amount} the payer asked to pay on invoice ${allocation.invoiceId}`, {
        field: `allocations[${index}].amount`,
        invoiceId: allocation.invoiceId,
      });
    }
  });
}

function refundPayment({ data, metadata }: RefundPayment, state: PaymentState): PaymentEvent[] {
  const payment = requireExisting(state, data?.paymentId);
  const { currency } = payment;
  const refundId = requireIdentifier(data.refundId, 'refundId');
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const method = requireOneOf(data.method, 'method', refundMethodTypes);
  const reason = requireText(data.reason, 'reason', paymentLimits.reasonLengthMax);
  const earlier = payment.refunds.find((refund) => refund.refundId === refundId);
  if (earlier !== undefined) {
    if (earlier.amount === amount.toString() && earlier.method === method) return [];
    throw new DomainError('ALREADY_EXISTS', `Refund ${refundId} of payment ${payment.paymentId} was already made with a different amount or method`, {
      paymentId: payment.paymentId,
      refundId,
    });
  }
  requireStatus(payment, ['succeeded', 'partially_refunded'], 'PAYMENT_NOT_SUCCEEDED', 'be refunded');
  if (payment.refunds.length >= paymentLimits.refundsMax) {
    throw validationFailed(`Payment ${payment.paymentId} already has ${paymentLimits.refundsMax} refunds, the most one payment may have`, {
      field: 'refundId',
    });
  }
  if (payment.allocation === null) {
    throw new DomainError(
      'PAYMENT_NOT_ALLOCATED',
      `Payment ${payment.paymentId} has not been allocated yet: a refund reopens the invoices it paid, so it waits for the allocation`,
      { paymentId: payment.paymentId },
    );
  }
  const refundable = Money.of(refundableOf(payment), currency);
  if (amount.greaterThan(refundable)) {
    throw new DomainError(
      'AMOUNT_EXCEEDS_REFUNDABLE',
      `Refund of ${amount.toString()} ${currency} exceeds the ${refundable.toString()} ${currency} still refundable on payment ${payment.paymentId}`,
      { paymentId: payment.paymentId, amount: amount.toString(), refundable: refundable.toString() },
    );
  }
  const split = refundSplitOf(payment, payment.allocation, amount, method);
  const refundableAfter = refundable.minus(amount);
  return [
    {
      type: 'PaymentRefunded',
      data: {
        paymentId: payment.paymentId,
        customerId: payment.customerId,
        refundId,
        amount: amount.toString(),
        currency,
        method,
        reason,
        refundedTotal: Money.of(payment.refundedTotal, currency).plus(amount).toString(),
        refundable: refundableAfter.toString(),
        invoices: split.invoices,
        fromCredit: split.fromCredit,
        status: refundableAfter.isZero() ? 'refunded' : 'partially_refunded',
        refundedAt: metadata.now,
      },
    },
  ];
}

/**
 * Where a refund's money comes from: first the invoices the payment paid, last allocated first, each at most what
 * its allocation still has unrefunded; then the customer credit its excess created, at most creditAmount less what
 * earlier refunds took from it. A store-credit refund only takes invoice parts: paying credit back as credit would
 * change nothing.
 */
export function refundSplitOf(
  payment: Pick<PaymentState, 'paymentId' | 'currency' | 'refunds'>,
  allocation: PaymentAllocationRecord,
  amount: Money,
  method: RefundMethodType,
): { invoices: InvoiceAllocation[]; fromCredit: string } {
  const currency = amount.currency.code;
  const money = (value: string): Money => Money.of(value, currency);
  let left = amount;
  const invoices: InvoiceAllocation[] = [];
  for (const allocated of [...allocation.allocations].reverse()) {
    if (left.isZero()) break;
    const refundedBefore = Money.sum(
      payment.refunds.flatMap((refund) => refund.invoices.filter((part) => part.invoiceId === allocated.invoiceId).map((part) => money(part.amount))),
      currency,
    );
    const unrefunded = money(allocated.amount).minus(refundedBefore);
    if (!unrefunded.isPositive()) continue;
    const taken = Money.min(unrefunded, left);
    invoices.push({ invoiceId: allocated.invoiceId, amount: taken.toString() });
    left = left.minus(taken);
  }
  const creditLeft = money(allocation.creditAmount).minus(
    Money.sum(
      payment.refunds.map((refund) => money(refund.fromCredit)),
      currency,
    ),
  );
  if (method === 'store_credit' && left.isPositive()) {
    const asStoreCredit = amount.minus(left);
    throw new DomainError(
      'AMOUNT_EXCEEDS_REFUNDABLE',
      `Refund of ${amount.toString()} ${currency} as store credit exceeds the ${asStoreCredit.toString()} ${currency} of payment ${String(payment.paymentId)} still applied to invoices: only that is refundable as store credit (the remaining ${creditLeft.toString()} ${currency} is already the customer's credit)`,
      { paymentId: payment.paymentId, amount: amount.toString(), refundableAsStoreCredit: asStoreCredit.toString() },
    );
  }
  const fromCredit = Money.min(left, Money.max(creditLeft, Money.zero(currency)));
  left = left.minus(fromCredit);
  if (!left.isZero()) {
    throw new Error(`payment invariant broken: refund of ${amount.toString()} ${currency} on payment ${String(payment.paymentId)} is not covered by its allocation`);
  }
  return { invoices, fromCredit: fromCredit.toString() };
}

type ExistingPayment = PaymentState & {
  status: PaymentStatus;
  paymentId: string;
  customerId: string;
  currency: string;
  method: PaymentMethodType;
};

function requireExistingState(state: PaymentState): ExistingPayment {
  if (state.status === 'none' || state.paymentId === null || state.customerId === null || state.currency === null || state.method === null) {
    throw new Error('payment invariant broken: the payment has not been recorded');
  }
  return state as ExistingPayment;
}

function requireExisting(state: PaymentState, paymentId: unknown): ExistingPayment {
  if (state.status === 'none') throw new DomainError('NOT_FOUND', `Payment ${JSON.stringify(paymentId)} does not exist`, { paymentId });
  const payment = requireExistingState(state);
  assertDecidedOnOwnStream('payment', paymentId, payment.paymentId);
  return payment;
}

function requireStatus(
  payment: ExistingPayment,
  allowed: readonly PaymentStatus[],
  code: 'PAYMENT_NOT_PENDING' | 'PAYMENT_NOT_SUCCEEDED' | 'PAYMENT_NOT_FAILED',
  action: string,
): void {
  if (allowed.includes(payment.status)) return;
  throw new DomainError(code, `Payment ${payment.paymentId} is ${payment.status}: only a ${allowed.join(' or ')} payment can ${action}`, {
    paymentId: payment.paymentId,
    status: payment.status,
  });
}

function sumOf(allocations: readonly InvoiceAllocation[], currency: string): Money {
  return Money.sum(
    allocations.map((allocation) => Money.of(allocation.amount, currency)),
    currency,
  );
}

const millisecondsPerHour = 3_600_000;

function instantAfterHours(instant: string, hours: number): string {
  return new Date(Date.parse(instant) + hours * millisecondsPerHour).toISOString();
}
