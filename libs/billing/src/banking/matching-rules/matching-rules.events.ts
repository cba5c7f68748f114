import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../../common/event.js';
import { eventFields } from '../../common/event-fields.js';
import { matchingCriteriaSchema } from './matching-rules.criteria.js';

const { identifier, instant } = eventFields;

export const matchingRuleLimits = { priorityMin: 1, priorityMax: 1000, nameLengthMax: 200, rulesMax: 500 } as const;

/**
 * A matching rule defined, or redefined (one stream per tenant). `version` starts at 1 and grows by one on each
 * definition of the same ruleId, so a match decision naming (ruleId, version) names exactly the criteria it used.
 * Lower `priority` runs first; bankAccountId null applies to every account. Redefining a retired rule revives it.
 */
export const matchingRuleDefinedSchema = defineEventSchema(
  'MatchingRuleDefined',
  1,
  z.object({
    ruleId: identifier,
    version: z.number().int().min(1),
    name: z.string().min(1),
    priority: z.number().int().min(matchingRuleLimits.priorityMin).max(matchingRuleLimits.priorityMax),
    bankAccountId: identifier.nullable(),
    criteria: matchingCriteriaSchema,
    definedAt: instant,
  }),
);

/** The rule stops running on imports; its version stays what it was (past decisions still name it). */
export const matchingRuleRetiredSchema = defineEventSchema(
  'MatchingRuleRetired',
  1,
  z.object({ ruleId: identifier, version: z.number().int().min(1), retiredAt: instant }),
);

export const matchingRulesEventSchemas = { MatchingRuleDefined: matchingRuleDefinedSchema, MatchingRuleRetired: matchingRuleRetiredSchema } as const;

export type MatchingRulesEventType = keyof typeof matchingRulesEventSchemas;
export const matchingRulesEventTypes = Object.keys(matchingRulesEventSchemas) as MatchingRulesEventType[];

export type MatchingRuleDefined = DomainEvent<'MatchingRuleDefined', z.infer<typeof matchingRuleDefinedSchema.data>>;
export type MatchingRuleRetired = DomainEvent<'MatchingRuleRetired', z.infer<typeof matchingRuleRetiredSchema.data>>;
export type MatchingRulesEvent = MatchingRuleDefined | MatchingRuleRetired;
