import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { formatDate, formatMoney } from './locale-format.js';

// Intl separates some symbols and digits with a no-break space (U+00A0) or a narrow one (U+202F).
const nbsp = '\u00a0';

function errorOf(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('formatMoney', () => {
  it.each([
    ['1234.50', 'USD', 'en-US', '$1,234.50'],
    ['1234.50', 'EUR', 'de-DE', `1.234,50${nbsp}€`],
    ['1234.5', 'USD', 'en-US', '$1,234.50'],
    ['0.5', 'USD', 'en-US', '$0.50'],
    ['-0.50', 'USD', 'en-US', '-$0.50'],
    ['-1234.50', 'EUR', 'de-DE', `-1.234,50${nbsp}€`],
    ['1000', 'JPY', 'en-US', '¥1,000'],
    ['1.250', 'KWD', 'en-US', `KWD${nbsp}1.250`],
    ['1234567.89', 'INR', 'en-IN', '₹12,34,567.89'],
    ['0.0045', 'USD', 'en-US', '$0.0045'],
  ])('%s %s in %s -> %s', (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, locale)).toBe(expected);
  });

  it('keeps every digit of amounts a float cannot hold', () => {
    // As a float, 12345678901234567.89 would print as 12,345,678,901,234,568.00.
    expect(formatMoney('12345678901234567.89', 'USD', 'en-US')).toBe('$12,345,678,901,234,567.89');
    expect(formatMoney('0.10', 'USD', 'en-US')).toBe('$0.10');
  });

  it("writes the fraction in the locale's own digits", () => {
    const formatted = formatMoney('1234.56', 'EGP', 'ar-EG');
    expect(formatted).toContain('٥٦');
    expect(formatted).not.toMatch(/[0-9]/);
  });

  it.each([
    ['a float-like string', '1e3', 'USD', 'en-US', /exponents are not accepted/],
    ['more decimals than the currency and no more', '1.5', 'JPY', 'en-US', undefined],
    ['an unknown currency', '1.00', 'XYZ', 'en-US', /not a supported ISO 4217/],
    ['a malformed locale', '1.00', 'USD', 'en_US', /locale must be a BCP-47 locale/],
  ])('handles %s', (_case, amount, currency, locale, message) => {
    if (message === undefined) {
      // Unit prices may carry more decimals than the currency: they are shown, never rounded.
      expect(formatMoney(amount, currency, locale)).toBe('¥1.5');
      return;
    }
    const error = errorOf(() => formatMoney(amount, currency, locale));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
  });
});

describe('formatDate', () => {
  it.each([
    ['2024-01-15', 'en-US', '01/15/2024'],
    ['2024-01-15', 'en-GB', '15/01/2024'],
    ['2024-01-15', 'de-DE', '15.01.2024'],
    ['2024-12-31', 'en-US', '12/31/2024'],
    ['2024-02-29', 'ja-JP', '2024/02/29'],
  ])('%s in %s -> %s', (date, locale, expected) => {
    expect(formatDate(date, locale)).toBe(expected);
  });

  it('rejects a date that does not exist', () => {
    expect(errorOf(() => formatDate('2023-02-29', 'en-US')).message).toMatch(/date must be a calendar date/);
  });
});
