import { describe, expect, it } from '@jest/globals';
import { findIllFormedText, textProblem } from './well-formed-text.js';

describe('textProblem', () => {
  it.each([['plain'], [''], ['émoji 💸 and CJK 請求書'], ['\t\n control characters other than NUL'], ['\ud83d\udcb8']])('accepts %j', (value) => {
    expect(textProblem(value)).toBeUndefined();
  });

  it.each([
    ['a\u0000b', /NUL/],
    ['\ud800', /surrogate/],
    ['x\udc00', /surrogate/],
    ['\udc00\ud800', /surrogate/],
    ['\ud83d', /surrogate/],
  ])('refuses %j', (value, message) => {
    expect(textProblem(value)).toMatch(message);
  });
});

describe('findIllFormedText', () => {
  it('names the path of the first bad string, in values and in keys', () => {
    expect(findIllFormedText({ input: { lines: [{ description: 'ok' }, { description: 'a\u0000' }] } }, 'variables')).toBe('variables.input.lines.1.description contains a NUL character (U+0000)');
    expect(findIllFormedText({ input: { ['k\ud800']: 1 } }, 'variables')).toMatch(/^a key of variables.input contains a lone UTF-16 surrogate/);
    expect(findIllFormedText({ a: [1, true, null, 'fine'] }, 'variables')).toBeUndefined();
  });

  it('walks a value nested 100,000 deep without exhausting the stack', () => {
    let value: unknown = 'a\u0000';
    for (let depth = 0; depth < 100_000; depth += 1) value = [value];
    expect(findIllFormedText(value, 'v')).toMatch(/NUL/);
  });
});
