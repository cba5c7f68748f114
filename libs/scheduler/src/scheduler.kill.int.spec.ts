import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { ReadModelDatabase } from '../../projection-runtime/src/index.js';
import { createStoreDatabase, type StoreDatabase } from '../../testing/src/test-database.js';
import { dueWorkCommandId } from './dispatch.js';
import { countEntry, scheduleToyWork, toyCount, toyCustomerHistory } from './testing/toy-due-work.js';
import { eventually, exited, startSchedulerChild, type SchedulerChild } from '../../testing/src/scheduler-child.js';

/** Built from libs/scheduler/src/testing/scheduler-child.ts by the test run's global setup (scripts/build.mjs). */
const childMain = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist', 'libs', 'scheduler', 'src', 'testing', 'scheduler-child.js');
const TENANT = 'acme';
const WORK = 40;
/** Pieces due at the same instant (their own lanes): the scheduler runs them as one wave, with one bookkeeping after it. */
const WAVE = 4;

type Child = SchedulerChild;

function startScheduler(connectionString: string, pauseMs: number, onAppended?: (key: string, child: Child) => void): Child {
  return startSchedulerChild(childMain, connectionString, pauseMs, onAppended);
}

describe('a scheduler process killed with SIGKILL between a command and its bookkeeping', () => {
  let opened: StoreDatabase<ReadModelDatabase>;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('scheduler_kill');
  });

  afterAll(() => opened.close());

  it('is restarted in the middle of a wave, re-dispatches the work in hand with the same command ids, and every piece of work acts exactly once, in order', async () => {
    const { store, connection, database } = opened;
    const keys = Array.from({ length: WORK }, (_, index) => `work-${String(index).padStart(2, '0')}`);
    // Four pieces an hour: waves of four, one tenant's pieces run one after another in key order.
    const dues = keys.map((_, index) => new Date(Date.UTC(2025, 0, 1, Math.floor(index / WAVE))).toISOString());
    // Stated in reverse order: the scheduler's order is the due order, not the order of statement.
    await scheduleToyWork(store, TENANT, [...keys].reverse().map((key, index) => countEntry(key, dues[WORK - 1 - index] as string)));

    let killedAt: string | undefined;
    const first = startScheduler(database.connectionString, 400, (key, child) => {
      // The 10th command (the second of the third wave) has appended; the wave's bookkeeping is at least 400 ms away: kill now.
      if (child.appended.length === 10 && killedAt === undefined) {
        killedAt = key;
        child.process.kill('SIGKILL');
      }
    });
    await exited(first.process);
    expect(first.process.signalCode).toBe('SIGKILL');
    expect(killedAt).toBe('work-09');
    expect(await toyCount(store, TENANT)).toBe(10);
    // Really killed in the middle of a wave: two of its commands appended, and the rows of both are still there.
    const { rows: left } = await sql<{ work_key: string }>`select work_key from read_models.toy_due_work where tenant_id = ${TENANT} order by due_at, work_key`.execute(connection.db);
    expect(left.slice(0, 2).map((row) => row.work_key)).toEqual(['work-08', 'work-09']);
    expect(left).toHaveLength(WORK - 8);

    const second = startScheduler(database.connectionString, 0);
    let stoppedInMs: number | undefined;
    try {
      await eventually(
        'every piece of work done',
        async () => {
          const { rows } = await sql<{ left: string }>`select count(*)::text as left from read_models.toy_due_work where tenant_id = ${TENANT}`.execute(connection.db);
          return rows[0]?.left === '0' ? true : undefined;
        },
        90_000,
        () => [...first.output, '--- restarted ---', ...second.output],
      );
    } finally {
      const signalled = Date.now();
      second.process.kill('SIGTERM');
      await exited(second.process);
      stoppedInMs = Date.now() - signalled;
    }
    // SIGTERM: the scheduler and the projections stop, the connections close, the process exits, within a second.
    expect(second.process.exitCode).toBe(0);
    expect(stoppedInMs).toBeLessThan(1_000);
    // The restarted scheduler began with the work of the wave the first was killed in, sending the same commands again...
    expect(second.appended.slice(0, 2)).toEqual(['work-08', 'work-09']);
    // ...which the event store recognised: one event per piece of work, each with its work's command id, in due order,
    // each decided at its due instant.
    const history = await toyCustomerHistory(store, TENANT, 'counter');
    expect(history.map((event) => event.commandId)).toEqual(keys.map((key) => dueWorkCommandId(TENANT, key)));
    expect(history.map((event) => event.now)).toEqual(dues);
    expect(history.map((event) => event.name)).toEqual(keys.map((_, index) => `count ${index + 1}`));
    expect(await toyCount(store, TENANT)).toBe(WORK);
  }, 150_000);
});
