import {
  exchangeRateDecider,
  exchangeRateEventSchemas,
  isDomainError,
  rateAsOf,
  type ExchangeRateEvent,
  type ExchangeRateQuote,
} from '../../../../../libs/billing/src/index.js';
import { loadStream, streams } from '../../../../../libs/application/src/index.js';
import type { RecordedEvent } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';

function parseExchangeRateEvent(recorded: RecordedEvent): ExchangeRateEvent {
  if (recorded.type !== 'ExchangeRateRecorded') throw new Error(`not an exchange rate event: ${recorded.type}`);
  return { type: 'ExchangeRateRecorded', data: exchangeRateEventSchemas.ExchangeRateRecorded.data.parse(recorded.data) };
}

async function recordedRates(services: LedgerServices, tenantId: string, base: string, quote: string) {
  return (await loadStream(services.store, streams.exchangeRate(tenantId, base, quote), exchangeRateDecider, parseExchangeRateEvent)).state.rates;
}

/**
 * The rate from `base` to `quote` in effect at `asOf` among the tenant's recorded rates of the pair and of the
 * opposite pair (rateAsOf); null when the currencies are the same or no rate was in effect, in which case an invoice
 * is issued without a locked rate rather than refused (reports count it as unconverted).
 */
export async function exchangeRateAt(services: LedgerServices, tenantId: string, base: string, quote: string, asOf: string): Promise<ExchangeRateQuote | null> {
  if (base === quote) return null;
  const [direct, inverse] = await Promise.all([recordedRates(services, tenantId, base, quote), recordedRates(services, tenantId, quote, base)]);
  try {
    return rateAsOf([...direct, ...inverse], base, quote, asOf);
  } catch (error) {
    if (isDomainError(error) && error.code === 'EXCHANGE_RATE_NOT_FOUND') return null;
    throw error;
  }
}
