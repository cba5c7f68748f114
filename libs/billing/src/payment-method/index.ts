export * from './payment-method.commands.js';
export * from './payment-method.events.js';
export * from './payment-method.upcast.js';
export { containsCardNumber, passesLuhn, rejectCardData } from './payment-method.card-data.js';
export {
  decidePaymentMethod,
  describePaymentMethod,
  describePaymentMethodType,
  evolvePaymentMethod,
  expiryInstantOf,
  initialPaymentMethodState,
  paymentMethodDecider,
  paymentMethodLimits,
  type PaymentMethodState,
} from './payment-method.decider.js';
