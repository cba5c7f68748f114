import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { connectDatabase, installRowLevelSecurity, runAsSystem, runForTenant, secureTenantTables, type DatabaseConnection } from '../../database/src/index.js';
import { PostgresEventStore } from '../../event-store/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../testing/src/test-database.js';
import { allProjections } from '../../../projections/index.js';
import { seedInvoiceHistory } from '../../../test/support/seed-ledger-history.js';
import { settledHead } from '../../testing/src/settled-log.js';
import { loadCheckpoint } from './checkpoint-store.js';
import { LIVE_READ_MODEL_SCHEMA, type Projection, type ReadModelDatabase } from './projection.js';
import { rebuildProjection } from './projection-rebuild.js';
import { ProjectionRunner } from './projection-runner.js';
import { projectionStateHash } from './projection-state-hash.js';

/**
 * The state hash of a projection is a function of its rows only: two rebuilds of one log, and a rebuild and the live
 * read model the runner made, hash alike; one changed value changes it; a tenant's hash covers its own rows only.
 */
describe('projectionStateHash', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let store: PostgresEventStore;
  const invoices = allProjections.find((projection) => projection.name === 'invoices') as Projection;

  beforeAll(async () => {
    database = await createTestDatabase('state_hash');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString);
    await seedInvoiceHistory(store, 'acme', 60, 'state-hash', { withSettings: true });
    await seedInvoiceHistory(store, 'globex', 40, 'state-hash-2', { withSettings: true });
    const heads = [await settledHead(store, 'acme'), await settledHead(store, 'globex')];
    const head = heads[0]!.commit > heads[1]!.commit ? heads[0]! : heads[1]!;
    await runAsSystem('state-hash-spec', async () => {
      await installRowLevelSecurity(connection.db);
      const runner = new ProjectionRunner({ store, db: connection.db, connectionString: database.connectionString, projections: [invoices] });
      await runner.start();
      for (;;) {
        const checkpoint = await loadCheckpoint(connection.db, invoices.name, LIVE_READ_MODEL_SCHEMA);
        if (checkpoint && checkpoint.position.commit >= head.commit) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await runner.stop();
      await secureTenantTables(connection.db);
    });
  }, 120_000);

  afterAll(async () => {
    await store.close();
    await connection.close();
    await database.drop();
  });

  const system = <Result>(work: () => Promise<Result>): Promise<Result> => runAsSystem('state-hash-spec', work);

  it('gives two rebuilds of the same log the same hash, equal to the live read model the runner caught up', async () => {
    const [first, second, live] = await system(async () => {
      await rebuildProjection(store, connection.db, invoices, { buildSchema: 'hash_rebuild_a', batchSize: 37 });
      await rebuildProjection(store, connection.db, invoices, { buildSchema: 'hash_rebuild_b' });
      return Promise.all([
        projectionStateHash(connection.db, 'hash_rebuild_a', invoices),
        projectionStateHash(connection.db, 'hash_rebuild_b', invoices),
        projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices),
      ]);
    });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(live).toBe(first);
  }, 120_000);

  it('gives the same hash whatever the cursor page size (pages of 7 rows, and of one row, against the default)', async () => {
    const { rows } = await system(() => sql<{ rows: number }>`select count(*)::int as rows from read_models.invoice_lines`.execute(connection.db));
    expect(rows[0]?.rows).toBeGreaterThan(7);
    const hashes = await system(async () => [
      await projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices),
      await projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices, { pageRows: 7 }),
      await projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices, { pageRows: 1 }),
    ]);
    expect(new Set(hashes).size).toBe(1);
  });

  it('changes when one value of one row changes, and comes back when the value does', async () => {
    await system(async () => {
      const before = await projectionStateHash(connection.db, 'hash_rebuild_a', invoices);
      const { rows } = await sql<{ invoice_id: string; tenant_id: string }>`select tenant_id, invoice_id from hash_rebuild_a.invoices order by tenant_id, invoice_id limit 1`.execute(connection.db);
      const target = rows[0]!;
      await sql`update hash_rebuild_a.invoices set currency = 'XTS' where tenant_id = ${target.tenant_id} and invoice_id = ${target.invoice_id}`.execute(connection.db);
      const changed = await projectionStateHash(connection.db, 'hash_rebuild_a', invoices);
      expect(changed).not.toBe(before);
      await sql.raw('drop schema hash_rebuild_a cascade; drop schema hash_rebuild_b cascade').execute(connection.db);
    });
  });

  it("hashes a tenant's own rows only when it runs in the tenant's scope", async () => {
    const acmeBefore = await runForTenant({ tenantId: 'acme' }, () => projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices));
    const globexBefore = await runForTenant({ tenantId: 'globex' }, () => projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices));
    const all = await system(() => projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices));
    expect(new Set([acmeBefore, globexBefore, all]).size).toBe(3);
    const original = await system(async () => {
      const { rows } = await sql<{ invoice_id: string; currency: string }>`select invoice_id, currency from read_models.invoices where tenant_id = 'globex' order by invoice_id limit 1`.execute(connection.db);
      await sql`update read_models.invoices set currency = 'XTS' where tenant_id = 'globex' and invoice_id = ${rows[0]!.invoice_id}`.execute(connection.db);
      return rows[0]!;
    });
    // Another tenant's change is invisible to acme's hash, and visible to globex's and to the operator's.
    expect(await runForTenant({ tenantId: 'acme' }, () => projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices))).toBe(acmeBefore);
    expect(await runForTenant({ tenantId: 'globex' }, () => projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices))).not.toBe(globexBefore);
    expect(await system(() => projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices))).not.toBe(all);
    await system(() => sql`update read_models.invoices set currency = ${original.currency} where tenant_id = 'globex' and invoice_id = ${original.invoice_id}`.execute(connection.db));
    expect(await system(() => projectionStateHash(connection.db, LIVE_READ_MODEL_SCHEMA, invoices))).toBe(all);
  });
});
