import { validationFailed } from './validation.js';

/**
 * Calendar dates are 'YYYY-MM-DD' strings and instants ISO-8601 strings. The arithmetic below works on the parsed
 * parts with Date.UTC, so it is exact and never depends on the machine's time zone or clock.
 */

const calendarDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const instantPattern = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const millisecondsPerDay = 86_400_000;
// Years below 1000 are not business dates, and Date.UTC maps years 0..99 onto 1900..1999.
const yearMin = 1000;
const yearMax = 9999;

function calendarDateParts(value: string): { year: number; month: number; day: number } | null {
  const match = calendarDatePattern.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < yearMin || year > yearMax || month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && calendarDateParts(value) !== null;
}

export function requireCalendarDate(value: unknown, field: string): string {
  if (!isCalendarDate(value)) {
    throw validationFailed(`${field} must be a calendar date YYYY-MM-DD (got ${JSON.stringify(value)})`, { field });
  }
  return value;
}

/** `date` plus `days` calendar days, e.g. ('2024-01-31', 30) -> '2024-03-01' (2024 is a leap year). */
export function addDaysToCalendarDate(date: string, days: number, field = 'date'): string {
  const parts = calendarDateParts(date);
  if (!parts) throw new Error(`addDaysToCalendarDate: ${JSON.stringify(date)} is not a calendar date`);
  if (!Number.isInteger(days)) throw new Error(`addDaysToCalendarDate: days must be an integer (got ${days})`);
  const epochMilliseconds = Date.UTC(parts.year, parts.month - 1, parts.day) + days * millisecondsPerDay;
  const result = new Date(epochMilliseconds).toISOString().slice(0, 10);
  if (!isCalendarDate(result)) {
    throw validationFailed(`${field} would fall outside the years ${yearMin}..${yearMax}`, { field });
  }
  return result;
}

/** Negative when a is earlier than b. Valid 'YYYY-MM-DD' strings with four-digit years sort as text. */
export function compareCalendarDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = instantPattern.exec(value);
  if (!match || !isCalendarDate(match[1])) return false;
  return !Number.isNaN(Date.parse(value));
}

export function requireInstant(value: unknown, field: string): string {
  if (!isInstant(value)) {
    throw validationFailed(`${field} must be an ISO-8601 instant such as 2024-01-15T09:30:00Z (got ${JSON.stringify(value)})`, {
      field,
    });
  }
  return value;
}
