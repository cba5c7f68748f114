import type { DomainCommand } from '../common/command.js';
import type { PricingRuleDefinitionInput } from './pricing-rule.definition.js';

/**
 * Creates a pricing rule (revision 1), active. The id comes from the caller, so a retried command is recognised:
 * the same definition again decides nothing, another one under the same id is ALREADY_EXISTS.
 */
export type CreatePricingRule = DomainCommand<'CreatePricingRule', { ruleId: string } & PricingRuleDefinitionInput>;

/**
 * Replaces the whole definition with a new revision (2, 3...). Only an active rule is revised
 * (PRICING_RULE_NOT_ACTIVE: reactivate it first). Prices already computed keep the revision they name.
 */
export type UpdatePricingRule = DomainCommand<'UpdatePricingRule', { ruleId: string } & PricingRuleDefinitionInput>;

/** Stops the rule applying (the engine explains it as `inactive`); its definition is kept for a reactivation. */
export type DeactivatePricingRule = DomainCommand<'DeactivatePricingRule', { ruleId: string }>;

/** Makes a deactivated rule apply again, with the revision it had. */
export type ReactivatePricingRule = DomainCommand<'ReactivatePricingRule', { ruleId: string }>;

export type PricingRuleCommand = CreatePricingRule | UpdatePricingRule | DeactivatePricingRule | ReactivatePricingRule;
