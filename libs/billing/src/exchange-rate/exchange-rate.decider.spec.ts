import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { RecordExchangeRate } from './exchange-rate.commands.js';
import { exchangeRateDecider } from './exchange-rate.decider.js';
import { exchangeRateEventSchemas, type ExchangeRateRecorded } from './exchange-rate.events.js';

const spec = DeciderSpecification.for(exchangeRateDecider);
const now = '2024-02-01T16:05:00Z';
const unchecked = <T>(value: unknown): T => value as T;

function record(data: Partial<RecordExchangeRate['data']> = {}, at = now): RecordExchangeRate {
  return {
    type: 'RecordExchangeRate',
    data: { base: 'EUR', quote: 'USD', rate: '1.0850', effectiveAt: '2024-02-01T00:00:00Z', source: 'ECB', ...data },
    metadata: { now: at },
  };
}

function recorded(data: Partial<ExchangeRateRecorded['data']> = {}): ExchangeRateRecorded {
  return {
    type: 'ExchangeRateRecorded',
    data: { base: 'EUR', quote: 'USD', rate: '1.0850', effectiveAt: '2024-02-01T00:00:00Z', source: 'ECB', recordedAt: now, ...data },
  };
}

describe('no rate recorded for the pair', () => {
  it('RecordExchangeRate records the rate as written, with when it was recorded', () => {
    spec.given([]).when(record()).then([recorded()]);
  });

  it('accepts 12 decimals and a rate effective in the future', () => {
    spec
      .given([])
      .when(record({ rate: '0.000123456789', effectiveAt: '2030-01-01T00:00:00+01:00', quote: 'JPY' }))
      .then([recorded({ rate: '0.000123456789', effectiveAt: '2030-01-01T00:00:00+01:00', quote: 'JPY' })]);
  });

  it.each<[string, Partial<RecordExchangeRate['data']>, RegExp]>([
    ['a zero rate', { rate: '0' }, /rate must be greater than 0/],
    ['a negative rate', { rate: '-1.08' }, /rate must be greater than 0/],
    ['13 decimals', { rate: '1.0850000000001' }, /rate "1\.0850000000001" has 13 decimal places; at most 12/],
    ['a rate as a number', { rate: unchecked(1.085) }, /rate must be a decimal string/],
    ['a rate in exponent notation', { rate: '1e3' }, /exponents are not accepted/],
    ['an unknown currency', { base: 'EUX' }, /base must be a supported ISO 4217 currency code/],
    ['the same currency twice', { quote: 'EUR' }, /base and quote must differ/],
    ['a date instead of an instant', { effectiveAt: '2024-02-01' }, /effectiveAt must be an ISO-8601 instant/],
    ['no source', { source: ' ' }, /source is required/],
  ])('RecordExchangeRate with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(record(data)).thenThrows('VALIDATION_FAILED', message);
  });
});

describe('rates recorded for the pair', () => {
  const history = [recorded(), recorded({ rate: '1.0790', effectiveAt: '2024-03-01T00:00:00Z' })];

  it('holds them in recording order', () => {
    expect(fold(exchangeRateDecider, history)).toEqual({ base: 'EUR', quote: 'USD', rates: history.map((event) => event.data) });
  });

  it('RecordExchangeRate of a rate already recorded (a retry) changes nothing, however the rate is written', () => {
    spec.given(history).when(record({ rate: '1.085' })).thenNothing();
    spec.given(history).when(record({ effectiveAt: '2024-02-01T01:00:00+01:00' })).thenNothing();
  });

  it('RecordExchangeRate of another rate for the same instant records a correction', () => {
    spec.given(history).when(record({ rate: '1.0855' }, '2024-02-02T09:00:00Z')).then([recorded({ rate: '1.0855', recordedAt: '2024-02-02T09:00:00Z' })]);
  });

  it('a rate for another pair on this stream is a programmer error', () => {
    expect(() => exchangeRateDecider.decide(record({ base: 'GBP' }), fold(exchangeRateDecider, history))).toThrow(/EUR\/USD was asked to record a GBP\/USD rate/);
  });

  it('emits events that match the ExchangeRateRecorded schema (version 1)', () => {
    const [event] = exchangeRateDecider.decide(record({ rate: '1.1', effectiveAt: '2024-04-01T00:00:00Z' }), fold(exchangeRateDecider, history));
    expect(exchangeRateEventSchemas.ExchangeRateRecorded.schemaVersion).toBe(1);
    expect(exchangeRateEventSchemas.ExchangeRateRecorded.data.parse(event?.data)).toEqual(event?.data);
  });
});
