import { requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { pricingRuleDefinitionOf, type PricingRuleCommandInput } from './pricing-rule.inputs.js';
import type { PricingRuleOutcome } from './pricing-rule-outcome.js';

/**
 * Replaces the rule's whole definition with a new revision (only an active rule: PRICING_RULE_NOT_ACTIVE). The same
 * definition again appends nothing. Prices computed before keep the revision their explanation names.
 */
export function updatePricingRule(services: ApplicationServices, context: CommandContext, input: PricingRuleCommandInput): Promise<PricingRuleOutcome> {
  const ruleId = requireIdentifier(input.ruleId, 'ruleId');
  const data = pricingRuleDefinitionOf(input);
  return executeCommand(services.store, context, aggregates.pricingRule.on(ruleId, { command: () => ({ type: 'UpdatePricingRule', data }) }));
}
