import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDaysToCalendarDate } from '../common/calendar-date.js';
import type { BillingCycle, BillingPeriod } from './billing-period.types.js';
import { periodContaining } from './billing-schedule.js';
import { daysBetween } from './calendar-days.js';
import { dayFraction, periodAmount, prorate } from './proration.js';

const millisecondsPerDay = 86_400_000;
const dateOfDayNumber = (dayNumber: number): string => new Date(dayNumber * millisecondsPerDay).toISOString().slice(0, 10);
const dayNumberOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / millisecondsPerDay;

const minorUnits: Record<string, number> = { USD: 2, JPY: 0, KWD: 3, CLF: 4 };
const currency = fc.constantFrom(...Object.keys(minorUnits));

/** A decimal string with `scale` decimals for a whole number of 10^-scale units: (-5n, 2) -> "-0.05". */
function decimalText(units: bigint, scale: number): string {
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return units < 0n ? `-${text}` : text;
}

/** The exact value of a decimal string as numerator / 10^scale, read digit by digit (no big.js, no library code). */
function exactOf(text: string): { numerator: bigint; scale: number } {
  const [integerDigits = '', fractionDigits = ''] = text.replace(/^-/, '').split('.');
  const magnitude = BigInt(integerDigits + fractionDigits);
  return { numerator: text.startsWith('-') ? -magnitude : magnitude, scale: fractionDigits.length };
}

// Prices up to 10^6 and quantities up to 10^4, each with 0..6 decimals: products stay far below 10^12.
const unitPrice = fc
  .record({ units: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), scale: fc.integer({ min: 0, max: 6 }) })
  .map(({ units, scale }) => decimalText(units / 10n ** BigInt(6 - scale), scale));
const quantity = fc
  .record({ units: fc.bigInt({ min: 0n, max: 10n ** 10n }), scale: fc.integer({ min: 0, max: 6 }) })
  .map(({ units, scale }) => decimalText(units / 10n ** BigInt(6 - scale), scale));

const cycle: fc.Arbitrary<BillingCycle> = fc.oneof(
  fc.constantFrom<BillingCycle>({ kind: 'monthly' }, { kind: 'quarterly' }, { kind: 'semi_annual' }, { kind: 'annual' }),
  fc.integer({ min: 1, max: 3660 }).map((count): BillingCycle => ({ kind: 'custom', unit: 'days', count })),
  fc.integer({ min: 1, max: 120 }).map((count): BillingCycle => ({ kind: 'custom', unit: 'months', count })),
);
const date = fc.integer({ min: dayNumberOf('1500-01-01'), max: dayNumberOf('7500-12-31') }).map(dateOfDayNumber);
/** A full period of some schedule. */
const period: fc.Arbitrary<BillingPeriod> = fc
  .record({ cycle, anchorDate: date, day: date })
  .map(({ cycle: someCycle, anchorDate, day }) => periodContaining({ cycle: someCycle, anchorDate }, day));

/** The period cut at up to 8 days (0..periodDays from its start), as consecutive ranges; the outer ones reach outside it. */
const cutPeriod = period.chain((whole) => {
  const periodDays = daysBetween(whole.start, whole.end);
  return fc
    .record({
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, periodDays - 1) }), { maxLength: 8 }),
      before: fc.integer({ min: 0, max: 400 }),
      after: fc.integer({ min: 0, max: 400 }),
    })
    .map(({ cuts, before, after }) => {
      const inside = [...new Set(cuts.filter((cut) => cut < periodDays))].sort((a, b) => a - b).map((cut) => addDaysToCalendarDate(whole.start, cut));
      const points = [addDaysToCalendarDate(whole.start, -before), ...inside, addDaysToCalendarDate(whole.end, after)];
      const ranges = points.slice(1).map((to, index) => ({ from: points[index] as string, to }));
      return { whole, periodDays, ranges };
    });
});

describe('proration: properties', () => {
  it('dayFraction of consecutive ranges covering the period adds up to the whole period, over the same denominator', () => {
    fc.assert(
      fc.property(cutPeriod, ({ whole, periodDays, ranges }) => {
        const fractions = ranges.map(({ from, to }) => dayFraction(whole, from, to));
        expect(fractions.every((fraction) => fraction.periodDays === periodDays && fraction.days >= 0)).toBe(true);
        expect(fractions.reduce((sum, fraction) => sum + fraction.days, 0)).toBe(periodDays);
      }),
      { numRuns: 300 },
    );
  });

  it('prorated pieces of a period add up to the full amount within one minor unit per piece (half a unit per rounding)', () => {
    fc.assert(
      fc.property(cutPeriod, unitPrice, quantity, currency, ({ whole, ranges }, price, count, code) => {
        const scale = minorUnits[code] as number;
        const pieces = ranges.map(({ from, to }) => exactOf(prorate({ unitPrice: price, quantity: count, fraction: dayFraction(whole, from, to), currency: code })));
        const full = exactOf(periodAmount({ unitPrice: price, quantity: count, currency: code }));
        expect(pieces.every((piece) => piece.scale === scale) && full.scale === scale).toBe(true);
        const sum = pieces.reduce((total, piece) => total + piece.numerator, 0n);
        const difference = sum > full.numerator ? sum - full.numerator : full.numerator - sum;
        expect(difference <= BigInt(pieces.length)).toBe(true);
        // Each piece and the full amount are each within half a unit of their exact values.
        expect(2n * difference <= BigInt(pieces.length + 1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('rounds once, half away from zero: the result is the nearest minor unit to the exact rational price x quantity x days / periodDays', () => {
    const fraction = fc
      .integer({ min: 1, max: 3660 })
      .chain((periodDays) => fc.record({ days: fc.integer({ min: 0, max: periodDays }), periodDays: fc.constant(periodDays) }));
    fc.assert(
      fc.property(unitPrice, quantity, fraction, currency, (price, count, share, code) => {
        const scale = minorUnits[code] as number;
        const result = exactOf(prorate({ unitPrice: price, quantity: count, fraction: share, currency: code }));
        expect(result.scale).toBe(scale);
        // exact x 10^scale = N / D; the result r (in minor units) must satisfy |N - r D| <= D / 2, ties away from zero.
        const p = exactOf(price);
        const q = exactOf(count);
        const numerator = p.numerator * q.numerator * BigInt(share.days) * 10n ** BigInt(scale);
        const denominator = 10n ** BigInt(p.scale + q.scale) * BigInt(share.periodDays);
        const error = numerator - result.numerator * denominator; // exact - rounded, scaled by D
        const twiceError = 2n * (error < 0n ? -error : error);
        expect(twiceError <= denominator).toBe(true);
        if (twiceError === denominator) {
          // A tie: the result is the neighbour further from zero, so exact - rounded points towards zero.
          expect(numerator > 0n ? error < 0n : error > 0n).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a credit mirrors its charge, and the whole period prorates to the period amount', () => {
    fc.assert(
      fc.property(unitPrice, quantity, currency, fc.integer({ min: 1, max: 3660 }), (price, count, code, periodDays) => {
        const charge = exactOf(prorate({ unitPrice: price, quantity: count, fraction: { days: 1, periodDays }, currency: code }));
        const negated = price.startsWith('-') ? price.slice(1) : `-${price}`;
        const credit = exactOf(prorate({ unitPrice: negated, quantity: count, fraction: { days: 1, periodDays }, currency: code }));
        expect(credit.numerator).toBe(-charge.numerator);
        expect(prorate({ unitPrice: price, quantity: count, fraction: { days: periodDays, periodDays }, currency: code })).toBe(
          periodAmount({ unitPrice: price, quantity: count, currency: code }),
        );
      }),
      { numRuns: 300 },
    );
  });
});
