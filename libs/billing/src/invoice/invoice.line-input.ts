import { Money, formatDecimal, parseDecimal } from '../../../money/src/index.js';
import { requireAmountWithinBound, requireBoundedDecimal, requireIdentifier, requireText, validationFailed } from '../common/validation.js';
import type { InvoiceLine } from './invoice.events.js';
import { invoiceLimits } from './invoice.limits.js';
import { lineAmounts } from './invoice.totals.js';

/**
 * Validates one invoice or credit note line as sent and computes its amounts. `field` names the line in messages
 * ("lines[2]"); `negativeUnitPriceWhy`, when given, is added to the message refusing a negative unit price.
 * Quantity, unit price, the line amount (quantity x unit price) and its tax are each within the ledger's bound on
 * figures (AMOUNT_OUT_OF_RANGE above it); the document's totals are checked by its decider.
 */
export function priceLine(input: unknown, field: string, currency: string, negativeUnitPriceWhy?: string): InvoiceLine {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw validationFailed(`${field} must be an object with lineId, description, quantity, unitPrice and taxRate`, { field });
  }
  const line = input as Record<string, unknown>;
  const lineId = requireIdentifier(line.lineId, `${field}.lineId`);
  const description = requireText(line.description, `${field}.description`, invoiceLimits.descriptionLengthMax);
  requireBoundedDecimal(line.quantity, `${field}.quantity`, invoiceLimits.quantityScaleMax);
  const quantity = parseDecimal(line.quantity, `${field}.quantity`, {
    maxScale: invoiceLimits.quantityScaleMax,
    maxIntegerDigits: invoiceLimits.integerDigitsMax,
  });
  if (quantity.lte(0)) {
    throw validationFailed(`${field}.quantity must be greater than 0 (got ${JSON.stringify(line.quantity)})`, {
      field: `${field}.quantity`,
      lineId,
    });
  }
  requireBoundedDecimal(line.unitPrice, `${field}.unitPrice`, invoiceLimits.unitPriceScaleMax);
  const unitPrice = parseDecimal(line.unitPrice, `${field}.unitPrice`, {
    maxScale: invoiceLimits.unitPriceScaleMax,
    maxIntegerDigits: invoiceLimits.integerDigitsMax,
  });
  if (unitPrice.lt(0)) {
    const why = negativeUnitPriceWhy === undefined ? '' : `: ${negativeUnitPriceWhy}`;
    throw validationFailed(`${field}.unitPrice must not be negative${why} (got ${JSON.stringify(line.unitPrice)})`, {
      field: `${field}.unitPrice`,
      lineId,
    });
  }
  let taxRate: string | null = null;
  if (line.taxRate !== undefined && line.taxRate !== null) {
    const rate = parseDecimal(line.taxRate, `${field}.taxRate`, { maxScale: invoiceLimits.taxRateScaleMax, maxIntegerDigits: 3 });
    if (rate.lt(0) || rate.gt(100)) {
      throw validationFailed(`${field}.taxRate must be a percentage from 0 to 100 (got ${JSON.stringify(line.taxRate)})`, {
        field: `${field}.taxRate`,
        lineId,
      });
    }
    taxRate = canonicalDecimal(rate, line.taxRate as string);
  }
  const pricing = {
    quantity: canonicalDecimal(quantity, line.quantity as string),
    unitPrice: canonicalDecimal(unitPrice, line.unitPrice as string),
    taxRate,
  };
  const amounts = lineAmounts(pricing, currency);
  requireAmountWithinBound(Money.parseComputed(amounts.amount, currency), `${field}.amount`, `${field} amount (quantity x unit price)`);
  requireAmountWithinBound(Money.parseComputed(amounts.taxAmount, currency), `${field}.taxAmount`, `${field} tax`);
  return { lineId, description, ...pricing, ...amounts };
}

/** The value with the decimals the caller wrote ("1.50" stays "1.50"), minus any sign on a zero ("-0" -> "0"). */
function canonicalDecimal(value: ReturnType<typeof parseDecimal>, text: string): string {
  return formatDecimal(value, text.split('.')[1]?.length ?? 0);
}
