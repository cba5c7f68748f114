import type { PaymentSettings } from '../billing-settings/billing-settings.js';
import type { PaymentMethodType } from './payment.method-types.js';
import type { DomainCommand } from '../common/command.js';

/** PaymentStatus (docs/domain.md, "Payments"), as the API exposes it. */
export const paymentStatuses = ['pending', 'processing', 'succeeded', 'failed', 'refunded', 'partially_refunded', 'cancelled'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/**
 * RefundMethodType (docs/domain.md, "Refunds"). `store_credit` credits the customer's account instead of returning
 * money.
 */
export const refundMethodTypes = ['original_payment', 'bank_account', 'card', 'store_credit', 'check'] as const;
export type RefundMethodType = (typeof refundMethodTypes)[number];

/**
 * Methods whose money has already arrived when the payment is recorded (docs/domain.md, "Payments": offline methods,
 * cash, check and wire transfer, are recorded as succeeded): there is no gateway to wait for.
 */
export const offlinePaymentMethods = ['cash', 'check', 'wire_transfer'] as const satisfies readonly PaymentMethodType[];

export function isOfflinePaymentMethod(method: PaymentMethodType): boolean {
  return (offlinePaymentMethods as readonly PaymentMethodType[]).includes(method);
}

/**
 * How a failed payment is retried, copied from the tenant's settings into each MarkPaymentFailed (the domain reads no
 * settings store). `maxAttempts` is payment.maxRetryAttempts: the number of RETRIES after the original attempt
 * fails (the original attempt is not counted), so 3 means at most four attempts in all. `intervalHours` is
 * payment.retryIntervalHours: the wait between a failure and the retry that may follow it.
 */
export interface RetryPolicy {
  maxAttempts: number;
  intervalHours: number;
}

/** The settings' defaults (billing-settings: retry failed payments, 3 retries, 24 hours apart). */
export const paymentDefaults = {
  retryPolicy: { maxAttempts: 3, intervalHours: 24 },
} as const satisfies { retryPolicy: RetryPolicy };

/** The policy the settings ask for; null when they turn retries off (payment.retryFailedPayments false). */
export function retryPolicyOf(settings: Pick<PaymentSettings, 'retryFailedPayments' | 'maxRetryAttempts' | 'retryIntervalHours'>): RetryPolicy | null {
  if (!settings.retryFailedPayments) return null;
  return { maxAttempts: settings.maxRetryAttempts, intervalHours: settings.retryIntervalHours };
}

/**
 * One invoice's share of a payment. The amount is a decimal string in the payment's currency; `currency` may be
 * sent to say so explicitly (a different one is CURRENCY_MISMATCH).
 */
export interface InvoiceAllocationInput {
  invoiceId: string;
  amount: string;
  currency?: string;
}

/**
 * How the payer wants the payment applied. `explicit`: to these invoices, at most these amounts (whatever is left
 * goes to the customer's credit). `oldest_due_first`: the process manager applies it to the customer's open invoices
 * by due date. The request is an intent: the actual split is decided later by AllocatePayment, from the balances.
 */
export type PaymentAllocationRequest = { kind: 'explicit'; invoices: InvoiceAllocationInput[] } | { kind: 'oldest_due_first' };

/**
 * Records a payment. Offline methods (cash, check, wire_transfer) are succeeded at once; the others wait for the
 * gateway (pending). The id comes from the caller; the same command again is acknowledged without a new event.
 * Duplicate gateway notifications are stopped before this command by the payment-reference aggregate.
 */
export type RecordPayment = DomainCommand<
  'RecordPayment',
  {
    paymentId: string;
    customerId: string;
    amount: string;
    currency: string;
    method: PaymentMethodType;
    /** The external reference: the gateway's charge id, the check number, the bank transfer's reference. */
    reference: string;
    /** The method on file that was charged, when there is one. */
    paymentMethodId?: string | null;
    allocation: PaymentAllocationRequest;
    /**
     * The company bank account the money goes to, resolved by the application layer (the one the caller named, or
     * the currency's default). Null: no bank account in that currency. Absent: not said (recorded without the field).
     */
    bankAccountId?: string | null;
  }
>;

/** The gateway took the payment: pending -> processing. */
export type StartPaymentProcessing = DomainCommand<'StartPaymentProcessing', { paymentId: string }>;

/** The gateway confirmed the payment: pending | processing -> succeeded. */
export type MarkPaymentSucceeded = DomainCommand<'MarkPaymentSucceeded', { paymentId: string; gatewayReference?: string | null }>;

/**
 * The attempt in flight failed: pending | processing -> failed. `retryPolicy` comes from the settings at the time of
 * the failure (see retryPolicyOf); null means retries are turned off.
 */
export type MarkPaymentFailed = DomainCommand<'MarkPaymentFailed', { paymentId: string; reason: string; retryPolicy: RetryPolicy | null }>;

/** Starts the next attempt of a failed payment (failed -> processing), when one is left and it is due. */
export type RetryPayment = DomainCommand<'RetryPayment', { paymentId: string }>;

/** Abandons a payment that has not succeeded: pending | processing | failed -> cancelled (stops any retries). */
export type CancelPayment = DomainCommand<'CancelPayment', { paymentId: string; reason: string }>;

/**
 * Applies a succeeded payment, once: the process manager computes the split from the invoices' balances (explicit
 * request or oldest due first). The allocations plus `creditAmount` (to the customer's credit balance) must add up
 * to the payment's amount exactly, so no minor unit is lost or created.
 */
export type AllocatePayment = DomainCommand<
  'AllocatePayment',
  { paymentId: string; allocations: InvoiceAllocationInput[]; creditAmount: string }
>;

/** Returns part or all of a succeeded payment. `refundId` comes from the caller: the same refund again is a no-op. */
export type RefundPayment = DomainCommand<
  'RefundPayment',
  { paymentId: string; refundId: string; amount: string; method: RefundMethodType; reason: string }
>;

export type PaymentCommand =
  | RecordPayment
  | StartPaymentProcessing
  | MarkPaymentSucceeded
  | MarkPaymentFailed
  | RetryPayment
  | CancelPayment
  | AllocatePayment
  | RefundPayment;
