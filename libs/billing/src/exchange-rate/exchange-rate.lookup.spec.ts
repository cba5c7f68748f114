import { describe, expect, it } from '@jest/globals';
import { Money } from '../../../money/src/index.js';
import { DomainError } from '../common/domain-error.js';
import type { RecordedExchangeRate } from './exchange-rate.events.js';
import { convert, invertedRate, rateAsOf } from './exchange-rate.lookup.js';

function rate(base: string, quote: string, value: string, effectiveAt: string, source = 'ECB'): RecordedExchangeRate {
  return { base, quote, rate: value, effectiveAt, source, recordedAt: '2024-01-01T00:00:00Z' };
}

const eurUsd = [
  rate('EUR', 'USD', '1.10', '2024-01-01T00:00:00Z'),
  rate('EUR', 'USD', '1.08', '2024-02-01T00:00:00Z'),
  rate('EUR', 'USD', '1.09', '2024-03-01T00:00:00Z'),
];

function errorOf(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('rateAsOf', () => {
  it('uses the rate in effect at the document date, never a later one', () => {
    // An invoice dated 15 February converts at the 1 February rate, although the 1 March rate is recorded too.
    const quote = rateAsOf(eurUsd, 'EUR', 'USD', '2024-02-15T12:00:00Z');
    expect(quote).toEqual({ base: 'EUR', quote: 'USD', rate: '1.08', effectiveAt: '2024-02-01T00:00:00Z', source: 'ECB', inverted: false });
    // 100.00 EUR x 1.08 = 108.00 USD (at the 1 March rate it would have been 109.00).
    expect(convert(Money.of('100.00', 'EUR'), quote, 'USD', 'half_up').toString()).toBe('108.00');
  });

  it('uses a rate from the very instant it takes effect, and the previous one just before', () => {
    expect(rateAsOf(eurUsd, 'EUR', 'USD', '2024-03-01T00:00:00Z').rate).toBe('1.09');
    expect(rateAsOf(eurUsd, 'EUR', 'USD', '2024-02-29T23:59:59.999Z').rate).toBe('1.08');
    // Offsets count: 00:30 at +01:00 is 23:30 UTC on the day before.
    expect(rateAsOf(eurUsd, 'EUR', 'USD', '2024-03-01T00:30:00+01:00').rate).toBe('1.08');
  });

  it('finds the rate whatever the order it was recorded in', () => {
    expect(rateAsOf([...eurUsd].reverse(), 'EUR', 'USD', '2024-02-15T00:00:00Z').rate).toBe('1.08');
  });

  it('fails EXCHANGE_RATE_NOT_FOUND before the first rate takes effect, or for a pair never recorded', () => {
    const early = errorOf(() => rateAsOf(eurUsd, 'EUR', 'USD', '2023-12-31T23:59:59Z'));
    expect(early.code).toBe('EXCHANGE_RATE_NOT_FOUND');
    expect(early.message).toBe('No EUR/USD exchange rate (nor USD/EUR) is in effect at 2023-12-31T23:59:59Z');
    expect(early.details).toEqual({ base: 'EUR', quote: 'USD', asOf: '2023-12-31T23:59:59Z' });
    expect(errorOf(() => rateAsOf(eurUsd, 'GBP', 'USD', '2024-02-15T00:00:00Z')).code).toBe('EXCHANGE_RATE_NOT_FOUND');
    expect(errorOf(() => rateAsOf([], 'EUR', 'USD', '2024-02-15T00:00:00Z')).code).toBe('EXCHANGE_RATE_NOT_FOUND');
  });

  it('inverts the opposite pair when only it is recorded: 1 / 0.92, rounded half-up to 12 decimals', () => {
    // 1 / 0.92 = 1.08695652173913043...; the 13th decimal is 1, so 12 decimals give 1.086956521739.
    const usdEur = [rate('USD', 'EUR', '0.92', '2024-02-01T00:00:00Z', 'manual')];
    const quote = rateAsOf(usdEur, 'EUR', 'USD', '2024-02-15T00:00:00Z');
    expect(quote).toEqual({ base: 'EUR', quote: 'USD', rate: '1.086956521739', effectiveAt: '2024-02-01T00:00:00Z', source: 'manual', inverted: true });
    // 100.00 x 1.086956521739 = 108.6956521739 -> 108.70.
    expect(convert(Money.of('100.00', 'EUR'), quote, 'USD', 'half_up').toString()).toBe('108.70');
  });

  it('takes the latest effective rate of either direction; on a tie the pair as asked, then the later record', () => {
    const mixed = [...eurUsd, rate('USD', 'EUR', '0.9', '2024-02-10T00:00:00Z', 'manual')];
    // On 15 February the inverse (10 February) is more recent than EUR/USD of 1 February: 1 / 0.9 = 1.111111111111.
    expect(rateAsOf(mixed, 'EUR', 'USD', '2024-02-15T00:00:00Z')).toMatchObject({ rate: '1.111111111111', inverted: true });
    // On 1 March EUR/USD takes effect again.
    expect(rateAsOf(mixed, 'EUR', 'USD', '2024-03-01T00:00:00Z')).toMatchObject({ rate: '1.09', inverted: false });
    const tie = [rate('USD', 'EUR', '0.5', '2024-02-01T00:00:00Z'), ...eurUsd];
    expect(rateAsOf(tie, 'EUR', 'USD', '2024-02-15T00:00:00Z')).toMatchObject({ rate: '1.08', inverted: false });
    const corrected = [...eurUsd, rate('EUR', 'USD', '1.0801', '2024-02-01T00:00:00Z', 'ECB correction')];
    expect(rateAsOf(corrected, 'EUR', 'USD', '2024-02-15T00:00:00Z')).toMatchObject({ rate: '1.0801', source: 'ECB correction' });
  });

  it('gives rate 1 for the same currency on both sides', () => {
    expect(rateAsOf([], 'USD', 'USD', '2024-02-15T00:00:00Z')).toMatchObject({ rate: '1', source: 'identity', inverted: false });
  });

  it.each([
    ['an unknown currency', () => rateAsOf(eurUsd, 'EUR', 'ABC', '2024-02-15T00:00:00Z'), /quote must be a supported ISO 4217/],
    ['a date instead of an instant', () => rateAsOf(eurUsd, 'EUR', 'USD', '2024-02-15'), /asOf must be an ISO-8601 instant/],
  ])('rejects %s with VALIDATION_FAILED', (_case, work, message) => {
    const error = errorOf(work);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
  });
});

describe('invertedRate', () => {
  it.each([
    ['2', '0.5'],
    ['0.8', '1.25'],
    ['3', '0.333333333333'],
    ['1.5', '0.666666666667'],
    ['149.5', '0.006688963211'],
  ])('1 / %s = %s', (value, expected) => {
    expect(invertedRate(value)).toBe(expected);
  });
});

describe('convert', () => {
  it('rounds to the minor unit of the target currency with the mode it is given', () => {
    // 100.00 USD x 149.567 = 14956.7 JPY -> 14957 half-up, 14956 down.
    expect(convert(Money.of('100.00', 'USD'), '149.567', 'JPY', 'half_up').toString()).toBe('14957');
    expect(convert(Money.of('100.00', 'USD'), '149.567', 'JPY', 'down').toString()).toBe('14956');
    // 10.00 USD x 0.30745 = 3.0745 KWD -> 3.075 half-up, 3.074 half-even.
    expect(convert(Money.of('10.00', 'USD'), '0.30745', 'KWD', 'half_up').toString()).toBe('3.075');
    expect(convert(Money.of('10.00', 'USD'), '0.30745', 'KWD', 'half_even').toString()).toBe('3.074');
    // 1000 JPY x 0.0066889 = 6.6889 USD -> 6.69.
    expect(convert(Money.of('1000', 'JPY'), '0.0066889', 'USD', 'half_up').toString()).toBe('6.69');
  });

  it('refuses a quote for another pair with CURRENCY_MISMATCH', () => {
    const quote = rateAsOf(eurUsd, 'EUR', 'USD', '2024-02-15T00:00:00Z');
    expect(errorOf(() => convert(Money.of('100.00', 'GBP'), quote, 'USD', 'half_up')).code).toBe('CURRENCY_MISMATCH');
    expect(errorOf(() => convert(Money.of('100.00', 'EUR'), quote, 'JPY', 'half_up')).code).toBe('CURRENCY_MISMATCH');
  });

  it.each([
    ['a zero rate', () => convert(Money.of('1.00', 'EUR'), '0', 'USD', 'half_up'), /rate must be greater than 0/],
    ['a rate with 13 decimals', () => convert(Money.of('1.00', 'EUR'), '1.0000000000001', 'USD', 'half_up'), /at most 12/],
    ['an unknown target currency', () => convert(Money.of('1.00', 'EUR'), '1.1', 'usd', 'half_up'), /toCurrency must be a supported ISO 4217/],
    ['a rate other than 1 within one currency', () => convert(Money.of('1.00', 'EUR'), '1.1', 'EUR', 'half_up'), /converting EUR to itself takes the rate 1/],
  ])('rejects %s with VALIDATION_FAILED', (_case, work, message) => {
    const error = errorOf(work);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
  });
});
