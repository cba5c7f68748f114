import { DomainError, pricingLimits } from '../../../billing/src/index.js';
import { PricingRuleQueries } from '../../../../projections/pricing-rules/pricing-rules.queries.js';
import type { ApplicationServices } from '../common/application-services.js';

/**
 * Every pricing reads all of a tenant's active rules, and the engine takes at most pricingLimits.rulesMax (200) of
 * them: one more would make every quote and every renewal of the tenant fail. So a command that would make a rule
 * active (a creation, a reactivation) is refused with VALIDATION_FAILED while that many are active already. The
 * count is the pricing_rules read model's (the set the engine reads, see price-items.ts): two commands racing at the
 * bound may both pass, and then the pricing refuses the excess with its own message (loadPricingRules).
 */
export async function countActivePricingRules(services: Pick<ApplicationServices, 'db'>, tenantId: string): Promise<number> {
  return new PricingRuleQueries(services.db).countActiveRules(tenantId, pricingLimits.rulesMax);
}

export function requireRoomForActiveRule(activeRules: number, ruleId: string): void {
  if (activeRules < pricingLimits.rulesMax) return;
  throw new DomainError(
    'VALIDATION_FAILED',
    `The tenant has ${activeRules} active pricing rules, the most one pricing reads (${pricingLimits.rulesMax}): deactivate one before making ${ruleId} active`,
    { field: 'ruleId', activeRules, activeRulesMax: pricingLimits.rulesMax },
  );
}
