import { currencyOf, formatDecimal, parseComputedDecimal } from '../../../money/src/index.js';
import { requireCalendarDate } from '../common/calendar-date.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import { requireLocale } from './intl-identifiers.js';

/**
 * Formatting for people (docs/domain.md, "Multi-currency and locale": 1,000.00 vs 1.000,00; MM/DD vs DD/MM).
 *
 * Amounts never become floats: Intl.NumberFormat formats the integer part as a BigInt (exact at any size), and the
 * fraction digits are spliced in from the decimal string. The currency symbol, its position, the minus sign, the
 * group and decimal separators and the digits themselves (e.g. Arabic-Indic) all come from Intl for the locale.
 */

/** The decimals shown: the currency's minor unit, or more when the amount carries more (a unit price 0.0045). */
function fractionDigitsOf(amountText: string, minorUnit: number): number {
  const written = amountText.split('.')[1]?.length ?? 0;
  return Math.max(minorUnit, written);
}

/**
 * `formatMoney('1234.50', 'USD', 'en-US')` -> "$1,234.50"; `('1234.50', 'EUR', 'de-DE')` -> "1.234,50 €" (with a
 * no-break space, as Intl writes it). The amount is a strict decimal string; it is shown with at least the
 * currency's minor unit of decimals ("1234.5" USD -> "$1,234.50") and never rounded.
 */
export function formatMoney(amount: string, currency: string, locale: string): string {
  return translatingMoneyErrors(() => {
    const { code, minorUnit } = currencyOf(currency);
    const validLocale = requireLocale(locale, 'locale');
    // Output of any size (a report's sum as much as one amount): strict syntax, no digit cap.
    const value = parseComputedDecimal(amount, 'amount');
    const fractionDigits = fractionDigitsOf(amount, minorUnit);
    const negative = value.lt(0);
    const [integerText = '0', fractionText = ''] = formatDecimal(value.abs(), fractionDigits).split('.');

    const formatter = new Intl.NumberFormat(validLocale, {
      style: 'currency',
      currency: code,
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    // The shape (sign, symbol, spacing, decimal separator) comes from formatting ±1; a BigInt has no -0, so this
    // also covers amounts such as -0.50. The grouped integer digits come from formatting the integer part itself.
    const shape = formatter.formatToParts(negative ? -1n : 1n);
    const integerParts = formatter
      .formatToParts(BigInt(integerText))
      .filter((part) => part.type === 'integer' || part.type === 'group')
      .map((part) => part.value)
      .join('');
    const localDigits = localDigitsOf(validLocale, formatter.resolvedOptions().numberingSystem);
    let integerWritten = false;
    return shape
      .map((part) => {
        switch (part.type) {
          case 'integer':
            if (integerWritten) return '';
            integerWritten = true;
            return integerParts;
          case 'group':
            return '';
          case 'fraction':
            return [...fractionText].map((digit) => localDigits[Number(digit)]).join('');
          default:
            return part.value;
        }
      })
      .join('');
  });
}

/** The ten digits of the locale's numbering system ("0".."9" for latn, "٠".."٩" for arab). */
function localDigitsOf(locale: string, numberingSystem: string): string[] {
  const digitFormatter = new Intl.NumberFormat(locale, { numberingSystem, useGrouping: false });
  return Array.from({ length: 10 }, (_, digit) => digitFormatter.format(BigInt(digit)));
}

/**
 * `formatDate('2024-01-15', 'en-US')` -> "01/15/2024"; 'en-GB' -> "15/01/2024"; 'de-DE' -> "15.01.2024". A calendar
 * date has no time zone: it is formatted at midnight UTC in UTC, so it never shifts by a day.
 */
export function formatDate(date: string, locale: string): string {
  const validDate = requireCalendarDate(date, 'date');
  const validLocale = requireLocale(locale, 'locale');
  const [year, month, day] = validDate.split('-').map(Number) as [number, number, number];
  const formatter = new Intl.DateTimeFormat(validLocale, { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
  return formatter.format(new Date(Date.UTC(year, month - 1, day)));
}
