import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseConnection } from '../../libs/database/src/index.js';
import { comparePositions, PostgresEventStore } from '../../libs/event-store/src/index.js';
import { loadCheckpoint, rebuildProjection, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { createStoreDatabase, type StoreDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { allProjections } from '../../projections/index.js';
import { readModelSnapshot } from '../support/read-model-snapshot.js';
import { seedInvoiceHistory } from '../support/seed-ledger-history.js';
import { settledHead } from '../../libs/testing/src/settled-log.js';
import { dueWorkKeysOf, topUpReadModels } from '../support/projections-top-up.js';
import { dueWorkSources } from '../../projections/due-work-sources.js';

const projectorMain = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'apps', 'projector', 'src', 'main.js');

describe('two projector processes on one database', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let opened: StoreDatabase<ReadModelDatabase>;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('twoproj');
    ({ database, store, connection } = opened);
  });

  afterAll(() => opened.close());

  it('produce exactly the rows of one: each projection has one lease holder at a time', async () => {
    await seedInvoiceHistory(store, 'acme', 600, 'before', { withSettings: true });
    const logs: string[][] = [[], []];
    let logsAtCatchUp: string[][] | undefined;
    const processes: ChildProcess[] = [0, 1].map((index) => {
      const child = spawn(process.execPath, [projectorMain], { env: { ...process.env, DATABASE_URL: database.connectionString }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (chunk: Buffer) => logs[index]!.push(chunk.toString()));
      child.stderr?.resume();
      return child;
    });
    try {
      // More events while both are running, so both have something to race for.
      await seedInvoiceHistory(store, 'acme', 600, 'during', { withSettings: true });
      const head = await settledHead(store, 'acme');
      const deadline = Date.now() + 90_000;
      for (const projection of allProjections) {
        for (;;) {
          const checkpoint = await loadCheckpoint(connection.db, projection.name, 'read_models').catch(() => undefined);
          if (checkpoint && comparePositions(checkpoint.position, head) >= 0) break;
          if (Date.now() > deadline) throw new Error(`${projection.name} did not catch up; logs:\n${logs.flat().join('')}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      // Judge the leases on what happened while both ran: at shutdown, the first to exit releases its leases and
      // the other may rightly take one over in its last moments.
      logsAtCatchUp = logs.map((lines) => [...lines]);
    } finally {
      for (const child of processes) child.kill('SIGTERM');
      await Promise.all(processes.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)))));
    }
    // Each projection's lease was taken by exactly one process (the other kept waiting).
    for (const projection of allProjections) {
      const holders = (logsAtCatchUp ?? []).filter((lines) => lines.join('').includes(`projection ${projection.name}: lease taken`));
      expect(holders).toHaveLength(1);
    }
    // Their scheduler and process managers may have appended (seeded invoices falling overdue) after the projections
    // reached the seeded head: apply those too, with nothing else writing, before comparing with a rebuild.
    await topUpReadModels(store, connection.db, database.connectionString);
    for (const projection of allProjections) await rebuildProjection(store, connection.db, projection, { buildSchema: `single_${projection.name}` });
    for (const projection of allProjections) {
      const live = await readModelSnapshot(connection.db, 'read_models', [projection]);
      const single = await readModelSnapshot(connection.db, `single_${projection.name}`, [projection]);
      // Due work done is deleted by the scheduler (see dueWorkKeysOf): the live keys are among the rebuilt ones.
      if (dueWorkSources.some((source) => source.name === projection.name)) expect(dueWorkKeysOf(single)).toEqual(expect.arrayContaining(dueWorkKeysOf(live)));
      else expect(live).toEqual(single);
    }
  }, 180_000);
});
