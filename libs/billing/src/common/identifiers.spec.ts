import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { identifierLimits, identifierProblem, requireIdentifier, requireRecordedIdentifier } from './validation.js';

describe('requireIdentifier: the alphabet and length of every id', () => {
  it.each([
    ['a UUID', '6f3c1f52-8d0e-4b7a-9d4e-2b1b8a0c5e11'],
    ['a prefixed external id', 'cus_NffrFeUfNV2Hib'],
    ['dots, colons and dashes', 'INV:2024.000001-a'],
    ['one character', 'a'],
    ['128 characters', 'a'.repeat(128)],
  ])('accepts %s', (_case, id) => {
    expect(requireIdentifier(id, 'customerId')).toBe(id);
  });

  it.each([
    ['ESC', '\u001b[2J', /U\+001B/],
    ['CR', 'cus\r1', /U\+000D/],
    ['LF', 'cus\n1', /U\+000A/],
    ['a right-to-left override', 'cus\u202E1', /U\+202E/],
    ['a zero-width space', 'cus\u200B1', /U\+200B/],
    ['a space inside', 'cus 1', /U\+0020/],
    ['a leading punctuation mark', '-cus', /must start with a letter or a digit/],
    ['a non-ASCII letter', 'clïent', /U\+00EF/],
    ['surrounding whitespace', ' cus-1 ', /must not start or end with whitespace/],
    ['an empty string', '', /is required/],
    ['129 characters', 'a'.repeat(129), /at most 128 characters \(got 129\)/],
    ['a number', 42, /is required and must be a non-empty string/],
  ])('refuses %s with VALIDATION_FAILED naming the field', (_case, id, message) => {
    let thrown: unknown;
    try {
      requireIdentifier(id, 'customerId');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('VALIDATION_FAILED');
    expect((thrown as DomainError).message).toMatch(/^customerId /);
    expect((thrown as DomainError).message).toMatch(message);
    expect((thrown as DomainError).details).toEqual({ field: 'customerId' });
  });

  it('is defined once: identifierProblem and the pattern agree', () => {
    expect(identifierLimits.lengthMax).toBe(128);
    expect(identifierProblem('cus-1')).toBeNull();
    expect(identifierProblem('cus\u200B')).toMatch(/U\+200B/);
  });

  it('ids recorded before the alphabet existed stay readable by the read side', () => {
    expect(requireRecordedIdentifier('\u001b[2J', 'customerId')).toBe('\u001b[2J');
    expect(() => requireRecordedIdentifier('', 'customerId')).toThrow(/customerId is required/);
  });
});
