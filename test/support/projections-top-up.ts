import type { Kysely } from 'kysely';
import { comparePositions, type EventStore } from '../../libs/event-store/src/index.js';
import { loadCheckpoint, ProjectionRunner, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { allProjections } from '../../projections/index.js';

/**
 * Runs every read model, in this process and without the process managers or the scheduler, until each has applied
 * the whole log as it stands now. A projector process that was stopped may leave a few events behind that its own
 * background work (the scheduler marking invoices overdue, e-mails recorded) appended after its projections had
 * caught up; with nothing else writing, this brings the live read models to the head, so that they can be compared
 * with a rebuild of the same log.
 */
export async function topUpReadModels(store: EventStore, db: Kysely<ReadModelDatabase>, connectionString: string, timeoutMs = 60_000): Promise<void> {
  const head = await store.headPosition();
  const runner = new ProjectionRunner({ store, db, connectionString, projections: allProjections });
  await runner.start();
  try {
    const deadline = Date.now() + timeoutMs;
    for (const projection of allProjections) {
      for (;;) {
        const checkpoint = await loadCheckpoint(db, projection.name, 'read_models').catch(() => undefined);
        if (checkpoint && comparePositions(checkpoint.position, head) >= 0) break;
        if (Date.now() > deadline) throw new Error(`${projection.name} did not reach the head in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    await runner.stop();
  }
}

/**
 * The work keys of a due-work snapshot (readModelSnapshot of one due-work projection). Due work is scheduler state as
 * well as a read model: the scheduler deletes a row when its work is done (a late-fee check that charged nothing
 * leaves no event), so the live table may lack rows a rebuild states again (their handlers find them done and do
 * nothing). Compare these: the live keys are among the rebuilt ones.
 */
export function dueWorkKeysOf(snapshot: Record<string, readonly string[]>): string[] {
  return Object.values(snapshot)
    .flat()
    .map((row) => String((JSON.parse(row) as { work_key?: unknown }).work_key))
    .sort();
}
