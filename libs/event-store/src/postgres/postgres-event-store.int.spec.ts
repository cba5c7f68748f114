import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/test-database.js';
import { SubscriptionReader, sleep, waitUntilReadableOnAll } from '../../contract/subscription-reader.js';
import type { EventData } from '../event-store.port.js';
import { comparePositions } from '../position.js';
import { PostgresEventStore } from './postgres-event-store.js';

/** What the contract cannot say because it is about PostgreSQL itself: text sorting, the xmin barrier, migrations. */
describe('PostgresEventStore specifics', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('event_store_pg');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('never deadlocks when multi-stream appends name the same streams in opposite orders', async () => {
    const a = `pair-a-${randomUUID()}`;
    const b = `pair-b-${randomUUID()}`;
    const rounds = 40;
    const appends = Array.from({ length: rounds }, (_, index) => {
      const streams = index % 2 === 0 ? [a, b] : [b, a];
      return store.appendToStreams(streams.map((streamId) => ({ streamId, expectedRevision: 'any' as const, events: someEvents(1) })));
    });
    const results = await Promise.all(appends);
    // Results come back in request order, whatever order the streams were locked in.
    for (const result of results) expect(result.results).toHaveLength(2);
    expect(await store.readStream(a, { maxCount: 1_000 })).toHaveLength(rounds);
    expect(await store.readStream(b, { maxCount: 1_000 })).toHaveLength(rounds);
    const first = await store.appendToStreams([{ streamId: b, expectedRevision: BigInt(rounds - 1), events: someEvents(2) }, { streamId: a, expectedRevision: BigInt(rounds - 1), events: someEvents(1) }]);
    expect(first.results.map((result) => result.nextExpectedRevision)).toEqual([BigInt(rounds + 1), BigInt(rounds)]);
  });

  it('acknowledges a multi-stream append repeated whole, but refuses one that repeats some streams and writes others', async () => {
    const payment = `payment-${randomUUID()}`;
    const account = `account-${randomUUID()}`;
    const otherAccount = `account-${randomUUID()}`;
    const paymentEvents = someEvents(1);
    const accountEvents = someEvents(1);
    const first = await store.appendToStreams([
      { streamId: payment, expectedRevision: 'no_stream', events: paymentEvents },
      { streamId: account, expectedRevision: 'no_stream', events: accountEvents },
    ]);
    // The same append again (a retry after a lost answer): acknowledged, nothing written.
    const retry = await store.appendToStreams([
      { streamId: payment, expectedRevision: 'no_stream', events: paymentEvents },
      { streamId: account, expectedRevision: 'no_stream', events: accountEvents },
    ]);
    expect(retry.position).toEqual(first.position);
    // The same payment events with a different second half (another decision that derived the same ids): a conflict,
    // and the second half is NOT written.
    const halfRetry = store.appendToStreams([
      { streamId: payment, expectedRevision: 'no_stream', events: paymentEvents },
      { streamId: otherAccount, expectedRevision: 'no_stream', events: someEvents(1) },
    ]);
    await expect(halfRetry).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', streamId: payment });
    expect(await store.readStream(otherAccount)).toEqual([]);
    expect(await store.readStream(payment)).toHaveLength(1);
    expect(await store.readStream(account)).toHaveLength(1);
  });

  it('migrates again, even concurrently, without harm', async () => {
    await Promise.all([store.migrate(), store.migrate()]);
  });

  it('orders $all by number, not by text, across a digit boundary inside one transaction', async () => {
    const prefix = `digits-${randomUUID().slice(0, 8)}-`;
    const client = new pg.Client({ connectionString: database.connectionString });
    await client.connect();
    try {
      // The next ten positions are 996..1005: sorted as text, 1000 would come before 996.
      await client.query(`select setval(pg_get_serial_sequence('event_store.events', 'global_position'), 995)`);
    } finally {
      await client.end();
    }
    const events = someEvents(10);

    const written = await store.appendToStream(`${prefix}one`, events, { expectedRevision: 'no_stream' });
    await waitUntilReadableOnAll(store, written.position);
    const read = await store.readAll({ filter: { streamPrefixes: [prefix] } });
    const reader = new SubscriptionReader(store.subscribeToAll({ filter: { streamPrefixes: [prefix] } }));
    const caughtUp = await reader.untilCaughtUp(20).finally(() => reader.close());

    expect(read.map((event) => event.position.prepare)).toEqual(events.map((_, index) => 996n + BigInt(index)));
    expect(read.map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
    expect(caughtUp.events.map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
  });

  it('holds back $all behind an older open transaction, even in another database, and reports caught_up only after', async () => {
    const prefix = `held-${randomUUID().slice(0, 8)}-`;
    const otherDatabase = await createTestDatabase('event_store_other');
    const blocker = new pg.Client({ connectionString: otherDatabase.connectionString });
    await blocker.connect();
    const reader = new SubscriptionReader(store.subscribeToAll({ filter: { streamPrefixes: [prefix] } }));
    let fresh: SubscriptionReader | undefined;
    try {
      await reader.untilCaughtUp(0);
      // An xid taken in another database of the same server: snapshots, and so the readable barrier, are server-wide.
      await blocker.query('begin');
      await blocker.query('select pg_current_xact_id()');
      const event = anEvent(0);
      const written = await store.appendToStream(`${prefix}one`, [event], { expectedRevision: 'no_stream' });

      const readWhileHeld = await store.readAll({ filter: { streamPrefixes: [prefix] } });
      const headWhileHeld = await store.headPosition();
      fresh = new SubscriptionReader(store.subscribeToAll({ filter: { streamPrefixes: [prefix] } }));
      const firstFresh = fresh.next();
      const firstLive = reader.next();
      const beforeRelease = await Promise.race([firstFresh.then(() => 'a message'), sleep(300).then(() => 'nothing')]);
      await blocker.query('rollback');

      expect(readWhileHeld).toEqual([]);
      expect(comparePositions(headWhileHeld, written.position)).toBe(-1);
      // Before the fix the fresh subscription said caught_up at once, although the event had been committed.
      expect(beforeRelease).toBe('nothing');
      expect((await firstFresh).value).toMatchObject({ kind: 'event', event: { eventId: event.eventId } });
      expect((await fresh.next()).value).toMatchObject({ kind: 'caught_up', position: written.position });
      expect((await firstLive).value).toMatchObject({ kind: 'event', event: { eventId: event.eventId } });
    } finally {
      await fresh?.close();
      await reader.close();
      await blocker.end();
      await otherDatabase.drop();
    }
  });

  // Last in this file: it closes the store's connections from the server side.
  it('keeps working when the server closes its idle pooled connections and its LISTEN connection', async () => {
    const stream = `severed-${randomUUID().slice(0, 8)}-one`;
    const reader = new SubscriptionReader(store.subscribeToStream(stream));
    try {
      await reader.untilCaughtUp(0);
      await Promise.all([store.readStream(stream), store.readStream(stream), store.headPosition()]);

      const terminated = await terminateOtherConnections(database.connectionString);
      // Let the FATAL messages reach the idle connections (an unhandled pool error would crash the process here).
      await sleep(200);
      const event = anEvent(0);
      await store.appendToStream(stream, [event], { expectedRevision: 'no_stream' });

      expect(terminated).toBeGreaterThanOrEqual(2);
      expect((await reader.nextEvents(1)).map((delivered) => delivered.eventId)).toEqual([event.eventId]);
    } finally {
      await reader.close();
    }
  });
});

/** What an administrator, a failover or a restart does to a session: the server ends it. Returns how many it ended. */
async function terminateOtherConnections(connectionString: string): Promise<number> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ terminated: string }>(
      `select count(*) filter (where pg_terminate_backend(pid))::text as terminated
         from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return Number(rows[0]?.terminated ?? 0);
  } finally {
    await client.end();
  }
}

function anEvent(index: number): EventData {
  return { eventId: randomUUID(), type: 'Probed', data: { index } };
}

function someEvents(count: number): EventData[] {
  return Array.from({ length: count }, (_, index) => anEvent(index));
}
