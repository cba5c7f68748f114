import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isDomainError } from '../../common/domain-error.js';
import { compileWildcard, normaliseReference } from './matching.text.js';

describe('normaliseReference', () => {
  it.each([
    ['INV-1002', 'INV1002'],
    ['inv 1002', 'INV1002'],
    [' Inv - 10 02 ', 'INV1002'],
    ['inv\t1002\n', 'INV1002'],
    ['RF18 5390-0754', 'RF1853900754'],
    ['a/b.c', 'A/B.C'],
    ['', ''],
  ])('%j -> %j', (text, expected) => {
    expect(normaliseReference(text)).toBe(expected);
  });
});

describe('compileWildcard', () => {
  it.each([
    ['STRIPE*', 'STRIPE PAYMENTS EUROPE', true],
    ['STRIPE*', 'stripe', true],
    ['STRIPE*', 'PAYPAL STRIPE', false],
    ['*STRIPE*', 'PAYPAL STRIPE LTD', true],
    ['INV-????', 'inv-1002', true],
    ['INV-????', 'INV-10023', false],
    ['INV-????', 'INV-102', false],
    ['*', '', true],
    ['a**b', 'ab', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    // Regex characters are literal.
    ['a.c', 'abc', false],
    ['a.c', 'A.C', true],
    ['(x)+[y]{2}|$^\\', '(X)+[Y]{2}|$^\\', true],
    ['?', 'é', true],
    ['?', '😀', true],
    ['PO_*', 'po_1PzX', true],
  ])('%j on %j -> %j', (pattern, text, expected) => {
    expect(compileWildcard(pattern).test(text)).toBe(expected);
  });

  it('describes itself as an anchored, escaped regex that agrees with test()', () => {
    const matcher = compileWildcard('a.b*c?');
    expect(matcher.regexSource).toBe('^A\\.B[\\s\\S]*C[\\s\\S]$');
    const regex = new RegExp(matcher.regexSource, 'u');
    for (const text of ['A.BC1', 'A.BXXCY', 'AXBC1', 'A.BC']) expect(regex.test(text)).toBe(matcher.test(text.toLowerCase()));
  });

  it('does not backtrack exponentially on hostile input (a regex with these stars would take ages)', () => {
    const matcher = compileWildcard('*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b');
    expect(matcher.test('a'.repeat(5_000))).toBe(false);
    expect(matcher.test(`${'a'.repeat(5_000)}b`)).toBe(true);
  });

  it.each([[''], ['x'.repeat(101)]])('refuses the pattern %j with VALIDATION_FAILED', (pattern) => {
    let thrown: unknown;
    try {
      compileWildcard(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(isDomainError(thrown) && thrown.code === 'VALIDATION_FAILED').toBe(true);
  });

  it('accepts a 100-character pattern', () => {
    expect(compileWildcard('x'.repeat(100)).test('X'.repeat(100))).toBe(true);
  });

  it('agrees with an independent recursive matcher on random patterns and texts', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', '-', '.');
    const patternChar = fc.oneof(alphabet, fc.constant('*'), fc.constant('?'));
    fc.assert(
      fc.property(fc.array(patternChar, { minLength: 1, maxLength: 8 }), fc.array(alphabet, { maxLength: 10 }), (pattern, text) => {
        expect(compileWildcard(pattern.join('')).test(text.join(''))).toBe(referenceMatch(pattern.join('').toUpperCase(), text.join('').toUpperCase()));
      }),
      { numRuns: 2_000 },
    );
  });
});

/** The textbook definition, exponential but obviously right: the oracle for small inputs. */
function referenceMatch(pattern: string, text: string): boolean {
  if (pattern === '') return text === '';
  const [head, rest] = [pattern[0], pattern.slice(1)];
  if (head === '*') return referenceMatch(rest, text) || (text !== '' && referenceMatch(pattern, text.slice(1)));
  if (text === '') return false;
  return (head === '?' || head === text[0]) && referenceMatch(rest, text.slice(1));
}
