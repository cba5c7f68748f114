import { isInstant, requireCalendarDate } from '../common/calendar-date.js';
import { validationFailed } from '../common/validation.js';
import { requireTimeZone } from './intl-identifiers.js';

/**
 * When a calendar date of the tenant begins, as an instant: the bridge from billing periods (dates in the tenant's
 * zone) to the instants that due work and test clocks compare. Pure: the zone's rules come from Intl (the runtime's
 * ICU data, as in tenant-calendar.ts), read with a fixed locale, Gregorian calendar and 24-hour cycle.
 *
 * A day begins at the first instant at which the zone's wall clock reads that date at midnight or later. Usually that
 * is local midnight; where a daylight-saving change skips midnight (America/Santiago on 2024-09-08 goes from 23:59:59
 * to 01:00) it is the instant of the change, the first instant of that day; where a change repeats midnight, the first
 * of the two. A date a zone skipped entirely (Pacific/Apia went from 2011-12-29 to 2011-12-31) has no instant of its
 * own: it is a day of no length, beginning when the next day begins, so consecutive dates still map to contiguous,
 * non-overlapping ranges of instants.
 */

const partsLocale = 'en-US-u-ca-gregory-nu-latn';
const formatterCacheSizeMax = 128;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Finding a day's start takes a few dozen Intl calls; billing asks for the same few dates again and again. */
const dayStartCacheSizeMax = 4_096;
const dayStarts = new Map<string, string>();

const secondsPerHour = 3_600;
/**
 * Every UTC offset in the time zone database lies within ±16 hours (local mean times before 1900 included), so the
 * instant a day begins is within 17 hours of the same wall time in UTC. The zone's offsets are probed across that
 * window every 2 hours, and each change of offset between two probes is located to the second (zone rules change at
 * whole seconds, and never twice within 2 hours).
 */
const windowSeconds = 17 * secondsPerHour;
const probeStepSeconds = 2 * secondsPerHour;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    if (formatters.size >= formatterCacheSizeMax) formatters.clear();
    formatter = new Intl.DateTimeFormat(partsLocale, {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's UTC offset, in seconds, at the instant `epochSeconds`: its wall-clock reading minus the instant. */
function offsetAt(formatter: Intl.DateTimeFormat, epochSeconds: number): number {
  const parts = formatter.formatToParts(new Date(epochSeconds * 1000));
  const read = (type: Intl.DateTimeFormatPartTypes): number => {
    const value = Number(parts.find((part) => part.type === type)?.value);
    if (!Number.isInteger(value)) {
      throw new Error(`Intl.DateTimeFormat gave no numeric ${type} for ${epochSeconds}s in ${formatter.resolvedOptions().timeZone}`);
    }
    return value;
  };
  const wallClock = Date.UTC(read('year'), read('month') - 1, read('day'), read('hour'), read('minute'), read('second')) / 1000;
  return wallClock - epochSeconds;
}

/** From `from` on (until the next one), the zone's offset is `offset`. */
interface OffsetSpan {
  from: number;
  offset: number;
}

/** The zone's offsets over [low, high], in order, each change located to the second by bisection. */
function offsetSpans(formatter: Intl.DateTimeFormat, low: number, high: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [{ from: low, offset: offsetAt(formatter, low) }];
  let previousProbe = low;
  for (let probe = Math.min(low + probeStepSeconds, high); previousProbe < high; probe = Math.min(probe + probeStepSeconds, high)) {
    const probeOffset = offsetAt(formatter, probe);
    let last = spans[spans.length - 1] as OffsetSpan;
    let known = previousProbe;
    while (last.offset !== probeOffset) {
      // offsetAt(known) is last.offset and offsetAt(probe) is not: find the first second that differs.
      let before = known;
      let after = probe;
      while (after - before > 1) {
        const middle = Math.floor((before + after) / 2);
        if (offsetAt(formatter, middle) === last.offset) before = middle;
        else after = middle;
      }
      last = { from: after, offset: offsetAt(formatter, after) };
      spans.push(last);
      known = after;
    }
    previousProbe = probe;
  }
  return spans;
}

/**
 * The instant (ISO 8601, UTC, with milliseconds) at which `date` begins in `timeZone`:
 * ('2024-07-15', 'Europe/Paris') -> '2024-07-14T22:00:00.000Z'. VALIDATION_FAILED for a malformed date, an unknown zone, or
 * 1000-01-01 in a zone where it begins in the year 999.
 */
export function startOfDayInZone(date: string, timeZone: string): string {
  requireCalendarDate(date, 'date');
  const zone = requireTimeZone(timeZone, 'timeZone');
  const key = `${zone} ${date}`;
  const cached = dayStarts.get(key);
  if (cached !== undefined) return cached;
  const start = firstInstantOfDay(date, zone);
  if (dayStarts.size >= dayStartCacheSizeMax) dayStarts.clear();
  dayStarts.set(key, start);
  return start;
}

function firstInstantOfDay(date: string, zone: string): string {
  const formatter = formatterFor(zone);
  // Midnight of the date on a UTC wall clock, in seconds; the day begins at the first instant t with t + offset(t) >= it.
  const midnight = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 1000;
  const spans = offsetSpans(formatter, midnight - windowSeconds, midnight + windowSeconds);
  let first = Number.POSITIVE_INFINITY;
  spans.forEach((span, index) => {
    const next = spans[index + 1];
    // The wall clock reads midnight exactly during this span.
    const atMidnight = midnight - span.offset;
    if (atMidnight >= span.from && (next === undefined || atMidnight < next.from)) first = Math.min(first, atMidnight);
    // Or a change at the start of this span jumps the wall clock from before midnight to after it.
    const previous = spans[index - 1];
    if (previous !== undefined && span.from + previous.offset <= midnight && midnight <= span.from + span.offset) first = Math.min(first, span.from);
  });
  if (!Number.isFinite(first)) throw new Error(`startOfDayInZone: no instant begins ${date} in ${zone}`);
  const instant = new Date(first * 1000).toISOString();
  // East of UTC, 1000-01-01 begins in the year 999, before any instant the ledger accepts.
  if (!isInstant(instant)) throw validationFailed(`${date} begins in ${zone} at ${instant}, before the years 1000..9999`, { field: 'date' });
  return instant;
}
