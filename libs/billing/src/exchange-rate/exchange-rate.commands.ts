import type { DomainCommand } from '../common/command.js';

/**
 * Exchange rates are recorded facts (docs/domain.md, "Multi-currency and locale"). One stream per tenant and ordered
 * currency pair (e.g. exchange-rates-{tenantId}-EUR-USD): rates of different pairs never contend for one stream's
 * revision, and a pair's stream stays small enough to load whole. A lookup that may use the inverse pair loads both
 * streams (EUR-USD and USD-EUR) and passes their rates to `rateAsOf`.
 *
 * `rate` is the price of one unit of `base` in `quote`: base EUR, quote USD, rate "1.085" means 1 EUR = 1.085 USD.
 */
export type RecordExchangeRate = DomainCommand<
  'RecordExchangeRate',
  {
    base: string;
    quote: string;
    /** A decimal string > 0 with at most 12 decimals (and at most 12 digits before the point). */
    rate: string;
    /** The instant from which the rate applies (ISO-8601). */
    effectiveAt: string;
    /** Where the rate comes from, e.g. "ECB", "manual". */
    source: string;
  }
>;

export type ExchangeRateCommand = RecordExchangeRate;
