import { currencyOf, parseComputedDecimal, parseDecimal } from '../../../money/src/index.js';
import { requireCalendarDate } from '../common/calendar-date.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import {
  requireBoundedDecimal,
  requireCurrency,
  requireIntegerInRange,
  requireRecord,
  requireWithinAmountBound,
  validationFailed,
} from '../common/validation.js';
import type { BillingPeriod, DayFraction } from './billing-period.types.js';
import { requireBillingPeriod } from './billing-schedule.js';
import { dayNumberMax, dayNumberMin, dayNumberOf } from './calendar-days.js';

/**
 * Proration by days: a charge for part of a period is
 *   round(unit price x quantity x days / period days)
 * rounded once, half-up, to the currency's minor unit. The product and the quotient are exact integers (BigInt in
 * units of the inputs' last decimal) until that one rounding, so no global big.js precision (Big.DP) and no
 * intermediate rounding can move a half: 1/3 of 0.10 and 2/3 of 0.10 are 0.03 and 0.07, each the nearest cent of
 * its own exact value.
 *
 * Negative unit prices (credits) round symmetrically: half-up means half away from zero, so round(-x) = -round(x)
 * and a credit for unused days is exactly the mirror of the charge for the same days at the same price.
 */

/** Decimals accepted in a unit price and a quantity: those of an invoice line, which a prorated charge becomes. */
export const prorationLimits = { unitPriceScaleMax: 6, quantityScaleMax: 6 } as const;

/** Days from 1000-01-01 to 9999-12-31: the longest span two calendar dates can have. */
const spanDaysMax = dayNumberMax - dayNumberMin;

/** A day fraction from outside: whole days 0..periodDays of a period of 1 or more days. VALIDATION_FAILED naming the field. */
export function requireDayFraction(input: unknown, field: string): DayFraction {
  const record = requireRecord(input, field, 'days and periodDays');
  const periodDays = requireIntegerInRange(record.periodDays, `${field}.periodDays`, 1, spanDaysMax);
  const days = requireIntegerInRange(record.days, `${field}.days`, 0, periodDays);
  return { days, periodDays };
}

/**
 * The days of [from, to) that fall in `period`, over the days of `period`: dates outside the period are clamped to
 * it, and a range that misses it gives 0 days. Exact and never reduced (10/30 stays 10/30), so a line can say what
 * it charges for. VALIDATION_FAILED for an empty or reversed period, or `from` after `to`.
 */
export function dayFraction(period: BillingPeriod, from: string, to: string): DayFraction {
  const { start, end } = requireBillingPeriod(period, 'period');
  requireCalendarDate(from, 'from');
  requireCalendarDate(to, 'to');
  if (from > to) throw validationFailed(`from ${from} must not be after to ${to}`, { field: 'from' });
  const rangeStart = from > start ? from : start;
  const rangeEnd = to < end ? to : end;
  const days = rangeStart < rangeEnd ? dayNumberOf(rangeEnd) - dayNumberOf(rangeStart) : 0;
  return { days, periodDays: dayNumberOf(end) - dayNumberOf(start) };
}

export interface ProrateInput {
  /** Price per period per unit, a decimal string with at most 6 decimals; negative for a credit. */
  unitPrice: string;
  /** A decimal string >= 0 with at most 6 decimals. */
  quantity: string;
  fraction: DayFraction;
  currency: string;
}

/**
 * unit price x quantity x fraction.days / fraction.periodDays, rounded once half-up (away from zero) to the
 * currency's minor unit, as a decimal string with exactly that many decimals: 50.00 x 22/31 USD is "35.48".
 * VALIDATION_FAILED for bad input; AMOUNT_OUT_OF_RANGE when a figure or the result reaches 10^12.
 */
export function prorate(input: ProrateInput): string {
  const fraction = requireDayFraction(input.fraction, 'fraction');
  return amountOf(input, BigInt(fraction.days), BigInt(fraction.periodDays));
}

/** unit price x quantity for a whole period, rounded once: the same as prorate with a fraction of periodDays/periodDays. */
export function periodAmount(input: Omit<ProrateInput, 'fraction'>): string {
  return amountOf(input, 1n, 1n);
}

function amountOf(input: Omit<ProrateInput, 'fraction'>, days: bigint, periodDays: bigint): string {
  const currency = requireCurrency(input.currency, 'currency');
  const minorUnit = currencyOf(currency).minorUnit;
  const unitPrice = scaledInteger(requireFigure(input.unitPrice, 'unitPrice', prorationLimits.unitPriceScaleMax));
  const quantity = scaledInteger(requireFigure(input.quantity, 'quantity', prorationLimits.quantityScaleMax));
  if (quantity.units < 0n) throw validationFailed(`quantity must not be negative (got ${JSON.stringify(input.quantity)})`, { field: 'quantity' });
  // amount = (p / 10^ps) x (q / 10^qs) x days / periodDays, counted in minor units (x 10^minorUnit).
  const numerator = unitPrice.units * quantity.units * days * 10n ** BigInt(minorUnit);
  const denominator = 10n ** BigInt(unitPrice.scale + quantity.scale) * periodDays;
  const amount = formatMinorUnits(quotientRoundedHalfUp(numerator, denominator), minorUnit);
  requireWithinAmountBound(parseComputedDecimal(amount, 'amount'), minorUnit, 'amount', 'the amount (unit price x quantity x days / period days)');
  return amount;
}

type Decimal = ReturnType<typeof parseDecimal>;

/** A decimal string within the bound on figures (AMOUNT_OUT_OF_RANGE) with at most `scaleMax` decimals (VALIDATION_FAILED). */
function requireFigure(value: unknown, field: string, scaleMax: number): Decimal {
  return translatingMoneyErrors(() => {
    requireBoundedDecimal(value, field, scaleMax);
    return parseDecimal(value, field, { maxScale: scaleMax });
  });
}

/** The value as an integer count of units of its last decimal: 12.50 -> 1250 units of 10^-2. */
function scaledInteger(value: Decimal): { units: bigint; scale: number } {
  const text = value.toFixed();
  const [integerDigits = '0', fractionDigits = ''] = text.replace(/^-/, '').split('.');
  const magnitude = BigInt(integerDigits + fractionDigits);
  return { units: text.startsWith('-') ? -magnitude : magnitude, scale: fractionDigits.length };
}

/** numerator / denominator (denominator > 0) rounded to an integer, a half away from zero: 5/2 -> 3, -5/2 -> -3. */
export function quotientRoundedHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new Error(`quotientRoundedHalfUp: the denominator must be positive (got ${denominator})`);
  const truncated = numerator / denominator; // BigInt division truncates towards zero.
  const remainder = numerator - truncated * denominator;
  const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
  if (twiceRemainder < denominator) return truncated;
  return numerator < 0n ? truncated - 1n : truncated + 1n;
}

/** Minor units as a decimal string with exactly `scale` decimals: (-5n, 2) -> "-0.05", (1234n, 0) -> "1234". */
function formatMinorUnits(units: bigint, scale: number): string {
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return units < 0n ? `-${text}` : text;
}
