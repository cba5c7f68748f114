import { calendarDateInZone, formatDate, formatMoney } from '../../../billing/src/index.js';

/**
 * Amounts, dates and numbers as a tenant reads them (tenant.locale, tenant.timeZone): "1.234,50 €" and "15.01.2024"
 * for de-DE, "$1,234.50" and "01/15/2024" for en-US. Money goes through formatMoney (libs/billing tenant-calendar:
 * never a float, never rounded); decimals that are not money (quantities, tax rates, exchange rates) are formatted the
 * same way, their integer part by Intl from a BigInt and their fraction digits spliced in as written.
 */
export class DocumentFormat {
  private readonly decimalSeparator: string;
  private readonly integerFormat: Intl.NumberFormat;
  private readonly digits: readonly string[];

  constructor(
    readonly locale: string,
    readonly timeZone: string,
  ) {
    this.integerFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.decimalSeparator = new Intl.NumberFormat(locale, { minimumFractionDigits: 1 }).formatToParts(1n).find((part) => part.type === 'decimal')?.value ?? '.';
    const digitFormat = new Intl.NumberFormat(locale, { useGrouping: false });
    this.digits = Array.from({ length: 10 }, (_, digit) => digitFormat.format(BigInt(digit)));
  }

  /** An amount of `currency`, e.g. "1.234,50 €". */
  money(amount: string, currency: string): string {
    return formatMoney(amount, currency, this.locale);
  }

  /** A calendar date 'YYYY-MM-DD', e.g. "15.01.2024". */
  date(date: string): string {
    return formatDate(date, this.locale);
  }

  /** The tenant's calendar date of an instant, formatted. */
  dateOf(instant: string): string {
    return this.date(calendarDateInZone(instant, this.timeZone));
  }

  /** A decimal string without trailing zeros, e.g. "1.5" -> "1,5" (de-DE); "2.000" -> "2". */
  decimal(value: string): string {
    const negative = value.startsWith('-');
    const [integerText = '0', fractionText = ''] = (negative ? value.slice(1) : value).split('.');
    const fraction = fractionText.replace(/0+$/, '');
    const integer = this.integerFormat.format(BigInt(integerText));
    const digits = [...fraction].map((digit) => this.digits[Number(digit)]).join('');
    return `${negative ? '-' : ''}${integer}${digits === '' ? '' : `${this.decimalSeparator}${digits}`}`;
  }

  /** A percentage as declared, e.g. "19" -> "19%", "8.875" -> "8,875%" (de-DE). */
  percent(rate: string): string {
    return `${this.decimal(rate)}%`;
  }
}
