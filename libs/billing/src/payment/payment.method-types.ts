/**
 * The ways a customer can pay (PaymentMethodType), as the API exposes them. Invoices, payments, saved payment
 * methods and the billing settings (payment.enabledMethods) all draw on this one list.
 */
export const paymentMethodTypes = ['card', 'bank_account', 'digital_wallet', 'crypto', 'check', 'wire_transfer', 'cash'] as const;
export type PaymentMethodType = (typeof paymentMethodTypes)[number];
