import { AMOUNT_INTEGER_DIGITS_MAX, parseDecimal } from '../../../money/src/index.js';
import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import type { Decider } from '../common/decider.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import { requireBoundedDecimal, requireCurrency, requireText, validationFailed } from '../common/validation.js';
import type { ExchangeRateCommand, RecordExchangeRate } from './exchange-rate.commands.js';
import type { ExchangeRateEvent, RecordedExchangeRate } from './exchange-rate.events.js';

/** A rate has the ledger's bound on figures (12 digits before the point, libs/money amount-bound.ts) and 12 decimals. */
export const exchangeRateLimits = { rateScaleMax: 12, rateIntegerDigitsMax: AMOUNT_INTEGER_DIGITS_MAX, sourceLengthMax: 100 } as const;

/** One pair's stream: base and quote are null until the first rate pins them. Rates in recording order. */
export interface ExchangeRateState {
  base: string | null;
  quote: string | null;
  rates: RecordedExchangeRate[];
}

export const initialExchangeRateState: ExchangeRateState = { base: null, quote: null, rates: [] };

export function decideExchangeRate(command: ExchangeRateCommand, state: ExchangeRateState): ExchangeRateEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'RecordExchangeRate':
        return recordExchangeRate(command, state);
      default:
        return assertNever(command.type, 'exchange rate command');
    }
  });
}

/**
 * A rate received from outside: strict decimal string, > 0, at most 12 decimals, and at most 12 integer digits
 * (AMOUNT_OUT_OF_RANGE above them, like every figure).
 */
export function requireExchangeRate(value: unknown, field = 'rate'): ReturnType<typeof parseDecimal> {
  requireBoundedDecimal(value, field, exchangeRateLimits.rateScaleMax);
  const rate = parseDecimal(value, field, { maxScale: exchangeRateLimits.rateScaleMax, maxIntegerDigits: exchangeRateLimits.rateIntegerDigitsMax });
  if (!rate.gt(0)) throw validationFailed(`${field} must be greater than 0 (got ${JSON.stringify(value)})`, { field });
  return rate;
}

function recordExchangeRate({ data, metadata }: RecordExchangeRate, state: ExchangeRateState): ExchangeRateEvent[] {
  const base = requireCurrency(data?.base, 'base');
  const quote = requireCurrency(data.quote, 'quote');
  if (base === quote) throw validationFailed(`base and quote must differ (both are ${base})`, { field: 'quote' });
  const rate = requireExchangeRate(data.rate);
  const effectiveAt = requireInstant(data.effectiveAt, 'effectiveAt');
  const source = requireText(data.source, 'source', exchangeRateLimits.sourceLengthMax);
  if (state.base !== null && (state.base !== base || state.quote !== quote)) {
    // The application names the stream after the pair: another pair here means it loaded the wrong stream.
    throw new Error(`exchange rate stream ${state.base}/${state.quote} was asked to record a ${base}/${quote} rate`);
  }
  // A retry of the same record changes nothing. A different rate (or source) for the same instant is a correction:
  // it is recorded, and `rateAsOf` prefers the later record for that instant.
  const effectiveTime = Date.parse(effectiveAt);
  const latestForInstant = [...state.rates].reverse().find((recorded) => Date.parse(recorded.effectiveAt) === effectiveTime);
  if (latestForInstant !== undefined && parseDecimal(latestForInstant.rate, 'rate').eq(rate) && latestForInstant.source === source) return [];
  return [{ type: 'ExchangeRateRecorded', data: { base, quote, rate: data.rate, effectiveAt, source, recordedAt: metadata.now } }];
}

export function evolveExchangeRate(state: ExchangeRateState, event: ExchangeRateEvent): ExchangeRateState {
  switch (event.type) {
    case 'ExchangeRateRecorded':
      return { base: event.data.base, quote: event.data.quote, rates: [...state.rates, event.data] };
    default:
      return assertNever(event.type, 'exchange rate event');
  }
}

export const exchangeRateDecider: Decider<ExchangeRateCommand, ExchangeRateEvent, ExchangeRateState> = {
  decide: decideExchangeRate,
  evolve: evolveExchangeRate,
  initialState: initialExchangeRateState,
};
