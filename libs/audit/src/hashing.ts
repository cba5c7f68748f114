import { createHash, timingSafeEqual } from 'node:crypto';

/** Every hash in the audit log is SHA-256: 32 bytes. */
export const HASH_LENGTH = 32;

/** SHA-256 of the concatenation of the parts (no separators: callers choose fixed-length or prefixed parts). */
export function sha256(...parts: readonly (Buffer | Uint8Array)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export function isHash(value: unknown): value is Buffer {
  return Buffer.isBuffer(value) && value.length === HASH_LENGTH;
}

/** Constant-time equality of two hashes; false (not a throw) when either is not a 32-byte buffer. */
export function hashesEqual(left: unknown, right: unknown): boolean {
  return isHash(left) && isHash(right) && timingSafeEqual(left, right);
}

/** Thrown when a caller hands the audit functions something they cannot hash or prove (a programming error, not an attack). */
export class AuditInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditInputError';
  }
}
