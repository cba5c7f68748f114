import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uuidV5, type CommandContext } from '../../application/src/index.js';
import type { EventStore, ReadStreamOptions } from '../../event-store/src/index.js';
import type { ReadModelDatabase } from '../../projection-runtime/src/index.js';
import { createStoreDatabase, type StoreDatabase } from '../../testing/src/test-database.js';
import { EventStoreTenantClock, RealTimeTenantClock } from './tenant-clock.js';
import { executeTestClockCommand, testClockStream } from './test-clock.stream.js';

const realNow = new Date('2026-05-04T10:00:00.000Z');
const realClock = () => realNow;

function context(tenantId: string, name: string, now = realNow.toISOString()): CommandContext {
  const commandId = uuidV5(`tenant-clock-spec:${tenantId}:${name}`);
  return { tenantId, actor: 'test', commandId, correlationId: commandId, causationId: commandId, now };
}

/** The store, with every readStream call recorded: what a clock reading costs. */
function countingReads(store: EventStore): { store: EventStore; reads: { streamId: string; options: ReadStreamOptions | undefined }[] } {
  const reads: { streamId: string; options: ReadStreamOptions | undefined }[] = [];
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'readStream') {
        return (streamId: string, options?: ReadStreamOptions) => {
          reads.push({ streamId, options });
          return target.readStream(streamId, options);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: counted, reads };
}

describe('the tenant clock', () => {
  let opened: StoreDatabase<ReadModelDatabase>;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('tenant_clock');
  });

  afterAll(() => opened.close());

  it('is real time for a tenant without a test clock', async () => {
    const clock = new EventStoreTenantClock(opened.store, realClock);
    expect(await clock.now('plain')).toBe('2026-05-04T10:00:00.000Z');
    expect(await clock.read('plain')).toEqual({ now: '2026-05-04T10:00:00.000Z', testClock: null });
  });

  it('is the frozen time once the tenant has a test clock, and follows every advance, whoever appended it', async () => {
    const { store } = opened;
    const clock = new EventStoreTenantClock(store, realClock);
    expect(await clock.now('frozen')).toBe(realNow.toISOString());
    await executeTestClockCommand(store, context('frozen', 'create'), { type: 'CreateTestClock', data: { clockId: 'c1', name: 'Scenario', frozenTime: '2025-01-01T00:00:00Z' } });
    expect(await clock.read('frozen')).toEqual({ now: '2025-01-01T00:00:00.000Z', testClock: { clockId: 'c1', frozenTime: '2025-01-01T00:00:00.000Z' } });
    // Another instance (another process) advances it: this one sees it at its next reading.
    await executeTestClockCommand(store, context('frozen', 'advance-1'), { type: 'AdvanceTestClock', data: { clockId: 'c1', to: '2025-03-01T00:00:00Z' } });
    expect(await clock.now('frozen')).toBe('2025-03-01T00:00:00.000Z');
    // Other tenants stay on real time.
    expect(await clock.now('plain')).toBe(realNow.toISOString());
  });

  it('reads only the events after the revision it has cached: one small query per reading', async () => {
    const counted = countingReads(opened.store);
    const clock = new EventStoreTenantClock(counted.store, realClock);
    await executeTestClockCommand(opened.store, context('cached', 'create'), { type: 'CreateTestClock', data: { clockId: 'c1', name: 'Scenario', frozenTime: '2025-01-01T00:00:00Z' } });
    await executeTestClockCommand(opened.store, context('cached', 'advance-1'), { type: 'AdvanceTestClock', data: { clockId: 'c1', to: '2025-02-01T00:00:00Z' } });
    expect(await clock.now('cached')).toBe('2025-02-01T00:00:00.000Z');
    expect(await clock.now('cached')).toBe('2025-02-01T00:00:00.000Z');
    await executeTestClockCommand(opened.store, context('cached', 'advance-2'), { type: 'AdvanceTestClock', data: { clockId: 'c1', to: '2025-03-01T00:00:00Z' } });
    expect(await clock.now('cached')).toBe('2025-03-01T00:00:00.000Z');
    expect(counted.reads.map((read) => [read.streamId, read.options?.fromRevision])).toEqual([
      ['cached:test_clock-cached', 0n],
      ['cached:test_clock-cached', 2n],
      ['cached:test_clock-cached', 2n],
    ]);
  });

  it('is real time again once the test clock is deleted', async () => {
    const { store } = opened;
    const clock = new EventStoreTenantClock(store, realClock);
    await executeTestClockCommand(store, context('detached', 'create'), { type: 'CreateTestClock', data: { clockId: 'c1', name: 'Scenario', frozenTime: '2025-01-01T00:00:00Z' } });
    expect(await clock.now('detached')).toBe('2025-01-01T00:00:00.000Z');
    await executeTestClockCommand(store, context('detached', 'delete'), { type: 'DeleteTestClock', data: { clockId: 'c1' } });
    expect(await clock.read('detached')).toEqual({ now: realNow.toISOString(), testClock: null });
  });

  it('lists the tenants on a test clock, following creations and deletions in the log', async () => {
    const { store } = opened;
    const clock = new EventStoreTenantClock(store, realClock);
    const before = await clock.tenantsOnTestClocks();
    await executeTestClockCommand(store, context('listed-a', 'create'), { type: 'CreateTestClock', data: { clockId: 'a', name: 'A', frozenTime: '2025-01-01T00:00:00Z' } });
    await executeTestClockCommand(store, context('listed-b', 'create'), { type: 'CreateTestClock', data: { clockId: 'b', name: 'B', frozenTime: '2025-01-01T00:00:00Z' } });
    // The directory follows $all, which shows a commit once no older transaction of the server is still open: poll.
    const listed = async (settled: (tenants: ReadonlySet<string>) => boolean) => {
      for (let waited = 0; ; waited += 10) {
        const tenants = await clock.tenantsOnTestClocks();
        if (settled(tenants) || waited > 10_000) return tenants;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const both = await listed((tenants) => tenants.has('listed-a') && tenants.has('listed-b'));
    expect([...both].filter((tenant) => tenant.startsWith('listed-')).sort()).toEqual(['listed-a', 'listed-b']);
    await executeTestClockCommand(store, context('listed-a', 'delete'), { type: 'DeleteTestClock', data: { clockId: 'a' } });
    const after = await listed((tenants) => !tenants.has('listed-a'));
    expect(after.has('listed-a')).toBe(false);
    expect(after.has('listed-b')).toBe(true);
    expect(before.has('listed-b')).toBe(false);
    // A fresh instance (a restarted process) builds the same list from the log.
    expect([...(await new EventStoreTenantClock(store, realClock).tenantsOnTestClocks())].sort()).toEqual([...after].sort());
  });

  it('RealTimeTenantClock is real time for everyone and lists no test clocks', async () => {
    const clock = new RealTimeTenantClock(realClock);
    expect(await clock.now()).toBe(realNow.toISOString());
    expect(await clock.read()).toEqual({ now: realNow.toISOString(), testClock: null });
    expect([...(await clock.tenantsOnTestClocks())]).toEqual([]);
  });
});

describe('test-clock commands through the event store', () => {
  let opened: StoreDatabase<ReadModelDatabase>;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('test_clock_commands');
  });

  afterAll(() => opened.close());

  it('live on one stream per tenant, `<tenant>:test_clock-<tenant>`', () => {
    expect(testClockStream('acme')).toBe('acme:test_clock-acme');
    expect(() => testClockStream('Not A Tenant')).toThrow(/invalid tenant id/);
  });

  it('a retried command (same id) answers with its first outcome and appends nothing more', async () => {
    const { store } = opened;
    const create = context('retried', 'create');
    const first = await executeTestClockCommand(store, create, { type: 'CreateTestClock', data: { clockId: 'c1', name: 'Scenario', frozenTime: '2025-01-01T00:00:00Z' } });
    const advance = context('retried', 'advance');
    const advanced = await executeTestClockCommand(store, advance, { type: 'AdvanceTestClock', data: { clockId: 'c1', to: '2025-02-01T00:00:00Z' } });
    // The same advance again: deciding it anew would be refused (the clock is at its target); its id finds its event.
    const again = await executeTestClockCommand(store, advance, { type: 'AdvanceTestClock', data: { clockId: 'c1', to: '2025-02-01T00:00:00Z' } });
    expect(again.position).toEqual(advanced.position);
    expect(again.state.frozenTime).toBe('2025-02-01T00:00:00.000Z');
    const events = await store.readStream(testClockStream('retried'));
    expect(events.map((event) => [event.type, event.metadata.commandId, event.metadata.schemaVersion])).toEqual([
      ['TestClockCreated', create.commandId, 1],
      ['TestClockAdvanced', advance.commandId, 1],
    ]);
    expect(first.state.status).toBe('active');
    expect(events[1]?.data).toEqual({ clockId: 'c1', from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z', advancedAt: realNow.toISOString() });
  });

  it('a refusal appends nothing and keeps its code', async () => {
    const { store } = opened;
    await executeTestClockCommand(store, context('refused', 'create'), { type: 'CreateTestClock', data: { clockId: 'c1', name: 'Scenario', frozenTime: '2025-01-01T00:00:00Z' } });
    await expect(executeTestClockCommand(store, context('refused', 'back'), { type: 'AdvanceTestClock', data: { clockId: 'c1', to: '2024-01-01T00:00:00Z' } })).rejects.toMatchObject({
      code: 'TEST_CLOCK_CANNOT_GO_BACK',
    });
    expect(await store.readStream(testClockStream('refused'))).toHaveLength(1);
  });
});
