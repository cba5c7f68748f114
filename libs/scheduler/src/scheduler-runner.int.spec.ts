import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { uuidV5 } from '../../application/src/index.js';
import { DomainError } from '../../billing/src/common/domain-error.js';
import { ProjectionRunner, waitForProjections, type ReadModelDatabase } from '../../projection-runtime/src/index.js';
import { createStoreDatabase, type StoreDatabase } from '../../testing/src/test-database.js';
import { dueWorkCommandId, dueWorkContext } from './dispatch.js';
import { dueWorkProjection } from './due-work.projection.js';
import { DueWorkStore } from './due-work.store.js';
import type { DueWork, DueWorkContext, DueWorkEntry, DueWorkHandler } from './due-work.types.js';
import { SchedulerRunner, type SchedulerRunnerOptions } from './scheduler-runner.js';
import { EventStoreTenantClock } from './tenant-clock.js';
import { executeTestClockCommand } from './test-clock.stream.js';
import { counterHandler, renewalHandler, scheduleToyWork, startRenewalChain, toyCount, toyCustomerHistory, toyDueWorkProjection, TOY_RENEWAL } from './testing/toy-due-work.js';

const toy = toyDueWorkProjection();

async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A piece of work for the toy counter `customerId`, of `kind` (each test has kinds of its own), in its own lane unless `lane` names one. */
function work(kind: string, workKey: string, dueAt: string, customerId = 'counter', lane?: string): DueWorkEntry {
  return { workKey, kind, dueAt, payload: { customerId }, ...(lane === undefined ? {} : { lane }) };
}

interface Dispatched {
  readonly workKey: string;
  readonly now: string;
  readonly tenantNow: string;
  readonly commandId: string;
}

/** Records every dispatch, then runs `handler`. */
function recording(log: Dispatched[], handler: DueWorkHandler): DueWorkHandler {
  return async (item, context) => {
    log.push({ workKey: item.workKey, now: context.now, tenantNow: context.tenantNow, commandId: context.commandId });
    return handler(item, context);
  };
}

describe('the scheduler runner', () => {
  let opened: StoreDatabase<ReadModelDatabase>;
  let projections: ProjectionRunner;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('scheduler');
    projections = new ProjectionRunner({ store: opened.store, db: opened.connection.db, connectionString: opened.database.connectionString, projections: [toy] });
    await projections.start();
  });

  afterAll(async () => {
    await projections.stop();
    await opened.close();
  });

  function runner(options: Pick<SchedulerRunnerOptions, 'handlers'> & Partial<SchedulerRunnerOptions>): SchedulerRunner {
    const { store, connection, database } = opened;
    return new SchedulerRunner({ store, db: connection.db, connectionString: database.connectionString, sources: [toy], clock: new EventStoreTenantClock(store), ...options });
  }

  async function projected(position: Awaited<ReturnType<typeof scheduleToyWork>>): Promise<void> {
    expect(await waitForProjections(opened.connection.db, [toy.name], position, 10_000)).toBe(true);
  }

  async function rowsOf(tenantId: string) {
    const { rows } = await sql<{ work_key: string; attempts: number; last_error: string | null; not_before: Date | null; parked_at: Date | null }>`
      select work_key, attempts, last_error, not_before, parked_at from read_models.toy_due_work where tenant_id = ${tenantId} order by due_at, work_key`.execute(opened.connection.db);
    return rows;
  }

  it('dispatches due work in (due instant, key) order, each with the command id of its work and its due instant as now', async () => {
    const { store } = opened;
    const tenant = 'order';
    const kind = 'order.count';
    // Every piece counts on one counter: one lane, so the two pieces due at the same instant run one after the other.
    const counted = (key: string, dueAt: string) => work(kind, key, dueAt, 'counter', 'counter');
    // Stated out of order, over two events; one piece is not due for decades.
    await scheduleToyWork(store, tenant, [counted('k3', '2025-01-03T00:00:00Z'), counted('k2b', '2025-01-02T00:00:00Z'), counted('future', '2099-01-01T00:00:00Z')]);
    await projected(await scheduleToyWork(store, tenant, [counted('k2a', '2025-01-02T00:00:00Z'), counted('k1', '2025-01-01T00:00:00Z')]));
    const dispatched: Dispatched[] = [];
    const scheduler = runner({ handlers: { [kind]: recording(dispatched, counterHandler(store)) } });
    await scheduler.start();
    try {
      await eventually('four pieces of work done', async () => ((await rowsOf(tenant)).length === 1 ? true : undefined));
    } finally {
      await scheduler.stop();
    }
    const keys = ['k1', 'k2a', 'k2b', 'k3'];
    const dues = ['2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z', '2025-01-02T00:00:00.000Z', '2025-01-03T00:00:00.000Z'];
    expect(dispatched.map((entry) => entry.workKey)).toEqual(keys);
    expect(dispatched.map((entry) => entry.commandId)).toEqual(keys.map((key) => uuidV5(`${tenant}:due-work:${key}`)));
    expect(dispatched.map((entry) => entry.now)).toEqual(dues);
    // What the commands did: one event each, in that order, decided at the due instants.
    expect(await toyCustomerHistory(store, tenant, 'counter')).toEqual(keys.map((key, index) => ({ name: `count ${index + 1}`, now: dues[index], commandId: dueWorkCommandId(tenant, key) })));
    expect((await rowsOf(tenant)).map((row) => row.work_key)).toEqual(['future']);
  });

  it('catches up after downtime in due order, successors included, each piece at its own instant', async () => {
    const { store } = opened;
    const tenant = 'catchup';
    const kind = 'catchup.count';
    // While no scheduler runs: two monthly chains (their next steps are stated by the steps themselves) and two
    // single pieces of work, all due long ago.
    await startRenewalChain(store, tenant, 'c1', '2025-01-01T00:00:00.000Z', 6);
    await startRenewalChain(store, tenant, 'c2', '2025-01-15T00:00:00.000Z', 6);
    await projected(await scheduleToyWork(store, tenant, [work(kind, 'single-jun', '2025-06-20T00:00:00Z'), work(kind, 'single-mar', '2025-03-10T00:00:00Z')]));
    const dispatched: Dispatched[] = [];
    const scheduler = runner({ handlers: { [kind]: recording(dispatched, counterHandler(store)), [TOY_RENEWAL]: recording(dispatched, renewalHandler(store)) } });
    await scheduler.start();
    try {
      await eventually('14 pieces of work done', () => (dispatched.length >= 14 ? true : undefined));
      await eventually('the table emptied', async () => ((await rowsOf(tenant)).length === 0 ? true : undefined));
    } finally {
      await scheduler.stop();
    }
    const monthly = (day: string) => ['02', '03', '04', '05', '06', '07'].map((month) => `2025-${month}-${day}T00:00:00.000Z`);
    const expected = [...monthly('01'), ...monthly('15'), '2025-03-10T00:00:00.000Z', '2025-06-20T00:00:00.000Z'].sort();
    expect(dispatched.map((entry) => entry.now)).toEqual(expected);
    expect((await toyCustomerHistory(store, tenant, 'c1')).map((event) => [event.name, event.now])).toEqual([
      ['renewal 0 of 6', '2025-01-01T00:00:00.000Z'],
      ...monthly('01').map((now, index) => [`renewal ${index + 1} of 6`, now]),
    ]);
    expect((await toyCustomerHistory(store, tenant, 'c2')).slice(1).map((event) => event.now)).toEqual(monthly('15'));
  });

  describe('waves: work of different lanes at once, each lane one piece at a time', () => {
    /** What the handlers saw, in the order it happened: each piece's start and end. */
    interface Trace {
      readonly events: { readonly at: 'start' | 'end'; readonly workKey: string; readonly lane: string; readonly dueAt: string }[];
      mostInFlight: number;
      mostInFlightPerLane: number;
    }

    /** A counter handler on the piece's own customer that traces starts and ends and takes `delayMs(item)` in between. */
    function traced(store: Parameters<typeof counterHandler>[0], trace: Trace, delayMs: (item: DueWork) => number): DueWorkHandler {
      const inFlight = new Map<string, number>();
      let total = 0;
      return counterHandler(store, {
        before: async (item) => {
          const lane = item.lane ?? item.workKey;
          trace.events.push({ at: 'start', workKey: item.workKey, lane, dueAt: item.dueAt });
          total += 1;
          inFlight.set(lane, (inFlight.get(lane) ?? 0) + 1);
          trace.mostInFlight = Math.max(trace.mostInFlight, total);
          trace.mostInFlightPerLane = Math.max(trace.mostInFlightPerLane, inFlight.get(lane) ?? 0);
          await delay(delayMs(item));
        },
        after: async (item) => {
          const lane = item.lane ?? item.workKey;
          total -= 1;
          inFlight.set(lane, (inFlight.get(lane) ?? 0) - 1);
          trace.events.push({ at: 'end', workKey: item.workKey, lane, dueAt: item.dueAt });
        },
      });
    }

    it('overlaps lanes, never two pieces of one lane, keeps each lane\'s order, and starts nothing due later before an earlier instant is done', async () => {
      const { store } = opened;
      const tenant = 'lanes';
      const kind = 'lanes.count';
      const day = (n: number) => `2025-01-0${n}T00:00:00.000Z`;
      // Three lanes (one customer each) with work on days 1 to 3, lane a twice on day 1; a piece of its own lane on day 2.
      const entries = ['a', 'b', 'c'].flatMap((lane) => [1, 2, 3].map((n) => work(kind, `${lane}:${n}`, day(n), `customer-${lane}`, `lane-${lane}`)));
      entries.push(work(kind, 'a:1b', day(1), 'customer-a', 'lane-a'), work(kind, 'solo', day(2), 'customer-solo'));
      await projected(await scheduleToyWork(store, tenant, [...entries].reverse()));
      const trace: Trace = { events: [], mostInFlight: 0, mostInFlightPerLane: 0 };
      // The first piece of lane a is slow: the rest of day 1 and all of day 2 must wait for it. One tenant, whose
      // pieces may all run at once.
      const scheduler = runner({ tenantConcurrency: 8, handlers: { [kind]: traced(store, trace, (item) => (item.workKey === 'a:1' ? 300 : 60)) } });
      await scheduler.start();
      try {
        await eventually('every piece done', async () => ((await rowsOf(tenant)).length === 0 ? true : undefined));
      } finally {
        await scheduler.stop();
      }
      const starts = trace.events.filter((event) => event.at === 'start');
      expect(starts.map((event) => event.workKey).sort()).toEqual(entries.map((entry) => entry.workKey).sort());
      // Day 2 ran four lanes at once (a, b, c and solo); never two pieces of one lane.
      expect(trace.mostInFlight).toBe(4);
      expect(trace.mostInFlightPerLane).toBe(1);
      // Each lane in (due instant, key) order; its commands decided at the due instants, in that order.
      const laneOrder = (lane: string) => starts.filter((event) => event.lane === lane).map((event) => event.workKey);
      expect(laneOrder('lane-a')).toEqual(['a:1', 'a:1b', 'a:2', 'a:3']);
      expect(laneOrder('lane-b')).toEqual(['b:1', 'b:2', 'b:3']);
      expect((await toyCustomerHistory(store, tenant, 'customer-a')).map((event) => event.now)).toEqual([day(1), day(1), day(2), day(3)]);
      // Nothing due later started before every piece of an earlier instant had ended.
      for (const [index, event] of trace.events.entries()) {
        if (event.at !== 'start') continue;
        const unfinished = trace.events.filter((other) => other.at === 'start' && other.dueAt < event.dueAt && trace.events.findIndex((end) => end.at === 'end' && end.workKey === other.workKey) > index);
        expect(unfinished).toEqual([]);
      }
      expect(trace.events.findIndex((event) => event.workKey === 'solo')).toBeGreaterThan(trace.events.findIndex((event) => event.at === 'end' && event.workKey === 'a:1b'));
    });

    it.each([
      [1, 1],
      [2, 2],
      [8, 5],
    ])('runs at most `concurrency` pieces at once (%i: %i of 5 lanes due at one instant)', async (concurrency, expected) => {
      const { store } = opened;
      const tenant = `wave-${concurrency}`;
      const kind = `wave${concurrency}.count`;
      const keys = ['p1', 'p2', 'p3', 'p4', 'p5'];
      await projected(await scheduleToyWork(store, tenant, keys.map((key) => work(kind, key, '2025-02-01T00:00:00Z', `customer-${key}`))));
      const trace: Trace = { events: [], mostInFlight: 0, mostInFlightPerLane: 0 };
      const scheduler = runner({ concurrency, tenantConcurrency: 8, handlers: { [kind]: traced(store, trace, () => 80) } });
      await scheduler.start();
      try {
        await eventually('every piece done', async () => ((await rowsOf(tenant)).length === 0 ? true : undefined));
      } finally {
        await scheduler.stop();
      }
      expect(trace.mostInFlight).toBe(expected);
      expect(trace.events.filter((event) => event.at === 'start').map((event) => event.workKey)).toEqual(keys);
    });

    it('by default runs tenants side by side and one tenant\'s pieces of a wave one after another, in key order', async () => {
      const { store } = opened;
      const kind = 'tenants.count';
      const keys = ['p1', 'p2', 'p3'];
      for (const tenant of ['tenant-x', 'tenant-y']) {
        await projected(await scheduleToyWork(store, tenant, keys.map((key) => work(kind, key, '2025-03-01T00:00:00Z', `customer-${key}`))));
      }
      const traces = new Map<string, { order: string[]; inFlight: number; most: number }>();
      let inFlight = 0;
      let most = 0;
      const handler = counterHandler(store, {
        before: async (item) => {
          const trace = traces.get(item.tenantId) ?? { order: [], inFlight: 0, most: 0 };
          traces.set(item.tenantId, trace);
          trace.order.push(item.workKey);
          trace.inFlight += 1;
          trace.most = Math.max(trace.most, trace.inFlight);
          most = Math.max(most, (inFlight += 1));
          await delay(60);
        },
        after: async (item) => {
          (traces.get(item.tenantId) as { inFlight: number }).inFlight -= 1;
          inFlight -= 1;
        },
      });
      const scheduler = runner({ handlers: { [kind]: handler } });
      await scheduler.start();
      try {
        await eventually('every piece done', async () => ((await rowsOf('tenant-x')).length + (await rowsOf('tenant-y')).length === 0 ? true : undefined));
      } finally {
        await scheduler.stop();
      }
      expect(most).toBe(2);
      expect([...traces.keys()].sort()).toEqual(['tenant-x', 'tenant-y']);
      for (const trace of traces.values()) expect(trace).toEqual({ order: keys, inFlight: 0, most: 1 });
      // In key order, so the same run gives the same result: the counter's events follow the keys.
      expect((await toyCustomerHistory(store, 'tenant-x', 'customer-p2')).map((event) => event.commandId)).toEqual([dueWorkCommandId('tenant-x', 'p2')]);
    });

    it('refuses a concurrency that is not a whole number from 1', () => {
      expect(() => runner({ concurrency: 0, handlers: {} })).toThrow(/concurrency must be a whole number from 1/);
      expect(() => runner({ concurrency: 2.5, handlers: {} })).toThrow(/concurrency must be a whole number from 1/);
      expect(() => runner({ tenantConcurrency: 0, handlers: {} })).toThrow(/tenantConcurrency must be a whole number from 1/);
    });

    it('settles each piece of a wave for itself: a failure and a refusal are recorded, the others finished', async () => {
      const { store } = opened;
      const tenant = 'mixed';
      const kind = 'mixed.count';
      await projected(await scheduleToyWork(store, tenant, ['fails', 'ok-1', 'ok-2', 'refused'].map((key) => work(kind, key, '2025-02-01T00:00:00Z', `customer-${key}`))));
      const counter = counterHandler(store);
      const started: string[] = [];
      const handler: DueWorkHandler = async (item, context) => {
        started.push(item.workKey);
        await delay(50);
        if (item.workKey === 'fails') throw new Error('gateway unreachable');
        if (item.workKey === 'refused') throw new DomainError('SUBSCRIPTION_TERMINATED', 'terminated');
        return counter(item, context);
      };
      const scheduler = runner({ handlers: { [kind]: handler } });
      await scheduler.start();
      try {
        await eventually('the wave settled', async () => ((await rowsOf(tenant)).length === 2 ? true : undefined));
        await delay(300);
      } finally {
        await scheduler.stop();
      }
      expect(started.slice(0, 4)).toEqual(['fails', 'ok-1', 'ok-2', 'refused']);
      expect(await rowsOf(tenant)).toEqual([
        { work_key: 'fails', attempts: 1, last_error: 'Error: gateway unreachable', not_before: expect.any(Date), parked_at: null },
        { work_key: 'refused', attempts: 1, last_error: 'SUBSCRIPTION_TERMINATED: terminated', not_before: null, parked_at: expect.any(Date) },
      ]);
      expect(await toyCount(store, tenant, 'customer-ok-1')).toBe(1);
      expect(await toyCount(store, tenant, 'customer-ok-2')).toBe(1);
    });
  });

  it('two schedulers at once: one holds the lease, no piece of work is dispatched twice or two at a time', async () => {
    const { store } = opened;
    const tenant = 'two';
    const kind = 'two.count';
    const keys = Array.from({ length: 20 }, (_, index) => `k${String(index).padStart(2, '0')}`);
    await projected(await scheduleToyWork(store, tenant, keys.map((key, index) => work(kind, key, new Date(Date.UTC(2025, 0, 1, index)).toISOString()))));
    let inFlight = 0;
    let mostInFlight = 0;
    const dispatches = new Map<string, number>();
    const logs: string[][] = [[], []];
    const handler = counterHandler(store, {
      before: async (item) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        dispatches.set(item.workKey, (dispatches.get(item.workKey) ?? 0) + 1);
        await delay(30);
      },
      after: async () => {
        inFlight -= 1;
      },
    });
    const schedulers = [0, 1].map((index) => runner({ leaseName: 'two', handlers: { [kind]: handler }, log: (message) => logs[index]?.push(message) }));
    await Promise.all(schedulers.map((scheduler) => scheduler.start()));
    let logsWhileBothRan: string[][] | undefined;
    try {
      await eventually('every piece done', async () => ((await rowsOf(tenant)).length === 0 ? true : undefined));
      logsWhileBothRan = logs.map((lines) => [...lines]);
    } finally {
      await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
    }
    expect(mostInFlight).toBe(1);
    expect([...dispatches.keys()].sort()).toEqual(keys);
    expect([...dispatches.values()].every((count) => count === 1)).toBe(true);
    expect(await toyCount(store, tenant)).toBe(20);
    expect((logsWhileBothRan ?? []).filter((lines) => lines.some((line) => line.includes('lease taken')))).toHaveLength(1);
  });

  it('a crash between the command and the bookkeeping: the re-dispatch gets the first outcome and appends nothing', async () => {
    const { store, connection } = opened;
    const tenant = 'crash';
    const kind = 'crash.count';
    await projected(await scheduleToyWork(store, tenant, [work(kind, 'only', '2025-02-01T00:00:00Z')]));
    const calls: Dispatched[] = [];
    const handler = recording(calls, counterHandler(store));
    // The first scheduler dispatched the work (its command appended) and died before its bookkeeping: the row stays.
    const [item] = await new DueWorkStore(connection.db, [toy.dueWork.table]).due({ now: new Date().toISOString(), kinds: [kind], excludedTenants: [], limit: 10 });
    expect(item).toBeDefined();
    const first = await handler(item as DueWork, dueWorkContext(item as DueWork, new Date().toISOString()));
    expect(await toyCount(store, tenant)).toBe(1);
    expect((await rowsOf(tenant)).map((row) => row.work_key)).toEqual(['only']);
    // The next scheduler finds it still due and dispatches it again, with the same command id.
    const scheduler = runner({ handlers: { [kind]: handler } });
    await scheduler.start();
    try {
      await eventually('the row to go', async () => ((await rowsOf(tenant)).length === 0 ? true : undefined));
    } finally {
      await scheduler.stop();
    }
    expect(calls.map((call) => call.commandId)).toEqual([dueWorkCommandId(tenant, 'only'), dueWorkCommandId(tenant, 'only')]);
    expect(await toyCount(store, tenant)).toBe(1);
    expect(await toyCustomerHistory(store, tenant, 'counter')).toHaveLength(1);
    expect(first).toEqual({ status: 'done', position: expect.anything() });
  });

  describe('stops within a second', () => {
    it('when idle, waiting for work due far ahead', async () => {
      const { store } = opened;
      await projected(await scheduleToyWork(store, 'idle', [work('idle.count', 'later', '2099-01-01T00:00:00Z')]));
      const scheduler = runner({ handlers: { 'idle.count': counterHandler(store) }, idlePollMs: 60_000 });
      await scheduler.start();
      await delay(300);
      const started = Date.now();
      await scheduler.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('when busy: after the piece of work in hand, and a restart does the rest exactly once', async () => {
      const { store } = opened;
      const tenant = 'busy';
      const kind = 'busy.count';
      const keys = Array.from({ length: 30 }, (_, index) => `k${String(index).padStart(2, '0')}`);
      await projected(await scheduleToyWork(store, tenant, keys.map((key, index) => work(kind, key, new Date(Date.UTC(2025, 0, 1, index)).toISOString()))));
      const dispatched: Dispatched[] = [];
      const handler = recording(dispatched, counterHandler(store, { before: async () => void (await delay(100)) }));
      const first = runner({ handlers: { [kind]: handler } });
      await first.start();
      await eventually('five pieces done', () => (dispatched.length >= 5 ? true : undefined));
      const started = Date.now();
      await first.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
      const dispatchedBeforeRestart = dispatched.length;
      await delay(300);
      expect(dispatched.length).toBe(dispatchedBeforeRestart);
      expect(dispatchedBeforeRestart).toBeLessThan(30);

      const second = runner({ handlers: { [kind]: handler } });
      await second.start();
      try {
        await eventually('the rest done', async () => ((await rowsOf(tenant)).length === 0 ? true : undefined), 30_000);
      } finally {
        await second.stop();
      }
      expect(await toyCount(store, tenant)).toBe(30);
      expect(new Set((await toyCustomerHistory(store, tenant, 'counter')).map((event) => event.commandId))).toEqual(new Set(keys.map((key) => dueWorkCommandId(tenant, key))));
    });

    it.each([
      ['side by side', 8],
      ['one after another', 1],
    ])('in the middle of a wave run %s: after the pieces in hand, and a restart does the rest exactly once', async (_how, tenantConcurrency) => {
      const { store } = opened;
      const tenant = `busy-wave-${tenantConcurrency}`;
      const kind = `busywave${tenantConcurrency}.count`;
      // 30 pieces due at one instant, each its own lane, all counting on one counter (their commands conflict and retry).
      const keys = Array.from({ length: 30 }, (_, index) => `k${String(index).padStart(2, '0')}`);
      await projected(await scheduleToyWork(store, tenant, keys.map((key) => work(kind, key, '2025-01-01T00:00:00Z'))));
      const dispatched: Dispatched[] = [];
      let inFlight = 0;
      const handler = recording(
        dispatched,
        counterHandler(store, {
          before: async () => {
            inFlight += 1;
            await delay(200);
          },
          after: async () => void (inFlight -= 1),
        }),
      );
      const first = runner({ tenantConcurrency, handlers: { [kind]: handler } });
      await first.start();
      await eventually('the second wave under way', () => (dispatched.length > 8 ? true : undefined));
      const started = Date.now();
      await first.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
      // The pieces in hand finished (no command left running), and nothing else started: side by side, the whole
      // second wave had started; one after another, the piece in hand was its last.
      expect(inFlight).toBe(0);
      const dispatchedAtStop = dispatched.length;
      if (tenantConcurrency === 8) expect(dispatchedAtStop).toBe(16);
      else expect(dispatchedAtStop).toBeLessThan(16);
      await delay(300);
      expect(dispatched).toHaveLength(dispatchedAtStop);

      const second = runner({ tenantConcurrency, handlers: { [kind]: handler } });
      await second.start();
      try {
        await eventually('the rest done', async () => ((await rowsOf(tenant)).length === 0 ? true : undefined), 30_000);
      } finally {
        await second.stop();
      }
      expect(await toyCount(store, tenant)).toBe(30);
      const history = await toyCustomerHistory(store, tenant, 'counter');
      expect(history).toHaveLength(30);
      expect(new Set(history.map((event) => event.commandId))).toEqual(new Set(keys.map((key) => dueWorkCommandId(tenant, key))));
    });

    it('while it waits for the due-work projections to see what a command appended', async () => {
      const { store, connection } = opened;
      // A second source that nothing projects: the wait after the command can only end by the stop.
      const stalled = dueWorkProjection({ name: 'stalled_due_work', version: 1, eventTypes: ['NothingEverHappens'], plan: () => ({}) });
      await stalled.createTables(connection.db, 'read_models');
      await stalled.createIndexes?.(connection.db, 'read_models');
      await projected(await scheduleToyWork(store, 'waiting', [work('waiting.count', 'one', '2025-01-01T00:00:00Z')]));
      let appended = false;
      const scheduler = runner({ sources: [toy, stalled], handlers: { 'waiting.count': counterHandler(store, { after: async () => void (appended = true) }) } });
      await scheduler.start();
      await eventually('the command', () => (appended ? true : undefined));
      await delay(300);
      const started = Date.now();
      await scheduler.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
      // The bookkeeping did not happen: the work stays, for a re-dispatch that gets the command's first outcome.
      expect((await rowsOf('waiting')).map((row) => row.work_key)).toEqual(['one']);
    });
  });

  describe('when a handler does not finish the work', () => {
    it('a failure is recorded and retried after the backoff', async () => {
      const { store } = opened;
      const tenant = 'failing';
      await projected(await scheduleToyWork(store, tenant, [work('failing.count', 'flaky', '2025-01-01T00:00:00Z')]));
      let calls = 0;
      const counter = counterHandler(store);
      const handler: DueWorkHandler = async (item, context) => {
        calls += 1;
        if (calls === 1) throw new Error('gateway unreachable');
        return counter(item, context);
      };
      const scheduler = runner({ handlers: { 'failing.count': handler } });
      const started = Date.now();
      await scheduler.start();
      try {
        const [failed] = await eventually('the failure recorded', async () => {
          const rows = await rowsOf(tenant);
          return rows[0]?.attempts === 1 ? rows : undefined;
        });
        expect(failed).toMatchObject({ attempts: 1, last_error: 'Error: gateway unreachable', parked_at: null });
        expect(failed?.not_before?.getTime()).toBeGreaterThan(started + 900);
        await eventually('the retry', async () => ((await rowsOf(tenant)).length === 0 ? true : undefined));
      } finally {
        await scheduler.stop();
      }
      expect(calls).toBe(2);
      expect(await toyCount(store, tenant)).toBe(1);
    });

    it('a refusal is parked by default: recorded, and out of the schedule', async () => {
      const { store } = opened;
      const tenant = 'parked';
      await projected(await scheduleToyWork(store, tenant, [work('parked.count', 'refused', '2025-01-01T00:00:00Z'), work('parked.count', 'after', '2025-01-02T00:00:00Z')]));
      const calls: string[] = [];
      const counter = counterHandler(store);
      const handler: DueWorkHandler = (item, context) => {
        calls.push(item.workKey);
        if (item.workKey === 'refused') return Promise.reject(new DomainError('SUBSCRIPTION_TERMINATED', 'subscription sub-1 is terminated'));
        return counter(item, context);
      };
      const scheduler = runner({ handlers: { 'parked.count': handler } });
      await scheduler.start();
      try {
        await eventually('the later work done', async () => ((await rowsOf(tenant)).length === 1 ? true : undefined));
        await delay(1_500);
      } finally {
        await scheduler.stop();
      }
      expect(calls).toEqual(['refused', 'after']);
      const [parked] = await rowsOf(tenant);
      expect(parked).toMatchObject({ work_key: 'refused', attempts: 1, last_error: 'SUBSCRIPTION_TERMINATED: subscription sub-1 is terminated' });
      expect(parked?.parked_at).toBeInstanceOf(Date);
    });

    it('a refusal is dropped under the `done` policy, and held back under `retry_later`', async () => {
      const { store } = opened;
      await projected(await scheduleToyWork(store, 'policies', [work('policies.drop', 'dropped', '2025-01-01T00:00:00Z'), work('policies.retry', 'held', '2025-01-02T00:00:00Z')]));
      const refuse = () => Promise.reject(new DomainError('SUBSCRIPTION_NOT_ACTIVE', 'not active yet'));
      const scheduler = runner({ handlers: { 'policies.drop': { handle: refuse, onRefusal: 'done' }, 'policies.retry': { handle: refuse, onRefusal: 'retry_later' } } });
      await scheduler.start();
      try {
        const rows = await eventually('both handled', async () => {
          const current = await rowsOf('policies');
          return current.length === 1 && current[0]?.attempts === 1 ? current : undefined;
        });
        expect(rows).toEqual([{ work_key: 'held', attempts: 1, last_error: 'SUBSCRIPTION_NOT_ACTIVE: not active yet', not_before: expect.any(Date), parked_at: null }]);
      } finally {
        await scheduler.stop();
      }
    });

    it('retry_later holds the work back until the instant the handler names', async () => {
      const { store } = opened;
      await projected(await scheduleToyWork(store, 'later', [work('later.count', 'later', '2025-01-01T00:00:00Z')]));
      const answers: DueWorkContext[] = [];
      const scheduler = runner({
        handlers: {
          'later.count': (_item, context) => {
            answers.push(context);
            return Promise.resolve({ status: 'retry_later', reason: 'gateway busy', notBefore: '2099-01-01T00:00:00.000Z' });
          },
        },
      });
      await scheduler.start();
      try {
        const [row] = await eventually('the answer recorded', async () => {
          const rows = await rowsOf('later');
          return rows[0]?.attempts === 1 ? rows : undefined;
        });
        expect(row).toMatchObject({ attempts: 1, last_error: 'gateway busy', not_before: new Date('2099-01-01T00:00:00.000Z') });
        await delay(500);
      } finally {
        await scheduler.stop();
      }
      expect(answers).toHaveLength(1);
    });
  });

  it('wakes when new work is stated, and at the next due instant, without waiting for its poll', async () => {
    const { store } = opened;
    const tenant = 'wakes';
    const done = new Map<string, number>();
    const scheduler = runner({ idlePollMs: 60_000, handlers: { 'wakes.count': counterHandler(store, { after: async (item) => void done.set(item.workKey, Date.now()) }) } });
    await scheduler.start();
    try {
      await delay(500);
      const stated = Date.now();
      await scheduleToyWork(store, tenant, [work('wakes.count', 'now', '2025-01-01T00:00:00Z')]);
      const ranAt = await eventually('the new work', () => done.get('now'), 5_000);
      expect(ranAt - stated).toBeLessThan(2_000);
      const dueAt = Date.now() + 1_500;
      await scheduleToyWork(store, tenant, [work('wakes.count', 'soon', new Date(dueAt).toISOString())]);
      const ranSoonAt = await eventually('the work due soon', () => done.get('soon'), 5_000);
      expect(ranSoonAt).toBeGreaterThanOrEqual(dueAt);
      expect(ranSoonAt - dueAt).toBeLessThan(1_000);
    } finally {
      await scheduler.stop();
    }
  });

  it('leaves a tenant on a test clock to runDueWork, even for work due on both clocks', async () => {
    const { store } = opened;
    const tenant = 'simulated';
    const commandId = uuidV5('scheduler-spec:simulated:create');
    await executeTestClockCommand(store, { tenantId: tenant, actor: 'test', commandId, correlationId: commandId, causationId: commandId, now: new Date().toISOString() }, {
      type: 'CreateTestClock',
      data: { clockId: 'sim', name: 'Simulation', frozenTime: '2025-01-01T00:00:00Z' },
    });
    await projected(await scheduleToyWork(store, tenant, [work('simulated.count', 'due', '2024-12-01T00:00:00Z')]));
    await projected(await scheduleToyWork(store, 'real', [work('simulated.count', 'due', '2024-12-01T00:00:00Z')]));
    const dispatched: Dispatched[] = [];
    const scheduler = runner({ handlers: { 'simulated.count': recording(dispatched, counterHandler(store)) } });
    await scheduler.start();
    try {
      await eventually('the real-time tenant\'s work', async () => ((await rowsOf('real')).length === 0 ? true : undefined));
      await delay(500);
    } finally {
      await scheduler.stop();
    }
    expect(dispatched).toHaveLength(1);
    expect((await rowsOf(tenant)).map((row) => row.work_key)).toEqual(['due']);
  });
});
