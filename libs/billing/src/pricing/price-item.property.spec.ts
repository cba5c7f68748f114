import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import { priceItem, type PricedItem, type PriceItemInput } from './price-item.js';
import { noPricingConditions, type PricingAdjustment, type PricingRule } from './pricing-rule.definition.js';

/** A decimal string of `minor` units of 10^-scale: (12345, 2) -> "123.45". */
const decimalOf = (minor: number, scale: number): string => new Big(minor).div(new Big(10).pow(scale)).toFixed(scale);

const currencies = [
  { code: 'USD', scale: 2 },
  { code: 'JPY', scale: 0 },
  { code: 'KWD', scale: 3 },
] as const;

const percentage: fc.Arbitrary<PricingAdjustment> = fc.integer({ min: 1, max: 10_000 }).map((hundredths) => ({ kind: 'percentage', percentOff: decimalOf(hundredths, 2) }));
// Up to 6 decimals, from a millionth to 200: often more than the list price, so clamping is frequent.
const amountOff: fc.Arbitrary<PricingAdjustment> = fc
  .integer({ min: 1, max: 200_000_000 })
  .map((millionths) => ({ kind: 'amount_off', amountsOff: currencies.map(({ code }) => ({ currency: code, amount: decimalOf(millionths, 6) })) }));
const fixedPrice: fc.Arbitrary<PricingAdjustment> = fc
  .integer({ min: 0, max: 200_000_000 })
  .map((millionths) => ({ kind: 'fixed_price', unitPrices: currencies.map(({ code }) => ({ currency: code, amount: decimalOf(millionths, 6) })) }));

/** Rules with ids rule-0, rule-1...: few priorities so ties (broken by id) are frequent, and conditions that sometimes fail. */
function rulesOf(adjustment: fc.Arbitrary<PricingAdjustment>): fc.Arbitrary<PricingRule[]> {
  const rule = fc.record({
    adjustment,
    priority: fc.integer({ min: 0, max: 3 }),
    stacking: fc.constantFrom('stackable' as const, 'exclusive' as const),
    active: fc.boolean(),
    minimumQuantity: fc.option(fc.integer({ min: 1, max: 20 }).map(String)),
    customerSegments: fc.option(fc.constant<string[]>(['smb'])),
    usageLimit: fc.option(fc.integer({ min: 1, max: 3 })),
  });
  return fc.array(rule, { maxLength: 8 }).map((drafts) =>
    drafts.map((draft, index) => ({
      ruleId: `rule-${index}`,
      revision: 1,
      active: draft.active,
      name: `Rule ${index}`,
      adjustment: draft.adjustment,
      conditions: { ...noPricingConditions, minimumQuantity: draft.minimumQuantity, customerSegments: draft.customerSegments, usageLimit: draft.usageLimit },
      priority: draft.priority,
      stacking: draft.stacking,
    })),
  );
}

function inputOf(rules: fc.Arbitrary<PricingRule[]>): fc.Arbitrary<PriceItemInput> {
  return fc
    .record({
      currency: fc.constantFrom(...currencies),
      unitPriceMillionths: fc.integer({ min: 0, max: 100_000_000 }),
      quantityHundredths: fc.integer({ min: 1, max: 100_000 }),
      customerSegment: fc.constantFrom('smb', 'enterprise', null),
      rules,
      usage: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 8, maxLength: 8 }),
    })
    .map(({ currency, unitPriceMillionths, quantityHundredths, customerSegment, rules: drafted, usage }) => ({
      item: {
        planId: 'plan-fibre',
        productId: 'prod-fibre',
        serviceType: 'broadband' as const,
        quantity: decimalOf(quantityHundredths, 2),
        unitPrice: decimalOf(unitPriceMillionths, 6),
        currency: currency.code,
      },
      customerSegment,
      date: '2025-03-15',
      rules: drafted,
      usage: new Map(usage.map((count, index) => [`rule-${index}`, count])),
    }));
}

/** Each step starts where the one before ended, from the list unit price to the final one. */
function expectChained(priced: PricedItem): void {
  let running = priced.listUnitPrice;
  for (const step of priced.explanation.applied) {
    expect(step.unitPriceBefore).toBe(running);
    running = step.unitPriceAfter;
  }
  expect(priced.unitPrice).toBe(running);
}

/** Every rule is explained exactly once, both lists in (priority, ruleId) order, and an exclusive rule applies alone. */
function expectExplainsEveryRule(input: PriceItemInput, priced: PricedItem): void {
  const key = (rule: { priority: number; ruleId: string }): string => `${String(rule.priority).padStart(2, '0')}:${rule.ruleId}`;
  const explained = [...priced.explanation.applied.map(key), ...priced.explanation.skipped.map(key)];
  expect([...explained].sort()).toEqual(input.rules.map(key).sort());
  expect(priced.explanation.applied.map(key)).toEqual(priced.explanation.applied.map(key).sort());
  expect(priced.explanation.skipped.map(key)).toEqual(priced.explanation.skipped.map(key).sort());
  if (priced.explanation.applied.some((step) => step.stacking === 'exclusive')) expect(priced.explanation.applied).toHaveLength(1);
}

describe('priceItem, for any item and any rules', () => {
  it('with discounts only (percentages, amounts off): never below zero, never above the list amount, every step chained and never upward', () => {
    fc.assert(
      fc.property(inputOf(rulesOf(fc.oneof(percentage, amountOff))), (input) => {
        const priced = priceItem(input);
        expect(new Big(priced.amount).gte(0)).toBe(true);
        expect(new Big(priced.amount).lte(priced.listAmount)).toBe(true);
        expect(new Big(priced.unitPrice).lte(priced.listUnitPrice)).toBe(true);
        for (const step of priced.explanation.applied) {
          expect(new Big(step.unitPriceAfter).gte(0)).toBe(true);
          expect(new Big(step.unitPriceAfter).lte(step.unitPriceBefore)).toBe(true);
        }
        expectChained(priced);
        expectExplainsEveryRule(input, priced);
      }),
      { numRuns: 500 },
    );
  });

  it('with fixed prices too: still never below zero, chained, and the amount is quantity x unit price rounded once', () => {
    fc.assert(
      fc.property(inputOf(rulesOf(fc.oneof(percentage, amountOff, fixedPrice))), (input) => {
        const priced = priceItem(input);
        const scale = currencies.find(({ code }) => code === input.item.currency)?.scale ?? 2;
        expect(new Big(priced.unitPrice).gte(0)).toBe(true);
        expect(priced.amount).toBe(new Big(input.item.quantity).times(priced.unitPrice).round(scale, Big.roundHalfUp).toFixed(scale));
        expectChained(priced);
        expectExplainsEveryRule(input, priced);
      }),
      { numRuns: 500 },
    );
  });
});
