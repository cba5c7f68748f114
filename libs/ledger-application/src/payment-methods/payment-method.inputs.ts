import type { AddPaymentMethod } from '../../../billing/src/index.js';

/**
 * What the payment-method commands take: plain data, structurally what the GraphQL inputs carry. addPaymentMethod
 * passes every field but the idempotency key (the API's) to the decider, which refuses card data anywhere in it.
 */
export type AddPaymentMethodCommandInput = Omit<AddPaymentMethod['data'], 'paymentMethodId'> & { readonly idempotencyKey?: string | null };

export interface PaymentMethodIdInput {
  readonly paymentMethodId: string;
}

export interface DeactivatePaymentMethodCommandInput extends PaymentMethodIdInput {
  readonly reason?: string | null;
}

export interface FailPaymentMethodVerificationCommandInput extends PaymentMethodIdInput {
  readonly reason: string;
}
