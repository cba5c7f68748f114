import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson (the fast RFC 8785 path) gives the canonicalize package text', () => {
  it('on arbitrary JSON values, including index-like keys, unicode keys and nesting', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '9', '01', '-1', 'é', '\u{1F600}', 'a', 'B', '_'));
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(key, tie('value'), { maxKeys: 6 }),
      ),
    }));
    fc.assert(
      fc.property(json.value, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2_000, seed: 8785 },
    );
  });

  it('sorts by UTF-16 code units and keeps the RFC 8785 number forms', () => {
    expect(canonicalJson({ b: 1, a: [1e21, 1e-7, -0, 0.1], '\u20ac': 'x', '\u{1F600}': 'y', é: 'z' })).toBe(
      '{"a":[1e+21,1e-7,0,0.1],"b":1,"é":"z","€":"x","\u{1F600}":"y"}',
    );
    expect(canonicalJson({ 10: 'ten', 9: 'nine', x: { 2: 'b', 1: 'a' } })).toBe('{"10":"ten","9":"nine","x":{"1":"a","2":"b"}}');
  });

  it.each([
    ['NaN', { a: Number.NaN }, /NaN/],
    ['Infinity', { a: [Number.POSITIVE_INFINITY] }, /Infinity/],
    ['a lone surrogate in a value', { a: 'x\ud800' }, /surrogate/i],
    ['a lone surrogate in a key', { ['\udc00']: 1 }, /surrogate/i],
  ])('refuses %s as canonicalize does', (_label, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
    expect(() => canonicalize(value)).toThrow();
  });

  it('leaves toJSON objects and cycles to canonicalize', () => {
    const at = new Date('2026-12-07T00:00:00.000Z');
    expect(canonicalJson({ at })).toBe(canonicalize({ at }));
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/Circular/);
  });
});
