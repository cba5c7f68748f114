import {
  isDomainError,
  rateAsOf,
  type ExchangeRateQuote,
} from '../../../billing/src/index.js';
import { load, aggregates } from '../../../application/src/index.js';
import type { ApplicationServices } from './application-services.js';

async function recordedRates(services: Pick<ApplicationServices, 'store'>, tenantId: string, base: string, quote: string) {
  return (await load(services.store, aggregates.exchangeRate, tenantId, `${base}-${quote}`)).state.rates;
}

/**
 * The rate from `base` to `quote` in effect at `asOf` among the tenant's recorded rates of the pair and of the
 * opposite pair (rateAsOf); null when the currencies are the same or no rate was in effect, in which case an invoice
 * is issued without a locked rate rather than refused (reports count it as unconverted).
 */
export async function exchangeRateAt(services: Pick<ApplicationServices, 'store'>, tenantId: string, base: string, quote: string, asOf: string): Promise<ExchangeRateQuote | null> {
  if (base === quote) return null;
  const [direct, inverse] = await Promise.all([recordedRates(services, tenantId, base, quote), recordedRates(services, tenantId, quote, base)]);
  try {
    return rateAsOf([...direct, ...inverse], base, quote, asOf);
  } catch (error) {
    if (isDomainError(error) && error.code === 'EXCHANGE_RATE_NOT_FOUND') return null;
    throw error;
  }
}
