import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import { captureMoneyError } from './capture-money-error.test-helper.js';
import { allCurrencies } from './currencies.js';
import { formatDecimal } from './decimal.js';
import { Money } from './money.js';

const amounts = (money: readonly Money[]): string[] => money.map((part) => part.toString());

describe('allocate, by example', () => {
  it('splits a dollar three ways, the extra cent going to the first part', () => {
    expect(amounts(Money.parse('1.00', 'USD').allocate(['1', '1', '1']))).toEqual(['0.34', '0.33', '0.33']);
  });

  it('gives leftover units to the largest remainders, ties to the earliest index', () => {
    // Exact shares in cents: 1.25, 1.25, 2.5 -> floors 1, 1, 2; remainders .25, .25, .5; one cent left.
    expect(amounts(Money.parse('0.05', 'USD').allocate(['1', '1', '2']))).toEqual(['0.01', '0.01', '0.03']);
    // Exact shares: 1.6667, 1.6667, 1.6667 -> two cents left, to the first two.
    expect(amounts(Money.parse('0.05', 'USD').allocate(['1', '1', '1']))).toEqual(['0.02', '0.02', '0.01']);
    // Exact shares: 0.7, 0.3 (cents of 0.01 split 70/30): the cent goes to the larger remainder.
    expect(amounts(Money.parse('0.01', 'USD').allocate(['30', '70']))).toEqual(['0.00', '0.01']);
  });

  it('splits a negative amount like its absolute value, negated', () => {
    expect(amounts(Money.parse('-1.00', 'USD').allocate(['1', '1', '1']))).toEqual(['-0.34', '-0.33', '-0.33']);
    expect(amounts(Money.parse('-0.05', 'USD').allocate(['1', '1', '2']))).toEqual(['-0.01', '-0.01', '-0.03']);
  });

  it('gives zero to a zero ratio, even when units are left over', () => {
    expect(amounts(Money.parse('0.03', 'USD').allocate(['1', '0', '1']))).toEqual(['0.02', '0.00', '0.01']);
  });

  it('works in whole units and in thousandths', () => {
    expect(amounts(Money.parse('100', 'JPY').allocate(['1', '1', '1']))).toEqual(['34', '33', '33']);
    expect(amounts(Money.parse('1.000', 'KWD').allocate(['1', '1', '1']))).toEqual(['0.334', '0.333', '0.333']);
  });

  it('takes decimal ratios such as percentages and Big ratios', () => {
    expect(amounts(Money.parse('100.00', 'EUR').allocate(['33.3', '33.3', '33.4']))).toEqual(['33.30', '33.30', '33.40']);
    expect(amounts(Money.parse('10.00', 'EUR').allocate([new Big('0.1'), new Big('0.9')]))).toEqual(['1.00', '9.00']);
  });

  it('stays exact for large amounts and for ratios with more digits than Big.DP', () => {
    expect(amounts(Money.parse('1000000000000.00', 'USD').allocate(['1', '2', '3', '7']))).toEqual([
      '76923076923.08',
      '153846153846.15',
      '230769230769.23',
      '538461538461.54',
    ]);
    // Exact shares of 3 cents: 1 - 1e-25, 1 - 1e-25 and 1 + 2e-25 cents; each part gets one cent.
    const nearlyEqual = [new Big('1e25').minus(new Big('1')), new Big('1e25').minus(new Big('1')), new Big('1e25').plus(new Big('2'))];
    expect(amounts(Money.parse('0.03', 'USD').allocate(nearlyEqual))).toEqual(['0.01', '0.01', '0.01']);
    expect(amounts(Money.parse('0.01', 'USD').allocate([new Big('1'), new Big('1e30')]))).toEqual(['0.00', '0.01']);
  });

  it('allocates zero as zeros', () => {
    expect(amounts(Money.zero('USD').allocate(['1', '2']))).toEqual(['0.00', '0.00']);
  });

  it('does not depend on the global Big.DP or Big.RM', () => {
    const { DP, RM } = Big;
    try {
      Big.DP = 0;
      Big.RM = Big.roundUp;
      expect(amounts(Money.parse('1.00', 'USD').allocate(['1', '1', '1']))).toEqual(['0.34', '0.33', '0.33']);
      expect(amounts(Money.parse('0.05', 'USD').allocate(['1', '1', '2']))).toEqual(['0.01', '0.01', '0.03']);
    } finally {
      Big.DP = DP;
      Big.RM = RM;
    }
  });
});

describe('allocate, rejected ratios', () => {
  it.each([
    [[], 'ratios must be a list of 1 to 10000 decimals'],
    [['0', '0'], 'ratios add up to zero: at least one ratio must be positive'],
    [['1', '-1'], 'ratios[1] is -1: ratios must not be negative'],
    [[new Big('-0.5')], 'ratios[0] is -0.5: ratios must not be negative'],
  ])('rejects %j as INVALID_ALLOCATION', (ratios, message) => {
    const error = captureMoneyError(() => Money.parse('1.00', 'USD').allocate(ratios));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.reason).toBe('INVALID_ALLOCATION');
    expect(error.message).toContain(message);
  });

  it('rejects too many parts', () => {
    expect(captureMoneyError(() => Money.parse('1.00', 'USD').allocate(new Array<string>(10_001).fill('1'))).reason).toBe(
      'INVALID_ALLOCATION',
    );
  });

  it('rejects a malformed ratio string, naming its index', () => {
    const error = captureMoneyError(() => Money.parse('1.00', 'USD').allocate(['1', '1e2']));
    expect(error.reason).toBe('INVALID_DECIMAL');
    expect(error.message).toContain('ratios[1] "1e2" is not a plain decimal');
  });
});

describe('allocateEvenly', () => {
  it('splits into equal parts, extra units first', () => {
    expect(amounts(Money.parse('10.00', 'USD').allocateEvenly(3))).toEqual(['3.34', '3.33', '3.33']);
    expect(amounts(Money.parse('-7', 'JPY').allocateEvenly(2))).toEqual(['-4', '-3']);
    expect(amounts(Money.parse('0.02', 'USD').allocateEvenly(4))).toEqual(['0.01', '0.01', '0.00', '0.00']);
    expect(amounts(Money.parse('5.00', 'USD').allocateEvenly(1))).toEqual(['5.00']);
  });

  it.each([[0], [-1], [1.5], [Number.NaN], [10_001]])('rejects %p parts', (parts) => {
    const error = captureMoneyError(() => Money.parse('1.00', 'USD').allocateEvenly(parts));
    expect(error.reason).toBe('INVALID_ALLOCATION');
    expect(error.message).toContain('parts must be a whole number from 1 to 10000');
  });
});

describe('allocate, properties', () => {
  const currencies = allCurrencies();
  const currencyArbitrary = fc.constantFrom(...currencies);
  // Amounts as whole minor units, so every generated amount is valid for its currency; up to 15 integer digits.
  const minorUnitsArbitrary = fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n });
  // Ratios as decimal strings with up to 6 decimals; zeros included, at least one part.
  const ratioArbitrary = fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.integer({ min: 0, max: 6 }))
    .map(([digits, scale]) => formatDecimal(new Big(digits.toString()).times(new Big(`1e-${scale}`)), scale));
  const ratiosArbitrary = fc
    .array(ratioArbitrary, { minLength: 1, maxLength: 12 })
    .filter((ratios) => ratios.some((ratio) => new Big(ratio).gt(new Big('0'))));

  const moneyArbitrary = fc.tuple(currencyArbitrary, minorUnitsArbitrary).map(([currency, minorUnits]) => {
    const amount = new Big(minorUnits.toString()).times(new Big(`1e-${currency.minorUnit}`));
    return Money.parse(formatDecimal(amount, currency.minorUnit), currency.code);
  });

  it('never loses or creates a minor unit: the parts add up to the whole', () => {
    fc.assert(
      fc.property(moneyArbitrary, ratiosArbitrary, (money, ratios) => {
        const parts = money.allocate(ratios);
        expect(parts).toHaveLength(ratios.length);
        expect(parts.every((part) => part.currency.code === money.currency.code)).toBe(true);
        expect(Money.sum(parts, money.currency.code).equals(money)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every part within one minor unit of its exact share, on the same side of zero', () => {
    fc.assert(
      fc.property(moneyArbitrary, ratiosArbitrary, (money, ratios) => {
        const parts = money.allocate(ratios);
        const ratioSum = ratios.reduce((sum, ratio) => sum.plus(new Big(ratio)), new Big('0'));
        const minorUnit = new Big(`1e-${money.currency.minorUnit}`);
        parts.forEach((part, index) => {
          const ratio = new Big(ratios[index] ?? 'missing');
          // |part - amount * ratio / ratioSum| < minorUnit, multiplied through by ratioSum to stay exact.
          const distance = part.amount.times(ratioSum).minus(money.amount.times(ratio)).abs();
          expect(distance.lt(minorUnit.times(ratioSum))).toBe(true);
          expect(part.isNegative() && money.isPositive()).toBe(false);
          expect(part.isPositive() && money.isNegative()).toBe(false);
          if (ratio.eq(new Big('0'))) expect(part.isZero()).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('splits a negative amount as the negation of the positive split', () => {
    fc.assert(
      fc.property(moneyArbitrary, ratiosArbitrary, (money, ratios) => {
        const split = amounts(money.allocate(ratios));
        const negatedSplit = amounts(money.negated().allocate(ratios).map((part) => part.negated()));
        expect(negatedSplit).toEqual(split);
      }),
      { numRuns: 200 },
    );
  });

  it('is even: allocateEvenly parts differ by at most one minor unit, larger parts first', () => {
    fc.assert(
      fc.property(moneyArbitrary, fc.integer({ min: 1, max: 50 }), (money, count) => {
        const parts = money.allocateEvenly(count);
        const minorUnit = Money.of(new Big(`1e-${money.currency.minorUnit}`), money.currency.code);
        const first = parts[0];
        const last = parts[parts.length - 1];
        if (first === undefined || last === undefined) throw new Error('no parts');
        const spread = money.isNegative() ? last.minus(first) : first.minus(last);
        expect(spread.isNegative()).toBe(false);
        expect(spread.greaterThan(minorUnit)).toBe(false);
        expect(Money.sum(parts, money.currency.code).equals(money)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
