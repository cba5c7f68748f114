import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../../testing/src/decider-spec.js';
import { fold } from '../../common/decider.js';
import { expectEventsValid, unchecked } from '../banking.test-helper.js';
import type { DefineMatchingRule, RetireMatchingRule } from './matching-rules.commands.js';
import { matchingCriteriaSchema, type MatchingCriteria } from './matching-rules.criteria.js';
import { activeMatchingRules, decideMatchingRules, matchingRulesDecider } from './matching-rules.decider.js';
import { matchingRulesEventSchemas, type MatchingRuleDefined, type MatchingRuleRetired } from './matching-rules.events.js';

const spec = DeciderSpecification.for(matchingRulesDecider);
const now = '2026-03-01T09:00:00.000Z';

const exact: MatchingCriteria = {
  multiplicity: 'one_to_one',
  amountTolerance: null,
  valueDateWindowDays: 0,
  reference: { operator: 'equals' },
  counterparty: null,
  differenceAccount: 'reconciliation_suspense',
};
const payout: MatchingCriteria = {
  multiplicity: 'one_to_many',
  amountTolerance: { kind: 'percent', value: '3' },
  valueDateWindowDays: 3,
  reference: { operator: 'pattern', pattern: 'PAYOUT-*' },
  counterparty: { operator: 'contains', value: 'Stripe' },
  differenceAccount: 'bank_fees',
};

function define(data: Partial<DefineMatchingRule['data']> = {}): DefineMatchingRule {
  return { type: 'DefineMatchingRule', data: { ruleId: 'exact', name: 'Exact reference', priority: 10, criteria: exact, ...data }, metadata: { now } };
}
function defined(version: number, data: Partial<MatchingRuleDefined['data']> = {}): MatchingRuleDefined {
  return {
    type: 'MatchingRuleDefined',
    data: { ruleId: 'exact', version, name: 'Exact reference', priority: 10, bankAccountId: null, criteria: exact, definedAt: now, ...data },
  };
}
const retire = (ruleId = 'exact'): RetireMatchingRule => ({ type: 'RetireMatchingRule', data: { ruleId }, metadata: { now } });
const retired = (version: number, ruleId = 'exact'): MatchingRuleRetired => ({ type: 'MatchingRuleRetired', data: { ruleId, version, retiredAt: now } });

describe('defining rules', () => {
  it('a new rule is version 1, for every account when no bank account is named', () => {
    spec.given([]).when(define()).then([defined(1)]);
    expectEventsValid([defined(1)], matchingRulesEventSchemas);
  });

  it('a redefinition is the next version; the same definition again decides nothing', () => {
    spec.given([defined(1)]).when(define({ priority: 5 })).then([defined(2, { priority: 5 })]);
    spec.given([defined(1), defined(2, { priority: 5 })]).when(define({ priority: 5 })).thenNothing();
  });

  it('redefining a retired rule revives it as a new version, even with the same criteria', () => {
    spec.given([defined(1), retired(1)]).when(define()).then([defined(2)]);
  });

  it('a payout rule (one-to-many, percent tolerance, wildcard reference, counterparty) for one account', () => {
    spec
      .given([])
      .when(define({ ruleId: 'payout', name: 'Card payouts', priority: 1, bankAccountId: 'ba_1', criteria: payout }))
      .then([defined(1, { ruleId: 'payout', name: 'Card payouts', priority: 1, bankAccountId: 'ba_1', criteria: payout })]);
  });

  it.each<[string, unknown]>([
    ['an unknown multiplicity', { ...exact, multiplicity: 'many_to_many' }],
    ['a negative absolute tolerance', { ...exact, amountTolerance: { kind: 'absolute', value: '-1.00' } }],
    ['a tolerance that is not a decimal', { ...exact, amountTolerance: { kind: 'absolute', value: '1e3' } }],
    ['a percent above 100', { ...exact, amountTolerance: { kind: 'percent', value: '100.0000000001' } }],
    ['a window of 32 days', { ...exact, valueDateWindowDays: 32 }],
    ['a window that is not whole', { ...exact, valueDateWindowDays: 1.5 }],
    ['an empty pattern', { ...exact, reference: { operator: 'pattern', pattern: '' } }],
    ['a pattern of 101 characters', { ...exact, reference: { operator: 'pattern', pattern: 'A'.repeat(101) } }],
    ['a pattern with a line break', { ...exact, reference: { operator: 'pattern', pattern: 'INV-*\nX' } }],
    ['a pattern with a control character', { ...exact, reference: { operator: 'pattern', pattern: 'INV\u0007*' } }],
    ['a pattern with a bidirectional override', { ...exact, reference: { operator: 'pattern', pattern: 'INV\u202E*' } }],
    ['a counterparty without a value', { ...exact, counterparty: { operator: 'equals' } }],
    ['an unknown difference account', { ...exact, differenceAccount: 'revenue' }],
    ['no criteria', undefined],
  ])('refuses %s: VALIDATION_FAILED, no event', (_what, criteria) => {
    spec.given([]).when(define({ criteria: unchecked(criteria) })).thenThrows('VALIDATION_FAILED', /criteria/);
  });

  it('a tolerance beyond the bound on amounts is AMOUNT_OUT_OF_RANGE', () => {
    spec.given([]).when(define({ criteria: { ...exact, amountTolerance: { kind: 'absolute', value: '1000000000000' } } })).thenThrows('AMOUNT_OUT_OF_RANGE');
  });

  it('accepts the bounds: 100 percent, 31 days, a pattern of 100 printable characters with * and ?', () => {
    const criteria: MatchingCriteria = { ...exact, amountTolerance: { kind: 'percent', value: '100' }, valueDateWindowDays: 31, reference: { operator: 'pattern', pattern: `INV-??-*${'é'.repeat(92)}` } };
    expect(decideMatchingRules(define({ criteria }), matchingRulesDecider.initialState)).toHaveLength(1);
  });

  it.each<[string, Partial<DefineMatchingRule['data']>]>([
    ['priority 0', { priority: 0 }],
    ['priority 1001', { priority: 1001 }],
    ['an empty name', { name: '' }],
    ['a bad rule id', { ruleId: 'rule one' }],
    ['a bad bank account id', { bankAccountId: 'ba 1' }],
  ])('refuses %s: VALIDATION_FAILED', (_what, data) => {
    spec.given([]).when(define(data)).thenThrows('VALIDATION_FAILED');
  });

  it('keeps the criteria in one key order, so the same criteria sent in another order are the same definition', () => {
    const reordered = unchecked<MatchingCriteria>({ differenceAccount: 'reconciliation_suspense', counterparty: null, reference: { operator: 'equals' }, valueDateWindowDays: 0, amountTolerance: null, multiplicity: 'one_to_one' });
    spec.given([defined(1)]).when(define({ criteria: reordered })).thenNothing();
  });
});

describe('retiring rules', () => {
  it('retires the latest version; retiring again decides nothing; an unknown rule is NOT_FOUND', () => {
    spec.given([defined(1), defined(2)]).when(retire()).then([retired(2)]);
    spec.given([defined(1), retired(1)]).when(retire()).thenNothing();
    spec.given([]).when(retire()).thenThrows('NOT_FOUND');
  });
});

describe('the rules the engine runs', () => {
  it('are the active ones for the account (its own and the general ones), by priority then rule id', () => {
    const state = fold(matchingRulesDecider, [
      defined(1, { ruleId: 'b', priority: 20 }),
      defined(1, { ruleId: 'a', priority: 20 }),
      defined(1, { ruleId: 'first', priority: 1, bankAccountId: 'ba_1' }),
      defined(1, { ruleId: 'other-account', priority: 1, bankAccountId: 'ba_2' }),
      defined(1, { ruleId: 'gone', priority: 1 }),
      retired(1, 'gone'),
    ]);
    expect(activeMatchingRules(state, 'ba_1').map((rule) => `${rule.ruleId}@${rule.version}`)).toEqual(['first@1', 'a@1', 'b@1']);
  });

  it('the criteria schema is what the engine imports, and reads both contract examples', () => {
    expect(matchingCriteriaSchema.parse(exact)).toEqual(exact);
    expect(matchingCriteriaSchema.parse(payout)).toEqual(payout);
  });
});
