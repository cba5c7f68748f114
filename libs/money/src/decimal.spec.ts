import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import { captureMoneyError } from './capture-money-error.test-helper.js';
import { type RoundingMode, formatDecimal, parseDecimal, roundTo } from './decimal.js';

describe('parseDecimal', () => {
  it.each([
    ['12.50', '12.5'],
    ['0', '0'],
    ['-3.2', '-3.2'],
    ['0.5', '0.5'],
    ['-0.001', '-0.001'],
    ['1000', '1000'],
    ['10.000000000000', '10'],
    ['123456789012345678', '123456789012345678'],
    ['-123456789012345678.123456789012', '-123456789012345678.123456789012'],
  ])('accepts %j', (input, expected) => {
    expect(parseDecimal(input).toFixed()).toBe(expected);
  });

  it('reads "-0" as plain zero, without a sign', () => {
    expect(formatDecimal(parseDecimal('-0.00'), 2)).toBe('0.00');
    expect(parseDecimal('-0').s).toBe(1);
  });

  it('keeps every digit of values a float cannot hold', () => {
    expect(parseDecimal('0.1').plus(parseDecimal('0.2')).toFixed()).toBe('0.3');
    expect(parseDecimal('9007199254740993').toFixed()).toBe('9007199254740993');
  });

  it.each([
    ['1e5', 'exponents are not accepted'],
    ['1E-2', 'exponents are not accepted'],
    ['NaN', 'NaN and Infinity are not amounts'],
    ['Infinity', 'NaN and Infinity are not amounts'],
    ['-Infinity', 'NaN and Infinity are not amounts'],
    ['', 'the value is empty'],
    [' 1', 'remove the spaces'],
    ['1 ', 'remove the spaces'],
    ['1 000', 'remove the spaces'],
    ['1.', 'write digits after the decimal point'],
    ['.5', 'write a digit before the decimal point, like "0.5"'],
    ['-.5', 'write a digit before the decimal point'],
    ['+1', 'leave out the "+" sign'],
    ['1,50', 'use "." as the decimal point'],
    ['1,000.00', 'use "." as the decimal point'],
    ['007', 'remove the leading zeros'],
    ['00.5', 'remove the leading zeros'],
    ['-01', 'remove the leading zeros'],
    ['--1', undefined],
    ['1.2.3', undefined],
    ['0x10', undefined],
    ['١٢', undefined],
    ['12abc', undefined],
    ['-', undefined],
  ])('rejects %j as INVALID_DECIMAL', (input, hint) => {
    const error = captureMoneyError(() => parseDecimal(input));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.reason).toBe('INVALID_DECIMAL');
    expect(error.message).toContain(
      `amount ${JSON.stringify(input)} is not a plain decimal: use digits with an optional sign and decimal point, like "12.50"`,
    );
    if (hint !== undefined) expect(error.message).toContain(hint);
    expect(error.details).toEqual({ field: 'amount', received: input });
  });

  it('explains that a JavaScript number is rejected because decimals travel as strings', () => {
    const error = captureMoneyError(() => parseDecimal(12.5, 'unitPrice'));
    expect(error.reason).toBe('INVALID_DECIMAL');
    expect(error.message).toBe(
      'unitPrice must be a decimal string like "12.50", not the number 12.5: decimals travel as strings so that no precision is lost to floating point',
    );
    expect(error.details).toEqual({ field: 'unitPrice', received: 12.5 });
  });

  it.each([[0.1], [0], [Number.NaN], [Number.POSITIVE_INFINITY], [1e21]])('rejects the number %p', (input) => {
    expect(captureMoneyError(() => parseDecimal(input)).message).toContain('decimals travel as strings');
  });

  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [10n, 'the bigint 10'],
    [true, 'the boolean true'],
    [{ amount: '1' }, 'a value of type object'],
    [['1'], 'an array'],
    [new Big('1'), 'a value of type object'],
  ])('rejects the non-string %p', (input, description) => {
    const error = captureMoneyError(() => parseDecimal(input));
    expect(error.reason).toBe('INVALID_DECIMAL');
    expect(error.message).toBe(`amount must be a decimal string like "12.50"; got ${description}`);
  });

  it('accepts 40 characters and rejects 41, naming the limit and cutting the echoed value', () => {
    const forty = `-${'1'.repeat(18)}.${'1'.repeat(20)}`;
    expect(forty).toHaveLength(40);
    expect(parseDecimal(forty, 'amount', { maxScale: 20 }).toFixed()).toBe(forty);

    const fortyOne = `${'1'.repeat(18)}.${'1'.repeat(22)}`;
    expect(fortyOne).toHaveLength(41);
    const error = captureMoneyError(() => parseDecimal(fortyOne, 'amount', { maxScale: 30 }));
    expect(error.reason).toBe('INVALID_DECIMAL');
    expect(error.message).toContain('is too long: at most 40 characters are accepted');
    expect(error.message).toContain('(41 characters)');
    expect(error.details).toMatchObject({ length: 41, maxLength: 40 });
  });

  it('rejects a very long string without echoing all of it', () => {
    const error = captureMoneyError(() => parseDecimal('9'.repeat(100_000)));
    expect(error.message.length).toBeLessThan(200);
  });

  it('accepts 18 integer digits by default and rejects 19', () => {
    expect(parseDecimal('9'.repeat(18)).toFixed()).toBe('9'.repeat(18));
    const error = captureMoneyError(() => parseDecimal('1'.repeat(19)));
    expect(error.reason).toBe('INVALID_DECIMAL');
    expect(error.message).toContain('has 19 digits before the decimal point; at most 18 are accepted');
  });

  it('takes a smaller or larger integer-digit limit', () => {
    expect(() => parseDecimal('1000', 'quantity', { maxIntegerDigits: 3 })).toThrow('at most 3 are accepted');
    expect(parseDecimal('1'.repeat(25), 'amount', { maxIntegerDigits: 25 }).toFixed()).toBe('1'.repeat(25));
  });

  it('accepts 12 decimals by default and rejects 13 as TOO_MANY_DECIMALS', () => {
    expect(parseDecimal('0.000000000001').toFixed()).toBe('0.000000000001');
    const error = captureMoneyError(() => parseDecimal('0.0000000000001', 'unitPrice'));
    expect(error.reason).toBe('TOO_MANY_DECIMALS');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('unitPrice "0.0000000000001" has 13 decimal places; at most 12 are accepted');
    expect(error.details).toEqual({ field: 'unitPrice', received: '0.0000000000001', scale: 13, maxScale: 12 });
  });

  it('counts written decimals against maxScale, trailing zeros included', () => {
    expect(parseDecimal('1.25', 'amount', { maxScale: 2 }).toFixed()).toBe('1.25');
    expect(captureMoneyError(() => parseDecimal('1.250', 'amount', { maxScale: 2 })).reason).toBe('TOO_MANY_DECIMALS');
    expect(captureMoneyError(() => parseDecimal('1.0', 'amount', { maxScale: 0 })).reason).toBe('TOO_MANY_DECIMALS');
  });

  it('treats an impossible limit as a programmer error, not a MoneyError', () => {
    expect(() => parseDecimal('1', 'amount', { maxScale: -1 })).toThrow('money invariant broken');
  });
});

describe('roundTo', () => {
  const cases: ReadonlyArray<readonly [RoundingMode, string, string]> = [
    // mode, input, rounded to 0 decimals
    ['half_up', '2.5', '3'],
    ['half_up', '-2.5', '-3'],
    ['half_up', '2.4999', '2'],
    ['half_up', '-2.4999', '-2'],
    ['half_even', '2.5', '2'],
    ['half_even', '3.5', '4'],
    ['half_even', '-2.5', '-2'],
    ['half_even', '-3.5', '-4'],
    ['half_even', '2.5001', '3'],
    ['down', '2.5', '2'],
    ['down', '2.9', '2'],
    ['down', '-2.5', '-2'],
    ['down', '-2.9', '-2'],
    ['up', '2.5', '3'],
    ['up', '2.1', '3'],
    ['up', '-2.5', '-3'],
    ['up', '-2.1', '-3'],
    ['up', '2', '2'],
  ];

  it.each(cases)('%s rounds %s to %s', (mode, input, expected) => {
    expect(roundTo(new Big(input), 0, mode).toFixed()).toBe(expected);
  });

  it.each([
    ['half_up', '1.005', '1.01'],
    ['half_up', '-1.005', '-1.01'],
    ['half_even', '1.005', '1.00'],
    ['half_even', '1.015', '1.02'],
    ['half_even', '-1.015', '-1.02'],
    ['down', '1.009', '1.00'],
    ['up', '1.001', '1.01'],
    ['up', '-1.001', '-1.01'],
  ] as const)('%s rounds %s to cents as %s', (mode, input, expected) => {
    expect(formatDecimal(roundTo(new Big(input), 2, mode), 2)).toBe(expected);
  });

  it('does not depend on the global Big.RM or Big.DP', () => {
    const { RM, DP } = Big;
    try {
      Big.RM = Big.roundDown;
      Big.DP = 0;
      expect(roundTo(new Big('2.5'), 0, 'half_up').toFixed()).toBe('3');
      expect(roundTo(new Big('0.125'), 2, 'half_even').toFixed()).toBe('0.12');
    } finally {
      Big.RM = RM;
      Big.DP = DP;
    }
  });

  it('returns zero without a sign when a negative amount rounds to zero', () => {
    expect(formatDecimal(roundTo(new Big('-0.004'), 2, 'half_up'), 2)).toBe('0.00');
    expect(roundTo(new Big('-0.4'), 0, 'down').s).toBe(1);
  });
});

describe('formatDecimal', () => {
  it.each([
    ['12.5', 2, '12.50'],
    ['1000', 0, '1000'],
    ['1.25', 3, '1.250'],
    ['-7', 2, '-7.00'],
    ['0.0000001', 7, '0.0000001'],
    ['1e-12', 12, '0.000000000001'],
    ['1e25', 2, '10000000000000000000000000.00'],
    ['-1.5e21', 0, '-1500000000000000000000'],
  ] as const)('writes %s at scale %i as %s', (input, scale, expected) => {
    expect(formatDecimal(new Big(input), scale)).toBe(expected);
  });

  it('never rounds: a value with more decimals than the scale is a programmer error', () => {
    expect(() => formatDecimal(new Big('1.005'), 2)).toThrow('round first');
  });
});

describe('with Big.strict on, which rejects JavaScript numbers', () => {
  it('still parses, rounds and formats', () => {
    const { strict } = Big;
    try {
      Big.strict = true;
      expect(formatDecimal(roundTo(parseDecimal('-2.345'), 2, 'half_even'), 2)).toBe('-2.34');
    } finally {
      Big.strict = strict;
    }
  });
});
