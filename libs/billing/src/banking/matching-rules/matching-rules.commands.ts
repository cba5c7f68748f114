import type { DomainCommand } from '../../common/command.js';
import type { MatchingCriteria } from './matching-rules.criteria.js';

/** Defines a rule, or a new version of it (same ruleId). The same definition as the active one is acknowledged. */
export type DefineMatchingRule = DomainCommand<
  'DefineMatchingRule',
  { ruleId: string; name: string; priority: number; bankAccountId?: string | null; criteria: MatchingCriteria }
>;

/** Retires a rule; retiring one already retired is acknowledged without an event. */
export type RetireMatchingRule = DomainCommand<'RetireMatchingRule', { ruleId: string }>;

export type MatchingRulesCommand = DefineMatchingRule | RetireMatchingRule;
