import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { priceItem, type PricedItem, type PricedItemInput, type PriceItemInput, type PricingSkipReason } from './price-item.js';
import { noPricingConditions, type PricingAdjustment, type PricingConditions, type PricingRule } from './pricing-rule.definition.js';

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

const fibre: PricedItemInput = { planId: 'plan-fibre', productId: 'prod-fibre', serviceType: 'broadband', quantity: '1', unitPrice: '50.00', currency: 'USD' };
const date = '2025-03-15';

const tenPercent: PricingAdjustment = { kind: 'percentage', percentOff: '10' };
/** An amount off priced in euros only: no amount for a dollar item. */
const euroOnly: PricingAdjustment = { kind: 'amount_off', amountsOff: [{ currency: 'EUR', amount: '1' }] };

interface RuleOptions {
  adjustment?: PricingAdjustment;
  conditions?: Partial<PricingConditions>;
  priority?: number;
  stacking?: PricingRule['stacking'];
  active?: boolean;
}

function rule(ruleId: string, options: RuleOptions = {}): PricingRule {
  return {
    ruleId,
    revision: 1,
    active: options.active ?? true,
    name: `Rule ${ruleId}`,
    adjustment: options.adjustment ?? tenPercent,
    conditions: { ...noPricingConditions, ...options.conditions },
    priority: options.priority ?? 10,
    stacking: options.stacking ?? 'stackable',
  };
}

/** What a case changes of the default input: any top-level field, and any field of the item. */
type Changes = Partial<Omit<PriceItemInput, 'item'>> & { item?: Partial<PricedItemInput> };

function price(rules: PricingRule[], changes: Changes = {}): PricedItem {
  return priceItem({
    customerSegment: 'smb',
    date,
    rules,
    usage: new Map(),
    ...changes,
    item: { ...fibre, ...changes.item },
  });
}

/** The applied steps as [ruleId, unit price before, unit price after]. */
const steps = (priced: PricedItem): [string, string, string][] =>
  priced.explanation.applied.map((step) => [step.ruleId, step.unitPriceBefore, step.unitPriceAfter]);

/** The skipped rules as [ruleId, reason]. */
const skips = (priced: PricedItem): [string, PricingSkipReason][] => priced.explanation.skipped.map((skipped) => [skipped.ruleId, skipped.reason]);

/** The error `work` throws, for assertions on its code, message and details. */
function errorOf(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

describe('priceItem: each kind of rule', () => {
  it('without rules the list price stands and nothing is explained', () => {
    expect(price([])).toEqual({
      currency: 'USD',
      quantity: '1',
      listUnitPrice: '50.00',
      unitPrice: '50.00',
      listAmount: '50.00',
      amount: '50.00',
      explanation: { applied: [], skipped: [] },
    });
  });

  it.each<[string, PricingAdjustment, string, string]>([
    ['10 percent off', tenPercent, '45.00', '90.00'],
    ['12.5 percent off', { kind: 'percentage', percentOff: '12.5' }, '43.75', '87.50'],
    ['100 percent off', { kind: 'percentage', percentOff: '100' }, '0.00', '0.00'],
    ['5.00 off each unit', { kind: 'amount_off', amountsOff: [{ currency: 'USD', amount: '5' }] }, '45.00', '90.00'],
    ['a fixed unit price of 39.99', { kind: 'fixed_price', unitPrices: [{ currency: 'USD', amount: '39.99' }] }, '39.99', '79.98'],
    ['a fixed unit price above the list price (a fixed price is not a discount)', { kind: 'fixed_price', unitPrices: [{ currency: 'USD', amount: '60' }] }, '60.00', '120.00'],
  ])('%s', (_case, adjustment, unitPrice, amount) => {
    const priced = price([rule('rule-1', { adjustment })], { item: { quantity: '2' } });
    expect(steps(priced)).toEqual([['rule-1', '50.00', unitPrice]]);
    expect({ unitPrice: priced.unitPrice, amount: priced.amount, listAmount: priced.listAmount }).toEqual({ unitPrice, amount, listAmount: '100.00' });
  });

  it('explains each applied rule: id, revision, name, kind, priority, stacking and whether it was clamped', () => {
    expect(price([{ ...rule('rule-1'), revision: 3 }]).explanation.applied).toEqual([
      {
        ruleId: 'rule-1',
        revision: 3,
        name: 'Rule rule-1',
        kind: 'percentage',
        priority: 10,
        stacking: 'stackable',
        unitPriceBefore: '50.00',
        unitPriceAfter: '45.00',
        clampedAtZero: false,
      },
    ]);
  });
});

describe('priceItem: exact unit prices, one rounding', () => {
  it('keeps the unit price exact between rules and rounds only the line amount', () => {
    // 0.05 x 0.9 x 0.9 = 0.0405 per unit; x 100 = 4.05. Rounding each step to cents would give 0.05, 0.05, and 5.00.
    const priced = price([rule('rule-a'), rule('rule-b')], { item: { unitPrice: '0.05', quantity: '100' } });
    expect(steps(priced)).toEqual([
      ['rule-a', '0.05', '0.045'],
      ['rule-b', '0.045', '0.0405'],
    ]);
    expect({ unitPrice: priced.unitPrice, amount: priced.amount, listAmount: priced.listAmount }).toEqual({ unitPrice: '0.0405', amount: '4.05', listAmount: '5.00' });
  });

  it.each([
    ['half a cent rounds up', 'USD', '0.125', '1', '0.13'],
    ['just under half a cent rounds down', 'USD', '0.124999', '1', '0.12'],
    ['a per-MB price over many units', 'USD', '0.0045', '1001', '4.50'],
    ['yen round to whole units', 'JPY', '10.5', '1', '11'],
    ['dinars keep three decimals', 'KWD', '1.2345', '1', '1.235'],
  ])('%s: %s %s x %s = %s', (_case, currency, unitPrice, quantity, amount) => {
    expect(price([], { item: { currency, unitPrice, quantity } }).amount).toBe(amount);
  });

  it('writes unit prices with at least the currency decimals: 45 yen stays "45", 45 dollars is "45.00"', () => {
    const rules = [rule('rule-1', { adjustment: { kind: 'amount_off', amountsOff: [{ currency: 'JPY', amount: '5' }, { currency: 'USD', amount: '5' }] } })];
    expect(price(rules, { item: { currency: 'JPY', unitPrice: '50' } })).toMatchObject({ listUnitPrice: '50', unitPrice: '45', amount: '45' });
    expect(price(rules, { item: { currency: 'USD', unitPrice: '50' } })).toMatchObject({ listUnitPrice: '50.00', unitPrice: '45.00', amount: '45.00' });
  });
});

describe('priceItem: conditions', () => {
  it.each<[string, Partial<PricingConditions>, Changes, PricingSkipReason | 'applied']>([
    ['its plan', { planIds: ['plan-dsl', 'plan-fibre'] }, {}, 'applied'],
    ['another plan', { planIds: ['plan-dsl'] }, {}, 'plan_mismatch'],
    ['a plan, for an item outside the catalog', { planIds: ['plan-fibre'] }, { item: { planId: null } }, 'plan_mismatch'],
    ['its product', { productIds: ['prod-fibre'] }, {}, 'applied'],
    ['another product', { productIds: ['prod-tv'] }, {}, 'product_mismatch'],
    ['its service type', { serviceTypes: ['broadband', 'voice'] }, {}, 'applied'],
    ['another service type', { serviceTypes: ['video'] }, {}, 'service_type_mismatch'],
    ['a service type, for an item without one', { serviceTypes: ['broadband'] }, { item: { serviceType: null } }, 'service_type_mismatch'],
    ['its segment', { customerSegments: ['enterprise', 'smb'] }, {}, 'applied'],
    ['another segment', { customerSegments: ['enterprise'] }, {}, 'segment_mismatch'],
    ['a segment, for a customer without one', { customerSegments: ['smb'] }, { customerSegment: null }, 'segment_mismatch'],
    ['a minimum quantity reached exactly', { minimumQuantity: '3' }, { item: { quantity: '3' } }, 'applied'],
    ['a minimum quantity not reached', { minimumQuantity: '3' }, { item: { quantity: '2.999999' } }, 'below_minimum_quantity'],
    ['validFrom on the date (included)', { validFrom: '2025-03-15' }, {}, 'applied'],
    ['validFrom the day after', { validFrom: '2025-03-16' }, {}, 'outside_validity'],
    ['validUntil on the date (excluded)', { validUntil: '2025-03-15' }, {}, 'outside_validity'],
    ['validUntil the day after', { validUntil: '2025-03-16' }, {}, 'applied'],
    ['a window around the date', { validFrom: '2025-03-01', validUntil: '2025-04-01' }, {}, 'applied'],
    ['a usage limit not reached', { usageLimit: 3 }, { usage: new Map([['rule-1', 2]]) }, 'applied'],
    ['a usage limit reached', { usageLimit: 3 }, { usage: new Map([['rule-1', 3]]) }, 'usage_limit_reached'],
    ['a usage limit, never used (no entry)', { usageLimit: 1 }, { usage: new Map([['rule-other', 9]]) }, 'applied'],
    ['no condition at all', {}, { item: { planId: null, productId: null, serviceType: null }, customerSegment: null }, 'applied'],
  ])('a rule on %s', (_case, conditions, changes, outcome) => {
    const priced = price([rule('rule-1', { conditions })], changes);
    if (outcome === 'applied') {
      expect(steps(priced)).toEqual([['rule-1', '50.00', '45.00']]);
      expect(skips(priced)).toEqual([]);
    } else {
      expect(steps(priced)).toEqual([]);
      expect(skips(priced)).toEqual([['rule-1', outcome]]);
      expect(priced.unitPrice).toBe('50.00');
    }
  });

  it('an inactive rule is skipped as inactive', () => {
    expect(skips(price([rule('rule-1', { active: false })]))).toEqual([['rule-1', 'inactive']]);
  });

  it.each<[string, PricingAdjustment]>([
    ['an amount off', { kind: 'amount_off', amountsOff: [{ currency: 'EUR', amount: '5' }] }],
    ['a fixed price', { kind: 'fixed_price', unitPrices: [{ currency: 'EUR', amount: '40' }] }],
  ])('%s without an amount in the item currency is skipped as currency_not_priced', (_case, adjustment) => {
    expect(skips(price([rule('rule-1', { adjustment })]))).toEqual([['rule-1', 'currency_not_priced']]);
  });

  it.each<[string, RuleOptions, PricingSkipReason]>([
    ['inactive and for another plan', { active: false, conditions: { planIds: ['plan-dsl'] } }, 'inactive'],
    ['expired and for another plan', { conditions: { validUntil: '2025-01-01', planIds: ['plan-dsl'] } }, 'outside_validity'],
    ['for another plan and another product', { conditions: { planIds: ['plan-dsl'], productIds: ['prod-dsl'] } }, 'plan_mismatch'],
    ['for another product and service type', { conditions: { productIds: ['prod-dsl'], serviceTypes: ['voice'] } }, 'product_mismatch'],
    ['for another service type and segment', { conditions: { serviceTypes: ['voice'], customerSegments: ['enterprise'] } }, 'service_type_mismatch'],
    ['for another segment and a larger quantity', { conditions: { customerSegments: ['enterprise'], minimumQuantity: '10' } }, 'segment_mismatch'],
    ['below its quantity and unpriced', { conditions: { minimumQuantity: '10' }, adjustment: euroOnly }, 'below_minimum_quantity'],
    ['unpriced and used up', { conditions: { usageLimit: 1 }, adjustment: euroOnly }, 'currency_not_priced'],
  ])('a rule %s is explained by the first failing condition, in the documented order', (_case, options, reason) => {
    expect(skips(price([rule('rule-1', options)], { usage: new Map([['rule-1', 1]]) }))).toEqual([['rule-1', reason]]);
  });
});

describe('priceItem: order', () => {
  it('applies rules by priority, lower first, whatever the order given', () => {
    const fixed40 = rule('rule-fixed', { adjustment: { kind: 'fixed_price', unitPrices: [{ currency: 'USD', amount: '40' }] }, priority: 20 });
    const percent = rule('rule-percent', { priority: 10 });
    const priced = price([fixed40, percent]);
    expect(steps(priced)).toEqual([
      ['rule-percent', '50.00', '45.00'],
      ['rule-fixed', '45.00', '40.00'],
    ]);
    // The other way round the percentage applies to the fixed price.
    const reversed = price([{ ...fixed40, priority: 5 }, percent]);
    expect(steps(reversed)).toEqual([
      ['rule-fixed', '50.00', '40.00'],
      ['rule-percent', '40.00', '36.00'],
    ]);
  });

  it('breaks a tie in priority by rule id, so the order is total', () => {
    const off5 = rule('rule-b', { adjustment: { kind: 'amount_off', amountsOff: [{ currency: 'USD', amount: '5' }] } });
    const tenOff = rule('rule-a');
    expect(steps(price([off5, tenOff]))).toEqual([
      ['rule-a', '50.00', '45.00'],
      ['rule-b', '45.00', '40.00'],
    ]);
    expect(price([tenOff, off5])).toEqual(price([off5, tenOff]));
  });

  it('lists the skipped rules in the same (priority, ruleId) order', () => {
    const priced = price([
      rule('rule-z', { priority: 1, active: false }),
      rule('rule-c', { priority: 30, conditions: { planIds: ['plan-dsl'] } }),
      rule('rule-a', { priority: 30, conditions: { customerSegments: ['enterprise'] } }),
      rule('rule-m', { priority: 2 }),
    ]);
    expect(skips(priced)).toEqual([
      ['rule-z', 'inactive'],
      ['rule-a', 'segment_mismatch'],
      ['rule-c', 'plan_mismatch'],
    ]);
  });
});

describe('priceItem: exclusive and stackable rules', () => {
  it('an exclusive first candidate applies alone: every other candidate is excluded_by_exclusive_rule', () => {
    const priced = price([
      rule('rule-excl', { priority: 1, stacking: 'exclusive', adjustment: { kind: 'percentage', percentOff: '20' } }),
      rule('rule-stack', { priority: 2 }),
      rule('rule-excl-2', { priority: 3, stacking: 'exclusive' }),
    ]);
    expect(steps(priced)).toEqual([['rule-excl', '50.00', '40.00']]);
    expect(skips(priced)).toEqual([
      ['rule-stack', 'excluded_by_exclusive_rule'],
      ['rule-excl-2', 'excluded_by_exclusive_rule'],
    ]);
  });

  it('a stackable first candidate: every stackable candidate applies and every exclusive one is excluded', () => {
    const priced = price([
      rule('rule-1', { priority: 1 }),
      rule('rule-2', { priority: 2, stacking: 'exclusive', adjustment: { kind: 'percentage', percentOff: '50' } }),
      rule('rule-3', { priority: 3, adjustment: { kind: 'amount_off', amountsOff: [{ currency: 'USD', amount: '5' }] } }),
    ]);
    expect(steps(priced)).toEqual([
      ['rule-1', '50.00', '45.00'],
      ['rule-3', '45.00', '40.00'],
    ]);
    expect(skips(priced)).toEqual([['rule-2', 'excluded_by_exclusive_rule']]);
  });

  it('an exclusive rule whose conditions fail is no candidate: it excludes nothing and is explained by its condition', () => {
    const priced = price([rule('rule-excl', { priority: 1, stacking: 'exclusive', conditions: { planIds: ['plan-dsl'] } }), rule('rule-stack', { priority: 2 })]);
    expect(steps(priced)).toEqual([['rule-stack', '50.00', '45.00']]);
    expect(skips(priced)).toEqual([['rule-excl', 'plan_mismatch']]);
  });

  it('an exclusive rule behind an unmet stackable one applies alone, as the first candidate', () => {
    const priced = price([
      rule('rule-stack', { priority: 1, conditions: { minimumQuantity: '5' } }),
      rule('rule-excl', { priority: 2, stacking: 'exclusive' }),
      rule('rule-later', { priority: 3 }),
    ]);
    expect(steps(priced)).toEqual([['rule-excl', '50.00', '45.00']]);
    expect(skips(priced)).toEqual([
      ['rule-stack', 'below_minimum_quantity'],
      ['rule-later', 'excluded_by_exclusive_rule'],
    ]);
  });
});

describe('priceItem: never below zero', () => {
  it('clamps a unit price that would go negative at zero and says so', () => {
    const priced = price([rule('rule-big', { adjustment: { kind: 'amount_off', amountsOff: [{ currency: 'USD', amount: '60' }] } })], { item: { quantity: '3' } });
    expect(priced.explanation.applied).toEqual([expect.objectContaining({ ruleId: 'rule-big', unitPriceBefore: '50.00', unitPriceAfter: '0.00', clampedAtZero: true })]);
    expect({ unitPrice: priced.unitPrice, amount: priced.amount }).toEqual({ unitPrice: '0.00', amount: '0.00' });
  });

  it('rules after a clamp start from zero: a percentage stays at zero, a fixed price sets the price again', () => {
    const priced = price([
      rule('rule-1', { priority: 1, adjustment: { kind: 'amount_off', amountsOff: [{ currency: 'USD', amount: '50.01' }] } }),
      rule('rule-2', { priority: 2 }),
      rule('rule-3', { priority: 3, adjustment: { kind: 'fixed_price', unitPrices: [{ currency: 'USD', amount: '9.99' }] } }),
    ]);
    expect(priced.explanation.applied.map((step) => [step.ruleId, step.unitPriceBefore, step.unitPriceAfter, step.clampedAtZero])).toEqual([
      ['rule-1', '50.00', '0.00', true],
      ['rule-2', '0.00', '0.00', false],
      ['rule-3', '0.00', '9.99', false],
    ]);
  });

  it('an amount off equal to the price is zero, not clamped', () => {
    const priced = price([rule('rule-1', { adjustment: { kind: 'amount_off', amountsOff: [{ currency: 'USD', amount: '50' }] } })]);
    expect(priced.explanation.applied[0]).toMatchObject({ unitPriceAfter: '0.00', clampedAtZero: false });
  });
});

describe('priceItem: refusals', () => {
  it.each<[string, Changes, RegExp]>([
    ['a quantity of 0', { item: { quantity: '0' } }, /^item.quantity must be greater than 0/],
    ['a quantity with 7 decimals', { item: { quantity: '1.0000001' } }, /^item.quantity "1.0000001" has 7 decimal places; at most 6/],
    ['a negative unit price', { item: { unitPrice: '-1' } }, /^item.unitPrice must not be negative: rules price charges, not credits/],
    ['a unit price as a number', { item: { unitPrice: unchecked<string>(50) } }, /^item.unitPrice must be a decimal string/],
    ['an unknown currency', { item: { currency: 'EURO' } }, /^item.currency must be a supported ISO 4217 currency code/],
    ['an unknown service type', { item: { serviceType: unchecked<'voice'>('mobile') } }, /^item.serviceType must be one of broadband/],
    ['a plan id with a space', { item: { planId: 'plan fibre' } }, /^item.planId must start with a letter or a digit/],
    ['a segment with a space', { customerSegment: 'small business' }, /^customerSegment must start with a letter or a digit/],
    ['a date that is not a calendar date', { date: '2025-3-15' }, /^date must be a calendar date YYYY-MM-DD/],
    ['usage that is not a Map', { usage: unchecked<ReadonlyMap<string, number>>({ 'rule-1': 1 }) }, /^usage must be a Map from rule id/],
    ['a negative usage count', { usage: new Map([['rule-1', -1]]) }, /^usage of rule-1 must be a whole number of applications/],
    ['a fractional usage count', { usage: new Map([['rule-1', 0.5]]) }, /^usage of rule-1 must be a whole number of applications/],
  ])('%s is VALIDATION_FAILED naming the field', (_case, changes, message) => {
    const error = errorOf(() => price([rule('rule-1')], changes));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
  });

  it('rules are validated like the commands that create them, naming the rule', () => {
    const error = errorOf(() => price([rule('rule-1'), rule('rule-2', { adjustment: { kind: 'percentage', percentOff: '150' } })]));
    expect({ code: error.code, message: error.message, details: error.details }).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'rules[1].adjustment.percentOff must be greater than 0 and at most 100 (got "150")',
      details: { field: 'rules[1].adjustment.percentOff' },
    });
    expect(errorOf(() => price([{ ...rule('rule-1'), revision: 0 }])).message).toMatch(/^rules\[0\].revision must be an integer from 1/);
  });

  it('the same rule twice is VALIDATION_FAILED: the order would not be total', () => {
    expect(errorOf(() => price([rule('rule-1'), rule('rule-1', { priority: 3 })])).message).toMatch(/^rules\[1\].ruleId rule-1 is given twice/);
  });

  it('more than 200 rules is VALIDATION_FAILED', () => {
    const rules = Array.from({ length: 201 }, (_unused, index) => rule(`rule-${index}`));
    expect(errorOf(() => price(rules)).message).toMatch(/^rules has at most 200 items \(got 201\)/);
  });

  it('a line amount of 10^12 or more is AMOUNT_OUT_OF_RANGE', () => {
    const error = errorOf(() => price([], { item: { quantity: '500000000000', unitPrice: '2' } }));
    expect({ code: error.code, field: error.details.field }).toEqual({ code: 'AMOUNT_OUT_OF_RANGE', field: 'listAmount' });
    expect(price([], { item: { quantity: '499999999999', unitPrice: '2' } }).amount).toBe('999999999998.00');
  });

  it('leaves the rules and the usage it was given as they were', () => {
    const rules = [rule('rule-b'), rule('rule-a')];
    const usage = new Map([['rule-a', 1]]);
    price(rules, { usage });
    expect(rules.map((entry) => entry.ruleId)).toEqual(['rule-b', 'rule-a']);
    expect([...usage]).toEqual([['rule-a', 1]]);
  });
});
