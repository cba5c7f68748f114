import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type KeyedLine, lineKeys } from './line-keys.js';

const line = (overrides: Partial<KeyedLine> = {}): KeyedLine => ({ bookingDate: '2026-03-09', amount: '-3.50', reference: null, bankTransactionId: null, ...overrides });
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('lineKeys', () => {
  it("uses the bank's transaction id when the file gives one", () => {
    expect(lineKeys('ba_1', [line({ bankTransactionId: 'FIT-77' })])).toEqual(['tx:FIT-77']);
  });

  it('hashes account|date|amount|reference|occurrence otherwise, a missing reference written as empty', () => {
    expect(lineKeys('ba_1', [line(), line({ reference: 'INV-1' })])).toEqual([
      `h:${sha256('ba_1|2026-03-09|-3.50||1')}`,
      `h:${sha256('ba_1|2026-03-09|-3.50|INV-1|1')}`,
    ]);
  });

  it('numbers equal (date, amount, reference) lines of one file: two identical coffees are two keys', () => {
    const keys = lineKeys('ba_1', [line(), line(), line({ bookingDate: '2026-03-10' }), line()]);
    expect(keys).toEqual([
      `h:${sha256('ba_1|2026-03-09|-3.50||1')}`,
      `h:${sha256('ba_1|2026-03-09|-3.50||2')}`,
      `h:${sha256('ba_1|2026-03-10|-3.50||1')}`,
      `h:${sha256('ba_1|2026-03-09|-3.50||3')}`,
    ]);
  });

  it('differs between bank accounts for the same line', () => {
    expect(lineKeys('ba_1', [line()])).not.toEqual(lineKeys('ba_2', [line()]));
  });

  const day = fc.constantFrom('2026-03-01', '2026-03-02', '2026-03-03');
  const keyedLine = fc.record({
    bookingDate: day,
    amount: fc.constantFrom('-3.50', '10.00', '0.01'),
    reference: fc.constantFrom(null, 'A', 'A|1', 'B'),
    bankTransactionId: fc.constant(null),
  });

  it('gives distinct keys to every line of a file and the same keys to the same file again', () => {
    fc.assert(
      fc.property(fc.array(keyedLine, { maxLength: 40 }), (lines) => {
        const keys = lineKeys('ba_1', lines);
        expect(new Set(keys).size).toBe(lines.length);
        expect(lineKeys('ba_1', lines.map((each) => ({ ...each })))).toEqual(keys);
      }),
    );
  });

  it('gives the lines of a day the same keys in any statement that lists that whole day (overlapping imports add nothing)', () => {
    fc.assert(
      fc.property(fc.array(keyedLine, { maxLength: 40 }), (lines) => {
        const whole = lineKeys('ba_1', lines);
        // A shorter statement: only the days up to the 2nd, in the same order.
        const shorter = lines.filter((each) => each.bookingDate <= '2026-03-02');
        const wholeKeysOfThoseDays = whole.filter((_key, index) => (lines[index] as KeyedLine).bookingDate <= '2026-03-02');
        expect(lineKeys('ba_1', shorter)).toEqual(wholeKeysOfThoseDays);
      }),
    );
  });
});
