import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { formatDocumentNumber, sequencePeriodKey } from './document-number.format.js';

const january2024 = { prefix: 'INV', year: 2024, month: 1, sequence: 1 };

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof DomainError ? error.code : `not a DomainError: ${String(error)}`;
  }
  return undefined;
}

describe('formatDocumentNumber', () => {
  it.each([
    ['{prefix}-{year}-{sequence:06d}', 'INV-2024-000001'],
    ['{prefix}/{year}/{sequence:04d}', 'INV/2024/0001'],
    ['{prefix}-{sequence:08d}', 'INV-00000001'],
    ['{year}{month:02d}-{sequence:04d}', '202401-0001'],
    ['{prefix}_{year}_{month:02d}_{sequence:04d}', 'INV_2024_01_0001'],
  ])('%s -> %s', (template, expected) => {
    expect(formatDocumentNumber(template, january2024)).toBe(expected);
  });

  it('writes {month} and {sequence} without padding, and {month:02d} padded', () => {
    expect(formatDocumentNumber('{prefix}{year}.{month}.{sequence}', { ...january2024, month: 3, sequence: 42 })).toBe('INV2024.3.42');
    expect(formatDocumentNumber('{year}-{month:02d}-{sequence:01d}', { ...january2024, month: 12, sequence: 7 })).toBe('2024-12-7');
    expect(formatDocumentNumber('R{sequence:012d}', { ...january2024, sequence: 123 })).toBe('R000000000123');
  });

  it('never cuts a sequence that outgrows its width, so numbers stay unique', () => {
    expect(formatDocumentNumber('{prefix}-{year}-{sequence:06d}', { ...january2024, sequence: 1_234_567 })).toBe('INV-2024-1234567');
  });

  it.each([
    ['an unknown placeholder', '{prefix}-{number}', /unknown placeholder \{number\}/],
    ['a padding width of 0', '{sequence:00d}', /unknown placeholder \{sequence:00d\}/],
    ['a padding width over 12', '{sequence:013d}', /unknown placeholder/],
    ['a padding without the leading 0', '{sequence:6d}', /unknown placeholder/],
    ['a padded year', '{year:04d}-{sequence}', /unknown placeholder \{year:04d\}/],
    ['no {sequence}', '{prefix}-{year}', /must name \{sequence\} exactly once \(found 0\)/],
    ['{sequence} twice', '{sequence}-{sequence}', /exactly once \(found 2\)/],
    ['an unmatched brace', '{prefix-{sequence}', /unknown placeholder|unmatched/],
    ['a stray closing brace', '{prefix}}-{sequence}', /unmatched "\}"/],
    ['{month} without {year}', '{month:02d}-{sequence:04d}', /names \{month\} without \{year\}/],
    ['an empty template', '', /template is required/],
    ['an over-long template', `${'x'.repeat(100)}{sequence}`, /at most 100 characters/],
  ])('rejects %s with VALIDATION_FAILED', (_case, template, message) => {
    expect(() => formatDocumentNumber(template, january2024)).toThrow(message);
    expect(codeOf(() => formatDocumentNumber(template, january2024))).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['a month of 13', { month: 13 }, /month must be an integer from 1 to 12/],
    ['a year of 99', { year: 99 }, /year must be an integer from 1000 to 9999/],
    ['a sequence of 0', { sequence: 0 }, /sequence must be an integer from 1/],
    ['a prefix with a space', { prefix: 'IN V' }, /prefix must be a string/],
    ['a prefix over 32 characters', { prefix: 'P'.repeat(33) }, /at most 32 characters/],
  ])('rejects %s with VALIDATION_FAILED', (_case, values, message) => {
    const format = () => formatDocumentNumber('{prefix}-{year}-{sequence:06d}', { ...january2024, ...values });
    expect(format).toThrow(message);
    expect(codeOf(format)).toBe('VALIDATION_FAILED');
  });
});

describe('sequencePeriodKey', () => {
  it.each([
    ['{prefix}-{sequence:08d}', 'all'],
    ['{prefix}-{year}-{sequence:06d}', '2024'],
    ['{prefix}/{year}/{sequence:04d}', '2024'],
    ['{year}{month:02d}-{sequence:04d}', '2024-03'],
    ['{prefix}_{year}_{month}_{sequence:04d}', '2024-03'],
  ])('%s -> %s', (template, expected) => {
    expect(sequencePeriodKey(template, { year: 2024, month: 3 })).toBe(expected);
  });

  it('validates the template and the period like formatDocumentNumber', () => {
    expect(codeOf(() => sequencePeriodKey('{prefix}', { year: 2024, month: 3 }))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => sequencePeriodKey('{sequence}', { year: 2024, month: 0 }))).toBe('VALIDATION_FAILED');
  });
});
