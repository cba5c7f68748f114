import type { DomainCommand } from '../common/command.js';

/**
 * Claims an external payment reference (a gateway's charge id, a bank transfer's reference) for one payment, before
 * the payment is recorded. The stream is one per tenant and normalised reference (see normalisePaymentReference), so
 * two notifications of the same charge meet on the same stream and the second never records a second payment.
 */
export type ReservePaymentReference = DomainCommand<
  'ReservePaymentReference',
  { reference: string; paymentId: string; amount: string; currency: string }
>;

export type PaymentReferenceCommand = ReservePaymentReference;
