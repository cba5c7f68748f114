import { requireIdentifier, type MatchingCriteria, type MatchingRule, type MatchingRulesState } from '../../../billing/src/index.js';
import { aggregates, executeCommand, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { requireBankAccount } from './bank-accounts.handlers.js';
import type { DefineMatchingRuleCommandInput, MatchingCriteriaCommandInput, RetireMatchingRuleCommandInput } from './banking.inputs.js';

/** A rule as a command left it (its latest version), and the position. */
export interface MatchingRuleOutcome {
  readonly rule: MatchingRule;
  readonly position: Position | undefined;
}

function ruleOf(state: MatchingRulesState, ruleId: string): MatchingRule {
  const rule = state.rules[ruleId];
  if (rule === undefined) throw new Error(`matching rule ${ruleId} is not in the state its command left`);
  return rule;
}

/**
 * Defines a matching rule, or the next version of an existing one (same id; a retired rule is revived). A rule for one
 * account names a registered account (NOT_FOUND otherwise). The criteria are validated by the aggregate against the
 * event contract, so every rule recorded is one the engine can run. The rule id derives from the command id when absent.
 */
export async function defineMatchingRule(services: ApplicationServices, context: CommandContext, input: DefineMatchingRuleCommandInput): Promise<MatchingRuleOutcome> {
  const ruleId = requireIdentifier(input.ruleId ?? `rule_${uuidV5(`${context.commandId}:matching-rule`)}`, 'ruleId');
  if (input.bankAccountId !== null && input.bankAccountId !== undefined) await requireBankAccount(services, context.tenantId, input.bankAccountId);
  const outcome = await executeCommand(services.store, context, aggregates.matchingRules.on(context.tenantId, {
    command: () => ({
      type: 'DefineMatchingRule',
      data: { ruleId, name: input.name, priority: input.priority, bankAccountId: input.bankAccountId ?? null, criteria: withoutAbsentFields(input.criteria) },
    }),
  }));
  return { rule: ruleOf(outcome.state, ruleId), position: outcome.position };
}

/** Retires a rule (NOT_FOUND for an unknown one); retiring a retired rule appends nothing. */
export async function retireMatchingRule(services: ApplicationServices, context: CommandContext, input: RetireMatchingRuleCommandInput): Promise<MatchingRuleOutcome> {
  const ruleId = requireIdentifier(input.ruleId, 'ruleId');
  const outcome = await executeCommand(services.store, context, aggregates.matchingRules.on(context.tenantId, {
    command: () => ({ type: 'RetireMatchingRule', data: { ruleId } }),
  }));
  return { rule: ruleOf(outcome.state, ruleId), position: outcome.position };
}

/**
 * GraphQL inputs carry absent optional fields as null (`pattern: null` on an EQUALS reference): those are dropped, and
 * the aggregate reads what is left through the criteria's contract (so a malformed rule is VALIDATION_FAILED there).
 */
function withoutAbsentFields(criteria: MatchingCriteriaCommandInput): MatchingCriteria {
  const present = (value: object | null | undefined): object | null => (value === null || value === undefined ? null : Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null && field !== undefined)));
  return { ...criteria, amountTolerance: criteria.amountTolerance ?? null, reference: present(criteria.reference), counterparty: present(criteria.counterparty) } as MatchingCriteria;
}
