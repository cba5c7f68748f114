import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AuditInputError } from './hashing.js';
import { consistencyProof, EMPTY_ROOT_HASH, inclusionProof, leafHash, nodeHash, rootHash, verifyConsistency, verifyInclusion } from './merkle.js';
import {
  appendLeaves,
  consistencyProofFromNodes,
  consistencyProofNodes,
  inclusionProofFromNodes,
  inclusionProofNodes,
  type NodeCoordinate,
  nodeKey,
  nodeLookupOf,
  perfectSubtrees,
  rootFromNodes,
  rootNodes,
  type StoredNode,
} from './merkle-nodes.js';

const LEAVES: readonly Buffer[] = Array.from({ length: 300 }, (_, index) => leafHash(Buffer.from(`event chain hash ${index}`)));

/** Every perfect node of the first `size` leaves, built straight from the definition (not through appendLeaves). */
function allNodes(size: number): StoredNode[] {
  const nodes: StoredNode[] = [];
  let level: Buffer[] = LEAVES.slice(0, size).map((leaf) => Buffer.from(leaf));
  for (let height = 0; level.length > 0; height += 1) {
    level.forEach((hash, index) => nodes.push({ level: height, index, hash }));
    const parents: Buffer[] = [];
    for (let index = 0; index + 1 < level.length; index += 2) parents.push(nodeHash(level[index] as Buffer, level[index + 1] as Buffer));
    level = parents;
  }
  return nodes;
}

/** A lookup that only answers the coordinates it was told the caller would ask for, as a one-query loader does. */
function restrictedLookup(size: number, wanted: readonly NodeCoordinate[]) {
  const keys = new Set(wanted.map(nodeKey));
  return nodeLookupOf(allNodes(size).filter((node) => keys.has(nodeKey(node))));
}

const SMALL_SIZES = Array.from({ length: 65 }, (_, size) => size);

describe('perfectSubtrees', () => {
  it.each([
    [0, 0, []],
    [0, 1, [[0, 0]]],
    [0, 7, [[2, 0], [1, 2], [0, 6]]],
    [0, 8, [[3, 0]]],
    [8, 13, [[2, 2], [0, 12]]],
    [3, 9, [[0, 3], [2, 1], [0, 8]]],
  ])('decomposes [%i, %i) into aligned perfect subtrees, left to right', (start, end, expected) => {
    expect(perfectSubtrees(start, end).map((node) => [node.level, node.index])).toEqual(expected);
  });

  it('covers the range exactly, each node aligned, for every range within 64 leaves', () => {
    for (let start = 0; start <= 64; start += 1) {
      for (let end = start; end <= 64; end += 1) {
        let at = start;
        for (const node of perfectSubtrees(start, end)) {
          expect(node.index * 2 ** node.level).toBe(at);
          at += 2 ** node.level;
        }
        expect(at).toBe(end);
      }
    }
  });

  it.each([
    [-1, 2],
    [3, 2],
    [0.5, 2],
  ])('refuses [%p, %p)', (start, end) => {
    expect(() => perfectSubtrees(start, end)).toThrow(AuditInputError);
  });
});

describe('roots and proofs from stored nodes equal the array-based ones', () => {
  it.each(SMALL_SIZES)('size %i: the root from its right edge', (size) => {
    expect(rootFromNodes(size, restrictedLookup(size, rootNodes(size)))).toEqual(rootHash(LEAVES, size));
  });

  it('every inclusion proof of every tree up to 64 leaves, and it verifies', () => {
    for (const size of SMALL_SIZES) {
      const root = rootHash(LEAVES, size);
      for (let index = 0; index < size; index += 1) {
        const proof = inclusionProofFromNodes(index, size, restrictedLookup(size, inclusionProofNodes(index, size)));
        expect(proof).toEqual(inclusionProof(index, size, LEAVES));
        expect(verifyInclusion(LEAVES[index] as Buffer, index, size, proof, root)).toBe(true);
      }
    }
  });

  it('every consistency proof between trees up to 64 leaves, and it verifies', () => {
    for (const n of SMALL_SIZES) {
      for (let m = 0; m <= n; m += 1) {
        const proof = consistencyProofFromNodes(m, n, restrictedLookup(n, consistencyProofNodes(m, n)));
        expect(proof).toEqual(consistencyProof(m, n, LEAVES));
        expect(verifyConsistency(m, n, rootHash(LEAVES, m), rootHash(LEAVES, n), proof)).toBe(true);
      }
    }
  });

  it('needs O(log^2 n) nodes, not the leaves: at most (log2 n + 1)^2 for any proof up to 300 leaves', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n }))),
        ([n, index, m]) => {
          const bound = (Math.ceil(Math.log2(n)) + 1) ** 2;
          expect(inclusionProofNodes(index, n).length).toBeLessThanOrEqual(bound);
          expect(consistencyProofNodes(m, n).length).toBeLessThanOrEqual(bound);
        },
      ),
    );
  });

  it('random sizes up to 300 (fast-check): proofs equal the array-based ones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n }))),
        ([n, index, m]) => {
          const lookup = nodeLookupOf(allNodes(n));
          expect(inclusionProofFromNodes(index, n, lookup)).toEqual(inclusionProof(index, n, LEAVES));
          expect(consistencyProofFromNodes(m, n, lookup)).toEqual(consistencyProof(m, n, LEAVES));
          expect(rootFromNodes(n, lookup)).toEqual(rootHash(LEAVES, n));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a node the caller did not load, rather than proving with a wrong hash', () => {
    expect(() => inclusionProofFromNodes(3, 8, nodeLookupOf([]))).toThrow(/level \d+, index \d+ is missing/);
  });

  it('refuses an index beyond the tree and m > n, like the array-based generators', () => {
    expect(() => inclusionProofNodes(8, 8)).toThrow(AuditInputError);
    expect(() => consistencyProofNodes(9, 8)).toThrow(AuditInputError);
    expect(consistencyProofNodes(0, 8)).toEqual([]);
    expect(consistencyProofNodes(8, 8)).toEqual([]);
  });
});

describe('appendLeaves', () => {
  it('from empty, creates exactly the perfect nodes of the tree, with the right root and right edge', () => {
    for (const size of SMALL_SIZES) {
      const appended = appendLeaves(0, [], LEAVES.slice(0, size));
      const byKey = (nodes: readonly StoredNode[]) => new Map(nodes.map((node) => [nodeKey(node), node.hash.toString('hex')]));
      expect(byKey(appended.nodes)).toEqual(byKey(allNodes(size)));
      expect(appended.nodes).toHaveLength(allNodes(size).length);
      expect(appended.root).toEqual(rootHash(LEAVES, size));
      expect(appended.frontier.map(({ level, index }) => ({ level, index }))).toEqual(rootNodes(size));
      expect(appended.treeSize).toBe(size);
    }
    expect(appendLeaves(0, [], []).root).toEqual(EMPTY_ROOT_HASH);
  });

  it('in any split of the leaves into batches, gives the same nodes as one append (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 }), (batches) => {
        let size = 0;
        let frontier: Buffer[] = [];
        const nodes: StoredNode[] = [];
        for (const count of batches) {
          const appended = appendLeaves(size, frontier, LEAVES.slice(size, size + count));
          nodes.push(...appended.nodes);
          expect(appended.root).toEqual(rootHash(LEAVES, size + count));
          size = appended.treeSize;
          frontier = appended.frontier.map((node) => node.hash);
        }
        const all = allNodes(size);
        expect(nodes).toHaveLength(all.length);
        expect(new Map(nodes.map((node) => [nodeKey(node), node.hash.toString('hex')]))).toEqual(new Map(all.map((node) => [nodeKey(node), node.hash.toString('hex')])));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a right edge that does not fit the size, and a leaf that is not 32 bytes', () => {
    expect(() => appendLeaves(3, [LEAVES[0] as Buffer], [])).toThrow(/right edge of 2 hashes/);
    expect(() => appendLeaves(0, [], [Buffer.alloc(31)])).toThrow(AuditInputError);
  });
});
