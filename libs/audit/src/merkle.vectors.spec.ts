import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { consistencyProof, EMPTY_ROOT_HASH, inclusionProof, leafHash, rootHash, verifyConsistency, verifyInclusion } from './merkle.js';
import { MerkleFrontier } from './merkle-frontier.js';

/*
 * Test vectors copied (data only) from the transparency-dev/merkle repository (Apache-2.0):
 * - testonly/constants.go: LeafInputs, NodeHashes, RootHashes, CompactTrees, EmptyRootHash;
 * - proof/verify_test.go: inclusionProofs, consistencyProofs (leaf numbers there are 1-based; converted to 0-based
 *   indexes here) and the corruption probes of corruptInclusionProof / corruptConsistencyProof, TestVerifyInclusion,
 *   TestVerifyInclusionSingleEntry and TestVerifyConsistency.
 */
const h = (hex: string): Buffer => Buffer.from(hex, 'hex');

const LEAF_INPUTS: readonly Buffer[] = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(h);

/** NodeHashes()[level][index]: the hashes of every complete subtree of the 8-leaf tree. */
const NODE_HASHES: readonly (readonly Buffer[])[] = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ].map(h),
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ].map(h),
  ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'].map(h),
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'].map(h),
];

/** RootHashes()[size] for sizes 0..8. */
const ROOT_HASHES: readonly Buffer[] = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(h);

const node = (level: number, index: number): Buffer => NODE_HASHES[level]?.[index] as Buffer;

/** CompactTrees()[size]: the right-edge subtree hashes of each size, largest first. */
const COMPACT_TREES: readonly (readonly Buffer[])[] = [
  [],
  [node(0, 0)],
  [node(1, 0)],
  [node(1, 0), node(0, 2)],
  [node(2, 0)],
  [node(2, 0), node(0, 4)],
  [node(2, 0), node(1, 2)],
  [node(2, 0), node(1, 2), node(0, 6)],
  [node(3, 0)],
];

const SOME_HASH = h('abacaba000000000000000000000000000000000000000000060061e00123456');
const EMPTY_TREE_HASH = h('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

interface InclusionVector {
  readonly index: number;
  readonly size: number;
  readonly proof: readonly Buffer[];
}

const INCLUSION_PROOFS: readonly InclusionVector[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ].map(h),
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(h),
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'].map(h) },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ].map(h),
  },
];

interface ConsistencyVector {
  readonly m: number;
  readonly n: number;
  readonly proof: readonly Buffer[];
}

const CONSISTENCY_PROOFS: readonly ConsistencyVector[] = [
  { m: 1, n: 1, proof: [] },
  {
    m: 1,
    n: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ].map(h),
  },
  {
    m: 6,
    n: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(h),
  },
  { m: 2, n: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'].map(h) },
  {
    m: 6,
    n: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(h),
  },
];

const LEAF_HASHES: readonly Buffer[] = LEAF_INPUTS.map((input) => leafHash(input));
const root = (size: number): Buffer => ROOT_HASHES[size] as Buffer;

function flipBit(proof: readonly Buffer[], element: number, mask: number): Buffer[] {
  return proof.map((hash, index) => {
    if (index !== element) return hash;
    const copy = Buffer.from(hash);
    copy[0] = (copy[0] as number) ^ mask;
    return copy;
  });
}

describe('RFC 6962 hashes of the transparency-dev/merkle test leaves', () => {
  it('the empty tree hashes to SHA-256 of the empty string', () => {
    expect(EMPTY_ROOT_HASH.equals(EMPTY_TREE_HASH)).toBe(true);
    expect(EMPTY_ROOT_HASH.equals(createHash('sha256').update('').digest())).toBe(true);
    expect(rootHash([]).equals(root(0))).toBe(true);
  });

  it('leafHash(input) = SHA-256(0x00 || input) gives the published level-0 node hashes', () => {
    expect(LEAF_HASHES.map((hash) => hash.toString('hex'))).toEqual(NODE_HASHES[0]?.map((hash) => hash.toString('hex')));
  });

  it.each(ROOT_HASHES.map((_, size) => size))('the root of the first %i leaves is the published one', (size) => {
    expect(rootHash(LEAF_HASHES, size).toString('hex')).toBe(root(size).toString('hex'));
    expect(rootHash(LEAF_HASHES.slice(0, size)).toString('hex')).toBe(root(size).toString('hex'));
  });

  it('the inner nodes of the 8-leaf tree are the published NodeHashes', () => {
    for (let level = 1; level < NODE_HASHES.length; level += 1) {
      const width = 2 ** level;
      (NODE_HASHES[level] ?? []).forEach((hash, index) => {
        expect(rootHash(LEAF_HASHES.slice(index * width, (index + 1) * width)).toString('hex')).toBe(hash.toString('hex'));
      });
    }
  });

  it('the frontier after each of the 8 appends holds the published CompactTrees hashes and root', () => {
    const frontier = MerkleFrontier.empty();
    for (let size = 0; size <= 8; size += 1) {
      if (size > 0) frontier.append(LEAF_HASHES[size - 1] as Buffer);
      expect(frontier.size).toBe(size);
      expect(frontier.hashes().map((hash) => hash.toString('hex'))).toEqual(COMPACT_TREES[size]?.map((hash) => hash.toString('hex')));
      expect(frontier.root().toString('hex')).toBe(root(size).toString('hex'));
    }
  });
});

describe('published inclusion proofs', () => {
  it.each(INCLUSION_PROOFS.map((vector) => [vector.index, vector.size, vector] as const))('leaf %i of %i: generated identically and verified', (index, size, vector) => {
    const generated = inclusionProof(index, size, LEAF_HASHES);
    expect(generated.map((hash) => hash.toString('hex'))).toEqual(vector.proof.map((hash) => hash.toString('hex')));
    expect(verifyInclusion(LEAF_HASHES[index] as Buffer, index, size, vector.proof, root(size))).toBe(true);
  });

  it.each(INCLUSION_PROOFS.map((vector) => [vector.index, vector.size, vector] as const))(
    'leaf %i of %i: every corruption of corruptInclusionProof is rejected',
    (index, size, vector) => {
      const leaf = LEAF_HASHES[index] as Buffer;
      const proof = vector.proof;
      const probes: [string, number, number, Buffer, Buffer, readonly Buffer[]][] = [
        ['leafIndex - 1', index - 1, size, root(size), leaf, proof],
        ['leafIndex + 1', index + 1, size, root(size), leaf, proof],
        ['leafIndex ^ 2', index ^ 2, size, root(size), leaf, proof],
        ['treeSize * 2', index, size * 2, root(size), leaf, proof],
        ['treeSize / 2', index, Math.floor(size / 2), root(size), leaf, proof],
        ['wrong leaf', index, size, root(size), Buffer.from('WrongLeaf'), proof],
        ['wrong leaf of the right length', index, size, root(size), leafHash(Buffer.from('WrongLeaf')), proof],
        ['empty root', index, size, EMPTY_TREE_HASH, leaf, proof],
        ['random root', index, size, SOME_HASH, leaf, proof],
        ['trailing garbage', index, size, root(size), leaf, [...proof, Buffer.alloc(0)]],
        ['trailing root', index, size, root(size), leaf, [...proof, root(size)]],
        ['preceding garbage', index, size, root(size), leaf, [Buffer.alloc(0), ...proof]],
        ['preceding root', index, size, root(size), leaf, [root(size), ...proof]],
        ...proof.map((_, element): [string, number, number, Buffer, Buffer, readonly Buffer[]] => [
          `modified proof[${element}] bit 3`,
          index,
          size,
          root(size),
          leaf,
          flipBit(proof, element, 8),
        ]),
      ];
      if (proof.length > 0) probes.push(['removed component', index, size, root(size), leaf, proof.slice(0, -1)]);
      if (proof.length > 1) probes.push(['inserted component', index, size, root(size), leaf, [proof[0] as Buffer, SOME_HASH, ...proof.slice(1)]]);
      const accepted = probes.filter(([, i, s, r, l, p]) => verifyInclusion(l, i, s, p, r)).map(([description]) => description);
      expect(accepted).toEqual([]);
    },
  );

  it('TestVerifyInclusionSingleEntry: in a 1-leaf tree root and leaf are equal and the proof is empty', () => {
    const hash = leafHash(Buffer.from('data'));
    expect(verifyInclusion(hash, 0, 1, [], hash)).toBe(true);
    expect(verifyInclusion(Buffer.alloc(0), 0, 1, [], hash)).toBe(false);
    expect(verifyInclusion(hash, 0, 1, [], Buffer.alloc(0))).toBe(false);
    expect(verifyInclusion(Buffer.alloc(0), 0, 1, [], Buffer.alloc(0))).toBe(false);
  });

  it.each([
    [0, 0],
    [0, 1],
    [1, 0],
    [2, 1],
  ])('TestVerifyInclusion: index %i, size %i with an empty proof and a wrong root or leaf is rejected', (index, size) => {
    expect(verifyInclusion(SOME_HASH, index, size, [], Buffer.alloc(0))).toBe(false);
    expect(verifyInclusion(Buffer.alloc(0), index, size, [], EMPTY_TREE_HASH)).toBe(false);
    expect(verifyInclusion(SOME_HASH, index, size, [], EMPTY_TREE_HASH)).toBe(false);
  });

  it('index >= size is refused by the generator and by the verifier', () => {
    expect(() => inclusionProof(8, 8, LEAF_HASHES)).toThrow('not in a tree of size 8');
    expect(() => inclusionProof(0, 0, LEAF_HASHES)).toThrow('not in a tree of size 0');
    expect(() => inclusionProof(0, 9, LEAF_HASHES)).toThrow('exceeds the 8 leaves');
    expect(verifyInclusion(LEAF_HASHES[7] as Buffer, 8, 8, inclusionProof(7, 8, LEAF_HASHES), root(8))).toBe(false);
  });
});

describe('published consistency proofs', () => {
  it.each(CONSISTENCY_PROOFS.map((vector) => [vector.m, vector.n, vector] as const))('%i -> %i: generated identically and verified', (m, n, vector) => {
    const generated = consistencyProof(m, n, LEAF_HASHES);
    expect(generated.map((hash) => hash.toString('hex'))).toEqual(vector.proof.map((hash) => hash.toString('hex')));
    expect(verifyConsistency(m, n, root(m), root(n), vector.proof)).toBe(true);
  });

  it.each(CONSISTENCY_PROOFS.filter((vector) => vector.proof.length > 0).map((vector) => [vector.m, vector.n, vector] as const))(
    '%i -> %i: every corruption of corruptConsistencyProof is rejected',
    (m, n, vector) => {
      const proof = vector.proof;
      const root1 = root(m);
      const root2 = root(n);
      const wrongRoot = Buffer.from('WrongRoot');
      const probes: [string, number, number, Buffer, Buffer, readonly Buffer[]][] = [
        ['size1 - 1', m - 1, n, root1, root2, proof],
        ['size1 + 1', m + 1, n, root1, root2, proof],
        ['size1 ^ 2', m ^ 2, n, root1, root2, proof],
        ['size2 * 2', m, n * 2, root1, root2, proof],
        ['size2 / 2', m, Math.floor(n / 2), root1, root2, proof],
        ['wrong root1', m, n, wrongRoot, root2, proof],
        ['wrong root2', m, n, root1, wrongRoot, proof],
        ['wrong root1 of the right length', m, n, SOME_HASH, root2, proof],
        ['wrong root2 of the right length', m, n, root1, SOME_HASH, proof],
        ['swapped roots', m, n, root2, root1, proof],
        ['empty proof', m, n, root1, root2, []],
        ['trailing garbage', m, n, root1, root2, [...proof, Buffer.alloc(0)]],
        ['trailing root1', m, n, root1, root2, [...proof, root1]],
        ['trailing root2', m, n, root1, root2, [...proof, root2]],
        ['preceding garbage', m, n, root1, root2, [Buffer.alloc(0), ...proof]],
        ['preceding root1', m, n, root1, root2, [root1, ...proof]],
        ['preceding root2', m, n, root1, root2, [root2, ...proof]],
        ['preceding proof[0]', m, n, root1, root2, [proof[0] as Buffer, ...proof]],
        ['truncated proof', m, n, root1, root2, proof.slice(0, -1)],
        ...proof.map((_, element): [string, number, number, Buffer, Buffer, readonly Buffer[]] => [
          `modified proof[${element}] bit 4`,
          m,
          n,
          root1,
          root2,
          flipBit(proof, element, 16),
        ]),
      ];
      const accepted = probes.filter(([, s1, s2, r1, r2, p]) => verifyConsistency(s1, s2, r1, r2, p)).map(([description]) => description);
      expect(accepted).toEqual([]);
    },
  );

  // TestVerifyConsistency uses 12-byte "don't care" roots; this verifier refuses any root that is not 32 bytes, so
  // 32-byte stand-ins are used and the cases stay the same.
  const root1 = createHash('sha256').update("don't care 1").digest();
  const root2 = createHash('sha256').update("don't care 2").digest();
  it.each([
    ['0 -> 0, different roots', 0, 0, root1, root2, [], false],
    ['1 -> 1, different roots', 1, 1, root1, root2, [], false],
    ['0 -> 0, same roots', 0, 0, root1, root1, [], true],
    ['0 -> 1, empty proof', 0, 1, root1, root2, [], true],
    ['1 -> 1, same roots', 1, 1, root2, root2, [], true],
    ['time travel 1 -> 0', 1, 0, root1, root2, [], false],
    ['time travel 2 -> 1', 2, 1, root1, root2, [], false],
    ['1 -> 2 with an empty proof', 1, 2, root1, root2, [], false],
    ['0 -> 0, roots differ', 0, 0, EMPTY_TREE_HASH, root2, [], false],
    ['1 -> 1, roots differ', 1, 1, EMPTY_TREE_HASH, root2, [], false],
    ['0 -> 0, roots match but the proof is not empty', 0, 0, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH], false],
    ['0 -> 1, roots match but the proof is not empty', 0, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH], false],
    ['1 -> 1, roots match but the proof is not empty', 1, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH], false],
  ] as const)('TestVerifyConsistency: %s', (_description, m, n, rootM, rootN, proof, valid) => {
    expect(verifyConsistency(m, n, rootM, rootN, proof)).toBe(valid);
  });

  it('m > n is refused by the generator and by the verifier', () => {
    expect(() => consistencyProof(5, 4, LEAF_HASHES)).toThrow('cannot precede');
    expect(verifyConsistency(5, 4, root(5), root(4), consistencyProof(4, 5, LEAF_HASHES))).toBe(false);
  });
});
