export * from './payment.commands.js';
export * from './payment.events.js';
export {
  decidePayment,
  evolvePayment,
  initialPaymentState,
  paymentDecider,
  paymentLimits,
  refundableOf,
  refundSplitOf,
  type PaymentAllocationRecord,
  type PaymentLifecycleStatus,
  type PaymentRefundRecord,
  type PaymentState,
} from './payment.decider.js';
