import { z } from 'zod';
import { serviceTypes } from '../catalog/service-type.js';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';
import { pricingStackings } from './pricing-rule.definition.js';

const { decimal, calendarDate, instant, currencyCode, identifier } = eventFields;

/**
 * Pricing-rule events are contracts (docs/architecture.md, Conventions 4), all at schema version 1.
 * PricingRuleCreated and PricingRuleUpdated carry the whole definition of the revision they make, so a reader of one
 * revision needs no other event. Conditions that do not apply are null, never an empty list.
 */

const currencyAmountSchema = z.object({ currency: currencyCode, amount: decimal });

export const pricingAdjustmentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percentage'), percentOff: decimal }),
  z.object({ kind: z.literal('amount_off'), amountsOff: z.array(currencyAmountSchema).min(1) }),
  z.object({ kind: z.literal('fixed_price'), unitPrices: z.array(currencyAmountSchema).min(1) }),
]);

export const pricingConditionsSchema = z.object({
  planIds: z.array(identifier).min(1).nullable(),
  productIds: z.array(identifier).min(1).nullable(),
  serviceTypes: z.array(z.enum(serviceTypes)).min(1).nullable(),
  customerSegments: z.array(identifier).min(1).nullable(),
  minimumQuantity: decimal.nullable(),
  /** The first day the rule applies. */
  validFrom: calendarDate.nullable(),
  /** The first day it no longer applies (excluded). */
  validUntil: calendarDate.nullable(),
  usageLimit: z.number().int().min(1).nullable(),
});

export const pricingRuleDefinitionSchema = z.object({
  name: z.string().min(1),
  adjustment: pricingAdjustmentSchema,
  conditions: pricingConditionsSchema,
  priority: z.number().int().min(0),
  stacking: z.enum(pricingStackings),
});

export const pricingRuleCreatedSchema = defineEventSchema(
  'PricingRuleCreated',
  1,
  pricingRuleDefinitionSchema.extend({ ruleId: identifier, revision: z.literal(1), createdAt: instant }),
);

export const pricingRuleUpdatedSchema = defineEventSchema(
  'PricingRuleUpdated',
  1,
  pricingRuleDefinitionSchema.extend({ ruleId: identifier, revision: z.number().int().min(2), updatedAt: instant }),
);

export const pricingRuleDeactivatedSchema = defineEventSchema(
  'PricingRuleDeactivated',
  1,
  z.object({ ruleId: identifier, revision: z.number().int().min(1), deactivatedAt: instant }),
);

export const pricingRuleReactivatedSchema = defineEventSchema(
  'PricingRuleReactivated',
  1,
  z.object({ ruleId: identifier, revision: z.number().int().min(1), reactivatedAt: instant }),
);

/** Every pricing-rule event type, by its stored name. */
export const pricingRuleEventSchemas = {
  PricingRuleCreated: pricingRuleCreatedSchema,
  PricingRuleUpdated: pricingRuleUpdatedSchema,
  PricingRuleDeactivated: pricingRuleDeactivatedSchema,
  PricingRuleReactivated: pricingRuleReactivatedSchema,
} as const;

export type PricingRuleEventType = keyof typeof pricingRuleEventSchemas;
export const pricingRuleEventTypes = Object.keys(pricingRuleEventSchemas) as PricingRuleEventType[];

export type PricingRuleCreated = DomainEvent<'PricingRuleCreated', z.infer<typeof pricingRuleCreatedSchema.data>>;
export type PricingRuleUpdated = DomainEvent<'PricingRuleUpdated', z.infer<typeof pricingRuleUpdatedSchema.data>>;
export type PricingRuleDeactivated = DomainEvent<'PricingRuleDeactivated', z.infer<typeof pricingRuleDeactivatedSchema.data>>;
export type PricingRuleReactivated = DomainEvent<'PricingRuleReactivated', z.infer<typeof pricingRuleReactivatedSchema.data>>;

export type PricingRuleEvent = PricingRuleCreated | PricingRuleUpdated | PricingRuleDeactivated | PricingRuleReactivated;
