import { z } from 'zod';
import { billingCycleUnits } from '../billing-period/index.js';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';
import { billingTimings, planKinds, planLimits } from './plan.version-terms.js';
import { serviceTypes } from './service-type.js';
import { taxTreatmentSchema } from './tax-treatment.js';

const { decimal, instant, currencyCode, identifier } = eventFields;

/**
 * Plan events are contracts (docs/architecture.md, Conventions 4), all at schema version 1. PlanCreated and
 * PlanVersionPublished carry the whole terms of the version they make (never a difference from the one before), with
 * the plan's product, service type and kind, so a reader of one version needs no other event. Amounts are decimal
 * strings fixed to their currency's minor unit.
 */

export const billingCycleSchema = z.union([
  z.object({ kind: z.enum(['monthly', 'quarterly', 'semi_annual', 'annual']) }),
  z.object({ kind: z.literal('custom'), unit: z.enum(billingCycleUnits), count: z.number().int().min(1) }),
]);

export const planPriceSchema = z.object({ currency: currencyCode, amount: decimal });

export const planVersionTermsSchema = z.object({
  cycle: billingCycleSchema,
  timing: z.enum(billingTimings),
  /** Price per cycle per unit, one per currency, sorted by currency. */
  prices: z.array(planPriceSchema).min(1),
  /** One-off fees billed with the first invoice, sorted by currency; empty when none. */
  setupFees: z.array(planPriceSchema),
  trialDays: z.number().int().min(0).max(planLimits.trialDaysMax),
  taxTreatment: taxTreatmentSchema,
  /** Add-on plans: the base plans it attaches to (else empty). */
  basePlanIds: z.array(identifier),
  /** Bundle plans: the plans it groups (else empty). */
  bundledPlanIds: z.array(identifier),
});

const planFacts = {
  planId: identifier,
  productId: identifier,
  serviceType: z.enum(serviceTypes),
  kind: z.enum(planKinds),
};

export const planCreatedSchema = defineEventSchema(
  'PlanCreated',
  1,
  z.object({ ...planFacts, name: z.string().min(1), version: z.literal(1), terms: planVersionTermsSchema, createdAt: instant }),
);

export const planVersionPublishedSchema = defineEventSchema(
  'PlanVersionPublished',
  1,
  z.object({ ...planFacts, version: z.number().int().min(2), terms: planVersionTermsSchema, publishedAt: instant }),
);

export const planRenamedSchema = defineEventSchema(
  'PlanRenamed',
  1,
  z.object({ planId: identifier, name: z.string().min(1), previousName: z.string().min(1), renamedAt: instant }),
);

export const planArchivedSchema = defineEventSchema('PlanArchived', 1, z.object({ planId: identifier, archivedAt: instant }));

export const planUnarchivedSchema = defineEventSchema('PlanUnarchived', 1, z.object({ planId: identifier, unarchivedAt: instant }));

/** Every plan event type, by its stored name. */
export const planEventSchemas = {
  PlanCreated: planCreatedSchema,
  PlanVersionPublished: planVersionPublishedSchema,
  PlanRenamed: planRenamedSchema,
  PlanArchived: planArchivedSchema,
  PlanUnarchived: planUnarchivedSchema,
} as const;

export type PlanEventType = keyof typeof planEventSchemas;
export const planEventTypes = Object.keys(planEventSchemas) as PlanEventType[];

export type PlanCreated = DomainEvent<'PlanCreated', z.infer<typeof planCreatedSchema.data>>;
export type PlanVersionPublished = DomainEvent<'PlanVersionPublished', z.infer<typeof planVersionPublishedSchema.data>>;
export type PlanRenamed = DomainEvent<'PlanRenamed', z.infer<typeof planRenamedSchema.data>>;
export type PlanArchived = DomainEvent<'PlanArchived', z.infer<typeof planArchivedSchema.data>>;
export type PlanUnarchived = DomainEvent<'PlanUnarchived', z.infer<typeof planUnarchivedSchema.data>>;

export type PlanEvent = PlanCreated | PlanVersionPublished | PlanRenamed | PlanArchived | PlanUnarchived;
