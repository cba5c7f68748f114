import { validationFailed } from '../common/validation.js';

/**
 * A place in the event log as the API shows it (`<commit>.<prepare>`, the event store's cursor form). The domain
 * treats it as an opaque, ordered value: webhook feeds start after one, replays go back to one. `0` is accepted as
 * the start of the log ("replay everything").
 */
export const LOG_START = '0.0';

const POSITION = /^(0|[1-9]\d{0,19})\.(0|[1-9]\d{0,19})$/;
const MAX_UNSIGNED_64 = (1n << 64n) - 1n;

export function isLogPosition(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = POSITION.exec(value);
  return match !== null && BigInt(match[1] as string) <= MAX_UNSIGNED_64 && BigInt(match[2] as string) <= MAX_UNSIGNED_64;
}

/** A position given by a caller: `<commit>.<prepare>`, or `0` for the start of the log. VALIDATION_FAILED otherwise. */
export function requireLogPosition(value: unknown, field: string): string {
  if (value === '0') return LOG_START;
  if (!isLogPosition(value)) throw validationFailed(`${field} must be a log position "<commit>.<prepare>" (a mutation's position) or "0" for the start of the log`, { field });
  return value;
}

/** Negative when `a` comes before `b` in the log. */
export function compareLogPositions(a: string, b: string): number {
  const [commitA, prepareA] = partsOf(a);
  const [commitB, prepareB] = partsOf(b);
  if (commitA !== commitB) return commitA < commitB ? -1 : 1;
  return prepareA === prepareB ? 0 : prepareA < prepareB ? -1 : 1;
}

function partsOf(position: string): [bigint, bigint] {
  if (!isLogPosition(position)) throw new Error(`not a log position: ${JSON.stringify(position)}`);
  const [commit, prepare] = position.split('.') as [string, string];
  return [BigInt(commit), BigInt(prepare)];
}
