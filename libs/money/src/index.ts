export { AMOUNT_INTEGER_DIGITS_MAX, isWithinAmountBound, largestWithinAmountBound } from './amount-bound.js';
export { type Currency, type CurrencyCode, allCurrencies, currencyOf, isCurrencyCode } from './currencies.js';
export {
  type ParseDecimalOptions,
  type RoundingMode,
  DECIMAL_INTEGER_DIGITS_MAX_DEFAULT,
  DECIMAL_SCALE_MAX_DEFAULT,
  DECIMAL_TEXT_LENGTH_MAX,
  COMPUTED_DECIMAL_TEXT_LENGTH_MAX,
  formatDecimal,
  parseComputedDecimal,
  parseDecimal,
  roundTo,
} from './decimal.js';
export { ALLOCATION_PARTS_MAX, Money, type MoneyJson } from './money.js';
export { MoneyError, type MoneyErrorCode, type MoneyErrorReason } from './money.errors.js';
