import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';

const { decimal, instant } = eventFields;

/**
 * Payment-reference events are contracts (docs/architecture.md, Conventions 4): stored names never change; amounts are
 * decimal strings.
 */


export const paymentReferenceReservedSchema = defineEventSchema(
  'PaymentReferenceReserved',
  1,
  z.object({
    /** The normalised reference: the stream's key. */
    reference: z.string().min(1),
    /** The reference as the first notification wrote it, kept for people reading the history. */
    receivedReference: z.string().min(1),
    paymentId: z.string().min(1),
    amount: decimal,
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
    reservedAt: instant,
  }),
);

/** Every payment-reference event type, by its stored name. */
export const paymentReferenceEventSchemas = {
  PaymentReferenceReserved: paymentReferenceReservedSchema,
} as const;

export type PaymentReferenceEventType = keyof typeof paymentReferenceEventSchemas;
export const paymentReferenceEventTypes = Object.keys(paymentReferenceEventSchemas) as PaymentReferenceEventType[];

export type PaymentReferenceReserved = DomainEvent<'PaymentReferenceReserved', z.infer<typeof paymentReferenceReservedSchema.data>>;

export type PaymentReferenceEvent = PaymentReferenceReserved;
