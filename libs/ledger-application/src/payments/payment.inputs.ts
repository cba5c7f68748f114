import type { PaymentMethodType, RefundMethodType } from '../../../billing/src/index.js';

/**
 * What the payment commands take: plain data, structurally what the GraphQL inputs carry (apps/api/src/payments/
 * payment.types.ts), so a resolver passes its input as it is and the handlers know nothing of GraphQL.
 */
export interface CreatePaymentCommandInput {
  readonly customerId: string;
  readonly amount: string;
  readonly currency: string;
  readonly method: PaymentMethodType;
  readonly reference: string;
  readonly paymentMethodId?: string | null;
  /** Absent: the customer's open invoices, oldest due first. */
  readonly allocations?: { invoiceId: string; amount: string }[] | null;
  /** The company bank account it was deposited to; absent: the currency's default (resolvePaymentBankAccount). */
  readonly bankAccountId?: string | null;
}

export interface PaymentIdInput {
  readonly paymentId: string;
}

export interface MarkPaymentSucceededCommandInput extends PaymentIdInput {
  readonly gatewayReference?: string | null;
}

export interface PaymentWithReasonInput extends PaymentIdInput {
  readonly reason: string;
}

export interface RefundPaymentCommandInput extends PaymentIdInput {
  readonly amount: string;
  readonly method: RefundMethodType;
  readonly reason: string;
}

/** recordPayment: money received against one invoice. */
export interface RecordPaymentCommandInput {
  readonly invoiceId: string;
  readonly amount: string;
  readonly currency: string;
  readonly method: PaymentMethodType;
  readonly reference: string;
  /** The company bank account it was deposited to; absent: the currency's default (resolvePaymentBankAccount). */
  readonly bankAccountId?: string | null;
}
