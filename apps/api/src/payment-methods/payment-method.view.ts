import { describePaymentMethod, type PaymentMethodState } from '../../../../libs/billing/src/index.js';
import type { PaymentMethodRecord } from '../../../../projections/payment-methods/payment-methods.queries.js';
import type { PaymentMethodObjectType, PaymentMethodStatus, VerificationStatus } from './payment-method.types.js';
import type { PaymentMethodType } from '../invoices/invoice.types.js';

/**
 * The PaymentMethod as the API shows it. Neither view has the gateway token: it is in the secret store, the state
 * and the events name it by reference, the read model not at all; every response says only that one is held.
 */
export function paymentMethodViewFromState(state: PaymentMethodState): PaymentMethodObjectType {
  if (state.status === 'none' || state.paymentMethodId === null || state.customerId === null || state.type === null || state.addedAt === null) {
    throw new Error('a payment method view was asked of a payment method that was never added');
  }
  return {
    id: state.paymentMethodId,
    customerId: state.customerId,
    type: state.type as PaymentMethodType,
    status: state.status as PaymentMethodStatus,
    verificationStatus: state.verificationStatus as VerificationStatus | null,
    verificationFailureReason: state.verificationFailureReason,
    brand: state.brand,
    last4: state.last4,
    expiryMonth: state.expiryMonth,
    expiryYear: state.expiryYear,
    holderName: state.holderName,
    description: describePaymentMethod(state),
    hasGatewayToken: state.gatewayTokenRef !== null,
    addedAt: state.addedAt,
    verifiedAt: state.verifiedAt,
    expiredAt: state.expiredAt,
    deactivatedAt: state.deactivatedAt,
    deactivationReason: state.deactivationReason,
  };
}

/** Every method is added with a token (the decider requires one), so a row always has one. */
export function paymentMethodViewFromRecord(record: PaymentMethodRecord): PaymentMethodObjectType {
  return {
    ...record,
    type: record.type as PaymentMethodType,
    status: record.status as PaymentMethodStatus,
    verificationStatus: record.verificationStatus as VerificationStatus | null,
    description: describePaymentMethod(record),
    hasGatewayToken: true,
  };
}
