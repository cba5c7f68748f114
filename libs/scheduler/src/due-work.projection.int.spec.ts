import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { runForTenant } from '../../database/src/index.js';
import type { JsonObject, RecordedEvent } from '../../event-store/src/index.js';
import { applyEvents, ProjectionRunner, waitForProjections, type ReadModelDatabase } from '../../projection-runtime/src/index.js';
import { projectInBatches, seededBatchSizes } from '../../testing/src/batch-split.js';
import { inStream, ProjectionSpecification } from '../../testing/src/projection-spec.js';
import { createStoreDatabase, type StoreDatabase } from '../../testing/src/test-database.js';
import { dueWorkProjection, type DueWorkFold } from './due-work.projection.js';
import { DUE_WORK_CHANNEL } from './due-work.tables.js';
import type { DueWorkEntry } from './due-work.types.js';
import { cancelToyWork, countEntry, scheduleToyWork, TOY_WORK_CANCELLED, TOY_WORK_SCHEDULED, toyDueWorkProjection } from './testing/toy-due-work.js';

const toy = toyDueWorkProjection();

const scheduled = (entry: DueWorkEntry) => ({ type: TOY_WORK_SCHEDULED, data: { entry } });
const cancelled = (workKey: string) => ({ type: TOY_WORK_CANCELLED, data: { workKey } });

/** A row as ProjectionSpecification reads it: every column, timestamps as ISO strings. */
function row(tenant: string, entry: DueWorkEntry, created: string, updated = created, scheduler: Partial<Record<'attempts' | 'last_error' | 'not_before' | 'parked_at', unknown>> = {}) {
  return {
    tenant_id: tenant,
    work_key: entry.workKey,
    kind: entry.kind,
    lane: entry.lane ?? entry.workKey,
    due_at: new Date(entry.dueAt).toISOString(),
    payload: entry.payload,
    created_position: created,
    updated_position: updated,
    attempts: 0,
    last_error: null,
    not_before: null,
    parked_at: null,
    ...scheduler,
  };
}

// A toy subscription whose next bill depends on its folded state: the fold mode of the factory.
interface ToySubscription {
  id: string | null;
  firstDue: string | null;
  intervalDays: number;
  periods: number;
  billed: number;
  cancelled: boolean;
  name: string;
}

const toySubscriptionFold: DueWorkFold<ToySubscription> = {
  entityOf: (event) => String(event.data.subscriptionId),
  initialState: { id: null, firstDue: null, intervalDays: 0, periods: 0, billed: 0, cancelled: false, name: '' },
  evolve(state, event) {
    const data = event.data as JsonObject;
    switch (event.type) {
      case 'ToySubscriptionStarted':
        return { ...state, id: String(data.subscriptionId), firstDue: String(data.firstDue), intervalDays: Number(data.intervalDays), periods: Number(data.periods), name: String(data.name) };
      case 'ToySubscriptionBilled':
        return { ...state, billed: Math.max(state.billed, Number(data.index)) };
      case 'ToySubscriptionRenamed':
        return { ...state, name: String(data.name) };
      case 'ToySubscriptionCancelled':
        return { ...state, cancelled: true };
      default:
        return state;
    }
  },
  dueWork(state) {
    if (state.id === null || state.firstDue === null || state.cancelled || state.billed >= state.periods) return [];
    const index = state.billed + 1;
    const dueAt = new Date(Date.parse(state.firstDue) + state.billed * state.intervalDays * 86_400_000).toISOString();
    return [{ workKey: `toysub:${state.id}:bill:${index}`, kind: 'toy.bill', dueAt, payload: { subscriptionId: state.id, index } }];
  },
};

const subscriptions = dueWorkProjection({
  name: 'toy_subscription_due_work',
  version: 1,
  eventTypes: ['ToySubscriptionStarted', 'ToySubscriptionBilled', 'ToySubscriptionRenamed', 'ToySubscriptionCancelled'],
  fold: toySubscriptionFold,
});

/** Events with increasing positions, as the log would hand them over. */
function recordedEvents(events: readonly { streamId: string; type: string; data: object }[]): RecordedEvent[] {
  return events.map((event, index) => ({
    streamId: event.streamId,
    revision: BigInt(index),
    eventId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    type: event.type,
    data: event.data as JsonObject,
    metadata: {},
    position: { commit: BigInt(index + 1), prepare: BigInt(index + 1) },
    recordedAt: new Date(0),
  }));
}

describe('the due-work projection', () => {
  let opened: StoreDatabase<ReadModelDatabase>;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('due_work');
  });

  afterAll(() => opened.close());

  describe('plan mode (work stated by single events)', () => {
    const a = countEntry('toy:a', '2025-03-01T00:00:00Z');
    const b = countEntry('toy:b', '2025-02-01T00:00:00.000Z');

    it('keeps one row per obligation with the position that stated it, created and last changed', async () => {
      const spec = ProjectionSpecification.for({ projection: toy, db: opened.connection.db });
      await spec
        .given([
          inStream('acme:toy_work-1', scheduled(a)),
          inStream('acme:toy_work-1', scheduled(b)),
          // Stated again unchanged: nothing changes, not even its version.
          inStream('acme:toy_work-2', scheduled(a)),
          inStream('acme:toy_work-2', scheduled({ ...b, dueAt: '2025-02-02T00:00:00Z' })),
          inStream('globex:toy_work-1', scheduled(a)),
        ])
        .then({
          toy_due_work: [row('acme', a, '1.1'), row('acme', { ...b, dueAt: '2025-02-02T00:00:00Z' }, '2.2', '4.4'), row('globex', a, '5.5')],
        });
    });

    it('withdraws work by key, in its own tenant only', async () => {
      const spec = ProjectionSpecification.for({ projection: toy, db: opened.connection.db });
      await spec
        .given([inStream('acme:toy_work-1', scheduled(a)), inStream('globex:toy_work-1', scheduled(a))])
        .when([inStream('acme:toy_work-2', cancelled('toy:a')), inStream('acme:toy_work-2', cancelled('toy:never-stated'))])
        .then({ toy_due_work: [row('globex', a, '2.2')] });
    });

    it('work withdrawn and stated again is new work: created at the restatement', async () => {
      const spec = ProjectionSpecification.for({ projection: toy, db: opened.connection.db });
      await spec
        .given([inStream('acme:toy_work-1', scheduled(a))])
        .when([inStream('acme:toy_work-2', cancelled('toy:a')), inStream('acme:toy_work-3', scheduled(a))])
        .then({ toy_due_work: [row('acme', a, '3.3')] });
    });

    it('keeps the lane stated (the work\'s own key by default); work moved to another lane is restated, with a fresh retry state', async () => {
      const { db } = opened.connection;
      const laned = { ...countEntry('toy:laned', '2025-03-01T00:00:00Z'), lane: 'customer:c1' };
      const spec = ProjectionSpecification.for({ projection: toy, db });
      await spec.given([inStream('acme:toy_work-1', scheduled(a)), inStream('acme:toy_work-1', scheduled(laned))]).then({
        toy_due_work: [row('acme', a, '1.1'), row('acme', laned, '2.2')],
      });
      expect(row('acme', a, '1.1').lane).toBe('toy:a');
      // Stated again in the same lane: unchanged. In another lane: a new version of the work, its attempts forgotten.
      const schema = 'lane_moves';
      await sql.raw(`drop schema if exists ${schema} cascade; create schema ${schema}`).execute(db);
      await toy.createTables(db, schema);
      const statements = [scheduled(laned), scheduled(laned), scheduled({ ...laned, lane: 'customer:c2' })].map((event) => ({ streamId: 'acme:toy_work-1', ...event }));
      const events = recordedEvents(statements);
      await db.transaction().execute((trx) => applyEvents(toy, { trx, schema }, events.slice(0, 1)));
      await sql`update ${sql.table(`${schema}.toy_due_work`)} set attempts = 2, last_error = 'busy'`.execute(db);
      await db.transaction().execute((trx) => applyEvents(toy, { trx, schema }, events.slice(1, 2)));
      const restated = async () => (await sql<{ lane: string; attempts: number; updated_position: string }>`select lane, attempts, updated_position from ${sql.table(`${schema}.toy_due_work`)}`.execute(db)).rows;
      expect(await restated()).toEqual([{ lane: 'customer:c1', attempts: 2, updated_position: '1.1' }]);
      await db.transaction().execute((trx) => applyEvents(toy, { trx, schema }, events.slice(2)));
      expect(await restated()).toEqual([{ lane: 'customer:c2', attempts: 0, updated_position: '3.3' }]);
    });

    it('stores the due instant in UTC with milliseconds, whatever offset it was stated in', async () => {
      const spec = ProjectionSpecification.for({ projection: toy, db: opened.connection.db });
      await spec
        .given([inStream('acme:toy_work-1', scheduled(countEntry('toy:tokyo', '2025-03-01T09:00+09:00')))])
        .then({ toy_due_work: [row('acme', countEntry('toy:tokyo', '2025-03-01T00:00:00.000Z'), '1.1')] });
    });

    it('follows a renewal chain: each step withdraws itself and states the next one a month later', async () => {
      const spec = ProjectionSpecification.for({ projection: toy, db: opened.connection.db });
      const customer = (type: string, name: string, at: string) => ({ type, data: { customerId: 'c1', name, ...(type === 'CustomerRegistered' ? { registeredAt: at } : { updatedAt: at }) } });
      const step = (n: number, dueAt: string): DueWorkEntry => ({ workKey: `toy:renewal:c1:${n}`, kind: 'toy.renewal', dueAt, payload: { customerId: 'c1', step: n, total: 2 } });
      await spec.given([inStream('acme:customer-c1', customer('CustomerRegistered', 'renewal 0 of 2', '2025-01-31T10:00:00Z'))]).then({
        toy_due_work: [row('acme', step(1, '2025-03-03T10:00:00.000Z'), '1.1')],
      });
      await spec
        .given([
          inStream('acme:customer-c1', customer('CustomerRegistered', 'renewal 0 of 2', '2025-01-01T00:00:00Z')),
          inStream('acme:customer-c1', customer('CustomerUpdated', 'renewal 1 of 2', '2025-02-01T00:00:00.000Z')),
        ])
        .then({ toy_due_work: [row('acme', step(2, '2025-03-01T00:00:00.000Z'), '2.2')] });
      await spec
        .given([
          inStream('acme:customer-c1', customer('CustomerRegistered', 'renewal 0 of 2', '2025-01-01T00:00:00Z')),
          inStream('acme:customer-c1', customer('CustomerUpdated', 'renewal 1 of 2', '2025-02-01T00:00:00.000Z')),
          inStream('acme:customer-c1', customer('CustomerUpdated', 'renewal 2 of 2', '2025-03-01T00:00:00.000Z')),
          inStream('acme:customer-c1', customer('CustomerUpdated', 'a name that is no step', '2025-03-02T00:00:00.000Z')),
        ])
        .then({ toy_due_work: [] });
    });

    it.each([
      ['a due instant that is a date', countEntry('toy:x', '2025-03-01'), /dueAt must be an ISO-8601 instant/],
      ['an empty key', countEntry('', '2025-03-01T00:00:00Z'), /workKey must be a string of 1 to 300 characters/],
      ['a payload that is a list', { ...countEntry('toy:x', '2025-03-01T00:00:00Z'), payload: [] as unknown as JsonObject }, /payload must be a JSON object/],
      ['no kind', { ...countEntry('toy:x', '2025-03-01T00:00:00Z'), kind: '' }, /kind must be a string/],
      ['an empty lane', { ...countEntry('toy:x', '2025-03-01T00:00:00Z'), lane: '' }, /lane must be a string of 1 to 300 characters/],
      ['a lane too long', { ...countEntry('toy:x', '2025-03-01T00:00:00Z'), lane: 'x'.repeat(301) }, /lane must be a string of 1 to 300 characters/],
    ])('a mapping that states %s fails the batch (a bug in the mapping) and writes nothing', async (_case, entry, message) => {
      const spec = ProjectionSpecification.for({ projection: toy, db: opened.connection.db });
      await expect(spec.given([inStream('acme:toy_work-1', scheduled(countEntry('toy:ok', '2025-03-01T00:00:00Z'))), inStream('acme:toy_work-1', scheduled(entry))]).then({ toy_due_work: [] })).rejects.toThrow(
        message,
      );
    });

    it('refuses a name that is not a plain table name', () => {
      expect(() => dueWorkProjection({ name: 'due-work; drop table x', version: 1, eventTypes: [], plan: () => ({}) })).toThrow(/lower-case letters, digits and _/);
    });
  });

  describe('fold mode (work from an entity\'s folded state)', () => {
    const started = { type: 'ToySubscriptionStarted', data: { subscriptionId: 's1', firstDue: '2025-01-01T00:00:00Z', intervalDays: 10, periods: 3, name: 'S1' } };
    const billed = (index: number) => ({ type: 'ToySubscriptionBilled', data: { subscriptionId: 's1', index } });
    const bill = (index: number, dueAt: string): DueWorkEntry => ({ workKey: `toysub:s1:bill:${index}`, kind: 'toy.bill', dueAt, payload: { subscriptionId: 's1', index } });

    it('keeps each entity\'s work equal to dueWork(state), and its state with the position of its last event', async () => {
      const spec = ProjectionSpecification.for({ projection: subscriptions, db: opened.connection.db });
      await spec.given([inStream('acme:toysub-s1', started), inStream('acme:toysub-s1', billed(1))]).then({
        toy_subscription_due_work: [row('acme', bill(2, '2025-01-11T00:00:00.000Z'), '2.2')],
        toy_subscription_due_work_states: [
          { tenant_id: 'acme', entity_id: 's1', state: { id: 's1', firstDue: '2025-01-01T00:00:00Z', intervalDays: 10, periods: 3, billed: 1, cancelled: false, name: 'S1' }, position: '2.2' },
        ],
      });
      await spec
        .given([inStream('acme:toysub-s1', started), inStream('acme:toysub-s1', billed(1))])
        .when([inStream('acme:toysub-s1', billed(2)), inStream('acme:toysub-s1', billed(3))])
        .then({ toy_subscription_due_work: [] });
      await spec
        .given([inStream('acme:toysub-s1', started)])
        .when([inStream('acme:toysub-s1', { type: 'ToySubscriptionCancelled', data: { subscriptionId: 's1' } })])
        .then({ toy_subscription_due_work: [] });
    });

    it('an event that leaves dueWork unchanged does not bring back work the scheduler finished', async () => {
      const { db } = opened.connection;
      const schema = 'fold_unchanged';
      await sql.raw(`drop schema if exists ${schema} cascade; create schema ${schema}`).execute(db);
      await subscriptions.createTables(db, schema);
      const [first, renamed] = [recordedEvents([{ streamId: 'acme:toysub-s1', ...started }]), recordedEvents([{ streamId: 'acme:toysub-s1', ...started }, { streamId: 'acme:toysub-s1', type: 'ToySubscriptionRenamed', data: { subscriptionId: 's1', name: 'S1 bis' } }])];
      await db.transaction().execute((trx) => applyEvents(subscriptions, { trx, schema }, first));
      // The scheduler finished bill 1 (its command appended nothing this projection sees yet).
      await sql`delete from ${sql.table(`${schema}.toy_subscription_due_work`)}`.execute(db);
      await db.transaction().execute((trx) => applyEvents(subscriptions, { trx, schema }, renamed.slice(1)));
      expect((await sql`select * from ${sql.table(`${schema}.toy_subscription_due_work`)}`.execute(db)).rows).toEqual([]);
    });
  });

  describe('rows do not depend on how the log is split into batches', () => {
    /** A random history over 3 tenants and 6 keys: states, restatements (changed or not), withdrawals. */
    const operation = fc.record({
      tenant: fc.constantFrom('acme', 'globex', 'initech'),
      key: fc.integer({ min: 1, max: 6 }),
      kind: fc.constantFrom('schedule', 'schedule', 'cancel'),
      day: fc.integer({ min: 1, max: 4 }),
      payload: fc.constantFrom<JsonObject[]>({}, { note: 'x' }, { note: 'y', nested: { a: 1, b: [1, 2] } }),
      lane: fc.constantFrom<(string | null)[]>(null, 'lane-a', 'lane-b'),
    });

    it('plan mode: one event per batch, all in one batch, and random splits give the same rows', async () => {
      const { db } = opened.connection;
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 1_000_000 }), async (operations, seed) => {
          const events = recordedEvents(
            operations.map(({ tenant, key, kind, day, payload, lane }, index) => ({
              streamId: `${tenant}:toy_work-${index}`,
              ...(kind === 'cancel'
                ? cancelled(`toy:${key}`)
                : scheduled({ workKey: `toy:${key}`, kind: 'toy.count', dueAt: `2025-03-0${day}T00:00:00Z`, payload, ...(lane === null ? {} : { lane }) })),
            })),
          );
          const one = await projectInBatches(db, toy, events, events.map(() => 1));
          const all = await projectInBatches(db, toy, events, [events.length]);
          const split = await projectInBatches(db, toy, events, seededBatchSizes(events.length, 4, seed));
          expect(all.rows).toEqual(one.rows);
          expect(split.rows).toEqual(one.rows);
          // A fixed number of statements whatever the batch holds: load, delete, upsert, notify.
          expect(all.statements[0]).toBeLessThanOrEqual(4);
        }),
        { numRuns: 12 },
      );
    });

    it('fold mode: the same, over several entities of several tenants', async () => {
      const { db } = opened.connection;
      const step = fc.record({
        tenant: fc.constantFrom('acme', 'globex'),
        subscription: fc.constantFrom('s1', 's2', 's3'),
        kind: fc.constantFrom('start', 'bill', 'bill', 'rename', 'cancel'),
        value: fc.integer({ min: 1, max: 5 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 1_000_000 }), async (steps, seed) => {
          const events = recordedEvents(
            steps.map(({ tenant, subscription, kind, value }) => {
              const streamId = `${tenant}:toysub-${subscription}`;
              if (kind === 'start') return { streamId, type: 'ToySubscriptionStarted', data: { subscriptionId: subscription, firstDue: `2025-0${value}-01T00:00:00Z`, intervalDays: value * 7, periods: value, name: subscription } };
              if (kind === 'bill') return { streamId, type: 'ToySubscriptionBilled', data: { subscriptionId: subscription, index: value } };
              if (kind === 'rename') return { streamId, type: 'ToySubscriptionRenamed', data: { subscriptionId: subscription, name: `n${value}` } };
              return { streamId, type: 'ToySubscriptionCancelled', data: { subscriptionId: subscription } };
            }),
          );
          const one = await projectInBatches(db, subscriptions, events, events.map(() => 1));
          const all = await projectInBatches(db, subscriptions, events, [events.length]);
          const split = await projectInBatches(db, subscriptions, events, seededBatchSizes(events.length, 3, seed));
          expect(all.rows).toEqual(one.rows);
          expect(split.rows).toEqual(one.rows);
          // States: load, write; work: load, delete, upsert, notify.
          expect(all.statements[0]).toBeLessThanOrEqual(6);
        }),
        { numRuns: 12 },
      );
    });
  });

  describe('the scheduler\'s columns', () => {
    const entry = countEntry('toy:a', '2025-03-01T00:00:00.000Z');

    it('survive a restatement of the same work, and start afresh when the work changes', async () => {
      const { db } = opened.connection;
      const schema = 'scheduler_columns';
      await sql.raw(`drop schema if exists ${schema} cascade; create schema ${schema}`).execute(db);
      await toy.createTables(db, schema);
      const events = recordedEvents([
        { streamId: 'acme:toy_work-1', ...scheduled(entry) },
        { streamId: 'acme:toy_work-2', ...scheduled(entry) },
        { streamId: 'acme:toy_work-3', ...scheduled({ ...entry, dueAt: '2025-03-02T00:00:00.000Z' }) },
      ]);
      const table = sql.table(`${schema}.toy_due_work`);
      const columns = async () =>
        (await sql<{ attempts: number; last_error: string | null; parked: boolean; updated_position: string }>`select attempts, last_error, parked_at is not null as parked, updated_position from ${table}`.execute(db)).rows;
      await db.transaction().execute((trx) => applyEvents(toy, { trx, schema }, events.slice(0, 1)));
      await sql`update ${table} set attempts = 2, last_error = 'NOT_FOUND: gone', parked_at = now()`.execute(db);
      await db.transaction().execute((trx) => applyEvents(toy, { trx, schema }, events.slice(1, 2)));
      expect(await columns()).toEqual([{ attempts: 2, last_error: 'NOT_FOUND: gone', parked: true, updated_position: '1.1' }]);
      await db.transaction().execute((trx) => applyEvents(toy, { trx, schema }, events.slice(2)));
      expect(await columns()).toEqual([{ attempts: 0, last_error: null, parked: false, updated_position: '3.3' }]);
    });
  });

  describe('live, under the projection runner', () => {
    it('notifies the scheduler when a batch states work, not when it only withdraws it; tenants see only their own rows', async () => {
      const { store, connection, database } = opened;
      const listener = new pg.Client({ connectionString: database.connectionString });
      await listener.connect();
      const notified: string[] = [];
      listener.on('notification', (message) => notified.push(message.channel));
      await listener.query(`listen ${DUE_WORK_CHANNEL}`);
      const runner = new ProjectionRunner({ store, db: connection.db, connectionString: database.connectionString, projections: [toy] });
      await runner.start();
      try {
        const stated = await scheduleToyWork(store, 'acme', [countEntry('toy:live-1', '2025-03-01T00:00:00Z'), countEntry('toy:live-2', '2025-03-02T00:00:00Z')]);
        await scheduleToyWork(store, 'globex', [countEntry('toy:live-1', '2025-03-01T00:00:00Z')]);
        expect(await waitForProjections(connection.db, [toy.name], stated, 10_000)).toBe(true);
        const deadline = Date.now() + 5_000;
        while (notified.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(notified[0]).toBe(DUE_WORK_CHANNEL);
        const before = notified.length;
        const withdrawn = await cancelToyWork(store, 'acme', ['toy:live-2']);
        expect(await waitForProjections(connection.db, [toy.name], withdrawn, 10_000)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(notified.length).toBe(before);

        const rowsAs = (tenantId: string) =>
          runForTenant({ tenantId }, async () => (await sql<{ tenant_id: string; work_key: string }>`select tenant_id, work_key from read_models.toy_due_work order by work_key`.execute(connection.db)).rows);
        expect(await rowsAs('acme')).toEqual([{ tenant_id: 'acme', work_key: 'toy:live-1' }]);
        expect(await rowsAs('globex')).toEqual([{ tenant_id: 'globex', work_key: 'toy:live-1' }]);
        const { rows } = await sql<{ forced: boolean }>`select relforcerowsecurity as forced from pg_class where oid = 'read_models.toy_due_work'::regclass`.execute(connection.db);
        expect(rows).toEqual([{ forced: true }]);
      } finally {
        await runner.stop();
        await listener.end();
      }
    });
  });
});
