import { InvalidPositionError } from './event-store.errors.js';
import type { Position } from './event-store.port.js';

export const START_POSITION: Position = Object.freeze({ commit: 0n, prepare: 0n });

export function comparePositions(left: Position, right: Position): -1 | 0 | 1 {
  if (left.commit !== right.commit) return left.commit < right.commit ? -1 : 1;
  if (left.prepare !== right.prepare) return left.prepare < right.prepare ? -1 : 1;
  return 0;
}

export function maxPosition(left: Position, right: Position): Position {
  return comparePositions(left, right) >= 0 ? left : right;
}

/** Serialises a position as a cursor string `<commit>.<prepare>` (both unsigned decimal integers). */
export function encodePosition(position: Position): string {
  return `${position.commit}.${position.prepare}`;
}

const POSITION_PATTERN = /^(0|[1-9]\d{0,19})\.(0|[1-9]\d{0,19})$/;
const MAX_UNSIGNED_64 = (1n << 64n) - 1n;

export function decodePosition(cursor: string): Position {
  const match = POSITION_PATTERN.exec(cursor);
  if (!match) throw new InvalidPositionError(cursor);
  const commit = BigInt(match[1] as string);
  const prepare = BigInt(match[2] as string);
  if (commit > MAX_UNSIGNED_64 || prepare > MAX_UNSIGNED_64) throw new InvalidPositionError(cursor);
  return { commit, prepare };
}
