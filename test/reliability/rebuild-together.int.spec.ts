import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { PostgresEventStore, type Position } from '../../libs/event-store/src/index.js';
import { loadCheckpoint, rebuildProjection, rebuildProjections, rebuildProjectionsInParallel, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { allProjections } from '../../projections/index.js';
import { readModelSnapshot } from '../support/read-model-snapshot.js';
import { seedInvoiceHistory } from '../support/seed-ledger-history.js';
import { settledHead } from '../../libs/testing/src/settled-log.js';

// Worker threads run compiled JavaScript: the build of global setup puts the worker module in dist/.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workerModule = pathToFileURL(join(root, 'dist', 'projections', 'rebuild-worker.js'));

/**
 * Rebuilding projections together (one shared read of the log, each projection at its own pace) and in worker threads
 * gives exactly the rows and checkpoints of rebuilding each projection on its own.
 */
describe('rebuilding every projection together, and in worker threads', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let store: PostgresEventStore;
  let head: Position;
  let alone: Record<string, string[]>;

  beforeAll(async () => {
    database = await createTestDatabase('rebuild_together');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString);
    await seedInvoiceHistory(store, 'acme', 400, 'together', { withSettings: true });
    await seedInvoiceHistory(store, 'globex', 150, 'together-2');
    head = await settledHead(store, 'acme');
    for (const projection of allProjections) await rebuildProjection(store, connection.db, projection, { buildSchema: `alone_${projection.name}` });
    alone = {};
    for (const projection of allProjections) Object.assign(alone, await readModelSnapshot(connection.db, `alone_${projection.name}`, [projection]));
  }, 120_000);

  afterAll(async () => {
    await store.close();
    await connection.close();
    await database.drop();
  });

  async function snapshotOf(schemaOf: (name: string) => string): Promise<Record<string, string[]>> {
    const snapshot: Record<string, string[]> = {};
    for (const projection of allProjections) Object.assign(snapshot, await readModelSnapshot(connection.db, schemaOf(projection.name), [projection]));
    return snapshot;
  }

  it('has history in every table the seed writes, so the comparisons below compare rows', () => {
    expect(alone['invoices.invoices']?.length).toBeGreaterThan(500);
    expect(alone['general_ledger.journal_lines']?.length).toBeGreaterThan(1000);
    expect(alone['payments.payments']?.length).toBeGreaterThan(0);
  });

  it('with one shared read and small pages (projections far apart in the log), gives the rows of rebuilding each alone', async () => {
    const progress: string[] = [];
    const rebuilt = await rebuildProjections(store, connection.db, allProjections, {
      batchSize: 37,
      buildSchemaOf: (projection) => `shared_${projection.name}`,
      log: (message) => progress.push(message),
    });
    expect(await snapshotOf((name) => `shared_${name}`)).toEqual(alone);
    for (const result of rebuilt) {
      const checkpoint = await loadCheckpoint(connection.db, result.name, `shared_${result.name}`);
      const single = await loadCheckpoint(connection.db, result.name, `alone_${result.name}`);
      // Each checkpoint is the last event read; the shared read reads the union of every projection's types, so it
      // may stand further on than a projection's own last event, never beyond the head.
      expect(checkpoint?.position.commit).toBeGreaterThanOrEqual(single?.position.commit ?? 0n);
      expect(checkpoint?.position.commit).toBeLessThanOrEqual(head.commit);
    }
    expect(rebuilt.find((result) => result.name === 'invoices')?.events).toBeGreaterThan(0);
    expect(progress.some((line) => line.startsWith('projection invoices: rebuilt'))).toBe(true);
  }, 120_000);

  it('in two worker threads, into the live schema, gives the same rows and swaps them in', async () => {
    const target = 'parallel_live';
    await sql.raw(`create schema if not exists ${target}`).execute(connection.db);
    const log: string[] = [];
    const rebuilt = await rebuildProjectionsInParallel(connection.db, allProjections, {
      connectionString: database.connectionString,
      workerModule,
      workers: 2,
      targetSchema: target,
      log: (message) => log.push(message),
    });
    expect(rebuilt.map((result) => result.name)).toEqual(allProjections.map((projection) => projection.name));
    expect(rebuilt.every((result) => result.schema === target)).toBe(true);
    expect(log[0]).toMatch(new RegExp(`^rebuild: ${allProjections.length} projection\\(s\\) in 2 worker thread\\(s\\): `));
    expect(await snapshotOf(() => target)).toEqual(alone);
    const { rows } = await sql<{ schema_name: string }>`select schema_name from information_schema.schemata where schema_name like 'rebuild_%'`.execute(connection.db);
    expect(rows).toEqual([]); // the build schemas went with the swap
    // Swapped in with row-level security on (enabled and forced), so no tenant could read them unfiltered.
    const { rows: security } = await sql<{ table: string; enabled: boolean; forced: boolean }>`
      select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${target} and c.relkind = 'r'`.execute(connection.db);
    expect(security.length).toBe(allProjections.flatMap((projection) => projection.tables).length);
    expect(security.filter((table) => !table.enabled || !table.forced)).toEqual([]);
  }, 120_000);

  it('reports a worker that fails, with the projection and the cause', async () => {
    await expect(
      rebuildProjectionsInParallel(connection.db, allProjections, {
        connectionString: database.connectionString,
        workerModule,
        workers: 2,
        buildSchemas: { invoices: 'not a schema name' },
      }),
    ).rejects.toThrow(/rebuild worker for .*invoices.* failed: /);
  }, 120_000);
});
