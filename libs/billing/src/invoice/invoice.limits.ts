/** Limits on what one invoice may hold (every list and text has a bound). */
export const invoiceLimits = {
  linesMax: 200,
  descriptionLengthMax: 500,
  quantityScaleMax: 6,
  unitPriceScaleMax: 6,
  taxRateScaleMax: 4,
  /** Digits before the decimal point of a quantity or unit price: a trillion is more than any real line. */
  integerDigitsMax: 12,
  paymentTermsDaysMax: 365,
  numberLengthMax: 100,
  paymentReferenceLengthMax: 200,
  voidReasonLengthMax: 500,
} as const;
