/**
 * Exact subset-sum for one-to-many and many-to-one matching, on integer minor units (bigint: no float, no rounding).
 * A payout of 24 candidate payments has 2^24 subsets; meet-in-the-middle enumerates 2 x 2^12 half-subsets instead,
 * sorts one half by sum per subset size and binary-searches it for each subset of the other half.
 */

/** At most this many candidates are searched; beyond it the engine gives up (no match) rather than guess. */
export const subsetCandidatesMax = 24;
export const subsetSizeMin = 2;
export const subsetSizeMax = 12;

export interface SubsetSearch {
  /** Candidate amounts in minor units, all > 0, at most `subsetCandidatesMax`. */
  readonly amounts: readonly bigint[];
  /** The sum a perfect match has (difference 0). */
  readonly target: bigint;
  /** Inclusive bounds of an acceptable sum (the tolerance); `minimum <= target <= maximum`. */
  readonly minimum: bigint;
  readonly maximum: bigint;
  readonly sizeMin: number;
  readonly sizeMax: number;
}

/**
 * `unique`: exactly one subset has the best (smallest |sum - target|, then fewest members) key; `ambiguous`: several
 * do, so nobody may pick one; `none`: no subset is within the bounds; `too_many_candidates`: the search was not run.
 */
export type SubsetResult =
  | { readonly kind: 'unique'; readonly indices: readonly number[]; readonly sum: bigint }
  | { readonly kind: 'ambiguous' }
  | { readonly kind: 'none' }
  | { readonly kind: 'too_many_candidates' };

interface HalfSubset {
  readonly sum: bigint;
  readonly mask: number;
}

export function searchSubset(search: SubsetSearch): SubsetResult {
  const { amounts, target, minimum, maximum, sizeMin, sizeMax } = search;
  if (amounts.length > subsetCandidatesMax) return { kind: 'too_many_candidates' };
  if (minimum > target || target > maximum || sizeMin < 1 || sizeMax < sizeMin) throw new Error('searchSubset: inconsistent bounds');
  const total = amounts.reduce((sum, amount) => sum + amount, 0n);
  if (amounts.length < sizeMin || total < minimum) return { kind: 'none' };

  const half = Math.floor(amounts.length / 2);
  const left = amounts.slice(0, half);
  const right = amounts.slice(half);
  const rightBySize = enumerateBySize(right);

  let bestDistance = -1n;
  let bestSize = 0;
  let bestCount = 0;
  let bestLeftMask = 0;
  let bestRightMask = 0;
  let bestSum = 0n;

  const consider = (distance: bigint, size: number, count: number, leftMask: number, rightMask: number, sum: bigint): void => {
    if (bestCount === 0 || distance < bestDistance || (distance === bestDistance && size < bestSize)) {
      bestDistance = distance;
      bestSize = size;
      bestCount = count;
      bestLeftMask = leftMask;
      bestRightMask = rightMask;
      bestSum = sum;
    } else if (distance === bestDistance && size === bestSize) {
      bestCount += count;
    }
  };

  const leftSubsets = 1 << left.length;
  for (let leftMask = 0; leftMask < leftSubsets; leftMask += 1) {
    const leftSize = popCount(leftMask);
    if (leftSize > sizeMax) continue;
    const leftSum = sumOf(left, leftMask);
    if (leftSum > maximum) continue;
    const rest = target - leftSum;
    for (let rightSize = Math.max(0, sizeMin - leftSize); rightSize <= Math.min(right.length, sizeMax - leftSize); rightSize += 1) {
      const bucket = rightBySize[rightSize];
      if (bucket === undefined || bucket.length === 0) continue;
      const at = lowerBound(bucket, rest);
      // The nearest sums at or above the rest, and the nearest below it: the best of this size for this left subset.
      const above = bucket[at];
      if (above !== undefined && leftSum + above.sum <= maximum) {
        const count = runLength(bucket, at, 1);
        consider(above.sum - rest, leftSize + rightSize, count, leftMask, above.mask, leftSum + above.sum);
      }
      const below = bucket[at - 1];
      if (below !== undefined && leftSum + below.sum >= minimum) {
        const count = runLength(bucket, at - 1, -1);
        consider(rest - below.sum, leftSize + rightSize, count, leftMask, below.mask, leftSum + below.sum);
      }
    }
  }
  if (bestCount === 0) return { kind: 'none' };
  if (bestCount > 1) return { kind: 'ambiguous' };
  const indices: number[] = [];
  for (let index = 0; index < left.length; index += 1) if ((bestLeftMask & (1 << index)) !== 0) indices.push(index);
  for (let index = 0; index < right.length; index += 1) if ((bestRightMask & (1 << index)) !== 0) indices.push(half + index);
  return { kind: 'unique', indices, sum: bestSum };
}

function enumerateBySize(amounts: readonly bigint[]): HalfSubset[][] {
  const bySize: HalfSubset[][] = Array.from({ length: amounts.length + 1 }, () => []);
  const sums: bigint[] = new Array<bigint>(1 << amounts.length).fill(0n);
  for (let mask = 1; mask < 1 << amounts.length; mask += 1) {
    // The sum of a mask is the sum without its lowest bit plus that bit's amount.
    const lowest = mask & -mask;
    sums[mask] = (sums[mask ^ lowest] ?? 0n) + (amounts[31 - Math.clz32(lowest)] ?? 0n);
  }
  sums.forEach((sum, mask) => bySize[popCount(mask)]?.push({ sum, mask }));
  for (const bucket of bySize) bucket.sort((a, b) => (a.sum < b.sum ? -1 : a.sum > b.sum ? 1 : a.mask - b.mask));
  return bySize;
}

/** First index whose sum is >= value (bucket.length when none). */
function lowerBound(bucket: readonly HalfSubset[], value: bigint): number {
  let low = 0;
  let high = bucket.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((bucket[middle]?.sum ?? 0n) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** How many neighbours from `start` (walking by `step`) have the same sum: equal sums are equally good. */
function runLength(bucket: readonly HalfSubset[], start: number, step: 1 | -1): number {
  const sum = bucket[start]?.sum;
  let count = 0;
  for (let index = start; bucket[index] !== undefined && bucket[index]?.sum === sum; index += step) count += 1;
  return count;
}

function sumOf(amounts: readonly bigint[], mask: number): bigint {
  let sum = 0n;
  for (let index = 0; index < amounts.length; index += 1) if ((mask & (1 << index)) !== 0) sum += amounts[index] ?? 0n;
  return sum;
}

function popCount(mask: number): number {
  let count = 0;
  for (let rest = mask; rest !== 0; rest &= rest - 1) count += 1;
  return count;
}
