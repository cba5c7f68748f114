export * from './payment.commands.js';
export * from './payment.events.js';
export * from './payment.method-types.js';
export {
  evolvePayment,
  initialPaymentState,
  type PaymentAllocationRecord,
  type PaymentLifecycleStatus,
  type PaymentRefundRecord,
  type PaymentState,
} from './payment.state.js';
export { decidePayment, paymentDecider, paymentLimits, refundableOf, refundSplitOf } from './payment.decider.js';
