import { requireInstant } from '../common/calendar-date.js';
import { requireTimeZone } from './intl-identifiers.js';

/**
 * The tenant's calendar: which day and month an instant falls on in the tenant's time zone. Numbering periods
 * (docs/domain.md, "Numbering": a sequence resets when the year or month changes) and overdue checks use the tenant's
 * calendar, not UTC: an invoice issued at 2024-12-31T11:00:00Z by a tenant in Pacific/Kiritimati (UTC+14) is
 * issued on 2025-01-01 and belongs to the 2025 sequence.
 *
 * The parts come from Intl.DateTimeFormat.formatToParts with a fixed locale, Gregorian calendar, Latin digits and
 * a 24-hour cycle, so nothing depends on the machine's locale or time zone.
 */

export interface CalendarPeriod {
  year: number;
  /** 1..12. */
  month: number;
}

interface CalendarDateParts extends CalendarPeriod {
  day: number;
}

const partsLocale = 'en-US-u-ca-gregory-nu-latn';
/** Formatters are costly to build; a tenant base uses few zones. The cache is cleared when it reaches the bound. */
const formatterCacheSizeMax = 128;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    if (formatters.size >= formatterCacheSizeMax) formatters.clear();
    formatter = new Intl.DateTimeFormat(partsLocale, {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function datePartsInZone(instant: unknown, timeZone: unknown): CalendarDateParts {
  const validInstant = requireInstant(instant, 'instant');
  const zone = requireTimeZone(timeZone, 'timeZone');
  const parts = formatterFor(zone).formatToParts(new Date(validInstant));
  const read = (type: 'year' | 'month' | 'day'): number => {
    const part = parts.find((candidate) => candidate.type === type);
    const value = Number(part?.value);
    if (part === undefined || !Number.isInteger(value)) {
      throw new Error(`Intl.DateTimeFormat gave no numeric ${type} for ${validInstant} in ${zone}`);
    }
    return value;
  };
  return { year: read('year'), month: read('month'), day: read('day') };
}

/** The tenant's calendar date of an instant: ('2024-12-31T11:00:00Z', 'Pacific/Kiritimati') -> '2025-01-01'. */
export function calendarDateInZone(instant: string, timeZone: string): string {
  const { year, month, day } = datePartsInZone(instant, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Year and month of an instant in the tenant's zone: the period a document number is counted in. */
export function calendarPeriodInZone(instant: string, timeZone: string): CalendarPeriod {
  const { year, month } = datePartsInZone(instant, timeZone);
  return { year, month };
}
