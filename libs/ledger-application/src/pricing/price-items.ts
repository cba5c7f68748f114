import { DomainError, isDomainError, priceItem, pricingLimits, type PricedItem, type PricedItemInput, type PricingRule } from '../../../billing/src/index.js';
import { PricingRuleQueries } from '../../../../projections/pricing-rules/pricing-rules.queries.js';
import type { ApplicationServices } from '../common/application-services.js';

/**
 * The one place a tenant's prices are computed, for the simulator (priceQuote) and for what will bill (renewals,
 * invoice lines from the catalog): load the tenant's rule set, then price the items in order with the one pricing
 * engine, `priceItem` (libs/billing/src/pricing/price-item.ts). A quote and a bill for the same items, date and
 * segment therefore give the same prices and the same explanation.
 *
 * Where the rules come from: the `pricing_rules` read model (projections/pricing-rules/), every active rule of the
 * tenant at its current revision, in the engine's order. Not the streams, because:
 * - the rule set is "every rule of the tenant", which only a read model lists (a stream is one rule); loading each
 *   rule's stream after listing them would be one read per rule on every pricing, for the same answer;
 * - the simulator is a query, and queries read read models only (docs/architecture.md, Conventions 5);
 * - every step of an explanation names the rule's revision, so what a price applied stays auditable whichever
 *   revision was read; a caller that must see a rule change it just made waits for the read model first (the API's
 *   `minPosition`).
 *
 * Usage counts: a rule's usage limit counts its applications, one per priced item it applies to. No event records
 * an application yet (the bills that will record them, renewals, are not built), so every rule's recorded count is
 * 0 (`usage` of loadPricingRules is empty); within one pricing the applications are counted item by item, so a rule
 * with a usage limit of 1 applies to the first item it matches and is skipped as `usage_limit_reached` on the next.
 * When renewals record the rules they applied, their counts belong in `usage`, read here, and nowhere else.
 */

/** The rules one pricing reads, and how many times each was applied before (a rule not in `usage`: never). */
export interface TenantPricingRules {
  readonly rules: readonly PricingRule[];
  readonly usage: ReadonlyMap<string, number>;
}

/** Items priced in one call, in order: a rule's applications count across them. */
export interface PriceItemsInput {
  readonly items: readonly PricedItemInput[];
  /** The customer's segment, or null (rules with a segment condition then skip as segment_mismatch). */
  readonly customerSegment: string | null;
  /** The calendar date the prices are for, 'YYYY-MM-DD' in the tenant's zone. */
  readonly date: string;
}

/** Bounds on one call (docs/architecture.md, Conventions 12). */
export const priceItemsLimits = {
  itemsMax: 200,
} as const;

/**
 * Every active rule of the tenant, in the engine's order (priority, rule id), from the pricing_rules read model. More
 * than the engine takes (pricingLimits.rulesMax) is refused with VALIDATION_FAILED rather than priced with some of
 * them: the commands keep a tenant below it (active-rules-bound.ts), so only a race at the bound gets here.
 */
export async function loadPricingRules(services: Pick<ApplicationServices, 'db'>, tenantId: string): Promise<TenantPricingRules> {
  const rules = await new PricingRuleQueries(services.db).activeRules(tenantId, pricingLimits.rulesMax + 1);
  if (rules.length > pricingLimits.rulesMax) {
    throw new DomainError('VALIDATION_FAILED', `The tenant has more than ${pricingLimits.rulesMax} active pricing rules, more than one pricing reads: deactivate some`, {
      field: 'rules',
      activeRulesMax: pricingLimits.rulesMax,
    });
  }
  return { rules, usage: new Map() };
}

/**
 * The items priced in order with one rule set: each with `priceItem`, the usage counts growing by one for every rule
 * an item applied. Bad input is VALIDATION_FAILED naming the item (`items[2].quantity`).
 */
export function priceItemsWith(ruleSet: TenantPricingRules, input: PriceItemsInput): PricedItem[] {
  if (input.items.length === 0 || input.items.length > priceItemsLimits.itemsMax) {
    throw new DomainError('VALIDATION_FAILED', `items must hold 1 to ${priceItemsLimits.itemsMax} items (got ${input.items.length})`, { field: 'items' });
  }
  const usage = new Map(ruleSet.usage);
  return input.items.map((item, index) => {
    const priced = namingTheItem(index, () => priceItem({ item, customerSegment: input.customerSegment, date: input.date, rules: ruleSet.rules, usage }));
    for (const step of priced.explanation.applied) usage.set(step.ruleId, (usage.get(step.ruleId) ?? 0) + 1);
    return priced;
  });
}

/** Loads the tenant's rule set and prices the items with it: what renewals and the simulator both call. */
export async function priceItems(services: Pick<ApplicationServices, 'db'>, tenantId: string, input: PriceItemsInput): Promise<PricedItem[]> {
  return priceItemsWith(await loadPricingRules(services, tenantId), input);
}

/** The engine names an item's field `item.x`; with several items, the error says which one (`items[2].x`). */
function namingTheItem<Result>(index: number, work: () => Result): Result {
  try {
    return work();
  } catch (error) {
    if (!isDomainError(error)) throw error;
    const field = error.details.field;
    if (typeof field !== 'string' || !field.startsWith('item.')) throw error;
    const named = `items[${index}].${field.slice('item.'.length)}`;
    throw new DomainError(error.code, error.message.replace(field, named), { ...error.details, field: named });
  }
}
