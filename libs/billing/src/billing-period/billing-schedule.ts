import { requireCalendarDate } from '../common/calendar-date.js';
import { requireIntegerInRange, requireRecord, validationFailed } from '../common/validation.js';
import { monthsPerPeriod, requireBillingCycle, requirePeriodAlignment } from './billing-cycle.js';
import type { BillingCycle, BillingPeriod, PeriodAlignment } from './billing-period.types.js';
import {
  calendarYearMax,
  calendarYearMin,
  clampedDateInMonth,
  dateOfDayNumber,
  dayNumberMax,
  dayNumberOf,
  daysInMonth,
  monthNumberOf,
  partsOf,
} from './calendar-days.js';

/**
 * Where the periods of a subscription fall. Every boundary is computed from the anchor alone (boundary i is the anchor
 * plus i cycles), never from the previous boundary, so a clamped short month never drifts the ones after it: anchor
 * day 31 gives Jan 31, Feb 28 (29), Mar 31, Apr 30, May 31.
 *
 * Month-based cycles: the anchor date's day is the anchor day, and boundary i is that day (clamped to the month's last
 * day) in the anchor's month plus i x the cycle's months. The anchor date is itself a boundary, at or before the first
 * full period's start (after it only for a start near the year 1000). Day-based cycles: boundary i is the anchor date
 * plus i x the cycle's days; the anchor date is the first boundary.
 */
export interface BillingSchedule {
  cycle: BillingCycle;
  anchorDate: string;
}

/**
 * A new schedule and its first periods. `firstFullPeriod` is the full period of the schedule containing the start
 * date; `firstPeriod` equals it when the start is on a boundary, and is otherwise the partial period
 * [startDate, firstFullPeriod.end), prorated against `firstFullPeriod` (see dayFraction).
 */
export interface ScheduleStart {
  schedule: BillingSchedule;
  firstPeriod: BillingPeriod;
  firstFullPeriod: BillingPeriod;
}

export interface StartScheduleInput {
  cycle: BillingCycle;
  startDate: string;
  alignment: PeriodAlignment;
  /** 1..31, month-based cycles only: boundaries fall on this day (clamped) instead of the alignment's day. */
  anchorDay?: number | null;
}

/** A bound on every list of periods one call builds (about 833 years of monthly periods). */
export const billingScheduleLimits = { periodsMax: 10_000 } as const;

/** The integer arithmetic behind a schedule: boundary i as a month number and a day, or as a day number. */
type Grid = { unit: 'months'; firstMonth: number; months: number; day: number } | { unit: 'days'; firstDay: number; days: number };

function gridOf(schedule: BillingSchedule): Grid {
  const { cycle, anchorDate } = schedule;
  if (cycle.kind === 'custom' && cycle.unit === 'days') return { unit: 'days', firstDay: dayNumberOf(anchorDate), days: cycle.count };
  const anchor = partsOf(anchorDate);
  return { unit: 'months', firstMonth: monthNumberOf(anchor), months: monthsOf(cycle), day: anchor.day };
}

function monthsOf(cycle: BillingCycle): number {
  const months = monthsPerPeriod(cycle);
  if (months === null) throw new Error('monthsOf: a cycle of days has no months');
  return months;
}

function monthParts(monthNumber: number): { year: number; month: number } {
  const year = Math.floor(monthNumber / 12);
  return { year, month: monthNumber - year * 12 + 1 };
}

function clampedDay(monthNumber: number, day: number): number {
  const { year, month } = monthParts(monthNumber);
  return Math.min(day, daysInMonth(year, month));
}

function boundary(grid: Grid, index: number, what: string): string {
  if (grid.unit === 'days') return dateOfDayNumber(grid.firstDay + index * grid.days, what);
  return clampedDateInMonth(grid.firstMonth + index * grid.months, grid.day, what);
}

/** The index of the period that contains `date`: boundary(k) <= date < boundary(k + 1). */
function indexContaining(grid: Grid, date: string): number {
  if (grid.unit === 'days') return Math.floor((dayNumberOf(date) - grid.firstDay) / grid.days);
  const parts = partsOf(date);
  const dateMonth = monthNumberOf(parts);
  // Boundary k0 is in the date's month or in one of the (months - 1) before it; boundary k0 + 1 is in a later month.
  const k0 = Math.floor((dateMonth - grid.firstMonth) / grid.months);
  const boundaryMonth = grid.firstMonth + k0 * grid.months;
  return boundaryMonth < dateMonth || clampedDay(boundaryMonth, grid.day) <= parts.day ? k0 : k0 - 1;
}

/** Whether boundary `index` is `date`, without building a boundary that may lie outside the years 1000..9999. */
function isBoundaryAt(grid: Grid, index: number, date: string): boolean {
  if (grid.unit === 'days') return grid.firstDay + index * grid.days === dayNumberOf(date);
  const parts = partsOf(date);
  const boundaryMonth = grid.firstMonth + index * grid.months;
  return boundaryMonth === monthNumberOf(parts) && clampedDay(boundaryMonth, grid.day) === parts.day;
}

function periodAt(grid: Grid, index: number, what: string): BillingPeriod {
  return { start: boundary(grid, index, `the start of ${what}`), end: boundary(grid, index + 1, `the end of ${what}`) };
}

/**
 * A schedule from outside (an event, a command): a valid cycle and a calendar date. Other fields of `input` are
 * ignored, so a subscription's state that carries both may be passed as is. VALIDATION_FAILED naming the field.
 */
export function requireBillingSchedule(input: unknown, field: string): BillingSchedule {
  const record = requireRecord(input, field, 'a cycle and an anchorDate');
  return { cycle: requireBillingCycle(record.cycle, `${field}.cycle`), anchorDate: requireCalendarDate(record.anchorDate, `${field}.anchorDate`) };
}

/** A half-open period [start, end) of calendar dates with start < end. VALIDATION_FAILED naming the field. */
export function requireBillingPeriod(input: unknown, field: string): BillingPeriod {
  const record = requireRecord(input, field, 'a start and an end date');
  const start = requireCalendarDate(record.start, `${field}.start`);
  const end = requireCalendarDate(record.end, `${field}.end`);
  if (end <= start) throw validationFailed(`${field}.end ${end} must be after ${field}.start ${start}`, { field: `${field}.end` });
  return { start, end };
}

/**
 * Starts a schedule on `startDate`.
 * - Day-based cycles (custom N days): the start date is the anchor and the first boundary; alignment must be
 *   'anniversary' and there is no anchor day (VALIDATION_FAILED otherwise).
 * - Month-based cycles: boundaries fall on one day of the month, clamped in short months: `anchorDay` when given,
 *   else 1 for 'calendar' and the start date's day for 'anniversary'. Which months carry boundaries: for 'calendar',
 *   the calendar quarters (Jan, Apr, Jul, Oct) for quarterly, halves (Jan, Jul) for semi-annual, January for
 *   annual, and every cycle's months counted from the start month for monthly and custom month cycles; for
 *   'anniversary', the months counted from the first boundary on or after the start, that is the start date itself
 *   or, with an anchor day, the next date with that day (the industry's "billing cycle anchor": a short prorated
 *   period runs up to it). When the start is not on a boundary, the first period is partial and is prorated against
 *   the full period containing it: monthly from Aug 10, calendar-aligned, starts with [Aug 10, Sep 1) in [Aug 1, Sep 1).
 */
export function startSchedule(input: StartScheduleInput): ScheduleStart {
  const cycle = requireBillingCycle(input.cycle, 'cycle');
  const startDate = requireCalendarDate(input.startDate, 'startDate');
  const alignment = requirePeriodAlignment(input.alignment, 'alignment');
  const anchorDay = input.anchorDay === undefined || input.anchorDay === null ? null : requireIntegerInRange(input.anchorDay, 'anchorDay', 1, 31);
  if (cycle.kind === 'custom' && cycle.unit === 'days') {
    if (alignment === 'calendar') {
      throw validationFailed('alignment calendar is only for month-based cycles: a cycle of days starts on its start date (use anniversary)', {
        field: 'alignment',
      });
    }
    if (anchorDay !== null) {
      throw validationFailed('anchorDay is only for month-based cycles: a cycle of days starts on its start date', { field: 'anchorDay' });
    }
    const schedule: BillingSchedule = { cycle, anchorDate: startDate };
    const firstFullPeriod = periodAt(gridOf(schedule), 0, 'the first billing period');
    return { schedule, firstPeriod: firstFullPeriod, firstFullPeriod };
  }
  const start = partsOf(startDate);
  const startMonth = monthNumberOf(start);
  const months = monthsOf(cycle);
  const requestedDay = anchorDay ?? (alignment === 'calendar' ? 1 : start.day);
  let phaseMonth: number;
  if (alignment === 'calendar') {
    // Quarterly, semi-annual and annual periods start in the months of the calendar year that the cycle divides.
    const calendarMonths = cycle.kind === 'custom' || cycle.kind === 'monthly' ? 1 : months;
    phaseMonth = start.year * 12 + Math.floor((start.month - 1) / calendarMonths) * calendarMonths;
  } else {
    phaseMonth = clampedDay(startMonth, requestedDay) >= start.day ? startMonth : startMonth + 1;
  }
  const provisional: Grid = { unit: 'months', firstMonth: phaseMonth, months, day: requestedDay };
  const firstFullIndex = indexContaining(provisional, startDate);
  const schedule: BillingSchedule = { cycle, anchorDate: anchorDateOf(phaseMonth + firstFullIndex * months, months, requestedDay) };
  const grid = gridOf(schedule);
  const firstFullPeriod = periodAt(grid, indexContaining(grid, startDate), 'the first billing period');
  const firstPeriod = firstFullPeriod.start === startDate ? firstFullPeriod : { start: startDate, end: firstFullPeriod.end };
  return { schedule, firstPeriod, firstFullPeriod };
}

/** Steps searched for a boundary month that has the anchor day: the month-of-year pattern repeats within 12 steps, leap years within 8. */
const anchorSearchSteps = 48;

/**
 * The anchor date of the month grid through `firstMonth` every `months` months on day `day`: the boundary at or
 * before `firstMonth` (after it only near the year 1000) whose month has that day itself, so that the anchor date's
 * day is the anchor day. When no month of the grid has the day (day 30 every February), the boundaries are those of
 * the longest month the grid has (Feb 29, or Feb 28 when the grid never meets a leap year), and that day anchors it.
 */
function anchorDateOf(firstMonth: number, months: number, day: number): string {
  const inRange = (monthNumber: number): boolean => {
    const { year } = monthParts(monthNumber);
    return year >= calendarYearMin && year <= calendarYearMax;
  };
  if (!inRange(firstMonth)) return clampedDateInMonth(firstMonth, day, 'the start of the first billing period');
  const candidates: number[] = [];
  for (let step = 0; step <= anchorSearchSteps && inRange(firstMonth - step * months); step += 1) candidates.push(firstMonth - step * months);
  for (let step = 1; step <= anchorSearchSteps && inRange(firstMonth + step * months); step += 1) candidates.push(firstMonth + step * months);
  const lengthOf = (monthNumber: number): number => clampedDay(monthNumber, 31);
  const longest = Math.max(...candidates.map(lengthOf));
  const anchorDay = Math.min(day, longest);
  const anchorMonth = candidates.find((monthNumber) => lengthOf(monthNumber) >= anchorDay) ?? firstMonth;
  return clampedDateInMonth(anchorMonth, anchorDay, 'the anchor date');
}

/** Boundary `index` of the schedule (index 0 is the anchor date; negative indexes are boundaries before it). */
export function boundaryAt(schedule: BillingSchedule, index: number): string {
  const grid = gridOf(requireBillingSchedule(schedule, 'schedule'));
  if (!Number.isSafeInteger(index)) throw validationFailed(`index must be an integer (got ${String(index)})`, { field: 'index' });
  return boundary(grid, index, `billing period boundary ${index}`);
}

/** Whether a period of the schedule starts (and the one before ends) on `date`. */
export function isPeriodBoundary(schedule: BillingSchedule, date: string): boolean {
  const grid = gridOf(requireBillingSchedule(schedule, 'schedule'));
  requireCalendarDate(date, 'date');
  return isBoundaryAt(grid, indexContaining(grid, date), date);
}

/** The full period of the schedule that contains `date`: start <= date < end. */
export function periodContaining(schedule: BillingSchedule, date: string): BillingPeriod {
  const grid = gridOf(requireBillingSchedule(schedule, 'schedule'));
  requireCalendarDate(date, 'date');
  return periodAt(grid, indexContaining(grid, date), `the billing period containing ${date}`);
}

/**
 * The full period that follows `period`: it starts on `period.end`, which must be a boundary of the schedule, and
 * `period` must lie within the one full period before it (a partial first period does). VALIDATION_FAILED otherwise:
 * a period of another schedule (before a change of plan or anchor) has no successor in this one.
 */
export function periodAfter(schedule: BillingSchedule, period: BillingPeriod): BillingPeriod {
  const grid = gridOf(requireBillingSchedule(schedule, 'schedule'));
  const { start, end } = requireBillingPeriod(period, 'period');
  const index = indexContaining(grid, end);
  if (!isBoundaryAt(grid, index, end)) {
    const containingStart = boundary(grid, index, 'the period containing it');
    throw validationFailed(`period.end ${end} is not a period boundary of the schedule (the period containing it starts on ${containingStart})`, {
      field: 'period.end',
    });
  }
  if (indexContaining(grid, start) !== index - 1) {
    throw validationFailed(`period ${start}..${end} spans more than one period of the schedule`, { field: 'period.start' });
  }
  return { start: end, end: boundary(grid, index + 1, `the billing period after ${start}..${end}`) };
}

/**
 * The full periods of the schedule that start in [from, to), in order (empty when from = to). At most 10,000
 * (VALIDATION_FAILED beyond, and when from is after to), so a far-off date cannot make a caller build without end.
 */
export function periodsBetween(schedule: BillingSchedule, from: string, to: string): BillingPeriod[] {
  const grid = gridOf(requireBillingSchedule(schedule, 'schedule'));
  requireCalendarDate(from, 'from');
  requireCalendarDate(to, 'to');
  if (from > to) throw validationFailed(`from ${from} must not be after to ${to}`, { field: 'from' });
  const periods: BillingPeriod[] = [];
  const containing = indexContaining(grid, from);
  let index = isBoundaryAt(grid, containing, from) ? containing : containing + 1;
  let start = boundaryUnlessAfterYears(grid, index);
  while (start !== null && start < to) {
    if (periods.length === billingScheduleLimits.periodsMax) {
      throw validationFailed(`more than ${billingScheduleLimits.periodsMax} billing periods start from ${from} to ${to}: ask for a shorter range`, {
        field: 'to',
        periodsMax: billingScheduleLimits.periodsMax,
      });
    }
    const end = boundary(grid, index + 1, `the billing period starting ${start}`);
    periods.push({ start, end });
    start = end;
    index += 1;
  }
  return periods;
}

/** Boundary `index`, or null when it falls after 9999-12-31 (and so after every date), where `boundary` would refuse it. */
function boundaryUnlessAfterYears(grid: Grid, index: number): string | null {
  const afterYears =
    grid.unit === 'days' ? grid.firstDay + index * grid.days > dayNumberMax : monthParts(grid.firstMonth + index * grid.months).year > calendarYearMax;
  return afterYears ? null : boundary(grid, index, 'a billing period boundary');
}
