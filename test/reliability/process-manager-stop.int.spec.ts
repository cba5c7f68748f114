import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DatabaseConnection } from '../../libs/database/src/index.js';
import { comparePositions, PostgresEventStore, type EventData, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { loadCheckpoint, ProjectionRunner, type Projection, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { createStoreDatabase, type StoreDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';

const BACKLOG = 2_000;
/** Each command of the process manager takes this long, so that one batch of 500 takes seconds. */
const COMMAND_MS = 4;

async function waitFor(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a process manager with a large backlog', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let opened: StoreDatabase<ReadModelDatabase>;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('pm_stop');
    ({ database, store, connection } = opened);
    for (let first = 0; first < BACKLOG; first += 100) {
      const events: EventData[] = Array.from({ length: 100 }, (_, offset) => ({ eventId: randomUUID(), type: 'Nudged', data: { index: first + offset } }));
      await store.appendToStream(`acme:nudge-${first}`, events, { expectedRevision: 'no_stream' });
    }
  });

  afterAll(() => opened.close());

  it('stops within a second, checkpoints the last completed event, and after a restart does the rest exactly once', async () => {
    const handled: RecordedEvent[] = [];
    const manager: Projection = {
      name: 'nudger',
      version: 1,
      eventTypes: ['Nudged'],
      tables: [],
      sideEffects: true,
      createTables: () => Promise.resolve(),
      async apply(_context, event) {
        await new Promise((resolve) => setTimeout(resolve, COMMAND_MS));
        handled.push(event);
      },
    };
    const runner = (): ProjectionRunner => new ProjectionRunner({ store, db: connection.db, connectionString: database.connectionString, projections: [manager] });

    const first = runner();
    await first.start();
    // Well into the first batch of 500, far from its end.
    await waitFor('the first commands', () => handled.length >= 50, 30_000);
    const stopStarted = Date.now();
    await first.stop();
    const stopMs = Date.now() - stopStarted;
    const handledBeforeRestart = handled.length;

    const checkpoint = await loadCheckpoint(connection.db, 'nudger', 'read_models');
    expect(stopMs).toBeLessThan(1_000);
    expect(handledBeforeRestart).toBeLessThan(500);
    // The checkpoint marks exactly the last event whose command completed: nothing after it was done.
    expect(checkpoint?.position).toEqual(handled.at(-1)?.position);

    const second = runner();
    await second.start();
    try {
      await waitFor('the whole backlog', () => handled.length >= BACKLOG, 60_000);
      // Give a redelivery, if there were one, the time to show.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await second.stop();
    }
    const ids = handled.map((event) => event.eventId);
    expect(new Set(ids).size).toBe(BACKLOG);
    expect(ids.length).toBe(BACKLOG);
    // In log order across the restart.
    for (let index = 1; index < handled.length; index += 1) expect(comparePositions((handled[index - 1] as RecordedEvent).position, (handled[index] as RecordedEvent).position)).toBe(-1);
    expect((await loadCheckpoint(connection.db, 'nudger', 'read_models'))?.position).toEqual(handled.at(-1)?.position);
  }, 120_000);
});
