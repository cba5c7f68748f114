import { z } from 'zod';
import { paymentMethodTypes } from '../payment/payment.method-types.js';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';

const { instant, identifier } = eventFields;

/**
 * Payment-method events are contracts (docs/architecture.md, Conventions 4). They never hold card data beyond what may
 * be kept: brand, last four digits and expiry. Optional values are null when unset. All at schema version 1, except
 * PaymentMethodAdded at version 2: it names the gateway's token by `gatewayTokenRef` (the token itself is in the
 * secret store, libs/secrets); version 1 carried the token, and its upcaster (payment-method.upcast.ts) names it by
 * a legacy reference into that event.
 */


export const paymentMethodAddedSchema = defineEventSchema(
  'PaymentMethodAdded',
  2,
  z.object({
    paymentMethodId: identifier,
    customerId: identifier,
    type: z.enum(paymentMethodTypes),
    /** Lower case ("visa"). */
    brand: z.string().min(1).nullable(),
    last4: z.string().regex(/^\d{4}$/).nullable(),
    expiryMonth: z.number().int().min(1).max(12).nullable(),
    expiryYear: z.number().int().min(2000).max(2100).nullable(),
    /** Where the secret store keeps the gateway's token (what is charged). */
    gatewayTokenRef: z.string().min(1),
    holderName: z.string().min(1).nullable(),
    /** `requires_verification` for bank accounts, `active` otherwise. */
    status: z.enum(['active', 'requires_verification']),
    /** `pending` while a verification is awaited; null for methods that need none. */
    verificationStatus: z.enum(['pending']).nullable(),
    addedAt: instant,
  }),
);

export const paymentMethodVerifiedSchema = defineEventSchema(
  'PaymentMethodVerified',
  1,
  z.object({ paymentMethodId: identifier, verifiedAt: instant }),
);

export const paymentMethodVerificationFailedSchema = defineEventSchema(
  'PaymentMethodVerificationFailed',
  1,
  z.object({ paymentMethodId: identifier, reason: z.string().min(1), failedAt: instant }),
);

export const paymentMethodExpiredSchema = defineEventSchema(
  'PaymentMethodExpired',
  1,
  z.object({ paymentMethodId: identifier, expiryMonth: z.number().int().min(1).max(12), expiryYear: z.number().int(), expiredAt: instant }),
);

export const paymentMethodDeactivatedSchema = defineEventSchema(
  'PaymentMethodDeactivated',
  1,
  z.object({ paymentMethodId: identifier, reason: z.string().min(1).nullable(), deactivatedAt: instant }),
);

/** Every payment-method event type, by its stored name. */
export const paymentMethodEventSchemas = {
  PaymentMethodAdded: paymentMethodAddedSchema,
  PaymentMethodVerified: paymentMethodVerifiedSchema,
  PaymentMethodVerificationFailed: paymentMethodVerificationFailedSchema,
  PaymentMethodExpired: paymentMethodExpiredSchema,
  PaymentMethodDeactivated: paymentMethodDeactivatedSchema,
} as const;

export type PaymentMethodEventType = keyof typeof paymentMethodEventSchemas;
export const paymentMethodEventTypes = Object.keys(paymentMethodEventSchemas) as PaymentMethodEventType[];

export type PaymentMethodAdded = DomainEvent<'PaymentMethodAdded', z.infer<typeof paymentMethodAddedSchema.data>>;
export type PaymentMethodVerified = DomainEvent<'PaymentMethodVerified', z.infer<typeof paymentMethodVerifiedSchema.data>>;
export type PaymentMethodVerificationFailed = DomainEvent<
  'PaymentMethodVerificationFailed',
  z.infer<typeof paymentMethodVerificationFailedSchema.data>
>;
export type PaymentMethodExpired = DomainEvent<'PaymentMethodExpired', z.infer<typeof paymentMethodExpiredSchema.data>>;
export type PaymentMethodDeactivated = DomainEvent<'PaymentMethodDeactivated', z.infer<typeof paymentMethodDeactivatedSchema.data>>;

export type PaymentMethodEvent =
  | PaymentMethodAdded
  | PaymentMethodVerified
  | PaymentMethodVerificationFailed
  | PaymentMethodExpired
  | PaymentMethodDeactivated;
