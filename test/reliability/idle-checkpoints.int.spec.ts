import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { comparePositions, PostgresEventStore, type Position } from '../../libs/event-store/src/index.js';
import { loadCheckpoint, ProjectionRunner, waitForProjections, type Projection, type ProjectionProgress, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { createStoreDatabase, type StoreDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';

const APPENDS = 200;

/** A projection that counts the events of one type into a table of its own. */
function counter(name: string, eventType: string): Projection {
  return {
    name,
    version: 1,
    eventTypes: [eventType],
    tables: [`${name}_counts`],
    createTables: async (db, schema) => {
      await sql.raw(`create table if not exists ${schema}.${name}_counts (tenant_id text not null, events integer not null, primary key (tenant_id))`).execute(db);
    },
    async applyBatch({ trx, schema }, events) {
      await sql
        .raw(`insert into ${schema}.${name}_counts (tenant_id, events) values ('acme', ${events.length}) on conflict (tenant_id) do update set events = ${name}_counts.events + excluded.events`)
        .execute(trx);
    },
  };
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('checkpoints of a projection the log passes by', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let opened: StoreDatabase<ReadModelDatabase>;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('idle_checkpoints');
    ({ database, store, connection } = opened);
  });

  afterAll(() => opened.close());

  it('are known at once in the process, written lazily (far fewer writes than appends), and written on stop', async () => {
    const busy = counter('busy', 'Counted');
    const idle = counter('idle', 'Ignored');
    const idleWrites: ProjectionProgress[] = [];
    const runner = new ProjectionRunner({
      store,
      db: connection.db,
      connectionString: database.connectionString,
      projections: [busy, idle],
      onProgress: (progress) => {
        if (progress.projection === 'idle') idleWrites.push(progress);
      },
    });
    await runner.start();
    try {
      let last: Position | undefined;
      for (let index = 0; index < APPENDS; index += 1) {
        last = (await store.appendToStream(`acme:count-${index}`, [{ eventId: randomUUID(), type: 'Counted', data: { index } }], { expectedRevision: 'no_stream' })).position;
      }
      const head = last as Position;

      // Read-your-writes for both: the idle projection is at the head as soon as the tail has passed it, whatever the
      // table says yet; the busy one once its rows are committed.
      expect(await waitForProjections(connection.db, ['busy', 'idle'], head, 10_000)).toBe(true);
      const counted = await sql<{ events: number }>`select events from read_models.busy_counts where tenant_id = 'acme'`.execute(connection.db);
      expect(counted.rows[0]?.events).toBe(APPENDS);

      // The table learns the idle advance too, within a fraction of a second, without a write per append.
      await waitFor(
        'the idle checkpoint in the table',
        async () => {
          const stored = await loadCheckpoint(connection.db, 'idle', 'read_models');
          return stored !== undefined && comparePositions(stored.position, head) >= 0;
        },
        5_000,
      );
      expect(idleWrites.length).toBeGreaterThan(0);
      expect(idleWrites.length).toBeLessThan(APPENDS / 5);
      expect(idleWrites.every((progress) => progress.eventsApplied === 0)).toBe(true);

      // One more append, then a stop at once: the advance is written on the way out, not lost.
      const final = (await store.appendToStream('acme:count-final', [{ eventId: randomUUID(), type: 'Counted', data: {} }], { expectedRevision: 'no_stream' })).position;
      expect(await waitForProjections(connection.db, ['busy', 'idle'], final, 10_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    const head = await store.headPosition();
    const stored = await loadCheckpoint(connection.db, 'idle', 'read_models');
    expect(stored && comparePositions(stored.position, head)).toBe(0);
  });

  it('a waiter in another process (the table only) still sees the idle projection reach the position', async () => {
    const idle = counter('idle_other', 'NeverAppended');
    const runner = new ProjectionRunner({ store, db: connection.db, connectionString: database.connectionString, projections: [idle] });
    await runner.start();
    // A second handle on the same database stands for another process: nothing was announced on it.
    const elsewhere = connectDatabase<ReadModelDatabase>(database.connectionString);
    try {
      const { position } = await store.appendToStream('acme:other-1', [{ eventId: randomUUID(), type: 'Counted', data: {} }], { expectedRevision: 'no_stream' });
      expect(await waitForProjections(elsewhere.db, ['idle_other'], position, 10_000)).toBe(true);
      const stored = await loadCheckpoint(elsewhere.db, 'idle_other', 'read_models');
      expect(stored && comparePositions(stored.position, position)).toBeGreaterThanOrEqual(0);
    } finally {
      await runner.stop();
      await elsewhere.close();
    }
  });
});
