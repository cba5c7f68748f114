import { Money } from '../../../money/src/index.js';
import { formatDate, formatMoney } from '../tenant-calendar/locale-format.js';
import type { Receipt } from './receipt.events.js';

export interface ReceiptTextOptions {
  /**
   * BCP-47 locale for amounts and the date ("en-US" -> "$1,234.50", "01/15/2024"). Without one, amounts read
   * "1234.50 USD" (exactly the currency's minor unit of decimals) and the date "2024-01-15": unambiguous, and what
   * tests parsing a PDF's text look for.
   */
  locale?: string;
}

/**
 * The lines a receipt shows, in order: what the PDF prints and what tests read back from it. Pure: the same
 * receipt always gives the same lines. Optional parts (payer name, reference, credited amount, company details)
 * are left out when absent, never printed as "null".
 */
export function receiptText(receipt: Receipt, options: ReceiptTextOptions = {}): string[] {
  const money = (amount: string): string => formatAmount(amount, receipt.currency, options.locale);
  const date = options.locale === undefined ? receipt.issueDate : formatDate(receipt.issueDate, options.locale);
  const { company, payer } = receipt;
  const lines = [
    'RECEIPT',
    `Receipt number: ${receipt.number}`,
    `Date: ${date}`,
    `Received from: ${payer.name === null ? payer.customerId : `${payer.name} (${payer.customerId})`}`,
    `Amount paid: ${money(receipt.amount)}`,
    `Payment method: ${receipt.methodDescription}`,
  ];
  if (receipt.paymentReference !== null) lines.push(`Payment reference: ${receipt.paymentReference}`);
  if (receipt.invoicesPaid.length === 0) {
    lines.push('Invoices paid: none');
  } else {
    lines.push('Invoices paid:');
    for (const invoice of receipt.invoicesPaid) lines.push(`  ${invoice.number}: ${money(invoice.amount)}`);
  }
  if (!Money.parseComputed(receipt.creditedAmount, receipt.currency).isZero()) lines.push(`Credited to account: ${money(receipt.creditedAmount)}`);
  lines.push(`Issued by: ${company.name}`);
  if (company.legalName !== null) lines.push(`Legal name: ${company.legalName}`);
  if (company.taxId !== null) lines.push(`Tax ID: ${company.taxId}`);
  if (company.registrationNumber !== null) lines.push(`Registration number: ${company.registrationNumber}`);
  lines.push(...company.addressLines);
  if (company.email !== null) lines.push(`Email: ${company.email}`);
  if (company.phone !== null) lines.push(`Phone: ${company.phone}`);
  if (company.website !== null) lines.push(`Website: ${company.website}`);
  return lines;
}

/**
 * Nothing is rounded here: Money.parseComputed refuses an amount with more decimals than the currency has, and only
 * pads to the minor unit ("5" -> "5.00" USD; "1.5" KWD -> "1.500").
 */
function formatAmount(amount: string, currency: string, locale: string | undefined): string {
  const exact = Money.parseComputed(amount, currency).toString();
  return locale === undefined ? `${exact} ${currency}` : formatMoney(exact, currency, locale);
}
