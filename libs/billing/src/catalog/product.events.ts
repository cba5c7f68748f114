import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';
import { serviceTypes } from './service-type.js';

const { instant, identifier } = eventFields;

/**
 * Product events are contracts (docs/architecture.md, Conventions 4), all at schema version 1. ProductCreated and
 * ProductUpdated carry the whole product as it now is (ProductUpdated also the values it replaced), so one event tells a
 * reader everything. An absent description is null, never "".
 */

export const productDescriptionSchema = z.object({
  name: z.string().min(1),
  description: z.string().min(1).nullable(),
});

export type ProductDescription = z.infer<typeof productDescriptionSchema>;

export const productCreatedSchema = defineEventSchema(
  'ProductCreated',
  1,
  productDescriptionSchema.extend({ productId: identifier, serviceType: z.enum(serviceTypes), createdAt: instant }),
);

export const productUpdatedSchema = defineEventSchema(
  'ProductUpdated',
  1,
  productDescriptionSchema.extend({ productId: identifier, previous: productDescriptionSchema, updatedAt: instant }),
);

export const productArchivedSchema = defineEventSchema('ProductArchived', 1, z.object({ productId: identifier, archivedAt: instant }));

/** Every product event type, by its stored name. */
export const productEventSchemas = {
  ProductCreated: productCreatedSchema,
  ProductUpdated: productUpdatedSchema,
  ProductArchived: productArchivedSchema,
} as const;

export type ProductEventType = keyof typeof productEventSchemas;
export const productEventTypes = Object.keys(productEventSchemas) as ProductEventType[];

export type ProductCreated = DomainEvent<'ProductCreated', z.infer<typeof productCreatedSchema.data>>;
export type ProductUpdated = DomainEvent<'ProductUpdated', z.infer<typeof productUpdatedSchema.data>>;
export type ProductArchived = DomainEvent<'ProductArchived', z.infer<typeof productArchivedSchema.data>>;

export type ProductEvent = ProductCreated | ProductUpdated | ProductArchived;
