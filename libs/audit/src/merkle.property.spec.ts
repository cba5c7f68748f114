import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { consistencyProof, inclusionProof, leafHash, rootHash, verifyConsistency, verifyInclusion } from './merkle.js';
import { MerkleFrontier } from './merkle-frontier.js';

const LEAVES: readonly Buffer[] = Array.from({ length: 300 }, (_, index) => leafHash(Buffer.from(`event chain hash ${index}`)));

/** A copy of `hashes` with bit `bit` (0..255) of element `element` flipped. */
function flip(hashes: readonly Buffer[], element: number, bit: number): Buffer[] {
  return hashes.map((hash, index) => {
    if (index !== element) return hash;
    const copy = Buffer.from(hash);
    copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
    return copy;
  });
}

const sizes = fc.integer({ min: 1, max: 300 });

describe('Merkle proofs over random trees of up to 300 leaves', () => {
  it('an inclusion proof verifies, and a single flipped bit in the leaf, the root or the proof is rejected', () => {
    fc.assert(
      fc.property(
        sizes.chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }), fc.nat(), fc.integer({ min: 0, max: 255 }))),
        ([size, index, pick, bit]) => {
          const root = rootHash(LEAVES, size);
          const proof = inclusionProof(index, size, LEAVES);
          expect(verifyInclusion(LEAVES[index] as Buffer, index, size, proof, root)).toBe(true);
          // inputs = [leaf, root, ...proof]; flip one bit of one of them.
          const inputs = flip([LEAVES[index] as Buffer, root, ...proof], pick % (proof.length + 2), bit);
          expect(verifyInclusion(inputs[0] as Buffer, index, size, inputs.slice(2), inputs[1] as Buffer)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a consistency proof for m <= n verifies, and a single flipped bit in a checked root or the proof is rejected', () => {
    fc.assert(
      fc.property(
        sizes.chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n), fc.nat(), fc.integer({ min: 0, max: 255 }))),
        ([m, n, pick, bit]) => {
          const rootM = rootHash(LEAVES, m);
          const rootN = rootHash(LEAVES, n);
          const proof = consistencyProof(m, n, LEAVES);
          expect(verifyConsistency(m, n, rootM, rootN, proof)).toBe(true);
          expect(verifyConsistency(n, m, rootN, rootM, proof)).toBe(m === n);
          // The empty tree is a prefix of every tree whatever roots are claimed (as in transparency-dev/merkle): nothing to flip.
          if (m === 0) return;
          const inputs = flip([rootM, rootN, ...proof], pick % (proof.length + 2), bit);
          expect(verifyConsistency(m, n, inputs[0] as Buffer, inputs[1] as Buffer, inputs.slice(2))).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a consistency proof is rejected for any other pair of sizes', () => {
    fc.assert(
      fc.property(
        sizes.chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n), fc.integer({ min: 1, max: 300 }))),
        ([m, n, other]) => {
          fc.pre(other !== m);
          const proof = consistencyProof(m, n, LEAVES);
          expect(verifyConsistency(other, n, rootHash(LEAVES, Math.min(other, n)), rootHash(LEAVES, n), proof)).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('MerkleFrontier', () => {
  it('has the root of rootHash after every append, for every size 0..200', () => {
    const frontier = MerkleFrontier.empty();
    for (let size = 0; size <= 200; size += 1) {
      if (size > 0) frontier.append(LEAVES[size - 1] as Buffer);
      expect(frontier.size).toBe(size);
      expect(frontier.root().equals(rootHash(LEAVES, size))).toBe(true);
      // O(log n) memory: one hash per set bit of the size.
      expect(frontier.hashes()).toHaveLength(size.toString(2).replaceAll('0', '').length);
    }
  });

  it('restored from its size and hashes, goes on to the same roots', () => {
    const original = MerkleFrontier.empty();
    LEAVES.slice(0, 37).forEach((leaf) => original.append(leaf));
    const restored = MerkleFrontier.restore(original.size, original.hashes());
    LEAVES.slice(37, 100).forEach((leaf) => {
      original.append(leaf);
      restored.append(leaf);
    });
    expect(restored.size).toBe(100);
    expect(restored.root().equals(rootHash(LEAVES, 100))).toBe(true);
    expect(restored.hashes()).toEqual(original.hashes());
  });

  it('hands out copies, so a caller cannot change its state', () => {
    const frontier = MerkleFrontier.empty();
    frontier.append(LEAVES[0] as Buffer);
    frontier.hashes()[0]?.fill(0);
    frontier.root().fill(0);
    expect(frontier.root().equals(LEAVES[0] as Buffer)).toBe(true);
  });

  it.each([
    ['a hash too many', 4, [LEAVES[0], LEAVES[1]]],
    ['a hash too few', 7, [LEAVES[0], LEAVES[1]]],
    ['a short hash', 1, [Buffer.alloc(31)]],
    ['a negative size', -1, []],
    ['a fractional size', 1.5, [LEAVES[0]]],
  ] as const)('refuses to restore from %s', (_description, size, hashes) => {
    expect(() => MerkleFrontier.restore(size, hashes as readonly Buffer[])).toThrow();
  });

  it('refuses a leaf hash that is not 32 bytes, and stays unchanged', () => {
    const frontier = MerkleFrontier.empty();
    expect(() => frontier.append(Buffer.from('not a hash'))).toThrow('32 bytes');
    expect(frontier.size).toBe(0);
  });
});
