import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDaysToCalendarDate } from '../common/calendar-date.js';
import { monthsPerPeriod } from './billing-cycle.js';
import type { BillingCycle, BillingPeriod, PeriodAlignment } from './billing-period.types.js';
import { boundaryAt, isPeriodBoundary, periodAfter, periodContaining, periodsBetween, startSchedule, type BillingSchedule } from './billing-schedule.js';
import { daysBetween } from './calendar-days.js';

const millisecondsPerDay = 86_400_000;
const dateOfDayNumber = (dayNumber: number): string => new Date(dayNumber * millisecondsPerDay).toISOString().slice(0, 10);
const dayNumberOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / millisecondsPerDay;
const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const monthNumber = (date: string): number => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
const dayOf = (date: string): number => Number(date.slice(8, 10));
/** The day a boundary of anchor day `anchorDay` falls on in the month of `date`. */
const clampedDayIn = (date: string, anchorDay: number): number => Math.min(anchorDay, daysInMonth(Number(date.slice(0, 4)), Number(date.slice(5, 7))));

const cycle: fc.Arbitrary<BillingCycle> = fc.oneof(
  fc.constantFrom<BillingCycle>({ kind: 'monthly' }, { kind: 'quarterly' }, { kind: 'semi_annual' }, { kind: 'annual' }),
  fc.integer({ min: 1, max: 3660 }).map((count): BillingCycle => ({ kind: 'custom', unit: 'days', count })),
  fc.integer({ min: 1, max: 120 }).map((count): BillingCycle => ({ kind: 'custom', unit: 'months', count })),
);

// Any date from 1100 to 8000, with month ends (where clamping happens) drawn often.
const anyDate = fc.integer({ min: dayNumberOf('1100-01-01'), max: dayNumberOf('8000-12-31') }).map(dateOfDayNumber);
const monthEnd = fc
  .record({ year: fc.integer({ min: 1100, max: 8000 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 28, max: 31 }) })
  .map(({ year, month, day }) => `${year}-${String(month).padStart(2, '0')}-${String(Math.min(day, daysInMonth(year, month))).padStart(2, '0')}`);
const date = fc.oneof(anyDate, monthEnd);

interface Start {
  cycle: BillingCycle;
  startDate: string;
  alignment: PeriodAlignment;
  anchorDay: number | null;
}

const start: fc.Arbitrary<Start> = fc
  .record({
    cycle,
    startDate: date,
    alignment: fc.constantFrom<PeriodAlignment>('anniversary', 'calendar'),
    anchorDay: fc.option(fc.oneof(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 28, max: 31 })), { nil: null }),
  })
  .map((input) => (monthsPerPeriod(input.cycle) === null ? { ...input, alignment: 'anniversary' as const, anchorDay: null } : input));

const schedule: fc.Arbitrary<BillingSchedule> = fc.record({ cycle, anchorDate: date });
// 30 periods of at most 10 years either side of an anchor from 1400 to 7500 stay within the years 1000..9999.
const scheduleAnchoredMidRange: fc.Arbitrary<BillingSchedule> = fc.record({
  cycle,
  anchorDate: fc.integer({ min: dayNumberOf('1400-01-01'), max: dayNumberOf('7500-12-31') }).map(dateOfDayNumber),
});

/** What is wrong with `period` as a period of the cycle (its length is one cycle, its ends fall on the anchor day), or null. */
function cycleProblem(cycleOf: BillingCycle, period: BillingPeriod, anchorDay: number | null): string | null {
  const months = monthsPerPeriod(cycleOf);
  if (months === null) {
    const days = daysBetween(period.start, period.end);
    return days === (cycleOf as { count: number }).count ? null : `${period.start}..${period.end} is ${days} days long`;
  }
  if (monthNumber(period.end) - monthNumber(period.start) !== months) return `${period.start}..${period.end} is not ${months} months long`;
  if (anchorDay === null) return null;
  const onAnchorDay = dayOf(period.start) === clampedDayIn(period.start, anchorDay) && dayOf(period.end) === clampedDayIn(period.end, anchorDay);
  return onAnchorDay ? null : `${period.start}..${period.end} is not on anchor day ${anchorDay}`;
}

describe('billing schedules: properties', () => {
  it('start: the first period begins on the start date, inside the full period containing it, and 120 periods follow without gap or overlap', () => {
    fc.assert(
      fc.property(start, (input) => {
        const { schedule: started, firstPeriod, firstFullPeriod } = startSchedule(input);
        expect(started.cycle).toEqual(input.cycle);
        expect(firstPeriod.start).toBe(input.startDate);
        expect(firstPeriod.end).toBe(firstFullPeriod.end);
        expect(firstFullPeriod.start <= input.startDate && input.startDate < firstFullPeriod.end).toBe(true);
        expect(started.anchorDate <= firstFullPeriod.start).toBe(true);
        expect(isPeriodBoundary(started, started.anchorDate)).toBe(true);
        expect(isPeriodBoundary(started, firstFullPeriod.start)).toBe(true);
        expect(isPeriodBoundary(started, input.startDate)).toBe(firstPeriod.start === firstFullPeriod.start);

        const months = monthsPerPeriod(input.cycle);
        // The day boundaries fall on: the anchor day, else 1 for calendar alignment, else the start's day.
        const anchorDay = months === null ? null : (input.anchorDay ?? (input.alignment === 'calendar' ? 1 : dayOf(input.startDate)));
        if (months !== null && input.alignment === 'calendar' && input.cycle.kind !== 'custom' && input.cycle.kind !== 'monthly') {
          expect((monthNumber(firstFullPeriod.start) % 12) % months).toBe(0); // quarters, halves and years of the calendar
        }
        if (input.alignment === 'anniversary' && input.anchorDay === null) expect(firstFullPeriod.start).toBe(input.startDate);
        if (input.alignment === 'anniversary' && firstPeriod.start !== firstFullPeriod.start) {
          // With an anchor day, the first boundary after the start is the next date on that day.
          expect(monthNumber(firstPeriod.end) - monthNumber(input.startDate)).toBeLessThanOrEqual(1);
        }

        // One assertion per run (jest's expect costs far more than the arithmetic): the list of problems is empty.
        const walked: BillingPeriod[] = [firstFullPeriod];
        const problems: string[] = [];
        for (let step = 0; step < 120; step += 1) {
          const previous = walked[walked.length - 1] as BillingPeriod;
          const next = periodAfter(started, previous);
          if (next.start !== previous.end) problems.push(`${next.start}..${next.end} does not start where ${previous.start}..${previous.end} ends`);
          if (next.start >= next.end) problems.push(`${next.start}..${next.end} is empty`);
          walked.push(next);
        }
        for (const period of walked) {
          const problem = cycleProblem(input.cycle, period, anchorDay);
          if (problem !== null) problems.push(problem);
          for (const day of [period.start, addDaysToCalendarDate(period.end, -1)]) {
            const containing = periodContaining(started, day);
            if (containing.start !== period.start || containing.end !== period.end) problems.push(`${day} is in ${containing.start}..${containing.end}`);
          }
        }
        expect(problems).toEqual([]);
        const last = walked[walked.length - 1] as BillingPeriod;
        expect(periodsBetween(started, firstFullPeriod.start, last.end)).toEqual(walked);
        expect(periodsBetween(started, input.startDate, last.end)).toEqual(firstPeriod.start === firstFullPeriod.start ? walked : walked.slice(1));
      }),
      { numRuns: 100 },
    );
  });

  it('periodContaining(d) contains d, starts and ends on boundaries, and the periods of d and the next day meet or coincide', () => {
    fc.assert(
      fc.property(schedule, date, (someSchedule, day) => {
        const period = periodContaining(someSchedule, day);
        expect(period.start <= day && day < period.end).toBe(true);
        expect(isPeriodBoundary(someSchedule, period.start)).toBe(true);
        expect(isPeriodBoundary(someSchedule, period.end)).toBe(true);
        expect(cycleProblem(someSchedule.cycle, period, monthsPerPeriod(someSchedule.cycle) === null ? null : dayOf(someSchedule.anchorDate))).toBeNull();
        const nextDay = addDaysToCalendarDate(day, 1);
        const nextPeriod = periodContaining(someSchedule, nextDay);
        if (nextDay === period.end) expect(nextPeriod.start).toBe(period.end);
        else expect(nextPeriod).toEqual(period);
      }),
      { numRuns: 500 },
    );
  });

  it('boundaries increase strictly with the index, on both sides of the anchor, and each begins the period containing it', () => {
    fc.assert(
      fc.property(scheduleAnchoredMidRange, fc.integer({ min: -30, max: 30 }), (someSchedule, first) => {
        const dates = Array.from({ length: 8 }, (_, offset) => boundaryAt(someSchedule, first + offset));
        expect(boundaryAt(someSchedule, 0)).toBe(someSchedule.anchorDate);
        dates.forEach((boundary, offset) => {
          const next = dates[offset + 1];
          if (next !== undefined) {
            expect(boundary < next).toBe(true);
            expect(periodContaining(someSchedule, boundary)).toEqual({ start: boundary, end: next });
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('periodsBetween lists exactly the boundaries in [from, to), each followed by its period', () => {
    fc.assert(
      fc.property(schedule, date, fc.integer({ min: 0, max: 800 }), (someSchedule, from, length) => {
        const to = addDaysToCalendarDate(from, length);
        const periods = periodsBetween(someSchedule, from, to);
        const starts = periods.map((period) => period.start);
        // Every date in [from, to) is listed if and only if it is a boundary (checked on a sample of days).
        for (let offset = 0; offset < length; offset += Math.max(1, Math.floor(length / 40))) {
          const day = addDaysToCalendarDate(from, offset);
          expect(starts.includes(day)).toBe(isPeriodBoundary(someSchedule, day));
        }
        periods.forEach((period, index) => {
          expect(period.start >= from && period.start < to).toBe(true);
          expect(periodContaining(someSchedule, period.start)).toEqual(period);
          const next = periods[index + 1];
          if (next !== undefined) expect(next.start).toBe(period.end);
        });
        if (periods.length > 0) {
          const previousStart = periodContaining(someSchedule, addDaysToCalendarDate(periods[0]?.start as string, -1)).start;
          expect(previousStart < from).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
