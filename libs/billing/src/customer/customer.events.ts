import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';

const { identifier, instant } = eventFields;

/**
 * Customer events are contracts (docs/architecture.md, Conventions 4). Each carries the whole customer as it now is, so
 * one event tells a reader everything; CustomerUpdated also carries the values it replaced (the audit trail of "who
 * changed what from what": the acting user is in the stored event's metadata). Optional text is null when unset, never
 * "".
 */


export const billingAddressSchema = z.object({
  line1: z.string().min(1),
  line2: z.string().min(1).nullable(),
  city: z.string().min(1),
  region: z.string().min(1).nullable(),
  postalCode: z.string().min(1),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
});

export type BillingAddress = z.infer<typeof billingAddressSchema>;

export const customerDetailsSchema = z.object({
  name: z.string().min(1),
  email: z.string().min(1).nullable(),
  billingAddress: billingAddressSchema,
  taxExempt: z.boolean(),
});

export type CustomerDetails = z.infer<typeof customerDetailsSchema>;

export const customerRegisteredSchema = defineEventSchema(
  'CustomerRegistered',
  1,
  customerDetailsSchema.extend({ customerId: z.string().min(1), registeredAt: instant }),
);

export const customerUpdatedSchema = defineEventSchema(
  'CustomerUpdated',
  1,
  customerDetailsSchema.extend({ customerId: z.string().min(1), previous: customerDetailsSchema, updatedAt: instant }),
);

/**
 * The customer's pricing segment set, changed or cleared (segment null). `previous` is the segment it replaced (null:
 * none), so the event alone tells the audit trail what changed. A stream without this event has no segment.
 */
export const customerSegmentSetSchema = defineEventSchema(
  'CustomerSegmentSet',
  1,
  z.object({ customerId: z.string().min(1), segment: identifier.nullable(), previous: identifier.nullable(), setAt: instant }),
);

/** Every customer event type, by its stored name. */
export const customerEventSchemas = {
  CustomerRegistered: customerRegisteredSchema,
  CustomerUpdated: customerUpdatedSchema,
  CustomerSegmentSet: customerSegmentSetSchema,
} as const;

export type CustomerEventType = keyof typeof customerEventSchemas;
export const customerEventTypes = Object.keys(customerEventSchemas) as CustomerEventType[];

export type CustomerRegistered = DomainEvent<'CustomerRegistered', z.infer<typeof customerRegisteredSchema.data>>;
export type CustomerUpdated = DomainEvent<'CustomerUpdated', z.infer<typeof customerUpdatedSchema.data>>;

export type CustomerSegmentSet = DomainEvent<'CustomerSegmentSet', z.infer<typeof customerSegmentSetSchema.data>>;

export type CustomerEvent = CustomerRegistered | CustomerUpdated | CustomerSegmentSet;
