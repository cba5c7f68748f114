import type { Position } from '../../event-store/src/index.js';
import { comparePositions } from '../../event-store/src/index.js';

interface Waiter {
  readonly database: object;
  readonly schema: string;
  readonly names: ReadonlySet<string>;
  readonly target: Position;
  readonly wake: () => void;
}

const waiters = new Set<Waiter>();

/**
 * Per database handle (the Kysely instance a runner and the requests of one process share) and schema: how far each
 * projection run by this process has got. "Reached" means every event of the projection's types up to that position
 * is in its read model: after a batch commits, or as soon as the log has moved past events the projection does not
 * handle. The second kind is known at once here, while the table learns it only when the runner next writes the
 * checkpoint (idle advances are committed lazily, see ProjectionRunner). Keyed by the handle so that runners on other
 * databases in the same process (tests) never answer for each other.
 */
const reached = new WeakMap<object, Map<string, Position>>();

function keyOf(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}

/** A runner of this process has brought `name` (in `schema`, on `database`) to `position`: record it and wake waiters. */
export function announceCheckpoint(database: object, schema: string, name: string, position: Position): void {
  let positions = reached.get(database);
  if (positions === undefined) {
    positions = new Map();
    reached.set(database, positions);
  }
  const key = keyOf(schema, name);
  const known = positions.get(key);
  if (known === undefined || comparePositions(position, known) > 0) positions.set(key, position);
  for (const waiter of waiters) {
    if (waiter.database === database && waiter.schema === schema && waiter.names.has(name) && comparePositions(position, waiter.target) >= 0) waiter.wake();
  }
}

/** How far a runner of this process has brought `name`, or undefined when none runs it here. */
export function reachedInProcess(database: object, schema: string, name: string): Position | undefined {
  return reached.get(database)?.get(keyOf(schema, name));
}

/** Forgets what runners of this process reported for `database` (a runner that stops no longer vouches for anything). */
export function forgetReached(database: object, schema: string, names: readonly string[]): void {
  const positions = reached.get(database);
  for (const name of names) positions?.delete(keyOf(schema, name));
}

/** Resolves when a runner of this process reports one of `names` at or past `target`, or after `timeoutMs`. */
export function nextCheckpointAnnouncement(database: object, schema: string, names: readonly string[], target: Position, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const waiter: Waiter = {
      database,
      schema,
      names: new Set(names),
      target,
      wake: () => {
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve();
      },
    };
    const timer = setTimeout(waiter.wake, timeoutMs);
    waiters.add(waiter);
  });
}
