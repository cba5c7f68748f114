import { Money } from '../../../money/src/index.js';
import { assertNever } from '../common/assert-never.js';
import type { PaymentStatus, RefundMethodType } from './payment.commands.js';
import type { AllocationRequest, InvoiceAllocation, PaymentEvent } from './payment.events.js';
import type { PaymentMethodType } from './payment.method-types.js';

/** 'none' is a stream without events: a payment id that was never recorded. */
export type PaymentLifecycleStatus = 'none' | PaymentStatus;

export interface PaymentRefundRecord {
  refundId: string;
  amount: string;
  method: RefundMethodType;
  reason: string;
  /** The invoice parts this refund reopened (last allocated first). */
  invoices: InvoiceAllocation[];
  /** The part taken back from the customer credit the payment's excess created. */
  fromCredit: string;
  refundedAt: string;
}

export interface PaymentAllocationRecord {
  allocations: InvoiceAllocation[];
  creditAmount: string;
  allocatedAt: string;
}

/** Amounts are decimal strings fixed to the currency's minor unit ("0" before the payment exists). */
export interface PaymentState {
  status: PaymentLifecycleStatus;
  paymentId: string | null;
  customerId: string | null;
  amount: string;
  currency: string | null;
  method: PaymentMethodType | null;
  reference: string | null;
  paymentMethodId: string | null;
  /** The company bank account the money was deposited to (docs/banking.md); null when none was known. */
  bankAccountId: string | null;
  allocationRequest: AllocationRequest | null;
  recordedAt: string | null;
  /** The number of the attempt in flight or last made: 1 is the original, each retry adds one (0 before the payment exists). */
  attempt: number;
  gatewayReference: string | null;
  succeededAt: string | null;
  lastFailureReason: string | null;
  /** When the next retry becomes due; null unless the payment failed with a retry left. */
  nextRetryAt: string | null;
  cancelledAt: string | null;
  cancellationReason: string | null;
  /** Set once, by PaymentAllocated. */
  allocation: PaymentAllocationRecord | null;
  refundedTotal: string;
  refunds: PaymentRefundRecord[];
}

export const initialPaymentState: PaymentState = {
  status: 'none',
  paymentId: null,
  customerId: null,
  amount: '0',
  currency: null,
  method: null,
  reference: null,
  paymentMethodId: null,
  bankAccountId: null,
  allocationRequest: null,
  recordedAt: null,
  attempt: 0,
  gatewayReference: null,
  succeededAt: null,
  lastFailureReason: null,
  nextRetryAt: null,
  cancelledAt: null,
  cancellationReason: null,
  allocation: null,
  refundedTotal: '0',
  refunds: [],
};

/** Applies one event. Events are facts: evolve never validates or throws for business reasons. */
export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRecorded': {
      const { data } = event;
      return {
        ...initialPaymentState,
        status: data.status,
        paymentId: data.paymentId,
        customerId: data.customerId,
        amount: data.amount,
        currency: data.currency,
        method: data.method,
        reference: data.reference,
        paymentMethodId: data.paymentMethodId,
        bankAccountId: data.bankAccountId ?? null,
        allocationRequest: data.allocation,
        recordedAt: data.recordedAt,
        attempt: 1,
        refundedTotal: Money.zero(data.currency).toString(),
      };
    }
    case 'PaymentProcessingStarted':
      return { ...state, status: 'processing', attempt: event.data.attempt };
    case 'PaymentSucceeded':
      return { ...state, status: 'succeeded', gatewayReference: event.data.gatewayReference, succeededAt: event.data.succeededAt, nextRetryAt: null };
    case 'PaymentFailed':
      return { ...state, status: 'failed', attempt: event.data.attempt, lastFailureReason: event.data.reason, nextRetryAt: event.data.nextRetryAt };
    case 'PaymentRetryStarted':
      return { ...state, status: 'processing', attempt: event.data.attempt, nextRetryAt: null };
    case 'PaymentCancelled':
      return { ...state, status: 'cancelled', cancelledAt: event.data.cancelledAt, cancellationReason: event.data.reason, nextRetryAt: null };
    case 'PaymentAllocated':
      return { ...state, allocation: { allocations: event.data.allocations, creditAmount: event.data.creditAmount, allocatedAt: event.data.allocatedAt } };
    case 'PaymentRefunded': {
      const { data } = event;
      return {
        ...state,
        status: data.status,
        refundedTotal: data.refundedTotal,
        refunds: [
          ...state.refunds,
          {
            refundId: data.refundId,
            amount: data.amount,
            method: data.method,
            reason: data.reason,
            invoices: data.invoices,
            fromCredit: data.fromCredit,
            refundedAt: data.refundedAt,
          },
        ],
      };
    }
    default:
      return assertNever(event, 'payment event');
  }
}
