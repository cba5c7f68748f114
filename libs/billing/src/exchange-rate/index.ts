export * from './exchange-rate.commands.js';
export {
  decideExchangeRate,
  evolveExchangeRate,
  exchangeRateDecider,
  exchangeRateLimits,
  initialExchangeRateState,
  type ExchangeRateState,
} from './exchange-rate.decider.js';
export * from './exchange-rate.events.js';
export * from './exchange-rate.lookup.js';
