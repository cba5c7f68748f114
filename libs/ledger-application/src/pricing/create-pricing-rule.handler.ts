import { requireIdentifier, requirePricingRuleDefinition } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { countActivePricingRules, requireRoomForActiveRule } from './active-rules-bound.js';
import { pricingRuleDefinitionOf, type PricingRuleCommandInput } from './pricing-rule.inputs.js';
import type { PricingRuleOutcome } from './pricing-rule-outcome.js';

/**
 * Creates a pricing rule (revision 1, active). The same rule again appends nothing; another definition under that id
 * is ALREADY_EXISTS. A new rule is refused while the tenant has as many active rules as one pricing reads.
 */
export function createPricingRule(services: ApplicationServices, context: CommandContext, input: PricingRuleCommandInput): Promise<PricingRuleOutcome> {
  const ruleId = requireIdentifier(input.ruleId, 'ruleId');
  const data = pricingRuleDefinitionOf(input);
  return executeCommand(services.store, context, aggregates.pricingRule.on(ruleId, {
    read: () => countActivePricingRules(services, context.tenantId),
    command: (state, activeRules) => {
      if (state.status === 'none') {
        // The definition is judged first, so a bad one is refused for what it is, whatever the count.
        requirePricingRuleDefinition(data, '');
        requireRoomForActiveRule(activeRules, ruleId);
      }
      return { type: 'CreatePricingRule', data };
    },
  }));
}
