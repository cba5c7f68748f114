import type { Position } from '../../event-store/src/index.js';
import { comparePositions } from '../../event-store/src/index.js';

interface Waiter {
  readonly names: ReadonlySet<string>;
  readonly target: Position;
  readonly wake: () => void;
}

const waiters = new Set<Waiter>();

/**
 * In-process wake-ups for read-your-writes. A runner announces each checkpoint it commits; a request waiting for
 * that projection to reach a position wakes at once and re-reads the checkpoints table. Only a hint: the table stays
 * the truth (an announcement may come from another database in tests, or never come when the runner is in another
 * process), so waiters still poll it, slowly.
 */
export function announceCheckpoint(name: string, position: Position): void {
  for (const waiter of waiters) {
    if (waiter.names.has(name) && comparePositions(position, waiter.target) >= 0) waiter.wake();
  }
}

/** Resolves when a runner of this process commits a checkpoint of one of `names` at or past `target`, or after `timeoutMs`. */
export function nextCheckpointAnnouncement(names: readonly string[], target: Position, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const waiter: Waiter = {
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
