import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { canonicalLocaleOf, isLocale, isTimeZone, requireLocale, requireTimeZone } from './intl-identifiers.js';
import { calendarDateInZone, calendarPeriodInZone } from './tenant-calendar.js';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof DomainError ? error.code : `not a DomainError: ${String(error)}`;
  }
  return undefined;
}

describe('calendarDateInZone', () => {
  it.each([
    // Kiritimati is UTC+14: 11:00 UTC on 31 December is already 01:00 on 1 January there.
    ['2024-12-31T11:00:00Z', 'Pacific/Kiritimati', '2025-01-01'],
    ['2024-12-31T09:59:59Z', 'Pacific/Kiritimati', '2024-12-31'],
    ['2024-12-31T10:00:00Z', 'Pacific/Kiritimati', '2025-01-01'],
    // Pago Pago is UTC-11: 05:00 UTC on 1 January is still 18:00 on 31 December there.
    ['2025-01-01T05:00:00Z', 'Pacific/Pago_Pago', '2024-12-31'],
    ['2025-01-01T11:00:00Z', 'Pacific/Pago_Pago', '2025-01-01'],
    ['2024-12-31T23:59:59.999Z', 'UTC', '2024-12-31'],
    // Offsets in the instant are honoured: 23:30 at -05:00 is 04:30 UTC the next day.
    ['2024-02-28T23:30:00-05:00', 'UTC', '2024-02-29'],
    ['2024-02-28T23:30:00-05:00', 'America/New_York', '2024-02-28'],
    // Daylight saving: Paris is UTC+2 in summer, so 22:30 UTC is 00:30 the next day.
    ['2024-07-14T22:30:00Z', 'Europe/Paris', '2024-07-15'],
    ['2024-01-14T22:30:00Z', 'Europe/Paris', '2024-01-14'],
  ])('%s in %s is %s', (instant, timeZone, expected) => {
    expect(calendarDateInZone(instant, timeZone)).toBe(expected);
  });

  it('rejects an unknown zone or a malformed instant with VALIDATION_FAILED', () => {
    expect(codeOf(() => calendarDateInZone('2024-01-01T00:00:00Z', 'Mars/Olympus_Mons'))).toBe('VALIDATION_FAILED');
    expect(() => calendarDateInZone('2024-01-01T00:00:00Z', 'Mars/Olympus_Mons')).toThrow(/timeZone must be an IANA time zone/);
    expect(codeOf(() => calendarDateInZone('2024-01-01', 'UTC'))).toBe('VALIDATION_FAILED');
  });
});

describe('calendarPeriodInZone', () => {
  it('puts a document into the numbering period of the tenant calendar, not of UTC', () => {
    expect(calendarPeriodInZone('2024-12-31T11:00:00Z', 'Pacific/Kiritimati')).toEqual({ year: 2025, month: 1 });
    expect(calendarPeriodInZone('2024-12-31T11:00:00Z', 'UTC')).toEqual({ year: 2024, month: 12 });
    expect(calendarPeriodInZone('2025-01-01T05:00:00Z', 'Pacific/Pago_Pago')).toEqual({ year: 2024, month: 12 });
    expect(calendarPeriodInZone('2024-03-01T00:30:00+01:00', 'Europe/Berlin')).toEqual({ year: 2024, month: 3 });
  });
});

describe('time zones and locales', () => {
  it.each(['UTC', 'Europe/Paris', 'Pacific/Kiritimati', 'America/Argentina/Buenos_Aires'])('%s is a time zone', (zone) => {
    expect(isTimeZone(zone)).toBe(true);
    expect(requireTimeZone(zone, 'timeZone')).toBe(zone);
  });

  it.each([['Mars/Base'], ['+05:30'], [''], ['x'.repeat(65)], [42], [null]])('%p is not a time zone', (zone) => {
    expect(isTimeZone(zone)).toBe(false);
  });

  it('accepts canonical BCP-47 locales and names the canonical spelling of others', () => {
    expect(['en-US', 'de-DE', 'fr', 'zh-Hant-TW', 'es-419'].every(isLocale)).toBe(true);
    expect(isLocale('en-us')).toBe(false);
    expect(canonicalLocaleOf('en-us')).toBe('en-US');
    expect(canonicalLocaleOf('en_US')).toBeNull();
    expect(canonicalLocaleOf('')).toBeNull();
    expect(() => requireLocale('en-us', 'locale')).toThrow(/write it as "en-US"/);
    expect(codeOf(() => requireLocale('en_US', 'locale'))).toBe('VALIDATION_FAILED');
  });
});
