import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import { AMOUNT_INTEGER_DIGITS_MAX, isWithinAmountBound, largestWithinAmountBound } from './amount-bound.js';
import { captureMoneyError } from './capture-money-error.test-helper.js';
import { parseComputedDecimal } from './decimal.js';
import { Money } from './money.js';

describe('the bound on figures', () => {
  it('is 12 digits before the decimal point, with the decimals of the figure', () => {
    expect(AMOUNT_INTEGER_DIGITS_MAX).toBe(12);
    expect(largestWithinAmountBound(2)).toBe('999999999999.99');
    expect(largestWithinAmountBound(0)).toBe('999999999999');
    expect(largestWithinAmountBound(6)).toBe('999999999999.999999');
  });

  it.each([
    ['999999999999.99', true],
    ['-999999999999.99', true],
    ['999999999999.999999999999', true],
    ['0', true],
    ['1000000000000', false],
    ['-1000000000000.00', false],
    ['1999997999998000002.00', false],
  ])('%s within the bound: %s', (value, within) => {
    expect(isWithinAmountBound(new Big(value))).toBe(within);
  });

  it('Money.largest follows the minor unit of the currency', () => {
    expect(Money.largest('USD').toString()).toBe('999999999999.99');
    expect(Money.largest('JPY').toString()).toBe('999999999999');
    expect(Money.largest('KWD').toString()).toBe('999999999999.999');
    expect(Money.largest('CLF').toString()).toBe('999999999999.9999');
  });
});

describe('computed values have no digit cap; input keeps its cap', () => {
  const sumOfMany = '999999999999990000000000000.00'; // 27 integer digits: 10^15 maximal USD amounts

  it('parseComputedDecimal and Money.of read a sum of any length, exactly', () => {
    expect(parseComputedDecimal(sumOfMany).toFixed(2)).toBe(sumOfMany);
    expect(Money.of(sumOfMany, 'USD').toString()).toBe(sumOfMany);
    expect(Money.of('1999997999998000002.000000000000', 'USD').toString()).toBe('1999997999998000002.00');
  });

  it('Money.parseComputed is exact: no digit cap, but never more decimals than the currency has', () => {
    expect(Money.parseComputed(sumOfMany, 'USD').toString()).toBe(sumOfMany);
    expect(captureMoneyError(() => Money.parseComputed('1.001', 'USD')).reason).toBe('TOO_MANY_DECIMALS');
  });

  it('keeps the strict syntax: exponents, numbers, spaces and empty strings are refused', () => {
    for (const value of ['1e30', ' 1', '', '1.', 'NaN']) expect(captureMoneyError(() => parseComputedDecimal(value)).reason).toBe('INVALID_DECIMAL');
    expect(captureMoneyError(() => Money.of(12.5 as unknown as string, 'USD')).reason).toBe('INVALID_DECIMAL');
    expect(captureMoneyError(() => parseComputedDecimal('1'.repeat(1_001))).message).toContain('at most 1000 characters');
  });

  it('input parsing is unchanged: Money.parse still refuses 19 integer digits', () => {
    expect(captureMoneyError(() => Money.parse('1999997999998000002.00', 'USD')).message).toContain('at most 18 are accepted');
  });
});
