import { describe, expect, it } from '@jest/globals';
import type { RoundingMode } from '../../../money/src/index.js';
import { ExactFraction, allocateUnits } from './exact-fraction.js';

const fraction = (text: string) => ExactFraction.of(text);

describe('ExactFraction', () => {
  it('keeps quotients exact: 100 / 1.1547375 x 1.1547375 is 100 again', () => {
    const divisor = fraction('1.1547375');
    expect(fraction('100').dividedBy(divisor).times(divisor).compare(fraction('100'))).toBe(0);
    expect(fraction('1').dividedBy(fraction('3')).plus(fraction('2').dividedBy(fraction('3'))).compare(ExactFraction.one)).toBe(0);
  });

  it.each<[string, number, RoundingMode, string]>([
    ['2.5', 0, 'half_up', '3'],
    ['-2.5', 0, 'half_up', '-3'],
    ['2.5', 0, 'half_even', '2'],
    ['3.5', 0, 'half_even', '4'],
    ['2.9', 0, 'down', '2'],
    ['-2.9', 0, 'down', '-2'],
    ['2.1', 0, 'up', '3'],
    ['0.005', 2, 'half_up', '0.01'],
    ['0.004999999999', 2, 'half_up', '0.00'],
    ['12', 3, 'half_up', '12.000'],
    ['-0.001', 2, 'half_up', '0.00'],
  ])('%s rounded to %i decimals %s is %s', (value, scale, mode, expected) => {
    expect(fraction(value).toDecimalString(scale, mode)).toBe(expected);
  });

  it('rounds a non-terminating quotient correctly at the half: 1/8 = 0.125 -> 0.13, 1/3 -> 0.33', () => {
    expect(ExactFraction.one.dividedBy(fraction('8')).toDecimalString(2, 'half_up')).toBe('0.13');
    expect(ExactFraction.one.dividedBy(fraction('3')).toDecimalString(2, 'half_up')).toBe('0.33');
    expect(fraction('2').dividedBy(fraction('3')).toDecimalString(12, 'half_up')).toBe('0.666666666667');
  });

  it('treats division by zero as a programmer error', () => {
    expect(() => ExactFraction.one.dividedBy(ExactFraction.zero)).toThrow(/division by zero/);
  });
});

describe('allocateUnits', () => {
  it('gives the leftover units to the largest remainders, ties to the earliest', () => {
    const half = fraction('0.5');
    expect(allocateUnits(2n, [half, half, half])).toEqual([1n, 1n, 0n]);
    expect(allocateUnits(10n, [fraction('1'), fraction('2'), fraction('7')])).toEqual([1n, 2n, 7n]);
    expect(allocateUnits(5n, [fraction('1'), fraction('1'), fraction('1')])).toEqual([2n, 2n, 1n]);
  });

  it('splits zero over zero weights, and refuses a positive total over zero weights', () => {
    expect(allocateUnits(0n, [ExactFraction.zero, ExactFraction.zero])).toEqual([0n, 0n]);
    expect(() => allocateUnits(1n, [ExactFraction.zero])).toThrow(/zero weights/);
  });
});
