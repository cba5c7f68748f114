import { requireCalendarDate } from '../common/calendar-date.js';
import type { DomainError } from '../common/domain-error.js';
import { validationFailed } from '../common/validation.js';

/**
 * Day and month arithmetic on 'YYYY-MM-DD' calendar dates, exact for the years the ledger accepts (1000..9999).
 * Dates become whole day numbers (days since 1970-01-01 on the proleptic Gregorian calendar, through Date.UTC,
 * which never looks at the machine's zone) and month numbers (year x 12 + month - 1), so every step is integer
 * arithmetic and nothing accumulates from one period to the next.
 */

const millisecondsPerDay = 86_400_000;
export const calendarYearMin = 1000;
export const calendarYearMax = 9999;

export interface CalendarDateParts {
  year: number;
  /** 1..12. */
  month: number;
  day: number;
}

/** The parts of a date already checked with requireCalendarDate. */
export function partsOf(date: string): CalendarDateParts {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

const monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Gregorian: February has 29 days in years divisible by 4, except centuries not divisible by 400. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  const length = monthLengths[month - 1];
  if (length === undefined) throw new Error(`daysInMonth: month must be 1..12 (got ${month})`);
  return length;
}

function dayNumberOfParts({ year, month, day }: CalendarDateParts): number {
  return Date.UTC(year, month - 1, day) / millisecondsPerDay;
}

export const dayNumberMin = dayNumberOfParts({ year: calendarYearMin, month: 1, day: 1 });
export const dayNumberMax = dayNumberOfParts({ year: calendarYearMax, month: 12, day: 31 });

/** Days from 1970-01-01 to `date` (negative before it). */
export function dayNumberOf(date: string): number {
  return dayNumberOfParts(partsOf(date));
}

/** The date `dayNumber` days after 1970-01-01; VALIDATION_FAILED naming `what` when it falls outside 1000..9999. */
export function dateOfDayNumber(dayNumber: number, what: string): string {
  if (!Number.isSafeInteger(dayNumber) || dayNumber < dayNumberMin || dayNumber > dayNumberMax) {
    throw outsideYears(what);
  }
  return new Date(dayNumber * millisecondsPerDay).toISOString().slice(0, 10);
}

/** Months since year 0: year x 12 + month - 1. */
export function monthNumberOf(parts: Pick<CalendarDateParts, 'year' | 'month'>): number {
  return parts.year * 12 + parts.month - 1;
}

/**
 * Day `day` of the month `monthNumber`, clamped to the month's last day (day 31 in April is April 30); VALIDATION_FAILED
 * naming `what` when the month falls outside the years 1000..9999.
 */
export function clampedDateInMonth(monthNumber: number, day: number, what: string): string {
  const year = Math.floor(monthNumber / 12);
  if (!Number.isSafeInteger(monthNumber) || year < calendarYearMin || year > calendarYearMax) throw outsideYears(what);
  const month = monthNumber - year * 12 + 1;
  return formatDate({ year, month, day: Math.min(day, daysInMonth(year, month)) });
}

export function formatDate({ year, month, day }: CalendarDateParts): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function outsideYears(what: string): DomainError {
  return validationFailed(`${what} would fall outside the years ${calendarYearMin}..${calendarYearMax}`, { what });
}

/**
 * `to` minus `from` in calendar days, exact for any dates of the years 1000..9999 (negative when `to` is earlier):
 * ('2024-02-01', '2024-03-01') -> 29. VALIDATION_FAILED when either is not a calendar date.
 */
export function daysBetween(from: string, to: string): number {
  requireCalendarDate(from, 'from');
  requireCalendarDate(to, 'to');
  return dayNumberOf(to) - dayNumberOf(from);
}
