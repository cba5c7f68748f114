import { describe, expect, it } from '@jest/globals';
import { addDaysToCalendarDate } from '../common/calendar-date.js';
import { DomainError } from '../common/domain-error.js';
import type { BillingCycle, BillingPeriod, PeriodAlignment } from './billing-period.types.js';
import {
  boundaryAt,
  isPeriodBoundary,
  periodAfter,
  periodContaining,
  periodsBetween,
  startSchedule,
  type BillingSchedule,
  type ScheduleStart,
  type StartScheduleInput,
} from './billing-schedule.js';
import { daysBetween } from './calendar-days.js';

function errorOf(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw new Error(`not a DomainError: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a DomainError, got none');
}

const monthly: BillingCycle = { kind: 'monthly' };
const quarterly: BillingCycle = { kind: 'quarterly' };
const semiAnnual: BillingCycle = { kind: 'semi_annual' };
const annual: BillingCycle = { kind: 'annual' };
const every14Days: BillingCycle = { kind: 'custom', unit: 'days', count: 14 };
const every2Months: BillingCycle = { kind: 'custom', unit: 'months', count: 2 };
const period = (start: string, end: string): BillingPeriod => ({ start, end });

/** The boundaries 0..count-1 of a schedule. */
function boundaries(schedule: BillingSchedule, count: number): string[] {
  return Array.from({ length: count }, (_, index) => boundaryAt(schedule, index));
}

describe('boundaries: added to the anchor, clamped to the month, never drifting', () => {
  it.each<[string, BillingCycle, string, string[]]>([
    ['monthly from Jan 31', monthly, '2023-01-31', ['2023-01-31', '2023-02-28', '2023-03-31', '2023-04-30', '2023-05-31', '2023-06-30']],
    ['monthly from Jan 31 in a leap year', monthly, '2024-01-31', ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']],
    ['monthly from the 30th', monthly, '2023-01-30', ['2023-01-30', '2023-02-28', '2023-03-30', '2023-04-30']],
    ['quarterly from Nov 30', quarterly, '2024-11-30', ['2024-11-30', '2025-02-28', '2025-05-30', '2025-08-30', '2025-11-30']],
    ['semi-annual from Aug 31', semiAnnual, '2023-08-31', ['2023-08-31', '2024-02-29', '2024-08-31', '2025-02-28']],
    ['annual from Feb 29', annual, '2024-02-29', ['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']],
    ['every 14 days across a leap day', every14Days, '2024-02-20', ['2024-02-20', '2024-03-05', '2024-03-19', '2024-04-02']],
    ['every 2 months from Jan 31', every2Months, '2023-01-31', ['2023-01-31', '2023-03-31', '2023-05-31', '2023-07-31', '2023-09-30', '2023-11-30', '2024-01-31']],
    ['every 2 months from Dec 31', every2Months, '2023-12-31', ['2023-12-31', '2024-02-29', '2024-04-30', '2024-06-30', '2024-08-31', '2024-10-31', '2024-12-31']],
  ])('%s', (_case, cycle, startDate, expected) => {
    const { schedule, firstPeriod, firstFullPeriod } = startSchedule({ cycle, startDate, alignment: 'anniversary' });
    expect(schedule).toEqual({ cycle, anchorDate: startDate });
    expect(firstPeriod).toEqual(period(expected[0] as string, expected[1] as string));
    expect(firstFullPeriod).toEqual(firstPeriod);
    expect(boundaries(schedule, expected.length)).toEqual(expected);
    // Walking period by period gives the same boundaries as computing each from the anchor.
    let current = firstPeriod;
    for (let index = 1; index < expected.length - 1; index += 1) {
      current = periodAfter(schedule, current);
      expect(current).toEqual(period(expected[index] as string, expected[index + 1] as string));
    }
  });

  it('counts negative indexes back from the anchor', () => {
    const schedule: BillingSchedule = { cycle: monthly, anchorDate: '2023-01-31' };
    expect(boundaryAt(schedule, -1)).toBe('2022-12-31');
    expect(boundaryAt(schedule, -2)).toBe('2022-11-30');
    expect(boundaryAt(schedule, 13)).toBe('2024-02-29');
    expect(boundaryAt({ cycle: every14Days, anchorDate: '2024-02-20' }, -1)).toBe('2024-02-06');
  });
});

describe('startSchedule', () => {
  interface Case {
    name: string;
    cycle: BillingCycle;
    startDate: string;
    alignment: PeriodAlignment;
    anchorDay?: number | null;
    anchorDate: string;
    firstPeriod: BillingPeriod;
    firstFullPeriod: BillingPeriod;
    next: BillingPeriod;
  }
  it.each<Case>([
    {
      name: 'monthly, calendar, from Aug 10: a partial August',
      cycle: monthly,
      startDate: '2024-08-10',
      alignment: 'calendar',
      anchorDate: '2024-08-01',
      firstPeriod: period('2024-08-10', '2024-09-01'),
      firstFullPeriod: period('2024-08-01', '2024-09-01'),
      next: period('2024-09-01', '2024-10-01'),
    },
    {
      name: 'monthly, calendar, from the 1st: a full first period',
      cycle: monthly,
      startDate: '2024-08-01',
      alignment: 'calendar',
      anchorDate: '2024-08-01',
      firstPeriod: period('2024-08-01', '2024-09-01'),
      firstFullPeriod: period('2024-08-01', '2024-09-01'),
      next: period('2024-09-01', '2024-10-01'),
    },
    {
      name: 'quarterly, calendar, from Feb 15: up to Apr 1, in the quarter from Jan 1',
      cycle: quarterly,
      startDate: '2024-02-15',
      alignment: 'calendar',
      anchorDate: '2024-01-01',
      firstPeriod: period('2024-02-15', '2024-04-01'),
      firstFullPeriod: period('2024-01-01', '2024-04-01'),
      next: period('2024-04-01', '2024-07-01'),
    },
    {
      name: 'quarterly, calendar, from Nov 30: the last quarter',
      cycle: quarterly,
      startDate: '2024-11-30',
      alignment: 'calendar',
      anchorDate: '2024-10-01',
      firstPeriod: period('2024-11-30', '2025-01-01'),
      firstFullPeriod: period('2024-10-01', '2025-01-01'),
      next: period('2025-01-01', '2025-04-01'),
    },
    {
      name: 'semi-annual, calendar, from Sep 10: the second half',
      cycle: semiAnnual,
      startDate: '2024-09-10',
      alignment: 'calendar',
      anchorDate: '2024-07-01',
      firstPeriod: period('2024-09-10', '2025-01-01'),
      firstFullPeriod: period('2024-07-01', '2025-01-01'),
      next: period('2025-01-01', '2025-07-01'),
    },
    {
      name: 'semi-annual, calendar, from Jan 1: a full first half',
      cycle: semiAnnual,
      startDate: '2025-01-01',
      alignment: 'calendar',
      anchorDate: '2025-01-01',
      firstPeriod: period('2025-01-01', '2025-07-01'),
      firstFullPeriod: period('2025-01-01', '2025-07-01'),
      next: period('2025-07-01', '2026-01-01'),
    },
    {
      name: 'annual, calendar, from Mar 5: the rest of the year',
      cycle: annual,
      startDate: '2024-03-05',
      alignment: 'calendar',
      anchorDate: '2024-01-01',
      firstPeriod: period('2024-03-05', '2025-01-01'),
      firstFullPeriod: period('2024-01-01', '2025-01-01'),
      next: period('2025-01-01', '2026-01-01'),
    },
    {
      name: 'every 2 months, calendar, from Aug 10: periods counted from the start month',
      cycle: every2Months,
      startDate: '2024-08-10',
      alignment: 'calendar',
      anchorDate: '2024-08-01',
      firstPeriod: period('2024-08-10', '2024-10-01'),
      firstFullPeriod: period('2024-08-01', '2024-10-01'),
      next: period('2024-10-01', '2024-12-01'),
    },
    {
      name: 'every 14 days from Feb 20',
      cycle: every14Days,
      startDate: '2024-02-20',
      alignment: 'anniversary',
      anchorDate: '2024-02-20',
      firstPeriod: period('2024-02-20', '2024-03-05'),
      firstFullPeriod: period('2024-02-20', '2024-03-05'),
      next: period('2024-03-05', '2024-03-19'),
    },
    {
      name: 'monthly, anchor day 1, from Aug 10: as calendar alignment',
      cycle: monthly,
      startDate: '2024-08-10',
      alignment: 'anniversary',
      anchorDay: 1,
      anchorDate: '2024-08-01',
      firstPeriod: period('2024-08-10', '2024-09-01'),
      firstFullPeriod: period('2024-08-01', '2024-09-01'),
      next: period('2024-09-01', '2024-10-01'),
    },
    {
      name: 'monthly, anchor day 31, from Feb 10 of a leap year: up to Feb 29',
      cycle: monthly,
      startDate: '2024-02-10',
      alignment: 'anniversary',
      anchorDay: 31,
      anchorDate: '2024-01-31',
      firstPeriod: period('2024-02-10', '2024-02-29'),
      firstFullPeriod: period('2024-01-31', '2024-02-29'),
      next: period('2024-02-29', '2024-03-31'),
    },
    {
      name: 'monthly, anchor day 31, from Feb 28: on a clamped boundary, anchored on Jan 31 before it',
      cycle: monthly,
      startDate: '2023-02-28',
      alignment: 'anniversary',
      anchorDay: 31,
      anchorDate: '2023-01-31',
      firstPeriod: period('2023-02-28', '2023-03-31'),
      firstFullPeriod: period('2023-02-28', '2023-03-31'),
      next: period('2023-03-31', '2023-04-30'),
    },
    {
      name: 'monthly, anchor day 10, from Aug 10: on a boundary',
      cycle: monthly,
      startDate: '2024-08-10',
      alignment: 'anniversary',
      anchorDay: 10,
      anchorDate: '2024-08-10',
      firstPeriod: period('2024-08-10', '2024-09-10'),
      firstFullPeriod: period('2024-08-10', '2024-09-10'),
      next: period('2024-09-10', '2024-10-10'),
    },
    {
      name: 'quarterly, anchor day 15, from Feb 20: up to the next 15th',
      cycle: quarterly,
      startDate: '2024-02-20',
      alignment: 'anniversary',
      anchorDay: 15,
      anchorDate: '2023-12-15',
      firstPeriod: period('2024-02-20', '2024-03-15'),
      firstFullPeriod: period('2023-12-15', '2024-03-15'),
      next: period('2024-03-15', '2024-06-15'),
    },
    {
      name: 'quarterly, calendar with anchor day 15, from Jan 10: quarters from the 15th',
      cycle: quarterly,
      startDate: '2024-01-10',
      alignment: 'calendar',
      anchorDay: 15,
      anchorDate: '2023-10-15',
      firstPeriod: period('2024-01-10', '2024-01-15'),
      firstFullPeriod: period('2023-10-15', '2024-01-15'),
      next: period('2024-01-15', '2024-04-15'),
    },
    {
      name: 'annual, anchor day 31, from Feb 10: every Feb 28 or 29, anchored on the last Feb 29',
      cycle: annual,
      startDate: '2023-02-10',
      alignment: 'anniversary',
      anchorDay: 31,
      anchorDate: '2020-02-29',
      firstPeriod: period('2023-02-10', '2023-02-28'),
      firstFullPeriod: period('2022-02-28', '2023-02-28'),
      next: period('2023-02-28', '2024-02-29'),
    },
  ])('$name', ({ cycle, startDate, alignment, anchorDay, anchorDate, firstPeriod, firstFullPeriod, next }) => {
    const started: ScheduleStart = startSchedule({ cycle, startDate, alignment, anchorDay });
    expect(started).toEqual({ schedule: { cycle, anchorDate }, firstPeriod, firstFullPeriod });
    expect(periodAfter(started.schedule, started.firstPeriod)).toEqual(next);
    expect(periodAfter(started.schedule, started.firstFullPeriod)).toEqual(next);
    expect(periodContaining(started.schedule, startDate)).toEqual(firstFullPeriod);
    expect(isPeriodBoundary(started.schedule, anchorDate)).toBe(true);
  });

  it('keeps the anchor day of a grid that never meets it: every 120 months from Feb 2023 stays on Feb 28', () => {
    const every120Months: BillingCycle = { kind: 'custom', unit: 'months', count: 120 };
    const { schedule } = startSchedule({ cycle: every120Months, startDate: '2023-02-28', alignment: 'anniversary', anchorDay: 31 });
    // 2023, 2033, 2043...: odd years, never a leap year, so every boundary is Feb 28.
    expect(schedule.anchorDate).toBe('2023-02-28');
    expect(boundaries(schedule, 4)).toEqual(['2023-02-28', '2033-02-28', '2043-02-28', '2053-02-28']);
  });

  // Each case breaks one field of an otherwise valid input.
  const refusable: StartScheduleInput = { cycle: monthly, startDate: '2024-01-10', alignment: 'anniversary' };
  it.each<[string, string, Partial<StartScheduleInput>, RegExp]>([
    ['calendar alignment of a day cycle', 'alignment', { cycle: every14Days, alignment: 'calendar' }, /alignment calendar is only for month-based cycles/],
    ['an anchor day on a day cycle', 'anchorDay', { cycle: every14Days, anchorDay: 1 }, /anchorDay is only for month-based cycles/],
    ['anchor day 0', 'anchorDay', { anchorDay: 0 }, /anchorDay must be an integer from 1 to 31 \(got 0\)/],
    ['anchor day 32', 'anchorDay', { anchorDay: 32 }, /from 1 to 31 \(got 32\)/],
    ['a fractional anchor day', 'anchorDay', { anchorDay: 1.5 }, /\(got 1\.5\)/],
    ['a date that does not exist', 'startDate', { startDate: '2024-02-30' }, /startDate must be a calendar date YYYY-MM-DD/],
    ['an instant for a date', 'startDate', { startDate: '2024-02-01T00:00:00Z' }, /startDate must be a calendar date/],
    ['an unknown alignment', 'alignment', { startDate: '2024-02-01', alignment: 'fiscal' as PeriodAlignment }, /alignment must be one of anniversary, calendar/],
    ['an unknown cycle', 'cycle.kind', { cycle: { kind: 'weekly' } as unknown as BillingCycle, startDate: '2024-02-01' }, /cycle\.kind must be one of/],
  ])('refuses %s with VALIDATION_FAILED naming %s', (_case, field, overrides, message) => {
    const error = errorOf(() => startSchedule({ ...refusable, ...overrides }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('refuses a start whose first period would end after 9999-12-31', () => {
    const error = errorOf(() => startSchedule({ cycle: monthly, startDate: '9999-12-20', alignment: 'anniversary' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/the end of the first billing period would fall outside the years 1000\.\.9999/);
    expect(startSchedule({ cycle: monthly, startDate: '9999-11-30', alignment: 'anniversary' }).firstPeriod).toEqual(period('9999-11-30', '9999-12-30'));
  });
});

describe('periodContaining and isPeriodBoundary', () => {
  const schedule: BillingSchedule = { cycle: monthly, anchorDate: '2023-01-31' };
  it.each([
    ['2023-02-27', period('2023-01-31', '2023-02-28')],
    ['2023-02-28', period('2023-02-28', '2023-03-31')],
    ['2023-03-30', period('2023-02-28', '2023-03-31')],
    ['2023-03-31', period('2023-03-31', '2023-04-30')],
    ['2022-12-31', period('2022-12-31', '2023-01-31')],
    ['2022-12-30', period('2022-11-30', '2022-12-31')],
    ['2024-02-29', period('2024-02-29', '2024-03-31')],
  ])('monthly from Jan 31: %s is in %j', (date, expected) => {
    expect(periodContaining(schedule, date)).toEqual(expected);
    expect(isPeriodBoundary(schedule, date)).toBe(date === expected.start);
  });

  it.each([
    ['2024-02-19', period('2024-02-06', '2024-02-20')],
    ['2024-02-20', period('2024-02-20', '2024-03-05')],
    ['2024-03-04', period('2024-02-20', '2024-03-05')],
    ['2024-03-05', period('2024-03-05', '2024-03-19')],
  ])('every 14 days from Feb 20: %s is in %j', (date, expected) => {
    expect(periodContaining({ cycle: every14Days, anchorDate: '2024-02-20' }, date)).toEqual(expected);
  });

  it('refuses a malformed date or schedule', () => {
    expect(errorOf(() => periodContaining(schedule, '2023-02-29')).details.field).toBe('date');
    expect(errorOf(() => periodContaining({ cycle: monthly, anchorDate: '2023-13-01' }, '2023-02-01')).details.field).toBe('schedule.anchorDate');
    const badCycle = { cycle: { kind: 'custom', unit: 'days', count: 0 } as BillingCycle, anchorDate: '2023-01-01' };
    expect(errorOf(() => periodContaining(badCycle, '2023-02-01')).details.field).toBe('schedule.cycle.count');
    expect(errorOf(() => isPeriodBoundary(schedule, '')).code).toBe('VALIDATION_FAILED');
  });
});

describe('boundaryAt refusals', () => {
  const schedule: BillingSchedule = { cycle: monthly, anchorDate: '2023-01-31' };
  it.each([
    [1.5, /index must be an integer \(got 1\.5\)/],
    [Number.NaN, /index must be an integer/],
    [100_000, /billing period boundary 100000 would fall outside the years 1000\.\.9999/],
    [-100_000, /would fall outside the years/],
    [Number.MAX_SAFE_INTEGER, /would fall outside the years/],
  ])('refuses index %p', (index, message) => {
    const error = errorOf(() => boundaryAt(schedule, index));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
  });

  it('refuses a boundary of a day cycle outside the years', () => {
    expect(errorOf(() => boundaryAt({ cycle: every14Days, anchorDate: '9999-12-20' }, 1)).message).toMatch(/outside the years 1000\.\.9999/);
    expect(errorOf(() => boundaryAt({ cycle: every14Days, anchorDate: '2024-01-01' }, Number.MAX_SAFE_INTEGER)).code).toBe('VALIDATION_FAILED');
  });
});

describe('periodAfter', () => {
  const { schedule } = startSchedule({ cycle: monthly, startDate: '2024-08-10', alignment: 'calendar' });
  it('continues from a partial or a full period', () => {
    expect(periodAfter(schedule, period('2024-08-10', '2024-09-01'))).toEqual(period('2024-09-01', '2024-10-01'));
    expect(periodAfter(schedule, period('2024-12-01', '2025-01-01'))).toEqual(period('2025-01-01', '2025-02-01'));
  });

  it.each<[string, BillingPeriod, string, RegExp]>([
    [
      'an end that is not a boundary',
      period('2024-08-10', '2024-08-31'),
      'period.end',
      /period\.end 2024-08-31 is not a period boundary of the schedule \(the period containing it starts on 2024-08-01\)/,
    ],
    ['a period spanning two periods', period('2024-07-01', '2024-09-01'), 'period.start', /period 2024-07-01\.\.2024-09-01 spans more than one period/],
    ['an empty period', period('2024-09-01', '2024-09-01'), 'period.end', /period\.end 2024-09-01 must be after period\.start 2024-09-01/],
    ['a reversed period', period('2024-10-01', '2024-09-01'), 'period.end', /must be after/],
    ['a malformed date', period('2024-09-01', '2024-10-32'), 'period.end', /period\.end must be a calendar date/],
  ])('refuses %s', (_case, input, field, message) => {
    const error = errorOf(() => periodAfter(schedule, input));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe('periodsBetween', () => {
  const schedule: BillingSchedule = { cycle: monthly, anchorDate: '2024-01-31' };
  it('lists the full periods that start in [from, to), in order', () => {
    expect(periodsBetween(schedule, '2024-01-31', '2024-05-01')).toEqual([
      period('2024-01-31', '2024-02-29'),
      period('2024-02-29', '2024-03-31'),
      period('2024-03-31', '2024-04-30'),
      period('2024-04-30', '2024-05-31'),
    ]);
    // A period starting before `from` is not listed; one starting on `to` is not either.
    expect(periodsBetween(schedule, '2024-02-01', '2024-03-31')).toEqual([period('2024-02-29', '2024-03-31')]);
    expect(periodsBetween(schedule, '2024-02-01', '2024-02-29')).toEqual([]);
    expect(periodsBetween(schedule, '2024-02-29', '2024-02-29')).toEqual([]);
  });

  it('lists up to 10,000 periods and refuses more', () => {
    const daily: BillingSchedule = { cycle: { kind: 'custom', unit: 'days', count: 1 }, anchorDate: '2000-01-01' };
    const to = addDaysToCalendarDate('2000-01-01', 10_000);
    const periods = periodsBetween(daily, '2000-01-01', to);
    expect(periods).toHaveLength(10_000);
    expect(periods[9_999]).toEqual(period(addDaysToCalendarDate(to, -1), to));
    const error = errorOf(() => periodsBetween(daily, '2000-01-01', addDaysToCalendarDate(to, 1)));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/more than 10000 billing periods start from 2000-01-01 to/);
    expect(error.details).toMatchObject({ field: 'to', periodsMax: 10_000 });
  });

  it('refuses from after to', () => {
    const error = errorOf(() => periodsBetween(schedule, '2024-03-01', '2024-02-01'));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/from 2024-03-01 must not be after to 2024-02-01/);
  });

  it('lists nothing when the next boundary is after 9999-12-31, and refuses a period that would end there', () => {
    const on15th: BillingSchedule = { cycle: monthly, anchorDate: '2024-01-15' };
    expect(periodsBetween(on15th, '9999-12-20', '9999-12-31')).toEqual([]);
    expect(periodsBetween(on15th, '9999-10-01', '9999-12-01')).toEqual([period('9999-10-15', '9999-11-15'), period('9999-11-15', '9999-12-15')]);
    expect(errorOf(() => periodsBetween(on15th, '9999-11-20', '9999-12-31')).message).toMatch(/would fall outside the years 1000\.\.9999/);
  });
});

describe('daysBetween', () => {
  it.each([
    ['2024-02-01', '2024-03-01', 29],
    ['2023-02-01', '2023-03-01', 28],
    ['2024-03-01', '2024-02-01', -29],
    ['2024-08-10', '2024-09-01', 22],
    ['2024-01-01', '2025-01-01', 366],
    ['1900-01-01', '2000-01-01', 36_524],
    ['2000-01-01', '2100-01-01', 36_525],
    ['1000-01-01', '9999-12-31', 3_287_181],
    ['2024-05-05', '2024-05-05', 0],
  ])('%s to %s is %i days', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });

  it.each([
    ['2024-02-30', '2024-03-01', 'from'],
    ['0999-12-31', '2024-03-01', 'from'],
    ['2024-01-01', '24-01-01', 'to'],
    ['2024-01-01', '10000-01-01', 'to'],
  ])('refuses %s to %s, naming %s', (from, to, field) => {
    const error = errorOf(() => daysBetween(from, to));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.field).toBe(field);
  });
});
