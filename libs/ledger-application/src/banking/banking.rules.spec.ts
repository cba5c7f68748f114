import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../../billing/src/index.js';
import { normaliseAccountNumber } from './bank-accounts.handlers.js';
import { periodDates } from './reconciliation-report.js';

describe('normaliseAccountNumber', () => {
  it.each([
    ['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', '3000'],
    ['gb29-nwbk-6016-1331-9268-19', 'GB29NWBK60161331926819', '6819'],
    ['0001', '0001', '0001'],
    ['  12 34 56 789  ', '123456789', '6789'],
  ])('%j is stored as %s and shown as its last 4, %s', (input, number, last4) => {
    expect(normaliseAccountNumber(input)).toEqual({ number, last4 });
  });

  it.each([['123'], ['DE89!3704'], ['A'.repeat(35)], [''], [42], [null]])('refuses %j without quoting it', (input) => {
    let caught: unknown;
    try {
      normaliseAccountNumber(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('VALIDATION_FAILED');
    expect((caught as DomainError).details).toEqual({ field: 'accountNumber' });
    if (typeof input === 'string' && input.length > 0) expect((caught as Error).message).not.toContain(input);
  });
});

describe('periodDates', () => {
  it.each([
    ['2026-03', '2026-03-01', '2026-03-31'],
    ['2026-02', '2026-02-01', '2026-02-28'],
    ['2024-02', '2024-02-01', '2024-02-29'],
    ['2000-02', '2000-02-01', '2000-02-29'],
    ['1900-02', '1900-02-01', '1900-02-28'],
    ['2026-12', '2026-12-01', '2026-12-31'],
  ])('%s runs from %s to %s', (period, fromDate, toDate) => {
    expect(periodDates(period)).toEqual({ period, fromDate, toDate });
  });

  it.each([['2026-13'], ['2026-00'], ['2026-3'], ['202603'], ['2026-03-01'], [null]])('refuses %j', (period) => {
    expect(() => periodDates(period)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }) as unknown as Error);
  });
});
