export * from './pricing-rule.commands.js';
export * from './pricing-rule.events.js';
export {
  adjustmentAmountIn,
  noPricingConditions,
  pricingRuleKinds,
  pricingRuleLimits,
  pricingStackings,
  requirePricingRule,
  requirePricingRuleDefinition,
  samePricingRuleDefinition,
  type CurrencyAmount,
  type PricingAdjustment,
  type PricingConditions,
  type PricingRule,
  type PricingRuleDefinition,
  type PricingRuleDefinitionInput,
  type PricingRuleKind,
  type PricingStacking,
} from './pricing-rule.definition.js';
export {
  decidePricingRule,
  evolvePricingRule,
  initialPricingRuleState,
  pricingRuleDecider,
  pricingRuleOf,
  type PricingRuleState,
} from './pricing-rule.decider.js';
export * from './price-item.js';
