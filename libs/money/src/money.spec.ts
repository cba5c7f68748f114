import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import { captureMoneyError } from './capture-money-error.test-helper.js';
import { Money } from './money.js';

const usd = (amount: string): Money => Money.parse(amount, 'USD');

describe('Money.parse', () => {
  it.each([
    ['12.50', 'USD', '12.50'],
    ['12.5', 'USD', '12.50'],
    ['12', 'USD', '12.00'],
    ['-0.01', 'USD', '-0.01'],
    ['1000', 'JPY', '1000'],
    ['1.25', 'KWD', '1.250'],
    ['1.234', 'KWD', '1.234'],
    ['0.0001', 'CLF', '0.0001'],
  ])('reads %s %s as %s', (input, currency, expected) => {
    const money = Money.parse(input, currency);
    expect(money.toString()).toBe(expected);
    expect(money.currency.code).toBe(currency);
  });

  it('rejects more decimals than a dollar has, instead of rounding', () => {
    const error = captureMoneyError(() => Money.parse('10.001', 'USD', 'lines[0].unitAmount'));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.reason).toBe('TOO_MANY_DECIMALS');
    expect(error.message).toBe(
      'lines[0].unitAmount "10.001" has 3 decimal places but USD has 2: send at most 2, like "12.00"; amounts are never rounded on input',
    );
    expect(error.details).toEqual({ field: 'lines[0].unitAmount', received: '10.001', scale: 3, currency: 'USD', minorUnit: 2 });
  });

  it('rejects any decimals for a currency without a minor unit', () => {
    const error = captureMoneyError(() => Money.parse('5.5', 'JPY'));
    expect(error.reason).toBe('TOO_MANY_DECIMALS');
    expect(error.message).toBe(
      'amount "5.5" has 1 decimal place but JPY has no minor unit: send a whole number, like "12"; amounts are never rounded on input',
    );
  });

  it.each([
    ['1.0', 'JPY'],
    ['10.500', 'USD'],
    ['1.2345', 'KWD'],
    ['0.00001', 'CLF'],
  ])('counts written decimals: %s %s is rejected', (input, currency) => {
    expect(captureMoneyError(() => Money.parse(input, currency)).reason).toBe('TOO_MANY_DECIMALS');
  });

  it.each([[12.5], ['1e5'], ['NaN'], [''], [' 1'], ['1.'], ['.5'], ['+1'], ['1'.repeat(41)], [null]])(
    'rejects %p as INVALID_DECIMAL',
    (input) => {
      expect(captureMoneyError(() => Money.parse(input, 'USD')).reason).toBe('INVALID_DECIMAL');
    },
  );

  it('checks the currency before the amount', () => {
    const error = captureMoneyError(() => Money.parse('1e5', 'usd'));
    expect(error.reason).toBe('UNKNOWN_CURRENCY');
    expect(error.message).toContain('did you mean USD?');
  });
});

describe('Money.of', () => {
  it('rounds half up to the minor unit by default', () => {
    expect(Money.of('10.005', 'USD').toString()).toBe('10.01');
    expect(Money.of('-10.005', 'USD').toString()).toBe('-10.01');
    expect(Money.of('2.5', 'JPY').toString()).toBe('3');
  });

  it.each([
    ['half_up', '0.125', '0.13'],
    ['half_even', '0.125', '0.12'],
    ['half_even', '0.135', '0.14'],
    ['down', '0.129', '0.12'],
    ['up', '0.121', '0.13'],
    ['half_up', '-0.125', '-0.13'],
    ['half_even', '-0.125', '-0.12'],
    ['down', '-0.129', '-0.12'],
    ['up', '-0.121', '-0.13'],
  ] as const)('with %s rounds %s USD to %s', (mode, input, expected) => {
    expect(Money.of(input, 'USD', mode).toString()).toBe(expected);
  });

  it('takes a Big computed elsewhere', () => {
    const unitPrice = new Big('0.0045');
    expect(Money.of(unitPrice.times(new Big('1234')), 'EUR').toString()).toBe('5.55');
  });

  it('still rejects malformed strings and unknown currencies', () => {
    expect(captureMoneyError(() => Money.of('1e3', 'USD')).reason).toBe('INVALID_DECIMAL');
    expect(captureMoneyError(() => Money.of(12.5 as unknown as string, 'USD')).message).toContain('decimals travel as strings');
    expect(captureMoneyError(() => Money.of('1', 'XYZ')).reason).toBe('UNKNOWN_CURRENCY');
  });
});

describe('arithmetic', () => {
  it('adds and subtracts exactly', () => {
    expect(usd('0.10').plus(usd('0.20')).toString()).toBe('0.30');
    expect(usd('0.30').minus(usd('0.10')).toString()).toBe('0.20');
    expect(usd('1.00').minus(usd('2.50')).toString()).toBe('-1.50');
  });

  it('never shows a negative zero', () => {
    expect(usd('1.00').minus(usd('1.00')).toString()).toBe('0.00');
    expect(Money.zero('USD').negated().toString()).toBe('0.00');
    expect(usd('-0.00').toString()).toBe('0.00');
  });

  it('multiplies by an exact factor and rounds the product with the given mode', () => {
    expect(usd('10.00').times('0.333', 'half_up').toString()).toBe('3.33');
    expect(usd('10.05').times('0.5', 'half_up').toString()).toBe('5.03');
    expect(usd('10.05').times('0.5', 'half_even').toString()).toBe('5.02');
    expect(usd('10.05').times('0.5', 'down').toString()).toBe('5.02');
    expect(usd('-10.05').times('0.5', 'up').toString()).toBe('-5.03');
    expect(usd('19.99').times(new Big('3'), 'half_up').toString()).toBe('59.97');
    expect(Money.parse('1000', 'JPY').times('1.1', 'half_up').toString()).toBe('1100');
  });

  it('rejects a malformed factor, naming it', () => {
    const error = captureMoneyError(() => usd('1.00').times('1e2', 'half_up'));
    expect(error.reason).toBe('INVALID_DECIMAL');
    expect(error.message).toContain('factor "1e2"');
  });

  it('negates', () => {
    expect(usd('12.50').negated().toString()).toBe('-12.50');
    expect(usd('-12.50').negated().toString()).toBe('12.50');
  });

  it('sums a list, and an empty list to zero in the given currency', () => {
    expect(Money.sum([usd('1.10'), usd('2.20'), usd('-0.30')], 'USD').toString()).toBe('3.00');
    const empty = Money.sum([], 'KWD');
    expect(empty.toJSON()).toEqual({ amount: '0.000', currency: 'KWD' });
  });

  it('is immutable', () => {
    const money = usd('5.00');
    money.plus(usd('1.00'));
    expect(money.toString()).toBe('5.00');
    expect(Object.isFrozen(money)).toBe(true);
  });
});

describe('comparison', () => {
  it('tells the sign', () => {
    expect([usd('0.01').isPositive(), usd('0.01').isNegative(), usd('0.01').isZero()]).toEqual([true, false, false]);
    expect([usd('-0.01').isPositive(), usd('-0.01').isNegative(), usd('-0.01').isZero()]).toEqual([false, true, false]);
    expect([usd('0').isPositive(), usd('0').isNegative(), usd('0').isZero()]).toEqual([false, false, true]);
  });

  it('compares amounts of one currency', () => {
    expect(usd('1.00').compare(usd('2.00'))).toBe(-1);
    expect(usd('2.00').compare(usd('2'))).toBe(0);
    expect(usd('2.01').compare(usd('2.00'))).toBe(1);
    expect(usd('2.01').greaterThan(usd('2.00'))).toBe(true);
    expect(usd('2.00').greaterThan(usd('2.00'))).toBe(false);
    expect(usd('-3.00').lessThan(usd('-2.00'))).toBe(true);
    expect(usd('2.00').lessThan(usd('2.00'))).toBe(false);
  });

  it('picks the smaller and the larger', () => {
    expect(Money.min(usd('3.00'), usd('-1.00')).toString()).toBe('-1.00');
    expect(Money.max(usd('3.00'), usd('-1.00')).toString()).toBe('3.00');
    expect(Money.min(usd('-1.00'), usd('3.00')).toString()).toBe('-1.00');
    expect(Money.max(usd('-1.00'), usd('3.00')).toString()).toBe('3.00');
  });

  it('treats equal amounts in different currencies as not equal', () => {
    expect(usd('1.00').equals(usd('1'))).toBe(true);
    expect(usd('1.00').equals(usd('1.01'))).toBe(false);
    expect(usd('1.00').equals(Money.parse('1.00', 'EUR'))).toBe(false);
  });
});

describe('currency mismatch', () => {
  const eur = Money.parse('1.00', 'EUR');

  it.each([
    ['plus', () => usd('1.00').plus(eur), 'cannot add EUR and USD: amounts must be in the same currency'],
    ['minus', () => usd('1.00').minus(eur), 'cannot subtract EUR and USD: amounts must be in the same currency'],
    ['compare', () => usd('1.00').compare(eur), 'cannot compare EUR and USD: amounts must be in the same currency'],
    ['greaterThan', () => usd('1.00').greaterThan(eur), 'cannot compare'],
    ['lessThan', () => usd('1.00').lessThan(eur), 'cannot compare'],
    ['min', () => Money.min(usd('1.00'), eur), 'cannot compare'],
    ['max', () => Money.max(usd('1.00'), eur), 'cannot compare'],
    ['sum', () => Money.sum([usd('1.00'), eur], 'USD'), 'cannot add EUR and USD'],
    ['sum in another currency', () => Money.sum([usd('1.00')], 'EUR'), 'cannot add USD and EUR'],
  ] as const)('%s throws CURRENCY_MISMATCH', (_name, action, message) => {
    const error = captureMoneyError(action);
    expect(error.code).toBe('CURRENCY_MISMATCH');
    expect(error.reason).toBe('CURRENCY_MISMATCH');
    expect(error.message).toContain(message);
    expect(error.name).toBe('MoneyError');
    expect(error).toBeInstanceOf(Error);
  });

  it('puts both amounts in the details', () => {
    expect(captureMoneyError(() => usd('1.00').plus(eur)).details).toEqual({
      operation: 'add',
      left: { amount: '1.00', currency: 'USD' },
      right: { amount: '1.00', currency: 'EUR' },
    });
  });
});

describe('writing', () => {
  it('writes exactly the minor-unit decimals, never an exponent', () => {
    expect(usd('12.5').toString()).toBe('12.50');
    expect(Money.parse('1000', 'JPY').toString()).toBe('1000');
    expect(Money.parse('1.25', 'KWD').toString()).toBe('1.250');
    expect(Money.parse('123456789012345678', 'USD').toString()).toBe('123456789012345678.00');
    expect(Money.of(new Big('1e-7'), 'USD').toString()).toBe('0.00');
    expect(`${usd('3.1')}`).toBe('3.10');
  });

  it('serialises to JSON as decimal strings', () => {
    expect(JSON.stringify({ total: usd('12.5') })).toBe('{"total":{"amount":"12.50","currency":"USD"}}');
    expect(Money.parse('7', 'CLF').toJSON()).toEqual({ amount: '7.0000', currency: 'CLF' });
  });
});

describe('with Big.strict on, which rejects JavaScript numbers', () => {
  it('still computes, compares and allocates', () => {
    const { strict } = Big;
    try {
      Big.strict = true;
      const total = usd('10.00').plus(usd('0.01')).negated().times('1.5', 'half_even');
      expect(total.toString()).toBe('-15.02');
      expect(total.isNegative()).toBe(true);
      expect(total.allocate(['1', '1', '1']).map(String)).toEqual(['-5.01', '-5.01', '-5.00']);
    } finally {
      Big.strict = strict;
    }
  });
});
