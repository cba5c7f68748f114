import { Money } from '../../../../libs/money/src/index.js';
import type { PaymentState } from '../../../../libs/billing/src/index.js';
import type { PaymentRecord } from '../../../../projections/payments/payments.queries.js';
import { money } from '../graphql/common.types.js';
import type { PaymentMethodType } from '../invoices/invoice.types.js';
import type { PaymentAllocationKind, PaymentObjectType, PaymentStatus, RefundMethodType } from './payment.types.js';

/** Refunds are possible once the money arrived: nothing is refundable before success (or after a cancel). */
const refundableStatuses: readonly string[] = ['succeeded', 'partially_refunded', 'refunded'];

/** The payment as the read model would hold it, from the decider's state right after a command (mutation answers). */
export function paymentRecordFromState(state: PaymentState): PaymentRecord {
  if (state.status === 'none' || state.paymentId === null || state.customerId === null || state.currency === null || state.method === null) {
    throw new Error('paymentRecordFromState: the payment has not been recorded');
  }
  const { currency } = state;
  const refundable = refundableStatuses.includes(state.status)
    ? Money.of(state.amount, currency).minus(Money.of(state.refundedTotal, currency)).toString()
    : Money.zero(currency).toString();
  const request = state.allocationRequest;
  return {
    id: state.paymentId,
    customerId: state.customerId,
    status: state.status,
    amount: state.amount,
    currency,
    method: state.method,
    reference: state.reference as string,
    paymentMethodId: state.paymentMethodId,
    bankAccountId: state.bankAccountId,
    allocationKind: request?.kind ?? 'oldest_due_first',
    requestedAllocations: request?.kind === 'explicit' ? request.invoices : [],
    attempt: state.attempt,
    nextRetryAt: state.nextRetryAt,
    lastFailureReason: state.lastFailureReason,
    gatewayReference: state.gatewayReference,
    recordedAt: state.recordedAt as string,
    succeededAt: state.succeededAt,
    cancelledAt: state.cancelledAt,
    cancellationReason: state.cancellationReason,
    allocations: state.allocation?.allocations ?? [],
    creditAmount: state.allocation?.creditAmount ?? null,
    allocatedAt: state.allocation?.allocatedAt ?? null,
    refundedTotal: state.refundedTotal,
    refundable,
    refunds: state.refunds.map(({ refundId, amount, method, reason, refundedAt }) => ({ refundId, amount, method, reason, refundedAt })),
  };
}

/** The Payment as the API shows it, amounts as Money. */
export function paymentView(record: PaymentRecord): PaymentObjectType {
  const { currency } = record;
  const allocationView = (allocation: { invoiceId: string; amount: string }) => ({ invoiceId: allocation.invoiceId, amount: money(allocation.amount, currency) });
  return {
    ...record,
    status: record.status as PaymentStatus,
    amount: money(record.amount, currency),
    method: record.method as PaymentMethodType,
    allocationKind: record.allocationKind as PaymentAllocationKind,
    requestedAllocations: record.requestedAllocations.map(allocationView),
    allocated: record.allocatedAt !== null,
    allocations: record.allocations.map(allocationView),
    creditAmount: record.creditAmount === null ? null : money(record.creditAmount, currency),
    refundedTotal: money(record.refundedTotal, currency),
    refundable: money(record.refundable, currency),
    refunds: record.refunds.map((refund) => ({ ...refund, amount: money(refund.amount, currency), method: refund.method as RefundMethodType })),
  };
}
