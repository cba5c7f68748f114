import { afterEach, describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import { DomainError } from '../common/domain-error.js';
import type { BillingPeriod, DayFraction } from './billing-period.types.js';
import { startSchedule } from './billing-schedule.js';
import { dayFraction, periodAmount, prorate, quotientRoundedHalfUp, requireDayFraction, type ProrateInput } from './proration.js';

function errorOf(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw new Error(`not a DomainError: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a DomainError, got none');
}

const period = (start: string, end: string): BillingPeriod => ({ start, end });
const fraction = (days: number, periodDays: number): DayFraction => ({ days, periodDays });

describe('the brief example: 50.00 a month from Aug 10, calendar aligned', () => {
  it('bills [Aug 10, Sep 1) as 22/31 of August, 35.48', () => {
    const { firstPeriod, firstFullPeriod } = startSchedule({ cycle: { kind: 'monthly' }, startDate: '2024-08-10', alignment: 'calendar' });
    const share = dayFraction(firstFullPeriod, firstPeriod.start, firstPeriod.end);
    expect(share).toEqual({ days: 22, periodDays: 31 });
    expect(prorate({ unitPrice: '50.00', quantity: '1', fraction: share, currency: 'USD' })).toBe('35.48');
  });

  it('bills [Feb 15, Apr 1) of a calendar quarter as 46/91', () => {
    const { firstPeriod, firstFullPeriod } = startSchedule({ cycle: { kind: 'quarterly' }, startDate: '2024-02-15', alignment: 'calendar' });
    expect(dayFraction(firstFullPeriod, firstPeriod.start, firstPeriod.end)).toEqual({ days: 46, periodDays: 91 });
    expect(prorate({ unitPrice: '300.00', quantity: '1', fraction: fraction(46, 91), currency: 'USD' })).toBe('151.65');
  });

  it('bills a custom 2-month cycle from Aug 10, calendar aligned, as 52/61', () => {
    const { firstPeriod, firstFullPeriod } = startSchedule({ cycle: { kind: 'custom', unit: 'months', count: 2 }, startDate: '2024-08-10', alignment: 'calendar' });
    expect(dayFraction(firstFullPeriod, firstPeriod.start, firstPeriod.end)).toEqual({ days: 52, periodDays: 61 });
  });
});

describe('dayFraction', () => {
  const august = period('2024-08-01', '2024-09-01');
  it.each<[string, string, DayFraction]>([
    ['2024-08-10', '2024-09-01', fraction(22, 31)],
    ['2024-08-10', '2024-08-20', fraction(10, 31)],
    ['2024-08-01', '2024-09-01', fraction(31, 31)],
    ['2024-07-01', '2024-12-31', fraction(31, 31)],
    ['2024-08-31', '2024-10-01', fraction(1, 31)],
    ['2024-07-15', '2024-08-02', fraction(1, 31)],
    ['2024-08-01', '2024-08-01', fraction(0, 31)],
    ['2024-07-01', '2024-08-01', fraction(0, 31)],
    ['2024-09-01', '2024-09-15', fraction(0, 31)],
    ['2023-01-01', '2023-02-01', fraction(0, 31)],
  ])('[%s, %s) of August is %j', (from, to, expected) => {
    expect(dayFraction(august, from, to)).toEqual(expected);
  });

  it('never reduces: 15 of 30 days stays 15/30, and February of a leap year has 29 days', () => {
    expect(dayFraction(period('2024-09-01', '2024-10-01'), '2024-09-16', '2024-10-01')).toEqual({ days: 15, periodDays: 30 });
    expect(dayFraction(period('2024-02-01', '2024-03-01'), '2024-02-01', '2024-02-15')).toEqual({ days: 14, periodDays: 29 });
  });

  it.each<[string, BillingPeriod, string, string, string, RegExp]>([
    ['from after to', august, '2024-08-20', '2024-08-10', 'from', /from 2024-08-20 must not be after to 2024-08-10/],
    ['an empty period', period('2024-08-01', '2024-08-01'), '2024-08-01', '2024-08-02', 'period.end', /period\.end 2024-08-01 must be after period\.start/],
    ['a reversed period', period('2024-09-01', '2024-08-01'), '2024-08-01', '2024-08-02', 'period.end', /must be after/],
    ['a malformed from', august, '2024-8-10', '2024-08-20', 'from', /from must be a calendar date/],
    ['a malformed to', august, '2024-08-10', '2024-08-32', 'to', /to must be a calendar date/],
  ])('refuses %s with VALIDATION_FAILED', (_case, input, from, to, field, message) => {
    const error = errorOf(() => dayFraction(input, from, to));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe('prorate', () => {
  afterEach(() => {
    Big.DP = 20;
    Big.RM = Big.roundHalfUp;
  });

  it.each<[string, string, DayFraction, string, string]>([
    ['50.00', '1', fraction(22, 31), 'USD', '35.48'],
    ['19.99', '2.5', fraction(15, 30), 'USD', '24.99'], // 24.9875
    ['1000', '1', fraction(10, 31), 'JPY', '323'], // 322.58...
    ['100', '1', fraction(1, 3), 'JPY', '33'],
    ['100', '1', fraction(2, 3), 'JPY', '67'],
    ['10.000', '1', fraction(1, 3), 'KWD', '3.333'],
    ['10.000', '1', fraction(2, 3), 'KWD', '6.667'],
    ['0.0005', '1', fraction(1, 1), 'KWD', '0.001'],
    ['1.00005', '1', fraction(1, 1), 'CLF', '1.0001'],
    ['0.01', '1', fraction(1, 2), 'USD', '0.01'], // exactly half a cent: up
    ['0.01', '1', fraction(1, 3), 'USD', '0.00'],
    ['50.00', '1', fraction(0, 31), 'USD', '0.00'],
    ['50.00', '0', fraction(31, 31), 'USD', '0.00'],
    ['50.00', '1', fraction(31, 31), 'USD', '50.00'],
    ['999999999999.99', '1', fraction(1, 2), 'USD', '500000000000.00'], // 499999999999.995
  ])('%s x %s x %j in %s is %s', (unitPrice, quantity, share, currency, expected) => {
    expect(prorate({ unitPrice, quantity, fraction: share, currency })).toBe(expected);
  });

  it('rounds once: thirds of a price add up to the price, and nothing is rounded before the last step', () => {
    // A fraction rounded first (1/3 -> 0.3333) would give 99990.00 and 199980.00.
    expect(prorate({ unitPrice: '300000.00', quantity: '1', fraction: fraction(1, 3), currency: 'USD' })).toBe('100000.00');
    expect(prorate({ unitPrice: '300000.00', quantity: '1', fraction: fraction(2, 3), currency: 'USD' })).toBe('200000.00');
    // 0.15 / 31 = 0.0048387...: the nearest cent is 0.00; rounding to a tenth of a cent first (0.005) would give 0.01.
    expect(prorate({ unitPrice: '0.15', quantity: '1', fraction: fraction(1, 31), currency: 'USD' })).toBe('0.00');
    // 0.05 x 1/3 = 0.01666... -> 0.02 and 0.05 x 2/3 = 0.0333... -> 0.03, each the nearest cent of its own exact value.
    expect(prorate({ unitPrice: '0.05', quantity: '1', fraction: fraction(1, 3), currency: 'USD' })).toBe('0.02');
    expect(prorate({ unitPrice: '0.05', quantity: '1', fraction: fraction(2, 3), currency: 'USD' })).toBe('0.03');
  });

  it('does not depend on big.js global precision or rounding mode', () => {
    Big.DP = 0;
    Big.RM = Big.roundDown;
    expect(prorate({ unitPrice: '50.00', quantity: '1', fraction: fraction(22, 31), currency: 'USD' })).toBe('35.48');
    expect(prorate({ unitPrice: '0.333333', quantity: '3', fraction: fraction(2, 3), currency: 'KWD' })).toBe('0.667');
    expect(periodAmount({ unitPrice: '0.005', quantity: '1', currency: 'USD' })).toBe('0.01');
  });

  it.each<[string, DayFraction, string, string]>([
    ['-50.00', fraction(22, 31), 'USD', '-35.48'],
    ['-0.01', fraction(1, 2), 'USD', '-0.01'], // a half rounds away from zero, as its charge does
    ['-0.15', fraction(1, 31), 'USD', '0.00'], // never "-0.00"
    ['-0.01', fraction(1, 3), 'USD', '0.00'],
    ['-100', fraction(2, 3), 'JPY', '-67'],
    ['-10.000', fraction(1, 3), 'KWD', '-3.333'],
  ])('a credit of %s x %j in %s is %s, the mirror of the charge', (unitPrice, share, currency, expected) => {
    expect(prorate({ unitPrice, quantity: '1', fraction: share, currency })).toBe(expected);
    const charge = prorate({ unitPrice: unitPrice.slice(1), quantity: '1', fraction: share, currency });
    expect(new Big(charge).plus(new Big(expected)).eq(0)).toBe(true);
  });

  // Each case breaks one field of an otherwise valid input.
  const refusable: ProrateInput = { unitPrice: '1', quantity: '1', fraction: fraction(1, 2), currency: 'USD' };
  it.each<[string, Partial<ProrateInput>, string, string, RegExp]>([
    ['a number for a price', { unitPrice: 50 as unknown as string }, 'VALIDATION_FAILED', 'unitPrice', /unitPrice must be a decimal string like "12\.50", not the/],
    ['an exponent', { unitPrice: '1e3' }, 'VALIDATION_FAILED', 'unitPrice', /exponents are not accepted/],
    ['7 decimals in a price', { unitPrice: '1.0000001' }, 'VALIDATION_FAILED', 'unitPrice', /has 7 decimal places; at most 6/],
    ['7 decimals in a quantity', { quantity: '0.0000001' }, 'VALIDATION_FAILED', 'quantity', /has 7 decimal places; at most 6/],
    ['a negative quantity', { quantity: '-1' }, 'VALIDATION_FAILED', 'quantity', /quantity must not be negative \(got "-1"\)/],
    ['an empty quantity', { quantity: '' }, 'VALIDATION_FAILED', 'quantity', /the value is empty/],
    ['more days than the period', { fraction: fraction(32, 31) }, 'VALIDATION_FAILED', 'fraction.days', /fraction\.days must be an integer from 0 to 31 \(got 32\)/],
    ['negative days', { fraction: fraction(-1, 31) }, 'VALIDATION_FAILED', 'fraction.days', /from 0 to 31 \(got -1\)/],
    ['fractional days', { fraction: fraction(1.5, 31) }, 'VALIDATION_FAILED', 'fraction.days', /\(got 1\.5\)/],
    ['an empty period', { fraction: fraction(0, 0) }, 'VALIDATION_FAILED', 'fraction.periodDays', /fraction\.periodDays must be an integer from 1 to 3287181 \(got 0\)/],
    ['no fraction', { fraction: null as unknown as DayFraction }, 'VALIDATION_FAILED', 'fraction', /fraction must be an object with days and periodDays/],
    ['an unknown currency', { currency: 'XXX' }, 'VALIDATION_FAILED', 'currency', /currency must be a supported ISO 4217 currency code \(got "XXX"\)/],
    ['a lower-case currency', { currency: 'usd' }, 'VALIDATION_FAILED', 'currency', /ISO 4217/],
    ['a price of 10^12', { unitPrice: '1000000000000' }, 'AMOUNT_OUT_OF_RANGE', 'unitPrice', /unitPrice 1000000000000 is out of range/],
    ['a quantity of -10^12', { quantity: '-1000000000000' }, 'AMOUNT_OUT_OF_RANGE', 'quantity', /out of range/],
    [
      'a result of 10^12 or more',
      { unitPrice: '999999999999.99', quantity: '2', fraction: fraction(1, 1) },
      'AMOUNT_OUT_OF_RANGE',
      'amount',
      /the amount \(unit price x quantity x days \/ period days\) 1999999999999\.98 is out of range/,
    ],
  ])('refuses %s', (_case, overrides, code, field, message) => {
    const error = errorOf(() => prorate({ ...refusable, ...overrides }));
    expect(error.code).toBe(code);
    expect(error.details.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe('periodAmount', () => {
  it.each([
    ['19.99', '3', 'USD', '59.97'],
    ['0.333333', '3', 'USD', '1.00'],
    ['99.5', '1', 'JPY', '100'],
    ['-99.5', '1', 'JPY', '-100'],
    ['1.2345', '1', 'KWD', '1.235'],
    ['1.2344', '1', 'KWD', '1.234'],
    ['0.000001', '0.000001', 'CLF', '0.0000'],
    ['12', '0', 'EUR', '0.00'],
  ])('%s x %s in %s is %s', (unitPrice, quantity, currency, expected) => {
    expect(periodAmount({ unitPrice, quantity, currency })).toBe(expected);
  });

  it('refuses what prorate refuses', () => {
    expect(errorOf(() => periodAmount({ unitPrice: '1.5', quantity: '1', currency: 'ABC' })).details.field).toBe('currency');
    expect(errorOf(() => periodAmount({ unitPrice: '999999999999', quantity: '1.5', currency: 'JPY' })).code).toBe('AMOUNT_OUT_OF_RANGE');
  });
});

describe('requireDayFraction and quotientRoundedHalfUp', () => {
  it('accepts whole days of a period and returns a fresh object', () => {
    const input = { days: 3, periodDays: 30, note: 'extra' };
    expect(requireDayFraction(input, 'fraction')).toStrictEqual({ days: 3, periodDays: 30 });
    expect(errorOf(() => requireDayFraction({ days: 1, periodDays: '30' }, 'line.fraction')).details.field).toBe('line.fraction.periodDays');
  });

  it.each<[bigint, bigint, bigint]>([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [7n, 3n, 2n],
    [-7n, 3n, -2n],
    [8n, 3n, 3n],
    [-8n, 3n, -3n],
    [0n, 7n, 0n],
    [1n, 2n, 1n],
    [-1n, 2n, -1n],
    [1n, 3n, 0n],
  ])('%p / %p rounds half away from zero to %p', (numerator, denominator, expected) => {
    expect(quotientRoundedHalfUp(numerator, denominator)).toBe(expected);
  });

  it('treats a denominator that is not positive as a programmer error', () => {
    expect(() => quotientRoundedHalfUp(1n, 0n)).toThrow(/denominator must be positive/);
    expect(() => quotientRoundedHalfUp(1n, -2n)).toThrow(/denominator must be positive/);
  });
});
