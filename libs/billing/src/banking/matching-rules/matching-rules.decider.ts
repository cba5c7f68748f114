import { assertNever } from '../../common/assert-never.js';
import { requireInstant } from '../../common/calendar-date.js';
import type { Decider } from '../../common/decider.js';
import { DomainError } from '../../common/domain-error.js';
import { optionalIdentifier, requireBoundedDecimal, requireIdentifier, requireIntegerInRange, requireText, validationFailed } from '../../common/validation.js';
import { requireBySchema } from '../banking.common.js';
import type { DefineMatchingRule, MatchingRulesCommand, RetireMatchingRule } from './matching-rules.commands.js';
import { matchingCriteriaSchema, type MatchingCriteria } from './matching-rules.criteria.js';
import { matchingRuleLimits, type MatchingRulesEvent } from './matching-rules.events.js';

/** The latest version of a rule, active or retired. */
export interface MatchingRule {
  ruleId: string;
  version: number;
  name: string;
  priority: number;
  bankAccountId: string | null;
  criteria: MatchingCriteria;
  status: 'active' | 'retired';
  definedAt: string;
}

export interface MatchingRulesState {
  rules: Readonly<Record<string, MatchingRule>>;
}

export const initialMatchingRulesState: MatchingRulesState = { rules: {} };

/**
 * The active rules that apply to `bankAccountId` (its own and those for every account), in the order the engine
 * runs them: priority, then ruleId.
 */
export function activeMatchingRules(state: MatchingRulesState, bankAccountId: string): MatchingRule[] {
  return Object.values(state.rules)
    .filter((rule) => rule.status === 'active' && (rule.bankAccountId === null || rule.bankAccountId === bankAccountId))
    .sort((a, b) => a.priority - b.priority || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}

export function decideMatchingRules(command: MatchingRulesCommand, state: MatchingRulesState): MatchingRulesEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  switch (command.type) {
    case 'DefineMatchingRule':
      return defineRule(command, state);
    case 'RetireMatchingRule':
      return retireRule(command, state);
    default:
      return assertNever(command, 'matching rules command');
  }
}

export function evolveMatchingRules(state: MatchingRulesState, event: MatchingRulesEvent): MatchingRulesState {
  switch (event.type) {
    case 'MatchingRuleDefined': {
      const { definedAt, ...rule } = event.data;
      return { rules: { ...state.rules, [rule.ruleId]: { ...rule, status: 'active', definedAt } } };
    }
    case 'MatchingRuleRetired': {
      const rule = state.rules[event.data.ruleId];
      if (rule === undefined) throw new Error(`MatchingRuleRetired for unknown rule ${event.data.ruleId}`);
      return { rules: { ...state.rules, [rule.ruleId]: { ...rule, status: 'retired' } } };
    }
    default:
      return assertNever(event, 'matching rules event');
  }
}

export const matchingRulesDecider: Decider<MatchingRulesCommand, MatchingRulesEvent, MatchingRulesState> = {
  decide: decideMatchingRules,
  evolve: evolveMatchingRules,
  initialState: initialMatchingRulesState,
};

function defineRule({ data, metadata }: DefineMatchingRule, state: MatchingRulesState): MatchingRulesEvent[] {
  const ruleId = requireIdentifier(data?.ruleId, 'ruleId');
  const name = requireText(data.name, 'name', matchingRuleLimits.nameLengthMax);
  const priority = requireIntegerInRange(data.priority, 'priority', matchingRuleLimits.priorityMin, matchingRuleLimits.priorityMax);
  const bankAccountId = optionalIdentifier(data.bankAccountId, 'bankAccountId');
  const criteria = requireCriteria(data.criteria);
  const current = state.rules[ruleId];
  if (current === undefined && Object.keys(state.rules).length >= matchingRuleLimits.rulesMax) {
    throw validationFailed(`A tenant has at most ${matchingRuleLimits.rulesMax} matching rules: retire and redefine one instead`, { field: 'ruleId' });
  }
  if (
    current !== undefined &&
    current.status === 'active' &&
    current.name === name &&
    current.priority === priority &&
    current.bankAccountId === bankAccountId &&
    JSON.stringify(current.criteria) === JSON.stringify(criteria)
  ) {
    return [];
  }
  const version = (current?.version ?? 0) + 1;
  return [{ type: 'MatchingRuleDefined', data: { ruleId, version, name, priority, bankAccountId, criteria, definedAt: metadata.now } }];
}

function retireRule({ data, metadata }: RetireMatchingRule, state: MatchingRulesState): MatchingRulesEvent[] {
  const ruleId = requireIdentifier(data?.ruleId, 'ruleId');
  const rule = state.rules[ruleId];
  if (rule === undefined) throw new DomainError('NOT_FOUND', `Matching rule ${ruleId} is not defined`, { field: 'ruleId', ruleId });
  if (rule.status === 'retired') return [];
  return [{ type: 'MatchingRuleRetired', data: { ruleId, version: rule.version, retiredAt: metadata.now } }];
}

/**
 * The criteria as the event schema reads them, with keys in a fixed order (so a redefinition with the same criteria
 * is recognised), and an absolute tolerance within the ledger's bound on amounts.
 */
function requireCriteria(value: unknown): MatchingCriteria {
  const parsed = requireBySchema(matchingCriteriaSchema, value, 'criteria');
  if (parsed.amountTolerance?.kind === 'absolute') requireBoundedDecimal(parsed.amountTolerance.value, 'criteria.amountTolerance.value', 12);
  return {
    multiplicity: parsed.multiplicity,
    amountTolerance: parsed.amountTolerance === null ? null : { kind: parsed.amountTolerance.kind, value: parsed.amountTolerance.value },
    valueDateWindowDays: parsed.valueDateWindowDays,
    reference:
      parsed.reference === null ? null : parsed.reference.operator === 'pattern' ? { operator: 'pattern', pattern: parsed.reference.pattern } : { operator: parsed.reference.operator },
    counterparty:
      parsed.counterparty === null
        ? null
        : parsed.counterparty.operator === 'customer_name'
          ? { operator: 'customer_name' }
          : { operator: parsed.counterparty.operator, value: parsed.counterparty.value },
    differenceAccount: parsed.differenceAccount,
  };
}
