export * from './payment-reference.commands.js';
export * from './payment-reference.events.js';
export {
  decidePaymentReference,
  evolvePaymentReference,
  initialPaymentReferenceState,
  normalisePaymentReference,
  paymentReferenceDecider,
  paymentReferenceLimits,
  type PaymentReferenceState,
} from './payment-reference.decider.js';
