import { AuditInputError, isHash } from './hashing.js';
import { EMPTY_ROOT_HASH, nodeHash } from './merkle.js';

/**
 * The right edge of a growing RFC 6962 tree (a "compact range" over [0, size)): one hash per perfect subtree, one
 * for each set bit of `size`, largest first. Appending a leaf merges equal-sized subtrees like a binary counter, so
 * memory is O(log n) and the root of every size is available without re-reading the leaves. The state (size plus
 * hashes) is what a log persists between appends.
 */
export class MerkleFrontier {
  private readonly subtrees: Buffer[];
  private count: number;

  private constructor(size: number, subtrees: Buffer[]) {
    this.count = size;
    this.subtrees = subtrees;
  }

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Restores a frontier saved with `size` and `hashes()`; throws when the hash count is not the number of set bits of size. */
  static restore(size: number, hashes: readonly Buffer[]): MerkleFrontier {
    if (!Number.isSafeInteger(size) || size < 0) throw new AuditInputError(`size must be a non-negative safe integer, got ${size}`);
    const expected = bitCount(size);
    if (hashes.length !== expected || !hashes.every(isHash)) {
      throw new AuditInputError(`a frontier of size ${size} holds ${expected} hashes of 32 bytes, got ${hashes.length}`);
    }
    return new MerkleFrontier(size, hashes.map((hash) => Buffer.from(hash)));
  }

  get size(): number {
    return this.count;
  }

  /** The perfect-subtree hashes, largest (leftmost) first: copies, safe to store. */
  hashes(): Buffer[] {
    return this.subtrees.map((hash) => Buffer.from(hash));
  }

  /** Adds the next leaf (its leaf hash, `leafHash(data)`). */
  append(leaf: Buffer): void {
    if (!isHash(leaf)) throw new AuditInputError('a leaf hash must be 32 bytes');
    let hash: Buffer = Buffer.from(leaf);
    // Each trailing 1 bit of the old size is a perfect subtree as tall as the one being carried: merge them.
    for (let size = this.count; size % 2 === 1; size = Math.floor(size / 2)) hash = nodeHash(this.subtrees.pop() as Buffer, hash);
    this.subtrees.push(hash);
    this.count += 1;
  }

  /** The tree's root: the subtrees folded from the right (RFC 9162 section 2.1.1 splits at the largest power of two). */
  root(): Buffer {
    if (this.subtrees.length === 0) return Buffer.from(EMPTY_ROOT_HASH);
    let root = this.subtrees[this.subtrees.length - 1] as Buffer;
    for (let index = this.subtrees.length - 2; index >= 0; index -= 1) root = nodeHash(this.subtrees[index] as Buffer, root);
    return Buffer.from(root);
  }
}

function bitCount(value: number): number {
  let count = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}
