import { AuditInputError, hashesEqual, isHash, sha256 } from './hashing.js';

/**
 * RFC 6962 / RFC 9162 (section 2.1) Merkle tree hashing with SHA-256. The functions take LEAF HASHES (already
 * `leafHash(data)`), so a log stores 32 bytes per leaf and never re-reads the leaf data to build proofs. Tree sizes
 * and indexes are non-negative safe integers (2^53 leaves is beyond any tenant's log).
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256 of the empty string (RFC 9162 section 2.1.1). */
export const EMPTY_ROOT_HASH: Buffer = sha256();

/** MTH({d}) = SHA-256(0x00 || d): the leaf prefix keeps a leaf from being passed off as an inner node (second preimage). */
export function leafHash(data: Buffer | Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, data);
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

function requireSize(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new AuditInputError(`${name} must be a non-negative safe integer, got ${value}`);
}

function requireLeafHashes(leaves: readonly Buffer[], treeSize: number): void {
  requireSize(treeSize, 'treeSize');
  if (treeSize > leaves.length) throw new AuditInputError(`treeSize ${treeSize} exceeds the ${leaves.length} leaves given`);
}

/** The largest power of two strictly smaller than n (n >= 2): the split point k of RFC 9162 section 2.1.1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) over leaf hashes. */
function subtreeHash(leaves: readonly Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT_HASH;
  if (n === 1) return leaves[start] as Buffer;
  const k = splitPoint(n);
  return nodeHash(subtreeHash(leaves, start, start + k), subtreeHash(leaves, start + k, end));
}

/** The Merkle Tree Hash of the first `treeSize` leaf hashes (all of them by default); EMPTY_ROOT_HASH for none. */
export function rootHash(leafHashes: readonly Buffer[], treeSize: number = leafHashes.length): Buffer {
  requireLeafHashes(leafHashes, treeSize);
  return subtreeHash(leafHashes, 0, treeSize);
}

/**
 * The audit path PATH(m, D[n]) of RFC 9162 section 2.1.3.1 (RFC 6962 section 2.1.1), leaf to root, for leaf
 * `leafIndex` in the tree of the first `treeSize` leaf hashes. Throws for leafIndex >= treeSize.
 */
export function inclusionProof(leafIndex: number, treeSize: number, leafHashes: readonly Buffer[]): Buffer[] {
  requireLeafHashes(leafHashes, treeSize);
  requireSize(leafIndex, 'leafIndex');
  if (leafIndex >= treeSize) throw new AuditInputError(`leafIndex ${leafIndex} is not in a tree of size ${treeSize}`);
  const path = (m: number, start: number, end: number): Buffer[] => {
    const n = end - start;
    if (n <= 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, start, start + k), subtreeHash(leafHashes, start + k, end)]
      : [...path(m - k, start + k, end), subtreeHash(leafHashes, start, start + k)];
  };
  return path(leafIndex, 0, treeSize);
}

/**
 * The consistency proof PROOF(m, D[n]) of RFC 9162 section 2.1.4.1 (RFC 6962 section 2.1.2) between the trees of
 * the first m and the first n leaf hashes. Empty when m is 0 or m equals n. Throws for m > n.
 */
export function consistencyProof(m: number, n: number, leafHashes: readonly Buffer[]): Buffer[] {
  requireLeafHashes(leafHashes, n);
  requireSize(m, 'm');
  if (m > n) throw new AuditInputError(`a tree of size ${m} cannot precede one of size ${n}`);
  if (m === 0 || m === n) return [];
  const subproof = (size: number, start: number, end: number, complete: boolean): Buffer[] => {
    const count = end - start;
    if (size === count) return complete ? [] : [subtreeHash(leafHashes, start, end)];
    const k = splitPoint(count);
    return size <= k
      ? [...subproof(size, start, start + k, complete), subtreeHash(leafHashes, start + k, end)]
      : [...subproof(size - k, start + k, end, false), subtreeHash(leafHashes, start, start + k)];
  };
  return subproof(m, 0, n, true);
}

const isOdd = (value: number): boolean => value % 2 === 1;
const half = (value: number): number => Math.floor(value / 2);

function validSize(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function validProof(proof: readonly Buffer[]): boolean {
  return Array.isArray(proof) && proof.every(isHash);
}

/**
 * RFC 9162 section 2.1.3.2: does `proof` show that `leaf` (a leaf hash) is leaf `leafIndex` of the tree of size
 * `treeSize` whose root is `root`? Never throws: any malformed input (index >= size, a hash that is not 32 bytes,
 * a proof too short or too long) is simply false.
 */
export function verifyInclusion(leaf: Buffer, leafIndex: number, treeSize: number, proof: readonly Buffer[], root: Buffer): boolean {
  if (!validSize(leafIndex) || !validSize(treeSize) || leafIndex >= treeSize) return false;
  if (!isHash(leaf) || !isHash(root) || !validProof(proof)) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashesEqual(r, root);
}

/**
 * RFC 9162 section 2.1.4.2: does `proof` show that the tree of size `m` with root `rootM` is a prefix of the tree of
 * size `n` with root `rootN`? m = n needs an empty proof and equal roots; m = 0 needs an empty proof (the empty tree
 * is a prefix of every tree). Never throws; m > n, a 32-byte rule broken, a short or long proof are false.
 */
export function verifyConsistency(m: number, n: number, rootM: Buffer, rootN: Buffer, proof: readonly Buffer[]): boolean {
  if (!validSize(m) || !validSize(n) || m > n) return false;
  if (!isHash(rootM) || !isHash(rootN) || !validProof(proof)) return false;
  if (m === n) return proof.length === 0 && hashesEqual(rootM, rootN);
  if (m === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  // Step 1: when m is a power of two the old root is itself a node of the new tree, and the proof omits it.
  const path = isPowerOfTwo(m) ? [rootM, ...proof] : [...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Buffer;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashesEqual(fr, rootM) && hashesEqual(sr, rootN);
}

function isPowerOfTwo(value: number): boolean {
  let v = value;
  while (v > 1 && v % 2 === 0) v /= 2;
  return v === 1;
}

