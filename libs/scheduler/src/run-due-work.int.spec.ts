import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { uuidV5, type CommandContext } from '../../application/src/index.js';
import { DomainError } from '../../billing/src/common/domain-error.js';
import { ProjectionRunner, waitForProjections, type ReadModelDatabase } from '../../projection-runtime/src/index.js';
import { createStoreDatabase, type StoreDatabase } from '../../testing/src/test-database.js';
import { advanceTestClock } from './advance-test-clock.js';
import { dueWorkCommandId } from './dispatch.js';
import type { DueWorkHandler, DueWorkHandlers } from './due-work.types.js';
import { DueWorkRunError, runDueWork, type DueWorkStep, type RunDueWorkOptions } from './run-due-work.js';
import type { SchedulerOptions } from './scheduler-options.js';
import { EventStoreTenantClock } from './tenant-clock.js';
import { executeTestClockCommand, testClockStream } from './test-clock.stream.js';
import { counterHandler, renewalHandler, renewalKey, scheduleToyWork, startRenewalChain, toyCount, toyCustomerHistory, toyDueWorkProjection, TOY_RENEWAL } from './testing/toy-due-work.js';

const toy = toyDueWorkProjection();
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function context(tenantId: string, name: string): CommandContext {
  const commandId = uuidV5(`run-due-work-spec:${tenantId}:${name}`);
  return { tenantId, actor: 'test', commandId, correlationId: commandId, causationId: commandId, now: new Date().toISOString() };
}

/** The first of each month from `from` (inclusive), `count` of them, on `day`, as instants. */
function months(year: number, month: number, day: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => new Date(Date.UTC(year, month - 1 + index, day)).toISOString());
}

describe('runDueWork and advanceTestClock', () => {
  let opened: StoreDatabase<ReadModelDatabase>;
  let projections: ProjectionRunner;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('run_due_work');
    projections = new ProjectionRunner({ store: opened.store, db: opened.connection.db, connectionString: opened.database.connectionString, projections: [toy] });
    await projections.start();
  });

  afterAll(async () => {
    await projections.stop();
    await opened.close();
  });

  function options(handlers: DueWorkHandlers, extra: RunDueWorkOptions & Partial<SchedulerOptions> = {}): SchedulerOptions & RunDueWorkOptions {
    const { store, connection, database } = opened;
    return { store, db: connection.db, connectionString: database.connectionString, sources: [toy], handlers, clock: new EventStoreTenantClock(store), ...extra };
  }

  /** A tenant on a test clock frozen at `frozenTime`. */
  async function simulatedTenant(tenantId: string, frozenTime: string): Promise<void> {
    await executeTestClockCommand(opened.store, context(tenantId, 'create'), { type: 'CreateTestClock', data: { clockId: 'clock', name: tenantId, frozenTime } });
  }

  async function rowsOf(tenantId: string) {
    const { rows } = await sql<{ work_key: string; attempts: number; parked_at: Date | null; last_error: string | null }>`
      select work_key, attempts, parked_at, last_error from read_models.toy_due_work where tenant_id = ${tenantId} order by due_at, work_key`.execute(opened.connection.db);
    return rows;
  }

  it('advancing a year runs a 13-step schedule in order, each step at its own due instant, after one clock event', async () => {
    const { store } = opened;
    const tenant = 'thirteen';
    await simulatedTenant(tenant, '2025-01-01T00:00:00Z');
    await startRenewalChain(store, tenant, 'c1', '2025-01-01T00:00:00.000Z', 13);
    const steps: DueWorkStep[] = [];
    const logs: string[] = [];
    const result = await advanceTestClock(options({ [TOY_RENEWAL]: renewalHandler(store) }, { onStep: (step) => steps.push(step), progressEvery: 5, log: (line) => logs.push(line) }), context(tenant, 'advance'), {
      clockId: 'clock',
      to: '2026-03-01T00:00:00Z',
    });
    const dues = months(2025, 2, 1, 13);
    expect(result.dueWork).toEqual({ steps: 13, done: 13, parked: 0, dropped: 0, lastDueAt: '2026-02-01T00:00:00.000Z' });
    expect(result.clock.frozenTime).toBe('2026-03-01T00:00:00.000Z');
    expect(steps.map((step) => [step.step, step.item.workKey, step.item.dueAt])).toEqual(dues.map((due, index) => [index + 1, renewalKey('c1', index + 1), due]));
    // What the commands decided: each step at its due instant (the March renewal on March 1), with the command id of its work.
    expect((await toyCustomerHistory(store, tenant, 'c1')).slice(1)).toEqual(
      dues.map((now, index) => ({ name: `renewal ${index + 1} of 13`, now, commandId: dueWorkCommandId(tenant, renewalKey('c1', index + 1)) })),
    );
    expect(await rowsOf(tenant)).toEqual([]);
    expect(await new EventStoreTenantClock(store).now(tenant)).toBe('2026-03-01T00:00:00.000Z');
    expect((await store.readStream(testClockStream(tenant))).map((event) => event.type)).toEqual(['TestClockCreated', 'TestClockAdvanced']);
    expect(logs.filter((line) => /steps done, at/.test(line))).toEqual([
      'runDueWork for tenant thirteen: 5 steps done, at 2025-06-01T00:00:00.000Z of 2026-03-01T00:00:00.000Z',
      'runDueWork for tenant thirteen: 10 steps done, at 2025-11-01T00:00:00.000Z of 2026-03-01T00:00:00.000Z',
    ]);
  });

  it('successive advances continue where the last stopped, interleaving schedules in due order; nothing runs past `to`', async () => {
    const { store } = opened;
    const tenant = 'interleaved';
    await simulatedTenant(tenant, '2025-01-01T00:00:00Z');
    await startRenewalChain(store, tenant, 'c1', '2025-01-01T00:00:00.000Z', 13);
    await startRenewalChain(store, tenant, 'c2', '2025-01-15T00:00:00.000Z', 13);
    const steps: string[] = [];
    const run = options({ [TOY_RENEWAL]: renewalHandler(store) }, { onStep: (step) => steps.push(step.item.dueAt) });
    const first = await advanceTestClock(run, context(tenant, 'advance-1'), { clockId: 'clock', to: '2025-06-01T00:00:00Z' });
    // June 1 itself is due at June 1 (at or before `to`); June 15 is not.
    expect(first.dueWork.steps).toBe(9);
    expect(steps).toEqual([...months(2025, 2, 1, 5), ...months(2025, 2, 15, 4)].sort());
    expect((await rowsOf(tenant)).map((row) => row.work_key)).toEqual([renewalKey('c2', 5), renewalKey('c1', 6)]);
    const second = await advanceTestClock(run, context(tenant, 'advance-2'), { clockId: 'clock', to: '2026-03-01T00:00:00Z' });
    expect(second.dueWork.steps).toBe(17);
    expect(steps).toEqual([...months(2025, 2, 1, 13), ...months(2025, 2, 15, 13)].sort());
    expect(await rowsOf(tenant)).toEqual([]);
  });

  it('stops with a clear error past its step limit; the next run carries on in order', async () => {
    const { store } = opened;
    const tenant = 'bounded';
    await simulatedTenant(tenant, '2025-01-01T00:00:00Z');
    await startRenewalChain(store, tenant, 'c1', '2025-01-01T00:00:00.000Z', 13);
    const handlers = { [TOY_RENEWAL]: renewalHandler(store) };
    await executeTestClockCommand(store, context(tenant, 'advance'), { type: 'AdvanceTestClock', data: { clockId: 'clock', to: '2026-03-01T00:00:00Z' } });
    const error = await runDueWork(options(handlers, { stepsMax: 5 }), tenant, '2026-03-01T00:00:00Z').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DueWorkRunError);
    expect(error).toMatchObject({ reason: 'step_limit', steps: 5, item: { workKey: renewalKey('c1', 6) } });
    expect((error as Error).message).toMatch(/more than 5 pieces of work are due; stopped before toy:renewal:c1:6 due 2025-07-01T00:00:00.000Z/);
    expect((await toyCustomerHistory(store, tenant, 'c1')).length).toBe(1 + 5);
    const rest = await runDueWork(options(handlers), tenant, '2026-03-01T00:00:00Z');
    expect(rest.steps).toBe(8);
    expect((await toyCustomerHistory(store, tenant, 'c1')).slice(1).map((event) => event.now)).toEqual(months(2025, 2, 1, 13));
  });

  it('the step limit is 100,000 by default', async () => {
    const { runDueWorkLimits } = await import('./run-due-work.js');
    expect(runDueWorkLimits.stepsMax).toBe(100_000);
  });

  it('a failure stops the run at the failing work, recorded; advancing again with the same command finishes it without a second clock event', async () => {
    const { store } = opened;
    const tenant = 'interrupted';
    await simulatedTenant(tenant, '2025-01-01T00:00:00Z');
    await startRenewalChain(store, tenant, 'c1', '2025-01-01T00:00:00.000Z', 6);
    let failures = 1;
    const renew = renewalHandler(store);
    const handler: DueWorkHandler = async (item, context) => {
      if (item.payload.step === 3 && failures > 0) {
        failures -= 1;
        throw new Error('gateway unreachable');
      }
      return renew(item, context);
    };
    const advance = context(tenant, 'advance');
    const error = await advanceTestClock(options({ [TOY_RENEWAL]: handler }), advance, { clockId: 'clock', to: '2025-12-31T00:00:00Z' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: 'failed', steps: 3, item: { workKey: renewalKey('c1', 3), dueAt: '2025-04-01T00:00:00.000Z' } });
    expect((error as Error).message).toMatch(/toy:renewal:c1:3 due 2025-04-01T00:00:00.000Z failed: Error: gateway unreachable/);
    expect(await rowsOf(tenant)).toEqual([{ work_key: renewalKey('c1', 3), attempts: 1, parked_at: null, last_error: 'Error: gateway unreachable' }]);
    expect((await toyCustomerHistory(store, tenant, 'c1')).length).toBe(1 + 2);

    const retried = await advanceTestClock(options({ [TOY_RENEWAL]: handler }), advance, { clockId: 'clock', to: '2025-12-31T00:00:00Z' });
    expect(retried.dueWork.steps).toBe(4);
    expect((await toyCustomerHistory(store, tenant, 'c1')).slice(1).map((event) => event.now)).toEqual(months(2025, 2, 1, 6));
    expect((await store.readStream(testClockStream(tenant))).map((event) => event.type)).toEqual(['TestClockCreated', 'TestClockAdvanced']);
  });

  it('a refusal is parked and the run goes on; asking to retry later stops it at that work', async () => {
    const { store } = opened;
    const tenant = 'refusals';
    await simulatedTenant(tenant, '2025-01-01T00:00:00Z');
    await scheduleToyWork(store, tenant, [
      { workKey: 'a', kind: 'sim.count', dueAt: '2025-01-02T00:00:00Z', payload: { customerId: 'counter' } },
      { workKey: 'b-refused', kind: 'sim.count', dueAt: '2025-01-03T00:00:00Z', payload: { customerId: 'counter' } },
      { workKey: 'c', kind: 'sim.count', dueAt: '2025-01-04T00:00:00Z', payload: { customerId: 'counter' } },
      { workKey: 'd-later', kind: 'sim.count', dueAt: '2025-01-05T00:00:00Z', payload: { customerId: 'counter' } },
      { workKey: 'e', kind: 'sim.count', dueAt: '2025-01-06T00:00:00Z', payload: { customerId: 'counter' } },
    ]);
    const counter = counterHandler(store);
    const handler: DueWorkHandler = (item, context) => {
      if (item.workKey === 'b-refused') return Promise.reject(new DomainError('SUBSCRIPTION_TERMINATED', 'terminated'));
      if (item.workKey === 'd-later') return Promise.resolve({ status: 'retry_later', reason: 'gateway busy' });
      return counter(item, context);
    };
    const error = await runDueWork(options({ 'sim.count': handler }), tenant, '2025-02-01T00:00:00Z').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: 'retry_later', steps: 4, item: { workKey: 'd-later' } });
    expect(await toyCount(store, tenant)).toBe(2);
    const rows = await rowsOf(tenant);
    expect(rows.map((row) => [row.work_key, row.attempts, row.parked_at !== null, row.last_error])).toEqual([
      ['b-refused', 1, true, 'SUBSCRIPTION_TERMINATED: terminated'],
      ['d-later', 1, false, 'gateway busy'],
      ['e', 0, false, null],
    ]);
  });

  it('refuses work it has no handler for, naming it', async () => {
    const tenant = 'unhandled';
    await simulatedTenant(tenant, '2025-01-01T00:00:00Z');
    await scheduleToyWork(opened.store, tenant, [{ workKey: 'x', kind: 'unknown.kind', dueAt: '2025-01-02T00:00:00Z', payload: {} }]);
    await expect(runDueWork(options({}), tenant, '2025-02-01T00:00:00Z')).rejects.toMatchObject({ reason: 'no_handler', message: expect.stringMatching(/no handler for kind unknown.kind \(work x\)/) });
  });

  it('one run per tenant at a time: a second run waits for the first, or gives up with `busy`', async () => {
    const { store } = opened;
    const tenant = 'exclusive';
    await simulatedTenant(tenant, '2025-01-01T00:00:00Z');
    await scheduleToyWork(
      store,
      tenant,
      Array.from({ length: 6 }, (_, index) => ({ workKey: `k${index}`, kind: 'exclusive.count', dueAt: new Date(Date.UTC(2025, 0, 2, index)).toISOString(), payload: { customerId: 'counter' } })),
    );
    let inFlight = 0;
    let mostInFlight = 0;
    const handlers = {
      'exclusive.count': counterHandler(store, {
        before: async () => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await delay(60);
        },
        after: async () => void (inFlight -= 1),
      }),
    };
    const first = runDueWork(options(handlers), tenant, '2025-02-01T00:00:00Z');
    // The second runs start once the first holds the tenant's lease (its first step is in hand), however slow the machine.
    for (let waited = 0; inFlight === 0; waited += 5) {
      if (waited > 20_000) throw new Error('the first run never started a step');
      await delay(5);
    }
    const impatient = runDueWork(options(handlers, { lockWaitMs: 50 }), tenant, '2025-02-01T00:00:00Z').catch((caught: unknown) => caught);
    const patient = runDueWork(options(handlers), tenant, '2025-02-01T00:00:00Z');
    const [done, busy, waited] = await Promise.all([first, impatient, patient]);
    expect(busy).toMatchObject({ reason: 'busy' });
    expect(done.steps).toBe(6);
    expect(waited.steps).toBe(0);
    expect(mostInFlight).toBe(1);
    expect(await toyCount(store, tenant)).toBe(6);
  });

  it('waits for the due-work projections before its first step, so work stated a moment ago is run', async () => {
    const { store, connection } = opened;
    const tenant = 'fresh';
    await simulatedTenant(tenant, '2025-01-01T00:00:00Z');
    const stated = await scheduleToyWork(store, tenant, [{ workKey: 'just-stated', kind: 'fresh.count', dueAt: '2025-01-01T00:00:00Z', payload: { customerId: 'counter' } }]);
    // Nothing has waited for the projection: the run must.
    const result = await runDueWork(options({ 'fresh.count': counterHandler(store) }), tenant, '2025-01-01T00:00:00Z');
    expect(result.steps).toBe(1);
    expect(await waitForProjections(connection.db, [toy.name], stated, 1)).toBe(true);
  });

  it('moving the clock back is refused and runs nothing', async () => {
    const tenant = 'backwards';
    await simulatedTenant(tenant, '2025-06-01T00:00:00Z');
    await scheduleToyWork(opened.store, tenant, [{ workKey: 'due', kind: 'backwards.count', dueAt: '2025-01-01T00:00:00Z', payload: { customerId: 'counter' } }]);
    await expect(advanceTestClock(options({ 'backwards.count': counterHandler(opened.store) }), context(tenant, 'advance'), { clockId: 'clock', to: '2025-05-01T00:00:00Z' })).rejects.toMatchObject({
      code: 'TEST_CLOCK_CANNOT_GO_BACK',
    });
    expect(await toyCount(opened.store, tenant)).toBe(0);
  });

  it('refuses an `until` that is not an instant', async () => {
    await expect(runDueWork(options({}), 'acme', '2025-01-01')).rejects.toThrow(/until must be an ISO-8601 instant/);
  });
});
