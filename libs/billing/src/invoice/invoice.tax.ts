import { Money, parseDecimal } from '../../../money/src/index.js';
import { calculateInvoiceTax } from '../tax/invoice-tax.js';
import type { InvoiceCustomerContext, InvoiceTaxPolicy } from './invoice.commands.js';
import type { InvoiceLine, LineTax, LineTaxFigures, InvoiceTaxBreakdownEntry } from './invoice.events.js';
import type { InvoiceTotals } from './invoice.totals.js';

/**
 * The tax of an invoice's lines (docs/domain.md, "Tax": tax per line, exclusive or inclusive pricing, compound
 * rates). Two kinds of line:
 * - a line with an explicit `taxRate` keeps the behaviour it always had: exclusive, rounded half-up per line
 *   (invoice.totals.ts), whatever the settings say; its tax shows as a rate without id named "20%";
 * - a line without one is taxed by the tax engine (tax/invoice-tax.ts) with the tenant's active rates that match
 *   the customer's billing address, the settings' tax-inclusive pricing and rounding, and the customer's exemption,
 *   when the settings calculate tax automatically. Otherwise, or for a customer without a billing address (never
 *   registered), it is untaxed.
 * Totals: subtotal = sum of line nets; tax total = sum of line taxes; total = subtotal + tax total. With
 * tax-inclusive pricing a line's net is its price less the tax inside it, so the subtotal is the net.
 */

/** A line with its tax figures, as the invoice's state and views hold it. */
export interface PricedInvoiceLine extends InvoiceLine {
  /** What the line is worth without tax: `amount` less any tax included in the price. */
  netAmount: string;
  taxes: LineTax[];
}

/** The figures a line has from its own event: its net is its amount, its tax is at its explicit rate (if any). */
export function explicitlyPricedLine(line: InvoiceLine): PricedInvoiceLine {
  if (line.taxRate === null) return { ...line, netAmount: line.amount, taxes: [] };
  const rate = parseDecimal(line.taxRate, 'taxRate').toFixed();
  const tax: LineTax = { rateId: null, name: `${rate}%`, rate, jurisdiction: null, compound: false, inclusive: false, amount: line.taxAmount };
  return { ...line, netAmount: line.amount, taxes: [tax] };
}

/** A customer nobody registered: no address (so no jurisdiction matches), not exempt. */
export const unknownCustomer: InvoiceCustomerContext = { taxExempt: false, billingAddress: null };

/** Every line with its tax figures under `policy` for `customer` (see the header comment). */
export function priceInvoiceLines(
  lines: readonly InvoiceLine[],
  currency: string,
  policy: InvoiceTaxPolicy,
  customer: InvoiceCustomerContext,
): PricedInvoiceLine[] {
  const address = customer.billingAddress;
  const automatic = policy.calculateAutomatically && address !== null ? lines.filter((line) => line.taxRate === null) : [];
  if (automatic.length === 0 || address === null) return lines.map(explicitlyPricedLine);
  const result = calculateInvoiceTax({
    lines: automatic.map((line) => ({ lineId: line.lineId, quantity: line.quantity, unitPrice: line.unitPrice })),
    currency,
    rates: policy.rates,
    pricesIncludeTax: policy.pricesIncludeTax,
    rounding: policy.rounding,
    customer: { taxExempt: customer.taxExempt, billingAddress: address },
  });
  const taxedLines = new Map(result.lines.map((line) => [line.lineId, line]));
  const rates = new Map(result.breakdown.map((entry) => [entry.rateId, entry]));
  return lines.map((line) => {
    const taxed = taxedLines.get(line.lineId);
    if (taxed === undefined) return explicitlyPricedLine(line);
    if (taxed.amount !== line.amount) {
      // Both round quantity x unit price half-up to the minor unit: a difference is a bug, not input.
      throw new Error(`tax engine priced line ${line.lineId} at ${taxed.amount}, the invoice at ${line.amount}`);
    }
    const taxes = taxed.taxes.map((tax): LineTax => {
      const rate = rates.get(tax.rateId);
      if (rate === undefined) throw new Error(`tax engine applied rate ${tax.rateId} but left it out of the breakdown`);
      return { rateId: tax.rateId, name: tax.name, rate: tax.rate, jurisdiction: rate.jurisdiction, compound: rate.compound, inclusive: rate.inclusive, amount: tax.amount };
    });
    return { ...line, netAmount: taxed.net, taxAmount: taxed.taxTotal, taxes };
  });
}

/** subtotal = sum of nets, tax total = sum of line taxes, total = subtotal + tax total. */
export function pricedInvoiceTotals(lines: readonly Pick<PricedInvoiceLine, 'netAmount' | 'taxAmount'>[], currency: string): InvoiceTotals {
  const subtotal = Money.sum(
    lines.map((line) => Money.of(line.netAmount, currency)),
    currency,
  );
  const taxTotal = Money.sum(
    lines.map((line) => Money.of(line.taxAmount, currency)),
    currency,
  );
  return { subtotal: subtotal.toString(), taxTotal: taxTotal.toString(), total: subtotal.plus(taxTotal).toString() };
}

/**
 * The tax by rate, in the order rates first appear on the lines: tenant rates by id, explicit rates by their
 * percentage ("20" and "20.00" are one rate). Each entry's taxable amount is the sum of the nets of the lines it
 * taxed; the entries' taxes add up to the invoice's tax total.
 */
export function taxBreakdownOf(lines: readonly Pick<PricedInvoiceLine, 'netAmount' | 'taxes'>[], currency: string): InvoiceTaxBreakdownEntry[] {
  const entries = new Map<string, { entry: InvoiceTaxBreakdownEntry; taxable: Money; tax: Money }>();
  for (const line of lines) {
    for (const tax of line.taxes) {
      const key = tax.rateId === null ? `explicit:${parseDecimal(tax.rate, 'rate').toFixed()}` : `rate:${tax.rateId}`;
      let group = entries.get(key);
      if (group === undefined) {
        const { amount: _amount, ...rate } = tax;
        group = { entry: { ...rate, taxableAmount: '', taxAmount: '' }, taxable: Money.zero(currency), tax: Money.zero(currency) };
        entries.set(key, group);
      }
      group.taxable = group.taxable.plus(Money.of(line.netAmount, currency));
      group.tax = group.tax.plus(Money.of(tax.amount, currency));
    }
  }
  return [...entries.values()].map(({ entry, taxable, tax }) => ({ ...entry, taxableAmount: taxable.toString(), taxAmount: tax.toString() }));
}

/** The figures of one priced line as InvoiceTaxCalculated records them. */
export function lineTaxFiguresOf(line: PricedInvoiceLine): LineTaxFigures {
  return { lineId: line.lineId, netAmount: line.netAmount, taxAmount: line.taxAmount, taxes: line.taxes };
}

/** Whether two lists of lines carry the same tax figures, line by line. */
export function sameTaxFigures(a: readonly PricedInvoiceLine[], b: readonly PricedInvoiceLine[]): boolean {
  return a.every((line, index) => {
    const other = b[index];
    return (
      other !== undefined &&
      line.lineId === other.lineId &&
      line.netAmount === other.netAmount &&
      line.taxAmount === other.taxAmount &&
      line.taxes.length === other.taxes.length &&
      line.taxes.every((tax, position) => sameLineTax(tax, other.taxes[position]))
    );
  }) && a.length === b.length;
}

const lineTaxFields = ['rateId', 'name', 'rate', 'jurisdiction', 'compound', 'inclusive', 'amount'] as const;

function sameLineTax(a: LineTax, b: LineTax | undefined): boolean {
  return b !== undefined && lineTaxFields.every((field) => a[field] === b[field]);
}
