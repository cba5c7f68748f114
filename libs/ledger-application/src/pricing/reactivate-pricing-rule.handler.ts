import { requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { countActivePricingRules, requireRoomForActiveRule } from './active-rules-bound.js';
import type { PricingRuleIdCommandInput } from './pricing-rule.inputs.js';
import type { PricingRuleOutcome } from './pricing-rule-outcome.js';

/**
 * Makes a deactivated rule apply again with the revision it had; reactivating an active rule appends nothing. Refused
 * while the tenant has as many active rules as one pricing reads.
 */
export function reactivatePricingRule(services: ApplicationServices, context: CommandContext, input: PricingRuleIdCommandInput): Promise<PricingRuleOutcome> {
  const ruleId = requireIdentifier(input.ruleId, 'ruleId');
  return executeCommand(services.store, context, aggregates.pricingRule.on(ruleId, {
    read: () => countActivePricingRules(services, context.tenantId),
    command: (state, activeRules) => {
      if (state.status === 'inactive') requireRoomForActiveRule(activeRules, ruleId);
      return { type: 'ReactivatePricingRule', data: { ruleId } };
    },
  }));
}
