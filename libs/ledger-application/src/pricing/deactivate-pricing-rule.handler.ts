import { requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { PricingRuleIdCommandInput } from './pricing-rule.inputs.js';
import type { PricingRuleOutcome } from './pricing-rule-outcome.js';

/** Stops the rule applying (it keeps its definition for a reactivation); deactivating it again appends nothing. */
export function deactivatePricingRule(services: ApplicationServices, context: CommandContext, input: PricingRuleIdCommandInput): Promise<PricingRuleOutcome> {
  const ruleId = requireIdentifier(input.ruleId, 'ruleId');
  return executeCommand(services.store, context, aggregates.pricingRule.on(ruleId, { command: () => ({ type: 'DeactivatePricingRule', data: { ruleId } }) }));
}
