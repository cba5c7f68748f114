/** Limits on what one subscription holds and accepts (a limit on everything that grows). */
export const subscriptionLimits = {
  /** Add-on items besides the base item. */
  addonsMax: 20,
  /** Decimals of an item's quantity. */
  quantityScaleMax: 4,
  /** How far back a start date may lie: a migrated or late-entered subscription, whose periods are then billed in order. */
  backdateDaysMax: 366,
  /** How far ahead a start date may lie. */
  startAheadDaysMax: 730,
  /** Proration lines waiting for the next invoice (use always_invoice beyond). */
  pendingLinesMax: 100,
  planNameLengthMax: 200,
  trialDaysMax: 730,
  taxRateScaleMax: 4,
  unitPriceScaleMax: 6,
  suspensionReasonLengthMax: 500,
} as const;
