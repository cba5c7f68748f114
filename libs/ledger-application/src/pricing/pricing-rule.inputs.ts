import type { CurrencyAmount, PricingAdjustment, PricingRuleDefinitionInput, PricingRuleKind, PricingStacking, ServiceType } from '../../../billing/src/index.js';

/**
 * An adjustment as a client sends it. GraphQL has no input unions, so it is one object with the figures of every
 * kind; those of the other kinds are absent or null, and are dropped before the decider (which refuses a field the
 * kind does not have, so that a misspelt or misplaced figure is never ignored).
 */
export interface PricingAdjustmentCommandInput {
  readonly kind: PricingRuleKind;
  readonly percentOff?: string | null;
  readonly amountsOff?: readonly CurrencyAmount[] | null;
  readonly unitPrices?: readonly CurrencyAmount[] | null;
}

/** Conditions as a client sends them: each one absent or null when it does not apply. */
export interface PricingConditionsCommandInput {
  readonly planIds?: readonly string[] | null;
  readonly productIds?: readonly string[] | null;
  readonly serviceTypes?: readonly ServiceType[] | null;
  readonly customerSegments?: readonly string[] | null;
  readonly minimumQuantity?: string | null;
  readonly validFrom?: string | null;
  readonly validUntil?: string | null;
  readonly usageLimit?: number | null;
}

/** What createPricingRule and updatePricingRule take: the rule id and its whole definition (an update replaces it). */
export interface PricingRuleCommandInput {
  readonly ruleId: string;
  readonly name: string;
  readonly adjustment: PricingAdjustmentCommandInput;
  readonly conditions?: PricingConditionsCommandInput | null;
  readonly priority: number;
  readonly stacking: PricingStacking;
  readonly idempotencyKey?: string | null;
}

export interface PricingRuleIdCommandInput {
  readonly ruleId: string;
  readonly idempotencyKey?: string | null;
}

/** The definition as the command carries it: the adjustment without the other kinds' null figures. */
export function pricingRuleDefinitionOf(input: PricingRuleCommandInput): { ruleId: string } & PricingRuleDefinitionInput {
  const { idempotencyKey: _key, adjustment, ...rest } = input;
  const present = Object.fromEntries(Object.entries(adjustment).filter(([, value]) => value !== null && value !== undefined));
  // The decider reads the definition as unknown input and checks every field; the type names what a valid one holds.
  return { ...rest, adjustment: present as PricingAdjustment, conditions: rest.conditions as PricingRuleDefinitionInput['conditions'] };
}
