import { AMOUNT_INTEGER_DIGITS_MAX } from '../../../money/src/index.js';

/** Limits on what one invoice may hold (every list and text has a bound). */
export const invoiceLimits = {
  linesMax: 200,
  descriptionLengthMax: 500,
  quantityScaleMax: 6,
  unitPriceScaleMax: 6,
  taxRateScaleMax: 4,
  /**
   * Digits before the decimal point of a quantity, a unit price, a line amount and a total: the ledger's one bound
   * on figures (libs/money amount-bound.ts); a trillion is more than any real line.
   */
  integerDigitsMax: AMOUNT_INTEGER_DIGITS_MAX,
  paymentTermsDaysMax: 365,
  numberLengthMax: 100,
  paymentReferenceLengthMax: 200,
  voidReasonLengthMax: 500,
} as const;
