import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../common/domain-error.js';
import { calendarDateInZone } from './tenant-calendar.js';
import { startOfDayInZone } from './zoned-day-start.js';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof DomainError ? error.code : `not a DomainError: ${String(error)}`;
  }
  return undefined;
}

const millisecondsPerDay = 86_400_000;
const dateOfDayNumber = (dayNumber: number): string => new Date(dayNumber * millisecondsPerDay).toISOString().slice(0, 10);
const dayNumberOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / millisecondsPerDay;
const instantBefore = (instant: string): string => new Date(Date.parse(instant) - 1).toISOString();

describe('startOfDayInZone', () => {
  it.each([
    ['2024-07-15', 'UTC', '2024-07-15T00:00:00.000Z'],
    ['2024-07-15', 'Europe/Paris', '2024-07-14T22:00:00.000Z'],
    ['2024-01-15', 'Europe/Paris', '2024-01-14T23:00:00.000Z'],
    ['2024-01-01', 'Asia/Kolkata', '2023-12-31T18:30:00.000Z'],
    ['2024-01-01', 'Asia/Kathmandu', '2023-12-31T18:15:00.000Z'],
    ['2025-01-01', 'Pacific/Kiritimati', '2024-12-31T10:00:00.000Z'],
    ['2024-12-31', 'Pacific/Pago_Pago', '2024-12-31T11:00:00.000Z'],
    // Paris spring-forward day (02:00 -> 03:00) and the day after: the change is within the day, midnight is unaffected.
    ['2024-03-31', 'Europe/Paris', '2024-03-30T23:00:00.000Z'],
    ['2024-04-01', 'Europe/Paris', '2024-03-31T22:00:00.000Z'],
    // New York: the day of each change begins at the old offset, the next day at the new one.
    ['2024-03-10', 'America/New_York', '2024-03-10T05:00:00.000Z'],
    ['2024-03-11', 'America/New_York', '2024-03-11T04:00:00.000Z'],
    ['2024-11-03', 'America/New_York', '2024-11-03T04:00:00.000Z'],
    ['2024-11-04', 'America/New_York', '2024-11-04T05:00:00.000Z'],
    // Lord Howe moves by half an hour.
    ['2024-10-06', 'Australia/Lord_Howe', '2024-10-05T13:30:00.000Z'],
    ['2024-10-07', 'Australia/Lord_Howe', '2024-10-06T13:00:00.000Z'],
    // Local mean time before standard time: Paris was 9 minutes 21 seconds ahead of UTC.
    ['1800-01-01', 'Europe/Paris', '1799-12-31T23:50:39.000Z'],
    ['9999-12-31', 'UTC', '9999-12-31T00:00:00.000Z'],
    ['9999-12-31', 'Pacific/Kiritimati', '9999-12-30T10:00:00.000Z'],
  ])('%s begins in %s at %s', (date, timeZone, expected) => {
    expect(startOfDayInZone(date, timeZone)).toBe(expected);
    expect(calendarDateInZone(expected, timeZone)).toBe(date);
    expect(calendarDateInZone(instantBefore(expected), timeZone) < date).toBe(true);
  });

  it.each([
    // Midnight does not exist: the clocks go from 23:59:59 to 01:00, so the day begins at the change.
    ['2024-09-08', 'America/Santiago', '2024-09-08T04:00:00.000Z'],
    ['2024-03-31', 'Asia/Beirut', '2024-03-30T22:00:00.000Z'],
    ['2024-03-10', 'America/Havana', '2024-03-10T05:00:00.000Z'],
    ['2024-04-26', 'Africa/Cairo', '2024-04-25T22:00:00.000Z'],
    // Nuuk jumps from 22:59:59 to 00:00: midnight is the change itself.
    ['2024-03-31', 'America/Nuuk', '2024-03-31T01:00:00.000Z'],
  ])('%s in %s, whose midnight is skipped, begins at the change, %s', (date, timeZone, expected) => {
    expect(startOfDayInZone(date, timeZone)).toBe(expected);
    expect(calendarDateInZone(expected, timeZone)).toBe(date);
    expect(calendarDateInZone(instantBefore(expected), timeZone) < date).toBe(true);
  });

  it.each([
    // Havana and the Azores turn 00:59:59 back to 00:00: midnight happens twice and the day begins at the first.
    ['2024-11-03', 'America/Havana', '2024-11-03T04:00:00.000Z', '2024-11-03T05:00:00.000Z'],
    ['2024-10-27', 'Atlantic/Azores', '2024-10-27T00:00:00.000Z', '2024-10-27T01:00:00.000Z'],
  ])('%s in %s, whose midnight repeats, begins at the first midnight %s, not %s', (date, timeZone, expected, secondMidnight) => {
    expect(startOfDayInZone(date, timeZone)).toBe(expected);
    expect(calendarDateInZone(secondMidnight, timeZone)).toBe(date);
  });

  it('covers the first accepted date, 1000-01-01', () => {
    expect(startOfDayInZone('1000-01-01', 'UTC')).toBe('1000-01-01T00:00:00.000Z');
    expect(startOfDayInZone('1000-01-01', 'America/New_York')).toBe('1000-01-01T04:56:02.000Z');
    // East of UTC the day begins in the year 999, which no instant of the ledger may hold.
    expect(codeOf(() => startOfDayInZone('1000-01-01', 'Europe/Paris'))).toBe('VALIDATION_FAILED');
    expect(() => startOfDayInZone('1000-01-01', 'Europe/Paris')).toThrow(/before the years 1000..9999/);
    expect(startOfDayInZone('1000-01-02', 'Europe/Paris')).toBe('1000-01-01T23:50:39.000Z');
  });

  it('makes a day that a fall-back change lengthens 25 hours long (Santiago turns 24:00 back to 23:00 on 2024-04-06)', () => {
    const length = Date.parse(startOfDayInZone('2024-04-07', 'America/Santiago')) - Date.parse(startOfDayInZone('2024-04-06', 'America/Santiago'));
    expect(length).toBe(25 * 3_600_000);
    expect(startOfDayInZone('2024-04-07', 'America/Santiago')).toBe('2024-04-07T04:00:00.000Z');
  });

  it('gives a date the zone skipped no length: Samoa went from 2011-12-29 to 2011-12-31, so 2011-12-30 begins when 2011-12-31 does', () => {
    expect(startOfDayInZone('2011-12-29', 'Pacific/Apia')).toBe('2011-12-29T10:00:00.000Z');
    expect(startOfDayInZone('2011-12-30', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(startOfDayInZone('2011-12-31', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(calendarDateInZone('2011-12-30T10:00:00.000Z', 'Pacific/Apia')).toBe('2011-12-31');
    expect(calendarDateInZone('2011-12-30T09:59:59.999Z', 'Pacific/Apia')).toBe('2011-12-29');
  });

  it('refuses a malformed date or an unknown zone with VALIDATION_FAILED', () => {
    expect(codeOf(() => startOfDayInZone('2024-02-30', 'UTC'))).toBe('VALIDATION_FAILED');
    expect(() => startOfDayInZone('2024-02-30', 'UTC')).toThrow(/date must be a calendar date/);
    expect(codeOf(() => startOfDayInZone('2024-01-01T00:00:00Z', 'UTC'))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => startOfDayInZone('2024-01-01', 'Mars/Olympus_Mons'))).toBe('VALIDATION_FAILED');
    expect(() => startOfDayInZone('2024-01-01', '+05:30')).toThrow(/timeZone must be an IANA time zone/);
  });

  // Zones with changes at or across midnight, half- and quarter-hour offsets, both date lines and local mean time.
  const zones = [
    'UTC',
    'Europe/Paris',
    'Europe/London',
    'America/New_York',
    'America/Santiago',
    'America/Havana',
    'America/Sao_Paulo',
    'America/St_Johns',
    'Atlantic/Azores',
    'Asia/Beirut',
    'Asia/Tehran',
    'Asia/Kathmandu',
    'Africa/Casablanca',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Pacific/Pago_Pago',
  ];
  const date = fc.integer({ min: dayNumberOf('1850-01-01'), max: dayNumberOf('2100-12-31') }).map(dateOfDayNumber);

  it('property: the day begins on that date, and the instant before is on an earlier date', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), date, (timeZone, day) => {
        const start = startOfDayInZone(day, timeZone);
        expect(start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(calendarDateInZone(start, timeZone)).toBe(day);
        expect(calendarDateInZone(instantBefore(start), timeZone) < day).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('makes a day that a date-line move repeats 48 hours long (Pago Pago repeated 1892-07-04), beginning at its first midnight', () => {
    expect(startOfDayInZone('1892-07-04', 'Pacific/Pago_Pago')).toBe('1892-07-03T11:22:48.000Z');
    expect(startOfDayInZone('1892-07-05', 'Pacific/Pago_Pago')).toBe('1892-07-05T11:22:48.000Z');
  });

  it('property: consecutive days since 1900 are consecutive ranges of 20 to 28 hours', () => {
    const modernDate = fc.integer({ min: dayNumberOf('1900-01-01'), max: dayNumberOf('2100-12-31') }).map(dateOfDayNumber);
    fc.assert(
      fc.property(fc.constantFrom(...zones), modernDate, (timeZone, day) => {
        const next = dateOfDayNumber(dayNumberOf(day) + 1);
        const hours = (Date.parse(startOfDayInZone(next, timeZone)) - Date.parse(startOfDayInZone(day, timeZone))) / 3_600_000;
        expect(hours).toBeGreaterThanOrEqual(20);
        expect(hours).toBeLessThanOrEqual(28);
      }),
      { numRuns: 200 },
    );
  });
});
