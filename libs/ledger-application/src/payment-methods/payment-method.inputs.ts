import type { AddPaymentMethod } from '../../../billing/src/index.js';

/**
 * What the payment-method commands take: plain data, structurally what the GraphQL inputs carry. addPaymentMethod
 * passes every field but the idempotency key (the API's) to the decider, which refuses card data anywhere in it. The
 * gateway token is given in plaintext; the handler stores it and names it by its reference.
 */
export type AddPaymentMethodCommandInput = Omit<AddPaymentMethod['data'], 'paymentMethodId' | 'gatewayTokenRef'> & { readonly idempotencyKey?: string | null };

export interface PaymentMethodIdInput {
  readonly paymentMethodId: string;
}

export interface DeactivatePaymentMethodCommandInput extends PaymentMethodIdInput {
  readonly reason?: string | null;
}

export interface FailPaymentMethodVerificationCommandInput extends PaymentMethodIdInput {
  readonly reason: string;
}
