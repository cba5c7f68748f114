import { plainDecimal } from '../../../../projections/invoices/invoices.queries.js';
import { money, type MoneyType } from './common.types.js';

/** What an invoice line and a credit note line share: priced the same way, shown the same way. */
interface PricedLine {
  lineId: string;
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string | null;
  amount: string;
  taxAmount: string;
}

export interface PricedLineView {
  id: string;
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string | null;
  amount: MoneyType;
  taxAmount: MoneyType;
}

/**
 * A line of an invoice or a credit note as the API shows it. One canonical form in every response (mutation or
 * query): decimals without trailing zeros, e.g. "2.50" -> "2.5"; amounts as Money.
 */
export function pricedLineView(line: PricedLine, currency: string): PricedLineView {
  return {
    id: line.lineId,
    description: line.description,
    quantity: plainDecimal(line.quantity),
    unitPrice: plainDecimal(line.unitPrice),
    taxRate: line.taxRate === null ? null : plainDecimal(line.taxRate),
    amount: money(line.amount, currency),
    taxAmount: money(line.taxAmount, currency),
  };
}

interface TaxBreakdownEntry {
  rate: string;
  taxableAmount: string;
  taxAmount: string;
}

/** One entry of a tax breakdown (invoice or credit note) as the API shows it: the rate in plain form, amounts as Money. */
export function taxBreakdownEntryView<Entry extends TaxBreakdownEntry>(
  entry: Entry,
  currency: string,
): Omit<Entry, keyof TaxBreakdownEntry> & { rate: string; taxableAmount: MoneyType; taxAmount: MoneyType } {
  return { ...entry, rate: plainDecimal(entry.rate), taxableAmount: money(entry.taxableAmount, currency), taxAmount: money(entry.taxAmount, currency) };
}
