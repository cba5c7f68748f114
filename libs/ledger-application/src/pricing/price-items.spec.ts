import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError, noPricingConditions, priceItem, type PricedItemInput, type PricingRule } from '../../../billing/src/index.js';
import { priceItemsLimits, priceItemsWith, type TenantPricingRules } from './price-items.js';

/**
 * priceItemsWith: the items of one pricing, priced in order by the one engine, with the rule set's usage counts
 * growing as rules apply, so a usage limit holds across the items of a bill or a quote.
 */

const item = (overrides: Partial<PricedItemInput> = {}): PricedItemInput => ({
  planId: 'fibre-100',
  productId: 'fibre',
  serviceType: 'broadband',
  quantity: '1',
  unitPrice: '50.00',
  currency: 'USD',
  ...overrides,
});

const rule = (ruleId: string, overrides: Partial<PricingRule> = {}): PricingRule => ({
  ruleId,
  revision: 1,
  active: true,
  name: ruleId,
  adjustment: { kind: 'amount_off', amountsOff: [{ currency: 'USD', amount: '10.00' }] },
  conditions: { ...noPricingConditions },
  priority: 0,
  stacking: 'stackable',
  ...overrides,
});

const rulesOf = (rules: PricingRule[], usage: Record<string, number> = {}): TenantPricingRules => ({ rules, usage: new Map(Object.entries(usage)) });

function codeAndFieldOf(work: () => unknown): { code: string; field: unknown } {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.details.field };
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('priceItemsWith', () => {
  it('prices each item with priceItem, in order, on the same date and segment', () => {
    const rules = rulesOf([rule('smb', { conditions: { ...noPricingConditions, customerSegments: ['smb'] } }), rule('bulk', { conditions: { ...noPricingConditions, minimumQuantity: '5' } })]);
    const items = [item({ quantity: '5' }), item({ quantity: '1', unitPrice: '9.99' })];
    const priced = priceItemsWith(rules, { items, customerSegment: 'smb', date: '2026-03-02' });
    expect(priced).toEqual(items.map((each) => priceItem({ item: each, customerSegment: 'smb', date: '2026-03-02', rules: rules.rules, usage: new Map() })));
    expect(priced.map((each) => each.amount)).toEqual(['150.00', '0.00']);
  });

  it('counts applications across the items: a rule with a usage limit of 2 applies to the first two items it matches, then is skipped', () => {
    const limited = rule('twice', { conditions: { ...noPricingConditions, usageLimit: 2, planIds: ['fibre-100'] } });
    const items = [item(), item({ planId: 'other' }), item(), item()];
    const priced = priceItemsWith(rulesOf([limited]), { items, customerSegment: null, date: '2026-03-02' });
    expect(priced.map((each) => [each.explanation.applied.map((step) => step.ruleId), each.explanation.skipped.map((skip) => skip.reason)])).toEqual([
      [['twice'], []],
      [[], ['plan_mismatch']],
      [['twice'], []],
      [[], ['usage_limit_reached']],
    ]);
  });

  it('starts from the recorded usage of the rule set, and never changes it', () => {
    const ruleSet = rulesOf([rule('once', { conditions: { ...noPricingConditions, usageLimit: 3 } })], { once: 2 });
    const priced = priceItemsWith(ruleSet, { items: [item(), item()], customerSegment: null, date: '2026-03-02' });
    expect(priced.map((each) => each.explanation.applied.length)).toEqual([1, 0]);
    expect(ruleSet.usage.get('once')).toBe(2);
  });

  it.each([
    ['the quantity of the third item', [item(), item(), item({ quantity: '0' })], 'VALIDATION_FAILED', 'items[2].quantity'],
    ['the unit price of the first item', [item({ unitPrice: '-1' })], 'VALIDATION_FAILED', 'items[0].unitPrice'],
    ['a currency', [item({ currency: 'XXY' })], 'VALIDATION_FAILED', 'items[0].currency'],
    ['no items', [], 'VALIDATION_FAILED', 'items'],
    [`more than ${priceItemsLimits.itemsMax} items`, Array.from({ length: priceItemsLimits.itemsMax + 1 }, () => item()), 'VALIDATION_FAILED', 'items'],
  ])('refuses %s, naming the item', (_case, items, code, field) => {
    expect(codeAndFieldOf(() => priceItemsWith(rulesOf([rule('r')]), { items, customerSegment: null, date: '2026-03-02' }))).toEqual({ code, field });
  });

  it('refuses a bad date or segment with the engine own field names', () => {
    expect(codeAndFieldOf(() => priceItemsWith(rulesOf([]), { items: [item()], customerSegment: null, date: '2026-02-30' }))).toEqual({ code: 'VALIDATION_FAILED', field: 'date' });
    expect(codeAndFieldOf(() => priceItemsWith(rulesOf([]), { items: [item()], customerSegment: 'a b', date: '2026-03-02' }))).toEqual({ code: 'VALIDATION_FAILED', field: 'customerSegment' });
  });

  it('property: no rule applies to more items than its usage limit leaves, and each item is priced as priceItem prices it with the usage so far', () => {
    const rulesArbitrary = fc.array(
      fc.record({ limit: fc.option(fc.integer({ min: 1, max: 3 })), used: fc.integer({ min: 0, max: 3 }), minimum: fc.option(fc.constantFrom('2', '3')), stacking: fc.constantFrom('stackable' as const, 'exclusive' as const) }),
      { minLength: 1, maxLength: 5 },
    );
    const itemsArbitrary = fc.array(fc.integer({ min: 1, max: 4 }).map(String), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(rulesArbitrary, itemsArbitrary, (drafts, quantities) => {
        const rules = drafts.map((draft, index) =>
          rule(`rule-${index}`, { priority: index % 2, stacking: draft.stacking, conditions: { ...noPricingConditions, usageLimit: draft.limit, minimumQuantity: draft.minimum } }),
        );
        const recorded = Object.fromEntries(drafts.map((draft, index) => [`rule-${index}`, draft.used]));
        const items = quantities.map((quantity) => item({ quantity }));
        const priced = priceItemsWith(rulesOf(rules, recorded), { items, customerSegment: null, date: '2026-03-02' });
        const usage = new Map(Object.entries(recorded));
        priced.forEach((each, index) => {
          expect(each).toEqual(priceItem({ item: items[index] as PricedItemInput, customerSegment: null, date: '2026-03-02', rules, usage: new Map(usage) }));
          for (const step of each.explanation.applied) usage.set(step.ruleId, (usage.get(step.ruleId) ?? 0) + 1);
        });
        drafts.forEach((draft, index) => {
          const applications = priced.filter((each) => each.explanation.applied.some((step) => step.ruleId === `rule-${index}`)).length;
          if (draft.limit !== null) expect(applications).toBeLessThanOrEqual(Math.max(0, draft.limit - draft.used));
        });
      }),
      { numRuns: 300 },
    );
  });
});
