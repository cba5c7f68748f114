import { AuditInputError, isHash } from './hashing.js';
import { EMPTY_ROOT_HASH, nodeHash } from './merkle.js';

/**
 * RFC 6962 roots and proofs from STORED perfect-subtree nodes instead of an array of every leaf hash. A log keeps the
 * hash of every complete subtree it has built (node (level, index) = MTH of leaves [index * 2^level, (index + 1) *
 * 2^level)); any subtree the RFC algorithms need is then the right fold of at most log2(n) + 1 such nodes, so a root
 * or a proof costs O(log^2 n) node reads, which the caller fetches in one query: first ask which coordinates are
 * needed (`rootNodes`, `inclusionProofNodes`, `consistencyProofNodes`), load them, then assemble (`rootFromNodes`,
 * `inclusionProofFromNodes`, `consistencyProofFromNodes`). The results equal merkle.ts's array-based ones byte for byte.
 */

/** A perfect subtree: 2^level leaves starting at leaf index * 2^level. Level 0 nodes are the leaf hashes. */
export interface NodeCoordinate {
  readonly level: number;
  readonly index: number;
}

export interface StoredNode extends NodeCoordinate {
  readonly hash: Buffer;
}

/** The stored hash of a node; throws when the store lacks it (a programming or storage error, never an empty answer). */
export type NodeLookup = (node: NodeCoordinate) => Buffer;

/** A map key for a coordinate. */
export function nodeKey(node: NodeCoordinate): string {
  return `${node.level}:${node.index}`;
}

/** A NodeLookup over loaded nodes, refusing (AuditInputError) a coordinate that was not loaded or a hash that is not 32 bytes. */
export function nodeLookupOf(nodes: Iterable<StoredNode>): NodeLookup {
  const byKey = new Map<string, Buffer>();
  for (const node of nodes) byKey.set(nodeKey(node), node.hash);
  return (node) => {
    const hash = byKey.get(nodeKey(node));
    if (!isHash(hash)) throw new AuditInputError(`the Merkle node at level ${node.level}, index ${node.index} is missing`);
    return hash;
  };
}

function requireRange(start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new AuditInputError(`[${start}, ${end}) is not a range of leaf indexes`);
  }
}

/**
 * The decomposition of leaves [start, end) into maximal aligned perfect subtrees, left to right: each step takes the
 * tallest node that starts at the current leaf (aligned) and ends within the range. For a range that is a subtree of
 * the RFC tree (start a multiple of a power of two >= its size: [0, n) and every range the proofs visit) the sizes
 * strictly decrease, and the range's MTH is the right fold of these nodes' hashes.
 */
export function perfectSubtrees(start: number, end: number): NodeCoordinate[] {
  requireRange(start, end);
  const nodes: NodeCoordinate[] = [];
  let at = start;
  while (at < end) {
    let level = 0;
    // Grow while the next size is still aligned at `at` and still fits.
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level += 1;
    nodes.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return nodes;
}

/** MTH(D[start:end]) from its perfect subtrees, folded from the right (EMPTY_ROOT_HASH for an empty range). */
export function subtreeHashFromNodes(start: number, end: number, lookup: NodeLookup): Buffer {
  const nodes = perfectSubtrees(start, end);
  if (nodes.length === 0) return Buffer.from(EMPTY_ROOT_HASH);
  let hash = lookup(nodes[nodes.length - 1] as NodeCoordinate);
  for (let index = nodes.length - 2; index >= 0; index -= 1) hash = nodeHash(lookup(nodes[index] as NodeCoordinate), hash);
  return hash;
}

/** A leaf range [start, end) whose MTH is one element of a proof. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function requireSize(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new AuditInputError(`${name} must be a non-negative safe integer, got ${value}`);
}

/** The leaf ranges of PATH(index, D[size]) (RFC 9162 section 2.1.3.1), leaf to root: one MTH per proof element. */
export function inclusionProofRanges(leafIndex: number, treeSize: number): LeafRange[] {
  requireSize(treeSize, 'treeSize');
  requireSize(leafIndex, 'leafIndex');
  if (leafIndex >= treeSize) throw new AuditInputError(`leafIndex ${leafIndex} is not in a tree of size ${treeSize}`);
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = treeSize;
  let m = leafIndex;
  // Root to leaf, then reversed: the proof lists siblings from the leaf up.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
      m -= k;
    }
  }
  return ranges.reverse();
}

/** The leaf ranges of PROOF(m, D[n]) (RFC 9162 section 2.1.4.1), in proof order; none for m = 0 or m = n. */
export function consistencyProofRanges(m: number, n: number): LeafRange[] {
  requireSize(m, 'm');
  requireSize(n, 'n');
  if (m > n) throw new AuditInputError(`a tree of size ${m} cannot precede one of size ${n}`);
  if (m === 0 || m === n) return [];
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = n;
  let size = m;
  let complete = true;
  // SUBPROOF(m, D[start:end], b) walks down one side; the elements it appends come out deepest first.
  const suffix: LeafRange[] = [];
  for (;;) {
    const count = end - start;
    if (size === count) {
      if (!complete) ranges.push({ start, end });
      break;
    }
    const k = splitPoint(count);
    if (size <= k) {
      suffix.push({ start: start + k, end });
      end = start + k;
    } else {
      suffix.push({ start, end: start + k });
      start += k;
      size -= k;
      complete = false;
    }
  }
  return [...ranges, ...suffix.reverse()];
}

function distinctNodes(ranges: readonly LeafRange[]): NodeCoordinate[] {
  const nodes = new Map<string, NodeCoordinate>();
  for (const range of ranges) for (const node of perfectSubtrees(range.start, range.end)) nodes.set(nodeKey(node), node);
  return [...nodes.values()];
}

/** The nodes whose hashes give the root of the tree of `treeSize` leaves (none for size 0). */
export function rootNodes(treeSize: number): NodeCoordinate[] {
  requireSize(treeSize, 'treeSize');
  return perfectSubtrees(0, treeSize);
}

/** The root of the tree of `treeSize` leaves; EMPTY_ROOT_HASH for size 0. */
export function rootFromNodes(treeSize: number, lookup: NodeLookup): Buffer {
  requireSize(treeSize, 'treeSize');
  return subtreeHashFromNodes(0, treeSize, lookup);
}

/** Every node an inclusion proof of `leafIndex` in the tree of `treeSize` needs, without repeats. */
export function inclusionProofNodes(leafIndex: number, treeSize: number): NodeCoordinate[] {
  return distinctNodes(inclusionProofRanges(leafIndex, treeSize));
}

/** Every node a consistency proof from size m to size n needs, without repeats (none for m = 0 or m = n). */
export function consistencyProofNodes(m: number, n: number): NodeCoordinate[] {
  return distinctNodes(consistencyProofRanges(m, n));
}

/** inclusionProof(leafIndex, treeSize, leaves) of merkle.ts, from stored nodes. */
export function inclusionProofFromNodes(leafIndex: number, treeSize: number, lookup: NodeLookup): Buffer[] {
  return inclusionProofRanges(leafIndex, treeSize).map((range) => subtreeHashFromNodes(range.start, range.end, lookup));
}

/** consistencyProof(m, n, leaves) of merkle.ts, from stored nodes. */
export function consistencyProofFromNodes(m: number, n: number, lookup: NodeLookup): Buffer[] {
  return consistencyProofRanges(m, n).map((range) => subtreeHashFromNodes(range.start, range.end, lookup));
}

/** What appending leaves to a stored tree produces: every new node (the leaves at level 0 included) and the new right edge. */
export interface MerkleAppend {
  readonly treeSize: number;
  /** In creation order: each leaf, then the parents it completes. */
  readonly nodes: StoredNode[];
  /** The perfect subtrees of [0, treeSize), largest first: the `rootNodes(treeSize)` with their hashes. */
  readonly frontier: StoredNode[];
  readonly root: Buffer;
}

/**
 * Appends leaf hashes to a tree of `treeSize` leaves whose right edge is `frontier` (the hashes of rootNodes(treeSize),
 * largest first, as stored). Each leaf completes its parent when it is a right child, and so on up, like a binary
 * counter, so the new nodes are exactly those of complete subtrees that now exist and did not before.
 */
export function appendLeaves(treeSize: number, frontier: readonly Buffer[], leaves: readonly Buffer[]): MerkleAppend {
  const expected = rootNodes(treeSize);
  if (frontier.length !== expected.length || !frontier.every(isHash)) {
    throw new AuditInputError(`a tree of size ${treeSize} has a right edge of ${expected.length} hashes of 32 bytes, got ${frontier.length}`);
  }
  const stack: StoredNode[] = expected.map((node, index) => ({ ...node, hash: frontier[index] as Buffer }));
  const nodes: StoredNode[] = [];
  let size = treeSize;
  for (const leaf of leaves) {
    if (!isHash(leaf)) throw new AuditInputError('a leaf hash must be 32 bytes');
    let node: StoredNode = { level: 0, index: size, hash: Buffer.from(leaf) };
    nodes.push(node);
    // A right child (odd index) completes its parent with the left sibling on top of the stack.
    while (node.index % 2 === 1) {
      const left = stack.pop() as StoredNode;
      node = { level: node.level + 1, index: (node.index - 1) / 2, hash: nodeHash(left.hash, node.hash) };
      nodes.push(node);
    }
    stack.push(node);
    size += 1;
  }
  let root: Buffer = Buffer.from(EMPTY_ROOT_HASH);
  if (stack.length > 0) {
    root = (stack[stack.length - 1] as StoredNode).hash;
    for (let index = stack.length - 2; index >= 0; index -= 1) root = nodeHash((stack[index] as StoredNode).hash, root);
  }
  return { treeSize: size, nodes, frontier: stack, root };
}
