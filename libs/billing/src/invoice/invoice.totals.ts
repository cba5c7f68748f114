import { Money, parseDecimal } from '../../../money/src/index.js';
import type { InvoiceLine } from './invoice.events.js';

/**
 * Invoice arithmetic (docs/domain.md, "Totals"). Every rounding is half-up to the currency's minor unit and happens per
 * line, so the totals are plain sums of the stored line amounts, and anyone re-adding the lines gets the same
 * figures:
 *   line net   = round(quantity x unit price)
 *   line tax   = round(line net x tax rate / 100)
 *   subtotal   = sum of line nets;  tax total = sum of line taxes;  total = subtotal + tax total
 * Inputs and outputs are decimal strings; outputs are fixed to the currency's minor unit ("71.96", "1000").
 */

export interface InvoiceTotals {
  subtotal: string;
  taxTotal: string;
  total: string;
}

/** The validated pricing inputs of one line (see the limits in invoice.decider.ts). */
export interface LinePricing {
  quantity: string;
  unitPrice: string;
  /** Percentage ("20", "8.875"); null when the line is not taxed. */
  taxRate: string | null;
}

export interface LineAmounts {
  /** Net amount of the line. */
  amount: string;
  taxAmount: string;
}

export function lineAmounts(line: LinePricing, currency: string): LineAmounts {
  const quantity = parseDecimal(line.quantity, 'quantity');
  const unitPrice = parseDecimal(line.unitPrice, 'unitPrice');
  const net = Money.of(quantity.times(unitPrice), currency, 'half_up');
  if (line.taxRate === null) return { amount: net.toString(), taxAmount: Money.zero(currency).toString() };
  // Division by 100 only moves the decimal point, so it is exact before the single rounding.
  const tax = Money.of(net.amount.times(parseDecimal(line.taxRate, 'taxRate')).div(100), currency, 'half_up');
  return { amount: net.toString(), taxAmount: tax.toString() };
}

export function invoiceTotals(lines: readonly Pick<InvoiceLine, 'amount' | 'taxAmount'>[], currency: string): InvoiceTotals {
  const subtotal = Money.sum(
    lines.map((line) => Money.of(line.amount, currency)),
    currency,
  );
  const taxTotal = Money.sum(
    lines.map((line) => Money.of(line.taxAmount, currency)),
    currency,
  );
  return { subtotal: subtotal.toString(), taxTotal: taxTotal.toString(), total: subtotal.plus(taxTotal).toString() };
}
