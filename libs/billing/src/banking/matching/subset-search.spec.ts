import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { searchSubset, type SubsetResult, type SubsetSearch } from './subset-search.js';

/** Every subset, one by one: the oracle (only usable for small inputs). */
function bruteForce(search: SubsetSearch): SubsetResult {
  const { amounts, target, minimum, maximum, sizeMin, sizeMax } = search;
  let best: { distance: bigint; size: number; indices: number[]; sum: bigint } | null = null;
  let count = 0;
  for (let mask = 1; mask < 1 << amounts.length; mask += 1) {
    const indices = amounts.map((_, index) => index).filter((index) => (mask & (1 << index)) !== 0);
    const sum = indices.reduce((total, index) => total + (amounts[index] ?? 0n), 0n);
    if (indices.length < sizeMin || indices.length > sizeMax || sum < minimum || sum > maximum) continue;
    const distance = sum > target ? sum - target : target - sum;
    if (best === null || distance < best.distance || (distance === best.distance && indices.length < best.size)) {
      best = { distance, size: indices.length, indices, sum };
      count = 1;
    } else if (distance === best.distance && indices.length === best.size) {
      count += 1;
    }
  }
  if (best === null) return { kind: 'none' };
  return count > 1 ? { kind: 'ambiguous' } : { kind: 'unique', indices: best.indices, sum: best.sum };
}

const search = (amounts: number[], target: number, minimum = target, maximum = target, sizeMin = 2, sizeMax = 12): SubsetSearch => ({
  amounts: amounts.map(BigInt),
  target: BigInt(target),
  minimum: BigInt(minimum),
  maximum: BigInt(maximum),
  sizeMin,
  sizeMax,
});

describe('searchSubset', () => {
  it('finds the exact subset', () => {
    expect(searchSubset(search([12000, 4550, 31000, 20000], 47550))).toEqual({ kind: 'unique', indices: [0, 1, 2], sum: 47550n });
  });

  it('prefers the smallest difference, then the fewest members', () => {
    // 100 + 200 = 300 (distance 0, 2 members) beats 50 + 250 + ... and 100 + 150 + 50 = 300 (3 members).
    expect(searchSubset(search([100, 200, 150, 50], 300, 250, 350))).toEqual({ kind: 'unique', indices: [0, 1], sum: 300n });
    // Nothing sums to 300 exactly: 290 (distance 10) beats 320 (distance 20).
    expect(searchSubset(search([90, 200, 120], 300, 250, 350))).toEqual({ kind: 'unique', indices: [0, 1], sum: 290n });
  });

  it('is ambiguous when two different subsets are equally good', () => {
    expect(searchSubset(search([100, 200, 100], 300))).toEqual({ kind: 'ambiguous' });
    // 290 and 310 are both 10 away.
    expect(searchSubset(search([90, 200, 110], 300, 280, 320))).toEqual({ kind: 'ambiguous' });
  });

  it('stays within the bounds and the sizes', () => {
    expect(searchSubset(search([100, 250], 300, 300, 340))).toEqual({ kind: 'none' }); // 350 is above the maximum
    expect(searchSubset(search([100, 250], 300, 300, 350))).toEqual({ kind: 'unique', indices: [0, 1], sum: 350n });
    expect(searchSubset(search([100, 150], 300, 260, 300))).toEqual({ kind: 'none' }); // 250 is below the minimum
    expect(searchSubset(search([300, 1], 300))).toEqual({ kind: 'none' }); // a single member is not a subset of 2..12
    expect(searchSubset(search([100, 100, 100], 300, 300, 300, 2, 2))).toEqual({ kind: 'none' });
  });

  it('gives up beyond 24 candidates', () => {
    expect(searchSubset(search(Array.from({ length: 25 }, (_, index) => index + 1), 3))).toEqual({ kind: 'too_many_candidates' });
  });

  it('searches 24 candidates by meet-in-the-middle (2 x 2^12 half subsets, not 2^24)', () => {
    // Powers of two: every sum is reached by exactly one subset, so the 12 largest (sum = 2^24 - 2^12) are the only answer.
    const amounts = Array.from({ length: 24 }, (_, index) => 2 ** index);
    const target = 2 ** 24 - 2 ** 12;
    const result = searchSubset(search(amounts, target));
    expect(result).toEqual({ kind: 'unique', indices: Array.from({ length: 12 }, (_, index) => index + 12), sum: BigInt(target) });
    // 13 members would be needed: beyond the size bound.
    expect(searchSubset(search(amounts, 2 ** 24 - 2 ** 11))).toEqual({ kind: 'none' });
  });

  it('agrees with brute force on random inputs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 0, maxLength: 12 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 8 }),
        (amounts, target, below, above, sizeMin, extra) => {
          const input = search(amounts, target, target - below, target + above, sizeMin, sizeMin + extra);
          expect(searchSubset(input)).toEqual(bruteForce(input));
        },
      ),
      { numRuns: 1_500 },
    );
  });

  it('works on amounts beyond the safe integer range of numbers (exact bigint sums)', () => {
    const big = 99_999_999_999_999_999n; // 10^12 - 0.00001 at five decimals, in minor units
    const result = searchSubset({ amounts: [big, big - 1n, 7n], target: 2n * big - 1n, minimum: 2n * big - 1n, maximum: 2n * big - 1n, sizeMin: 2, sizeMax: 12 });
    expect(result).toEqual({ kind: 'unique', indices: [0, 1], sum: 2n * big - 1n });
  });
});
