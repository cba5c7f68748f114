import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { PostgresEventStore } from '../../libs/event-store/src/index.js';
import { loadCheckpoint, ProjectionLease, ProjectionRunner, projectionStateHash, type Projection, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { allProjections } from '../../projections/index.js';
import { readModelSnapshot } from '../support/read-model-snapshot.js';
import { seedInvoiceHistory } from '../support/seed-ledger-history.js';
import { settledHead } from '../../libs/testing/src/settled-log.js';

/**
 * `npm run ledger -- projections rebuild` as an operator runs it (the built CLI in a child process): the live read
 * models are rebuilt from the log in worker threads and swapped in, equal to what the projector had made; refused,
 * with nothing changed, while a projector holds a projection's lease.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

function runCli(args: readonly string[], connectionString: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), DATABASE_URL: connectionString };
    execFile(process.execPath, [CLI, ...args], { env, timeout: 110_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('ledger projections rebuild', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let store: PostgresEventStore;
  let live: Record<string, string[]>;

  beforeAll(async () => {
    database = await createTestDatabase('cli_rebuild');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString);
    await seedInvoiceHistory(store, 'acme', 120, 'cli-rebuild', { withSettings: true });
    const head = await settledHead(store, 'acme');
    // The live read models as a projector makes them, caught up to the head, then stopped.
    const runner = new ProjectionRunner({ store, db: connection.db, connectionString: database.connectionString, projections: allProjections });
    await runner.start();
    for (const projection of allProjections) {
      for (;;) {
        const checkpoint = await loadCheckpoint(connection.db, projection.name, 'read_models');
        if (checkpoint && checkpoint.position.commit >= head.commit) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    await runner.stop();
    live = await readModelSnapshot(connection.db, 'read_models', allProjections);
  }, 120_000);

  afterAll(async () => {
    await store.close();
    await connection.close();
    await database.drop();
  });

  it('rebuilds every projection into the live schema, with rows equal to those the projector made', async () => {
    expect(live['invoices.invoices']?.length).toBeGreaterThan(100);
    const result = await runCli(['--json', 'projections', 'rebuild', '--workers', '2'], database.connectionString);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const output = JSON.parse(result.stdout) as { rebuilt: { name: string; events: number; stateHash: string }[]; seconds: number };
    expect(output.rebuilt.every((entry) => /^[0-9a-f]{64}$/.test(entry.stateHash))).toBe(true);
    expect(output.rebuilt.map((entry) => entry.name)).toEqual(allProjections.map((projection) => projection.name));
    expect(output.rebuilt.find((entry) => entry.name === 'invoices')?.events).toBeGreaterThan(0);
    expect(await readModelSnapshot(connection.db, 'read_models', allProjections)).toEqual(live);
  }, 120_000);

  it('rebuilds the named projections only, and says which names it does not know', async () => {
    const named = await runCli(['projections', 'rebuild', 'invoices'], database.connectionString);
    expect(named.code).toBe(0);
    expect(named.stdout.trimEnd()).toMatch(/^rebuilt 1 projection\(s\) in [\d.]+ s:\n {2}invoices +\d+ events\nstate hash invoices [0-9a-f]{64}$/);
    expect(await readModelSnapshot(connection.db, 'read_models', allProjections)).toEqual(live);
    const unknown = await runCli(['projections', 'rebuild', 'invoices', 'nonsense'], database.connectionString);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: no projection named nonsense; the projections are invoices, /);
  }, 120_000);

  it('off a terminal prints plain progress lines per worker, and ends with state hashes equal to those of the live tables', async () => {
    const result = await runCli(['projections', 'rebuild', 'invoices', 'payments', '--workers', '2'], database.connectionString);
    expect(result.code).toBe(0);
    for (const name of ['invoices', 'payments']) {
      const lines = result.stderr.split('\n').filter((line) => line.startsWith(`ledger: rebuild ${name}: `));
      // The last line of each worker: every event of its types read, a rate, and how long the read took.
      expect(lines.at(-1)).toMatch(new RegExp(`^ledger: rebuild ${name}: ([1-9][\\d,]*) / \\1 events \\(100%\\), [\\d,]+ events/s, read in [\\d.]+ s$`));
    }
    const hashes = Object.fromEntries([...result.stdout.matchAll(/^state hash (\S+) ([0-9a-f]{64})$/gm)].map((match) => [match[1], match[2]]));
    expect(Object.keys(hashes)).toEqual(['invoices', 'payments']);
    for (const name of ['invoices', 'payments']) {
      const projection = allProjections.find((candidate) => candidate.name === name) as Projection;
      expect(hashes[name]).toBe(await projectionStateHash(connection.db, 'read_models', projection));
    }
    expect(await readModelSnapshot(connection.db, 'read_models', allProjections)).toEqual(live);
  }, 120_000);

  it('refuses while another process holds a projection lease, and changes nothing', async () => {
    const lease = await ProjectionLease.tryAcquire(database.connectionString, 'payments');
    expect(lease).toBeDefined();
    try {
      const refused = await runCli(['projections', 'rebuild', '--workers', '1'], database.connectionString);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toBe('error: payments is being run by another process (its lease is held): stop the projector, or the API with PROJECTIONS=on, and run the rebuild again');
      expect(await readModelSnapshot(connection.db, 'read_models', allProjections)).toEqual(live);
    } finally {
      await lease?.release();
    }
  }, 120_000);

  it('refuses a worker count that is not a whole number from 1 to 64', async () => {
    const refused = await runCli(['projections', 'rebuild', '--workers', '0'], database.connectionString);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/expected a whole number of worker threads from 1 to 64/);
  });
});
