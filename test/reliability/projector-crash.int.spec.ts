import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { comparePositions, PostgresEventStore, type Position } from '../../libs/event-store/src/index.js';
import { loadCheckpoint, rebuildProjection, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { allProjections } from '../../projections/index.js';
import { readModelSnapshot } from '../support/read-model-snapshot.js';
import { seedInvoiceHistory } from '../support/seed-ledger-history.js';
import { settledHead } from '../../libs/testing/src/settled-log.js';
import { dueWorkKeysOf, topUpReadModels } from '../support/projections-top-up.js';
import { dueWorkSources } from '../../projections/due-work-sources.js';
import { catalogHistory } from '../../projections/catalog/catalog-history.test-helper.js';
import { sql } from 'kysely';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const projectorMain = join(root, 'dist', 'apps', 'projector', 'src', 'main.js');

function startProjector(connectionString: string): ChildProcess {
  const child = spawn(process.execPath, [projectorMain], { env: { ...process.env, DATABASE_URL: connectionString }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Tables only bank statements and reconciliation fill: the seeded history has none (test/banking covers their rebuild). */
const BANKING_ONLY_TABLES = new Set([
  'general_ledger.gl_bank_lines',
  'general_ledger.gl_bank_matches',
  ...['bank_accounts', 'bank_statements', 'statement_lines', 'reconciliation_matches', 'matching_rules', 'reconciliation_sessions'].map((table) => `reconciliation.${table}`),
]);

describe('a projector killed with SIGKILL in the middle of catch-up', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let store: PostgresEventStore;
  let head: Position;

  beforeAll(async () => {
    database = await createTestDatabase('crash');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString);
    await seedInvoiceHistory(store, 'acme', 2_500, 'seed', { withSettings: true });
    // Products, plans and pricing rules too, so that their read models are compared with a rebuild as well.
    await catalogHistory(store, 300, 2026);
    head = await settledHead(store, 'acme');
  });

  afterAll(async () => {
    await store.close();
    await connection.close();
    await database.drop();
  });

  it('resumes from its committed checkpoint and ends with read models equal to a fresh rebuild', async () => {
    const first = startProjector(database.connectionString);
    // Kill it once the invoices projection has committed some batches but is still far from the head.
    const partial = await waitFor(
      'a partial checkpoint',
      async () => {
        const checkpoint = await loadCheckpoint(connection.db, 'invoices', 'read_models').catch(() => undefined);
        return checkpoint && checkpoint.position.commit > 0n && comparePositions(checkpoint.position, head) < 0 ? checkpoint.position : undefined;
      },
      60_000,
      5,
    );
    first.kill('SIGKILL');
    await exited(first);
    const afterKill = await loadCheckpoint(connection.db, 'invoices', 'read_models');
    expect(comparePositions(afterKill!.position, head)).toBeLessThan(0); // really killed mid catch-up
    expect(comparePositions(afterKill!.position, partial)).toBeGreaterThanOrEqual(0);

    const second = startProjector(database.connectionString);
    try {
      for (const projection of allProjections) {
        await waitFor(
          `${projection.name} to reach the head`,
          async () => {
            const checkpoint = await loadCheckpoint(connection.db, projection.name, 'read_models');
            return checkpoint && comparePositions(checkpoint.position, head) >= 0 ? true : undefined;
          },
          90_000,
          50,
        );
      }
    } finally {
      second.kill('SIGTERM');
      await exited(second);
    }
    // Its scheduler and process managers may have appended (seeded invoices falling overdue) after the projections
    // reached the seeded head: apply those too, with nothing else writing, before comparing with a rebuild.
    await topUpReadModels(store, connection.db, database.connectionString);

    for (const projection of allProjections) await rebuildProjection(store, connection.db, projection, { buildSchema: `fresh_${projection.name}` });
    // Every projection the seeded history feeds has rows in every table (so the comparison compares something).
    const { rows: seededTypes } = await sql<{ type: string }>`select distinct type from event_store.events`.execute(connection.db);
    const fed = allProjections.filter((projection) => projection.eventTypes.some((type) => seededTypes.some((row) => row.type === type)));
    expect(fed.map((projection) => projection.name)).toEqual(expect.arrayContaining(['invoices', 'general_ledger', 'payments', 'plans', 'products', 'pricing_rules']));
    for (const projection of allProjections) {
      const live = await readModelSnapshot(connection.db, 'read_models', [projection]);
      const fresh = await readModelSnapshot(connection.db, `fresh_${projection.name}`, [projection]);
      const dueWork = dueWorkSources.some((source) => source.name === projection.name);
      if (fed.includes(projection) && !dueWork) {
        const empty = Object.entries(live).filter(([table, rows]) => rows.length === 0 && !BANKING_ONLY_TABLES.has(table));
        expect(empty.map(([table]) => table)).toEqual([]);
      }
      if (dueWork) expect(dueWorkKeysOf(fresh)).toEqual(expect.arrayContaining(dueWorkKeysOf(live)));
      else expect(live).toEqual(fresh);
    }
  }, 240_000);
});
