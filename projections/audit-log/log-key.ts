import type { Position } from '../../libs/event-store/src/index.js';

/**
 * A log position as text that sorts like the position: commit and prepare, each zero-padded to the twenty digits of
 * an unsigned 64-bit number. The audit log keys and orders its rows by it rather than by the numeric position columns
 * because every tenant table is under row-level security, where only leakproof operators may become index conditions:
 * text comparison is leakproof, numeric comparison is not. On numeric columns a keyset page (`position > cursor`)
 * would be a filter over the tenant's whole index; on this key it is a range read.
 */
export function logKeyOf(position: Position): string {
  return `${position.commit.toString().padStart(20, '0')}${position.prepare.toString().padStart(20, '0')}`;
}
