import { Money, parseDecimal, type RoundingMode } from '../../../money/src/index.js';
import { requireInstant } from '../common/calendar-date.js';
import { DomainError, translatingMoneyErrors } from '../common/domain-error.js';
import { requireCurrency, validationFailed } from '../common/validation.js';
import { ExactFraction } from '../tax/exact-fraction.js';
import { exchangeRateLimits, requireExchangeRate } from './exchange-rate.decider.js';
import type { RecordedExchangeRate } from './exchange-rate.events.js';

/** The rate a document uses, which it copies and keeps ("a document locks the rate it used"). */
export interface ExchangeRateQuote {
  base: string;
  quote: string;
  /** Units of quote per unit of base. */
  rate: string;
  /** The effective instant of the recorded rate used. */
  effectiveAt: string;
  source: string;
  /** True when only the opposite pair was recorded and `rate` is 1 / that rate, rounded (see rateAsOf). */
  inverted: boolean;
}

/**
 * The rate for base -> quote in effect at `asOf`: among the recorded rates of the pair, and of the opposite pair,
 * the one with the latest effectiveAt that is not after `asOf`. A rate that takes effect after `asOf` is never
 * used, even if it was recorded before. Ties on effectiveAt go to the pair as asked (over the inverse), then to
 * the later record (a correction). An opposite-pair rate r gives 1 / r, rounded half-up to 12 decimals and
 * written without trailing zeros (USD/EUR 0.92 -> EUR/USD 1.086956521739); the quote says `inverted: true`.
 * Instants are compared to the millisecond. The same currency on both sides gives rate 1 (source "identity").
 * Throws EXCHANGE_RATE_NOT_FOUND when no rate is in effect at `asOf`.
 */
export function rateAsOf(recordedRates: readonly RecordedExchangeRate[], base: string, quote: string, asOf: string): ExchangeRateQuote {
  const from = requireCurrency(base, 'base');
  const to = requireCurrency(quote, 'quote');
  const asOfInstant = requireInstant(asOf, 'asOf');
  if (from === to) return { base: from, quote: to, rate: '1', effectiveAt: asOfInstant, source: 'identity', inverted: false };
  const asOfTime = Date.parse(asOfInstant);
  let best: { recorded: RecordedExchangeRate; time: number; direct: boolean } | undefined;
  for (const recorded of recordedRates) {
    const direct = recorded.base === from && recorded.quote === to;
    const inverse = recorded.base === to && recorded.quote === from;
    if (!direct && !inverse) continue;
    const time = Date.parse(recorded.effectiveAt);
    if (!(time <= asOfTime)) continue;
    const better = best === undefined || time > best.time || (time === best.time && (direct || !best.direct));
    if (better) best = { recorded, time, direct };
  }
  if (best === undefined) {
    throw new DomainError('EXCHANGE_RATE_NOT_FOUND', `No ${from}/${to} exchange rate (nor ${to}/${from}) is in effect at ${asOfInstant}`, {
      base: from,
      quote: to,
      asOf: asOfInstant,
    });
  }
  const { recorded, direct } = best;
  const rate = direct ? recorded.rate : invertedRate(recorded.rate);
  return { base: from, quote: to, rate, effectiveAt: recorded.effectiveAt, source: recorded.source, inverted: !direct };
}

/** 1 / rate, exact until one half-up rounding to 12 decimals, without trailing zeros. */
export function invertedRate(rate: string): string {
  return translatingMoneyErrors(() => {
    const inverse = ExactFraction.one.dividedBy(ExactFraction.of(requireExchangeRate(rate)));
    return parseDecimal(inverse.toDecimalString(exchangeRateLimits.rateScaleMax, 'half_up'), 'rate').toFixed();
  });
}

/**
 * `money` in `toCurrency` at `rate` (units of toCurrency per unit of money's currency), rounded to the target
 * currency's minor unit with the explicit `rounding`. Given a quote from `rateAsOf`, its pair must be
 * money's currency -> toCurrency (else CURRENCY_MISMATCH).
 */
export function convert(money: Money, rate: string | ExchangeRateQuote, toCurrency: string, rounding: RoundingMode): Money {
  return translatingMoneyErrors(() => {
    const target = requireCurrency(toCurrency, 'toCurrency');
    const from = money.currency.code;
    let rateText: string;
    if (typeof rate === 'string') rateText = rate;
    else {
      if (rate.base !== from || rate.quote !== target) {
        throw new DomainError('CURRENCY_MISMATCH', `A ${rate.base}/${rate.quote} rate cannot convert ${from} to ${target}`, {
          rateBase: rate.base,
          rateQuote: rate.quote,
          from,
          to: target,
        });
      }
      rateText = rate.rate;
    }
    const factor = requireExchangeRate(rateText);
    if (from === target && !factor.eq(1)) throw validationFailed(`converting ${from} to itself takes the rate 1 (got ${rateText})`, { field: 'rate' });
    return Money.of(money.amount.times(factor), target, rounding);
  });
}
