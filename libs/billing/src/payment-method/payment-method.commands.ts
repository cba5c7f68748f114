import type { PaymentMethodType } from '../payment/payment.method-types.js';
import type { DomainCommand } from '../common/command.js';

/** PaymentMethodStatus (docs/domain.md, "Payments"). */
export const paymentMethodStatuses = ['active', 'inactive', 'expired', 'requires_verification', 'verification_failed'] as const;
export type PaymentMethodStatus = (typeof paymentMethodStatuses)[number];

/** VerificationStatus (docs/domain.md, "Payments"). */
export const verificationStatuses = ['pending', 'verified', 'failed', 'expired'] as const;
export type VerificationStatus = (typeof verificationStatuses)[number];

/**
 * Puts a customer's payment method on file. The ledger keeps only what a gateway lets a merchant keep: the gateway's
 * token (in the secret store), the brand, the last four digits and the expiry. A full card number or a security code anywhere in the
 * command is refused (VALIDATION_FAILED, without repeating the digits). Cards need brand, last4 and expiry.
 */
export type AddPaymentMethod = DomainCommand<
  'AddPaymentMethod',
  {
    paymentMethodId: string;
    customerId: string;
    type: PaymentMethodType;
    brand?: string | null;
    /** Exactly four digits, as a string ("0042"). */
    last4?: string | null;
    /** 1..12; with expiryYear, or neither. */
    expiryMonth?: number | null;
    /** Four digits, 2000..2100. */
    expiryYear?: number | null;
    /**
     * The gateway's reference to the stored instrument: what is charged. Validated here, never recorded: the event
     * carries `gatewayTokenRef`, where the application stored it (commands are not stored).
     */
    gatewayToken: string;
    /** Where the application stored `gatewayToken` in the secret store. */
    gatewayTokenRef: string;
    holderName?: string | null;
  }
>;

/** The verification (micro-deposits, a mandate) succeeded: the method becomes active. */
export type VerifyPaymentMethod = DomainCommand<'VerifyPaymentMethod', { paymentMethodId: string }>;

export type FailPaymentMethodVerification = DomainCommand<'FailPaymentMethodVerification', { paymentMethodId: string; reason: string }>;

/** Marks the method expired; refused before its expiry has passed at the command's `metadata.now`. */
export type ExpirePaymentMethod = DomainCommand<'ExpirePaymentMethod', { paymentMethodId: string }>;

/** Takes the method out of use for good (the customer removed it, the gateway revoked the token). */
export type DeactivatePaymentMethod = DomainCommand<'DeactivatePaymentMethod', { paymentMethodId: string; reason?: string | null }>;

export type PaymentMethodCommand =
  | AddPaymentMethod
  | VerifyPaymentMethod
  | FailPaymentMethodVerification
  | ExpirePaymentMethod
  | DeactivatePaymentMethod;
