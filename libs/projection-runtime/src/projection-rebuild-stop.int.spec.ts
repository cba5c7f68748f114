import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { connectDatabase, type DatabaseConnection } from '../../database/src/index.js';
import { comparePositions, PostgresEventStore, START_POSITION, type Position, type RecordedEvent } from '../../event-store/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../testing/src/test-database.js';
import { allProjections } from '../../../projections/index.js';
import { seedInvoiceHistory } from '../../../test/support/seed-ledger-history.js';
import { settledHead } from '../../testing/src/settled-log.js';
import { loadCheckpoint } from './checkpoint-store.js';
import type { Projection, ReadModelDatabase } from './projection.js';
import { rebuildProjection, rebuildProjections, rebuildProjectionsInParallel, type RebuildProgress } from './projection-rebuild.js';
import { projectionStateHash } from './projection-state-hash.js';

// Worker threads run compiled JavaScript: the build of global setup puts the worker module in dist/.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const workerModule = pathToFileURL(join(root, 'dist', 'projections', 'rebuild-worker.js'));

/**
 * A rebuild stopped at a position (RebuildOptions.toPosition, inclusive) is the read model as it stood there: the
 * same rows as a rebuild made when the log ended at that position, its checkpoint the last event it applied, whatever
 * the page size, alone, together or in worker threads.
 */
describe('rebuildProjection(s) with toPosition', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let store: PostgresEventStore;
  const byName = (name: string): Projection => allProjections.find((projection) => projection.name === name) as Projection;
  const invoices = byName('invoices');
  const generalLedger = byName('general_ledger');
  /** The head after the first seed, and what a rebuild made then (nothing after it in the log) looked like. */
  let stop: Position;
  const then: Record<string, { hash: string; position: Position; events: number }> = {};

  beforeAll(async () => {
    database = await createTestDatabase('rebuild_stop');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString);
    await seedInvoiceHistory(store, 'acme', 50, 'stop-a', { withSettings: true });
    stop = await settledHead(store, 'acme');
    for (const projection of [invoices, generalLedger]) {
      const rebuilt = await rebuildProjection(store, connection.db, projection, { buildSchema: `then_${projection.name}` });
      then[projection.name] = { hash: await projectionStateHash(connection.db, `then_${projection.name}`, projection), position: rebuilt.position, events: rebuilt.events };
    }
    // History after the stop: another tenant and more of acme's.
    await seedInvoiceHistory(store, 'globex', 30, 'stop-b', { withSettings: true });
    await seedInvoiceHistory(store, 'acme', 20, 'stop-c');
    await settledHead(store, 'acme');
  }, 120_000);

  afterAll(async () => {
    await store.close();
    await connection.close();
    await database.drop();
  });

  async function invoiceEvents(): Promise<RecordedEvent[]> {
    return store.readAll({ maxCount: 100_000, filter: { eventTypes: invoices.eventTypes } });
  }

  it('gives the rows and checkpoint of a rebuild made when the log ended there, and a full rebuild differs', async () => {
    expect(then.invoices?.events).toBeGreaterThan(50);
    const stopped = await rebuildProjection(store, connection.db, invoices, { buildSchema: 'stopped_invoices', batchSize: 7, toPosition: stop });
    expect(await projectionStateHash(connection.db, 'stopped_invoices', invoices)).toBe(then.invoices?.hash);
    expect(stopped.position).toEqual(then.invoices?.position);
    expect(stopped.events).toBe(then.invoices?.events);
    expect((await loadCheckpoint(connection.db, 'invoices', 'stopped_invoices'))?.position).toEqual(then.invoices?.position);
    const full = await rebuildProjection(store, connection.db, invoices, { buildSchema: 'full_invoices' });
    expect(full.events).toBeGreaterThan(stopped.events);
    expect(await projectionStateHash(connection.db, 'full_invoices', invoices)).not.toBe(then.invoices?.hash);
  }, 120_000);

  it('applies exactly the events up to and including the stop, whether it falls inside a page or on its last event', async () => {
    const events = await invoiceEvents();
    // Index 40 lies inside the sixth page of 7; index 41 is the last event of that page.
    for (const index of [40, 41]) {
      const at = (events[index] as RecordedEvent).position;
      const small = await rebuildProjection(store, connection.db, invoices, { buildSchema: 'stop_small', batchSize: 7, toPosition: at });
      const large = await rebuildProjection(store, connection.db, invoices, { buildSchema: 'stop_large', toPosition: at });
      expect({ events: small.events, position: small.position }).toEqual({ events: index + 1, position: at });
      expect({ events: large.events, position: large.position }).toEqual({ events: index + 1, position: at });
      expect(await projectionStateHash(connection.db, 'stop_small', invoices)).toBe(await projectionStateHash(connection.db, 'stop_large', invoices));
    }
    // A stop between two of its events: the checkpoint is the last event applied, not the stop.
    const before = events[40] as RecordedEvent;
    const after = events[41] as RecordedEvent;
    expect(comparePositions(before.position, after.position)).toBe(-1);
    const between = { commit: after.position.commit, prepare: after.position.prepare - 1n };
    expect(comparePositions(between, before.position)).toBeGreaterThanOrEqual(0);
    const rebuilt = await rebuildProjection(store, connection.db, invoices, { buildSchema: 'stop_between', batchSize: 7, toPosition: between });
    expect({ events: rebuilt.events, position: rebuilt.position }).toEqual({ events: 41, position: before.position });
  }, 120_000);

  it('stopped before the first event, builds empty tables at the start of the log', async () => {
    const rebuilt = await rebuildProjection(store, connection.db, invoices, { buildSchema: 'stop_start', toPosition: START_POSITION });
    expect({ events: rebuilt.events, position: rebuilt.position }).toEqual({ events: 0, position: START_POSITION });
    const { rows } = await sql<{ rows: number }>`select count(*)::int as rows from stop_start.invoices`.execute(connection.db);
    expect(rows[0]?.rows).toBe(0);
  });

  it('stops every projection of one shared read at the same place, and reports progress against the events up to the stop', async () => {
    const progress: RebuildProgress[] = [];
    const rebuilt = await rebuildProjections(store, connection.db, [invoices, generalLedger], {
      batchSize: 11,
      toPosition: stop,
      buildSchemaOf: (projection) => `together_${projection.name}`,
      progress: (entry) => progress.push(entry),
    });
    for (const projection of [invoices, generalLedger]) {
      expect(await projectionStateHash(connection.db, `together_${projection.name}`, projection)).toBe(then[projection.name]?.hash);
    }
    const last = progress.at(-1);
    expect(last?.done).toBe(true);
    // The 100 % of the bar counts the events up to the stop only, and the read reaches it exactly.
    expect(last?.eventsRead).toBe(last?.eventsTotal);
    expect(rebuilt.every((entry) => comparePositions(entry.position, stop) <= 0)).toBe(true);
  }, 120_000);

  it('in worker threads, gives the same state hashes and checkpoints', async () => {
    const rebuilt = await rebuildProjectionsInParallel(connection.db, [invoices, generalLedger], {
      connectionString: database.connectionString,
      workerModule,
      workers: 2,
      toPosition: stop,
      buildSchemas: { invoices: 'workers_invoices', general_ledger: 'workers_general_ledger' },
    });
    for (const projection of [invoices, generalLedger]) {
      expect(await projectionStateHash(connection.db, `workers_${projection.name}`, projection)).toBe(then[projection.name]?.hash);
      expect(rebuilt.find((entry) => entry.name === projection.name)?.position).toEqual(then[projection.name]?.position);
    }
  }, 120_000);
});
