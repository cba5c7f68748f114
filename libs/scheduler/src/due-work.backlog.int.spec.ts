import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { uuidV5 } from '../../application/src/index.js';
import { ProjectionRunner, waitForProjections, type ReadModelDatabase } from '../../projection-runtime/src/index.js';
import { createStoreDatabase, type StoreDatabase } from '../../testing/src/test-database.js';
import { DUE_WORK_BACKLOG_COUNT_MAX, DueWorkStore } from './due-work.store.js';
import { runDueWork } from './run-due-work.js';
import { SchedulerRunner } from './scheduler-runner.js';
import { EventStoreTenantClock } from './tenant-clock.js';
import { executeTestClockCommand } from './test-clock.stream.js';
import { countEntry, scheduleToyWork, toyDueWorkProjection } from './testing/toy-due-work.js';

/**
 * What the processes need of the scheduler besides running work: a scheduler with no due-work source yet (before the
 * first feature states any), whether this runner holds the lease, and the backlog readiness and metrics report.
 */

const toy = toyDueWorkProjection('backlog_due_work');

async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the scheduler without a due-work source', () => {
  let opened: StoreDatabase<ReadModelDatabase>;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('scheduler_empty');
  });

  afterAll(async () => {
    await opened.close();
  });

  it('reads nothing and finds nothing due', async () => {
    const work = new DueWorkStore(opened.connection.db, []);
    expect(await work.due({ now: '2030-01-01T00:00:00.000Z', kinds: ['any'], excludedTenants: [], limit: 10 })).toEqual([]);
    expect(await work.earliestFor('t', '2030-01-01T00:00:00.000Z')).toBeUndefined();
    expect(await work.nextWakeAt({ now: '2030-01-01T00:00:00.000Z', kinds: ['any'], excludedTenants: [] })).toBeUndefined();
    expect(await work.backlog({ now: '2030-01-01T00:00:00.000Z', excludedTenants: [] })).toEqual({ due: 0, capped: false, oldestDueAt: null });
  });

  it('runs (holding the lease, idle) and stops at once; a test clock still advances with nothing to run', async () => {
    const { store, connection, database } = opened;
    const options = { store, db: connection.db, connectionString: database.connectionString, sources: [], handlers: {}, clock: new EventStoreTenantClock(store), idlePollMs: 50 };
    const scheduler = new SchedulerRunner(options);
    expect(scheduler.status()).toEqual({ running: false, leaseHeld: false });
    await scheduler.start();
    await eventually('the lease', () => (scheduler.status().leaseHeld ? true : undefined));
    expect(scheduler.status()).toEqual({ running: true, leaseHeld: true });
    const stopping = Date.now();
    await scheduler.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(scheduler.status()).toEqual({ running: false, leaseHeld: false });

    const context = { tenantId: 'empty', actor: 'test', commandId: uuidV5('empty:create'), correlationId: 'test', causationId: 'test', now: '2026-01-01T00:00:00.000Z' };
    await executeTestClockCommand(store, context, { type: 'CreateTestClock', data: { clockId: 'c', name: 'clock', frozenTime: '2025-01-01T00:00:00Z' } });
    expect(await runDueWork(options, 'empty', '2026-01-01T00:00:00.000Z')).toEqual({ steps: 0, done: 0, parked: 0, dropped: 0, lastDueAt: null });
  });
});

describe('the scheduler lease and the due-work backlog', () => {
  let opened: StoreDatabase<ReadModelDatabase>;
  let projections: ProjectionRunner;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('scheduler_backlog');
    projections = new ProjectionRunner({ store: opened.store, db: opened.connection.db, connectionString: opened.database.connectionString, projections: [toy] });
    await projections.start();
  });

  afterAll(async () => {
    await projections.stop();
    await opened.close();
  });

  it('one runner holds the lease; the other reports that it does not, and takes over when the first stops', async () => {
    const { store, connection, database } = opened;
    const options = { store, db: connection.db, connectionString: database.connectionString, sources: [toy], handlers: {}, clock: new EventStoreTenantClock(store), idlePollMs: 50, leaseName: 'backlog-test' };
    const first = new SchedulerRunner(options);
    const second = new SchedulerRunner(options);
    await first.start();
    await eventually('the first to take the lease', () => (first.status().leaseHeld ? true : undefined));
    await second.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(second.status()).toEqual({ running: true, leaseHeld: false });
      await first.stop();
      expect(first.status().leaseHeld).toBe(false);
      await eventually('the second to take over', () => (second.status().leaseHeld ? true : undefined), 5_000);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('counts what is due and not parked, of real-time tenants only, with the earliest due instant', async () => {
    const { store, connection } = opened;
    const at = (day: number) => `2025-03-${String(day).padStart(2, '0')}T00:00:00.000Z`;
    await scheduleToyWork(store, 'late', [countEntry('a', at(2)), countEntry('b', at(5)), countEntry('parked', at(1)), countEntry('future', '2099-01-01T00:00:00.000Z')]);
    await scheduleToyWork(store, 'simulated', [countEntry('s', at(1))]);
    const position = await scheduleToyWork(store, 'other', [countEntry('c', at(3))]);
    expect(await waitForProjections(connection.db, [toy.name], position, 10_000)).toBe(true);
    await sql`update read_models.backlog_due_work set parked_at = now() where tenant_id = 'late' and work_key = 'parked'`.execute(connection.db);

    const work = new DueWorkStore(connection.db, [toy.dueWork.table]);
    const now = '2025-03-10T00:00:00.000Z';
    expect(await work.backlog({ now, excludedTenants: ['simulated'] })).toEqual({ due: 3, capped: false, oldestDueAt: at(2) });
    expect(await work.backlog({ now, excludedTenants: [] })).toEqual({ due: 4, capped: false, oldestDueAt: at(1) });
    // Not yet due at an earlier instant; nothing due before the first.
    expect(await work.backlog({ now: at(4), excludedTenants: ['simulated'] })).toEqual({ due: 2, capped: false, oldestDueAt: at(2) });
    expect(await work.backlog({ now: '2025-02-01T00:00:00.000Z', excludedTenants: [] })).toEqual({ due: 0, capped: false, oldestDueAt: null });
  });

  it(`stops counting past ${DUE_WORK_BACKLOG_COUNT_MAX} items and says so`, async () => {
    const { connection } = opened;
    await sql`insert into read_models.backlog_due_work (tenant_id, work_key, kind, lane, due_at, payload, created_position, updated_position)
      select 'bulk', 'bulk-' || g, 'toy.count', 'bulk-' || g, timestamptz '2024-01-01T00:00:00Z' + make_interval(secs => g), '{}'::jsonb, '0', '0'
      from generate_series(1, ${DUE_WORK_BACKLOG_COUNT_MAX + 5}::int) g`.execute(connection.db);
    const work = new DueWorkStore(connection.db, [toy.dueWork.table]);
    const backlog = await work.backlog({ now: '2025-01-01T00:00:00.000Z', excludedTenants: [] });
    expect(backlog).toEqual({ due: DUE_WORK_BACKLOG_COUNT_MAX, capped: true, oldestDueAt: '2024-01-01T00:00:01.000Z' });
    expect(await work.backlog({ now: '2025-01-01T00:00:00.000Z', excludedTenants: ['bulk'] })).toEqual({ due: 0, capped: false, oldestDueAt: null });
  });
});
