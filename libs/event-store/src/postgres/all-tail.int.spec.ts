import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/test-database.js';
import { sleep, waitUntilReadableOnAll, withDeadline } from '../../contract/subscription-reader.js';
import { runAnonymous, runForTenant } from '../../../database/src/database-scope.js';
import { ROW_LEVEL_SECURITY_SQL } from '../../../database/src/row-level-security.js';
import type { EventData, EventFilter, Position, RecordedEvent, Subscription, SubscriptionMessage } from '../event-store.port.js';
import { comparePositions, encodePosition, START_POSITION } from '../position.js';
import { PostgresEventStore } from './postgres-event-store.js';

/**
 * The shared $all tail (all-tail.ts) as subscribers see it: many subscribers with their own filters and start
 * positions on one store, one page read per wake-up however many there are, a slow subscriber cut off without
 * holding back the others, the join from catch-up to live, caught_up positions, closing, and tenant scoping.
 * Every expectation is checked against a plain readAll of the final log.
 */
const WAIT_MS = 30_000;
/** The tail's bounded queue per subscriber (CONSUMER_BUFFER_MAX in postgres-event-store.ts). */
const CONSUMER_QUEUE = 5_000;

describe('the shared $all tail (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('event_store_tail');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('gives subscribers with different filters and start positions exactly their events while several writers append', async () => {
    const run = randomUUID().slice(0, 8);
    const prefix = `mix-${run}-`;
    const [alpha, beta, gamma] = [`Alpha_${run}`, `Beta_${run}`, `Gamma_${run}`];
    const types = [alpha, beta, gamma];
    // More than one catch-up page (500) before anyone subscribes, so that the subscribers from the start page while
    // the writers run and join the tail in the middle of it.
    for (let batch = 0; batch < 14; batch += 1) {
      await store.appendToStreams([
        { streamId: `${prefix}acct-${batch % 3}`, expectedRevision: 'any', events: events(30, (index) => types[index % 3] as string) },
        { streamId: `${prefix}inv-${batch % 2}`, expectedRevision: 'any', events: events(20, (index) => types[(index + 1) % 3] as string) },
      ]);
    }
    const head = await settledEnd(store, database);
    const preload = await store.readAll({ filter: { streamPrefixes: [prefix] }, maxCount: 10_000 });
    expect(preload).toHaveLength(700);
    const middle = (preload[350] as RecordedEvent).position;

    const specs: { name: string; from: Position | 'start' | 'end'; filter?: EventFilter }[] = [
      { name: 'everything of the run from the start', from: 'start', filter: { streamPrefixes: [prefix] } },
      { name: 'one type from the start', from: 'start', filter: { eventTypes: [alpha] } },
      { name: 'accounts from the end', from: 'end', filter: { streamPrefixes: [`${prefix}acct-`] } },
      { name: 'two types of the run from the middle', from: middle, filter: { streamPrefixes: [prefix], eventTypes: [alpha, beta] } },
      { name: 'two categories from the start', from: 'start', filter: { streamPrefixes: [`${prefix}acct-`, `${prefix}inv-`] } },
      { name: 'no filter from the middle', from: middle },
      { name: 'one type from the end', from: 'end', filter: { eventTypes: [gamma] } },
    ];
    const collectors = specs.map((spec) => new Collector(store.subscribeToAll({ fromPosition: spec.from, ...(spec.filter ? { filter: spec.filter } : {}) })));
    // The subscribers from the end must have read the head before anyone writes: it is their start.
    for (const [index, spec] of specs.entries()) {
      if (spec.from !== 'end') continue;
      const collector = collectors[index] as Collector;
      await collector.waitFor(() => collector.caughtUps.length > 0, `${spec.name}: the first caught_up`);
      expect(collector.caughtUps[0]).toEqual(head);
    }

    const singles = (async () => {
      for (let index = 0; index < 150; index += 1) {
        await store.appendToStream(`${prefix}acct-${index % 4}`, events(1, () => types[index % 3] as string), { expectedRevision: 'any' });
        if (index % 10 === 0) await sleep(randomInt(5));
      }
    })();
    const multis = (async () => {
      for (let index = 0; index < 60; index += 1) {
        await store.appendToStreams([
          { streamId: `${prefix}acct-m${index % 3}`, expectedRevision: 'any', events: events(1 + (index % 2), () => beta) },
          { streamId: `${prefix}inv-m${index % 5}`, expectedRevision: 'any', events: events(1, () => alpha) },
          { streamId: `${prefix}other-${index % 2}`, expectedRevision: 'any', events: events(1, () => gamma) },
        ]);
      }
    })();
    const outOfOrder = Promise.all([0, 1].map((writer) => commitOutOfOrder(database.connectionString, `${prefix}inv-raw${writer}-`, types, 20)));
    await Promise.all([singles, multis, outOfOrder]);

    const end = await settledEnd(store, database);
    for (const [index, spec] of specs.entries()) {
      const collector = collectors[index] as Collector;
      await collector.waitFor(() => collector.caughtUps.some((position) => comparePositions(position, end) >= 0), `${spec.name}: caught_up at ${encodePosition(end)}`);
    }
    await Promise.all(collectors.map((collector) => collector.close()));

    for (const [index, spec] of specs.entries()) {
      const collector = collectors[index] as Collector;
      const from = spec.from === 'end' ? head : spec.from;
      const expected = await store.readAll({ fromPosition: from, maxCount: 10_000, ...(spec.filter ? { filter: spec.filter } : {}) });
      expect({ name: spec.name, events: ids(collector.events) }).toEqual({ name: spec.name, events: ids(expected) });
      expect({ name: spec.name, outOfOrder: outOfOrderPositions(collector.events) }).toEqual({ name: spec.name, outOfOrder: [] });
      expect(collector.failure).toBeUndefined();
    }
    // The mix really had what it claims: events after the middle of each kind, and transactions that overtook others.
    const written = await store.readAll({ fromPosition: head, filter: { streamPrefixes: [prefix] }, maxCount: 10_000 });
    expect(written.length).toBeGreaterThan(400);
    expect(collectors.map((collector) => collector.events.length).every((count) => count > 0)).toBe(true);
  });

  it('reads one tail page per append for many idle subscribers, not one per subscriber', async () => {
    const pool = new pg.Pool({ connectionString: database.connectionString, max: 4 });
    const queries = countQueries(pool);
    const counted = new PostgresEventStore({ connectionString: database.connectionString, pool });
    const prefix = `idle-${randomUUID().slice(0, 8)}-`;
    const type = `Ping_${prefix}`;
    const subscribers = 40;
    const appends = 6;
    try {
      // Different filter shapes, so that a subscriber reading on its own would show up under its own statement name.
      const filters: EventFilter[] = [{ streamPrefixes: [prefix] }, { eventTypes: [type] }, { streamPrefixes: [prefix], eventTypes: [type] }];
      const collectors = Array.from({ length: subscribers }, (_, index) => new Collector(counted.subscribeToAll({ fromPosition: 'end', filter: filters[index % 3] as EventFilter })));
      for (const collector of collectors) await collector.waitFor(() => collector.caughtUps.length > 0, 'every subscriber to be live');

      const before = new Map(queries);
      const started = Date.now();
      for (let index = 0; index < appends; index += 1) {
        await counted.appendToStream(`${prefix}s`, events(1, () => type), { expectedRevision: 'any' });
        for (const collector of collectors) await collector.waitFor(() => collector.events.length === index + 1, `subscribers to receive append ${index + 1}`);
      }
      const elapsed = Date.now() - started;
      const delta = (name: (statement: string) => boolean) =>
        [...queries].filter(([statement]) => name(statement)).reduce((sum, [statement, count]) => sum + count - (before.get(statement) ?? 0), 0);
      const tailPages = delta((statement) => statement === 'event_store_page');
      const ownPages = delta((statement) => statement.startsWith('event_store_page_'));
      console.log(`${subscribers} idle subscribers, ${appends} appends in ${elapsed} ms: ${tailPages} tail page reads, ${ownPages} reads of their own`);

      expect(ownPages).toBe(0);
      expect(tailPages).toBeGreaterThanOrEqual(appends);
      // Each wake-up is one read: the append itself (its own NOTIFY coming back through LISTEN is ignored), the 250 ms
      // fallback poll, and a re-read every 20 ms while a transaction elsewhere on the server (xids are server-wide)
      // holds the newest events back. One read per subscriber and append would be 240.
      expect(tailPages).toBeLessThanOrEqual(appends + Math.ceil(elapsed / 250) + Math.ceil(elapsed / 20) + 2);
      expect(tailPages).toBeLessThan(subscribers * appends);
      await Promise.all(collectors.map((collector) => collector.close()));
      for (const collector of collectors) expect(ids(collector.events)).toEqual(ids(await counted.readAll({ filter: { streamPrefixes: [prefix] } })));
    } finally {
      await counted.close();
      await pool.end();
    }
  });

  it('does not let a subscriber that stops pulling hold back another, and the slow one later gets every event once, in order', async () => {
    const prefix = `slow-${randomUUID().slice(0, 8)}-`;
    const filter = { streamPrefixes: [prefix] };
    await store.appendToStream(`${prefix}seed`, events(3), { expectedRevision: 'any' });
    const start = await settledEnd(store, database);
    const fast = new Collector(store.subscribeToAll({ fromPosition: 'end', filter }));
    const slowSubscription = store.subscribeToAll({ fromPosition: 'end', filter });
    const slow = slowSubscription[Symbol.asyncIterator]();
    try {
      await fast.waitFor(() => fast.caughtUps.length > 0, 'the fast subscriber to be live');
      // The slow subscriber reaches the live end (it is attached to the tail), then stops pulling.
      const first = await withDeadline(slow.next(), WAIT_MS, 'the slow subscriber to catch up');
      expect(first.value).toEqual({ kind: 'caught_up', position: start });

      const total = CONSUMER_QUEUE + 1_200;
      for (let written = 0; written < total; written += 200) {
        await store.appendToStream(`${prefix}bulk-${written % 3}`, events(200), { expectedRevision: 'any' });
      }
      const last = await settledEnd(store, database);
      await fast.waitFor(() => fast.events.length === total, `the fast subscriber to receive all ${total} events while the slow one waits`);
      await fast.waitFor(() => fast.caughtUps.some((position) => comparePositions(position, last) >= 0), 'the fast subscriber to catch up');
      // The slow one was cut off: the tail serves only the fast one now and holds no queue for the slow one.
      expect(tailConsumers(store)).toBe(1);

      // The slow one resumes; a few more events arrive while it reads, so it has to join the tail again.
      const slowEvents: RecordedEvent[] = [];
      const slowCaughtUps: Position[] = [];
      let late: Promise<Position> | undefined;
      const deadline = Date.now() + WAIT_MS;
      const pull = async (until: () => boolean, what: string) => {
        while (!until()) {
          const next = await withDeadline(slow.next(), deadline - Date.now(), `${what} (the slow subscriber has ${slowEvents.length} events, ${slowCaughtUps.length} caught_up)`);
          if (next.done) throw new Error('the slow subscription ended');
          if (next.value.kind === 'event') slowEvents.push(next.value.event);
          else slowCaughtUps.push(next.value.position);
          if (slowEvents.length === 2_000 && !late) {
            late = (async () => {
              for (let index = 0; index < 20; index += 1) await store.appendToStream(`${prefix}late`, events(1), { expectedRevision: 'any' });
              return settledEnd(store, database);
            })();
            // Awaited below; a failure while the pull still waits must not surface as an unhandled rejection.
            late.catch(() => undefined);
          }
        }
      };
      await pull(() => slowEvents.length >= total + 20, 'every event');
      const end = await (late as Promise<Position>);
      await pull(() => slowCaughtUps.some((position) => comparePositions(position, end) >= 0), 'caught_up at the end');
      const expected = await store.readAll({ fromPosition: start, filter, maxCount: 10_000 });
      expect(expected).toHaveLength(total + 20);
      expect(ids(slowEvents)).toEqual(ids(expected));
      expect(outOfOrderPositions(slowEvents)).toEqual([]);
      await fast.waitFor(() => fast.events.length === total + 20, 'the fast subscriber to receive the late events');
      expect(ids(fast.events)).toEqual(ids(expected));
    } finally {
      await fast.close();
      // close(), not the iterator's return(): return() would wait for a pending next() that only close() ends.
      await slowSubscription.close();
    }
  });

  it('joins the tail after catching up from the start without a duplicate or a gap, whatever the appends race with', async () => {
    const prefix = `join-${randomUUID().slice(0, 8)}-`;
    const filter = { streamPrefixes: [prefix] };
    for (let batch = 0; batch < 6; batch += 1) await store.appendToStream(`${prefix}base-${batch}`, events(200), { expectedRevision: 'any' });
    // Half of the runs join a tail that is already running (another subscriber keeps it going), the other half start it.
    // A subscriber that pulls its catch-up events slowly attaches late, after the tail has read past its last page: it
    // must then read the gap between the two itself.
    const runs = [
      { keeper: false, delayMs: 0, pauseMs: 0, burst: 1, slowPull: false },
      { keeper: true, delayMs: 0, pauseMs: 0, burst: 1, slowPull: false },
      { keeper: true, delayMs: 2, pauseMs: 1, burst: 4, slowPull: false },
      { keeper: false, delayMs: 10, pauseMs: 3, burst: 2, slowPull: true },
      { keeper: true, delayMs: 25, pauseMs: 0, burst: 8, slowPull: false },
      { keeper: true, delayMs: 0, pauseMs: 20, burst: 2, slowPull: true },
      { keeper: false, delayMs: 40, pauseMs: 2, burst: 3, slowPull: false },
      { keeper: true, delayMs: 5, pauseMs: 10, burst: 1, slowPull: true },
    ];
    for (const [index, run] of runs.entries()) {
      const keeper = run.keeper ? new Collector(store.subscribeToAll({ fromPosition: 'end', filter: { eventTypes: ['NeverWritten'] } })) : undefined;
      await keeper?.waitFor(() => keeper.caughtUps.length > 0, 'the keeper to be live');
      const collector = new Collector(store.subscribeToAll({ fromPosition: 'start', filter }), run.slowPull ? 5 : 0);
      await sleep(run.delayMs);
      for (let round = 0; round < 20; round += 1) {
        await Promise.all(Array.from({ length: run.burst }, (_, stream) => store.appendToStream(`${prefix}live-${index}-${stream}`, events(1), { expectedRevision: 'any' })));
        if (run.pauseMs > 0) await sleep(randomInt(run.pauseMs + 1));
      }
      const end = await settledEnd(store, database);
      await collector.waitFor(() => collector.caughtUps.some((position) => comparePositions(position, end) >= 0), `run ${index}: caught_up at the end`);
      await collector.close();
      await keeper?.close();
      const expected = await store.readAll({ filter, maxCount: 10_000 });
      expect({ run: index, events: ids(collector.events) }).toEqual({ run: index, events: ids(expected) });
      expect(outOfOrderPositions(collector.events)).toEqual([]);
    }
  });

  it('sends caught_up at the end of the log, at or after the last event, and moves it past events the filter does not want', async () => {
    const prefix = `sparse-${randomUUID().slice(0, 8)}-`;
    const wanted = `Wanted_${prefix}`;
    const filter = { streamPrefixes: [prefix], eventTypes: [wanted] };
    const first = await store.appendToStream(`${prefix}a`, events(1, () => wanted), { expectedRevision: 'any' });
    await store.appendToStream(`${prefix}a`, events(3, () => 'Unwanted'), { expectedRevision: 'any' });
    const other = await store.appendToStream(`elsewhere-${prefix}`, events(2, () => wanted), { expectedRevision: 'any' });
    const collector = new Collector(store.subscribeToAll({ fromPosition: 'start', filter }));
    try {
      await collector.waitFor(() => collector.caughtUps.length > 0, 'the first caught_up');
      expect(collector.events.map((event) => event.position)).toEqual([first.position]);
      // The end of the log, not the last wanted event: the unwanted events after it are passed too.
      expect(comparePositions(collector.caughtUps[0] as Position, other.position)).toBeGreaterThanOrEqual(0);

      // Live: unwanted events only, yet the position moves past them.
      const unwanted = await store.appendToStreams([
        { streamId: `${prefix}b`, expectedRevision: 'any', events: events(2, () => 'Unwanted') },
        { streamId: `elsewhere-${prefix}2`, expectedRevision: 'any', events: events(1, () => wanted) },
      ]);
      await collector.waitFor(() => collector.caughtUps.some((position) => comparePositions(position, unwanted.position) >= 0), 'caught_up past the unwanted events');
      expect(collector.events).toHaveLength(1);

      const second = await store.appendToStream(`${prefix}c`, events(1, () => wanted), { expectedRevision: 'any' });
      await collector.waitFor(() => collector.caughtUps.some((position) => comparePositions(position, second.position) >= 0), 'caught_up after the second wanted event');
      expect(collector.events.map((event) => event.position)).toEqual([first.position, second.position]);

      // Every caught_up lies at or after every event delivered before it, and they never go back.
      let lastEvent: Position = START_POSITION;
      let lastCaughtUp: Position = START_POSITION;
      for (const message of collector.messages) {
        if (message.kind === 'event') {
          expect(comparePositions(message.event.position, lastCaughtUp)).toBe(1);
          lastEvent = message.event.position;
        } else {
          expect(comparePositions(message.position, lastEvent)).toBeGreaterThanOrEqual(0);
          expect(comparePositions(message.position, lastCaughtUp)).toBe(1);
          lastCaughtUp = message.position;
        }
      }
    } finally {
      await collector.close();
    }
  });
});

describe('closing $all subscriptions and the store (PostgreSQL)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('event_store_tail_close');
    const migrating = new PostgresEventStore({ connectionString: database.connectionString });
    await migrating.migrate();
    await migrating.close();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('ends a closed subscription, stops the tail when the last one leaves, and leaves no connection once the store is closed', async () => {
    const pool = new pg.Pool({ connectionString: database.connectionString, max: 4 });
    const queries = countQueries(pool);
    const store = new PostgresEventStore({ connectionString: database.connectionString, pool });
    const tailPages = () => queries.get('event_store_page') ?? 0;
    try {
      const collectors = [0, 1, 2].map(() => new Collector(store.subscribeToAll({ fromPosition: 'start' })));
      await store.appendToStream('close-a', events(1), { expectedRevision: 'any' });
      for (const collector of collectors) await collector.waitFor(() => collector.events.length === 1, 'the first event');

      const [first, second, third] = collectors as [Collector, Collector, Collector];
      await first.close();
      await withDeadline(first.done, 5_000, 'the closed subscription loop to end');
      await store.appendToStream('close-a', events(1), { expectedRevision: 'any' });
      for (const collector of [second, third]) await collector.waitFor(() => collector.events.length === 2, 'the others to go on');
      expect(first.events).toHaveLength(1);

      await Promise.all([second.close(), third.close()]);
      await withDeadline(Promise.all([second.done, third.done]), 5_000, 'the other loops to end');
      // The tail stops at its next wake-up at the latest (the 250 ms poll); after that it reads nothing.
      await sleep(400);
      const stopped = tailPages();
      await sleep(1_000);
      expect(tailPages()).toBe(stopped);

      // A new subscriber starts it again; closing the store ends that subscriber's loop while it waits.
      const again = new Collector(store.subscribeToAll({ fromPosition: 'start' }));
      await store.appendToStream('close-b', events(1), { expectedRevision: 'any' });
      await again.waitFor(() => again.events.length === 3, 'the restarted tail to deliver');
      await store.close();
      await withDeadline(again.done, 5_000, 'the subscription loop to end when the store closes');
      expect(again.failure).toBeUndefined();
      const afterClose = tailPages();
      await sleep(600);
      expect(tailPages()).toBe(afterClose);
      // What is left are the pool's idle connections (the pool is ours): the wake-up listener and notifier are gone.
      expect(await connectionsTo(database, pool.totalCount)).toBe(pool.totalCount);
    } finally {
      await store.close();
      await pool.end();
    }
    expect(await connectionsTo(database, 0)).toBe(0);

    // A store with a pool of its own leaves nothing at all.
    const owning = new PostgresEventStore({ connectionString: database.connectionString });
    const subscription = new Collector(owning.subscribeToAll({ fromPosition: 'start' }));
    await subscription.waitFor(() => subscription.events.length === 3, 'the owning store to deliver');
    await owning.close();
    await withDeadline(subscription.done, 5_000, 'the subscription loop to end when the owning store closes');
    expect(await connectionsTo(database, 0)).toBe(0);
  });
});

describe('tenant-scoped $all subscriptions (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('event_store_tail_tenant');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    const client = new pg.Client({ connectionString: database.connectionString });
    await client.connect();
    try {
      await client.query(ROW_LEVEL_SECURITY_SQL);
      await client.query('select ledger_security.secure_tenant_tables(null)');
    } finally {
      await client.end();
    }
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("gives a tenant's subscription only that tenant's streams, caught up and live, and an anonymous one nothing", async () => {
    const write = async (round: number) => {
      await store.appendToStreams([
        { streamId: `acme:invoice-${round}`, expectedRevision: 'any', events: events(2, () => 'InvoiceIssued') },
        { streamId: `globex:invoice-${round}`, expectedRevision: 'any', events: events(2, () => 'InvoiceIssued') },
        { streamId: `acmeish:invoice-${round}`, expectedRevision: 'any', events: events(1, () => 'InvoiceIssued') },
        { streamId: `system-${round}`, expectedRevision: 'any', events: events(1, () => 'InvoiceIssued') },
      ]);
      await store.appendToStream(`acme:payment-${round}`, events(1, () => 'PaymentRecorded'), { expectedRevision: 'any' });
    };
    await write(0);
    // The subscribers from the end start at the head as they see it: everything of round 0 must be readable by then.
    const live = await settledEnd(store, database);
    // Each pulls in its scope, as graphql-ws pulls a subscription's stream in the connection's tenant scope.
    const acme = runForTenant({ tenantId: 'acme' }, () => new Collector(store.subscribeToAll({ fromPosition: 'start' })));
    const acmeLive = runForTenant({ tenantId: 'acme' }, () => new Collector(store.subscribeToAll({ fromPosition: 'end' })));
    const acmePayments = runForTenant({ tenantId: 'acme' }, () => new Collector(store.subscribeToAll({ fromPosition: 'start', filter: { eventTypes: ['PaymentRecorded'] } })));
    // A tenant asking for another tenant's prefix still gets only its own streams.
    const prying = runForTenant({ tenantId: 'globex' }, () => new Collector(store.subscribeToAll({ fromPosition: 'start', filter: { streamPrefixes: ['acme:', 'globex:'] } })));
    const anonymous = runAnonymous(undefined, () => new Collector(store.subscribeToAll({ fromPosition: 'start' })));
    const system = new Collector(store.subscribeToAll({ fromPosition: 'start' }));
    const all = [acme, acmeLive, acmePayments, prying, anonymous, system];
    try {
      // Everyone is attached to the tail before the live rounds, so those reach them through the tail's fan-out.
      for (const collector of all) await collector.waitFor(() => collector.caughtUps.length > 0, 'every subscriber to catch up');
      for (let round = 1; round <= 3; round += 1) await write(round);
      const end = await settledEnd(store, database);
      for (const collector of all) await collector.waitFor(() => collector.caughtUps.some((position) => comparePositions(position, end) >= 0), 'every subscriber to reach the end');

      const log = await store.readAll({ maxCount: 10_000 });
      const of = (tenant: string, from: Position = START_POSITION) =>
        ids(log.filter((event) => event.streamId.startsWith(`${tenant}:`) && comparePositions(event.position, from) > 0));
      expect(ids(system.events)).toEqual(ids(log));
      expect(ids(acme.events)).toEqual(of('acme'));
      expect(ids(acmeLive.events)).toEqual(of('acme', live));
      expect(ids(acmePayments.events)).toEqual(ids(log.filter((event) => event.streamId.startsWith('acme:payment-'))));
      expect(ids(prying.events)).toEqual(of('globex'));
      expect(anonymous.events).toEqual([]);
      expect(acme.events.length).toBe(12);
      expect(acmeLive.events.length).toBe(9);
    } finally {
      await Promise.all(all.map((collector) => collector.close()));
    }
  });
});

/** Consumes a subscription in the background, keeping every message; waits are bounded. */
class Collector {
  readonly messages: SubscriptionMessage[] = [];
  readonly events: RecordedEvent[] = [];
  readonly caughtUps: Position[] = [];
  failure: unknown;
  readonly done: Promise<void>;

  /** `pauseEvery`: pause a millisecond after every so many messages, as a consumer with work to do would. */
  constructor(
    private readonly subscription: Subscription,
    pauseEvery = 0,
  ) {
    this.done = (async () => {
      try {
        for await (const message of subscription) {
          if (pauseEvery > 0 && this.messages.length % pauseEvery === 0) await sleep(1);
          this.messages.push(message);
          if (message.kind === 'event') this.events.push(message.event);
          else this.caughtUps.push(message.position);
        }
      } catch (error) {
        this.failure = error;
      }
    })();
  }

  async waitFor(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!condition()) {
      if (this.failure) throw this.failure;
      if (Date.now() >= deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what} (${this.events.length} events, ${this.caughtUps.length} caught_up)`);
      await sleep(10);
    }
  }

  close(): Promise<void> {
    return this.subscription.close();
  }
}

function events(count: number, type: (index: number) => string = () => 'TailProbed'): EventData[] {
  return Array.from({ length: count }, (_, index) => ({ eventId: randomUUID(), type: type(index), data: { index } }));
}

function ids(events: readonly RecordedEvent[]): string[] {
  return events.map((event) => event.eventId);
}

/** Indexes of events not strictly after the one before them: duplicates and reorderings. */
function outOfOrderPositions(events: readonly RecordedEvent[]): number[] {
  return events.flatMap((event, index) => (index > 0 && comparePositions((events[index - 1] as RecordedEvent).position, event.position) >= 0 ? [index] : []));
}

/**
 * Two connections append in transactions of their own and commit in the reverse order of their xids: the first
 * transaction stays open while the second commits, as transactions do that overtake each other. Every fifth
 * held transaction rolls back instead. Runs `rounds` times with random holds.
 */
async function commitOutOfOrder(connectionString: string, prefix: string, types: readonly string[], rounds: number): Promise<void> {
  const older = new pg.Client({ connectionString });
  const newer = new pg.Client({ connectionString });
  await Promise.all([older.connect(), newer.connect()]);
  const append = (client: pg.Client, requests: { stream: string; count: number }[]) =>
    client.query('select event_store.append($1::jsonb)', [
      JSON.stringify(requests.map((request) => ({ stream: request.stream, expected: 'any', events: events(request.count, (index) => types[index % types.length] as string) }))),
    ]);
  try {
    for (let round = 0; round < rounds; round += 1) {
      await older.query('begin');
      await append(older, [{ stream: `${prefix}held-${round % 3}`, count: 1 + (round % 3) }]);
      await newer.query('begin');
      await append(newer, [
        { stream: `${prefix}a-${round % 2}`, count: 2 },
        { stream: `${prefix}b-${round % 4}`, count: 1 },
      ]);
      await newer.query('commit');
      await sleep(randomInt(30));
      await older.query(round % 5 === 4 ? 'rollback' : 'commit');
    }
  } finally {
    await Promise.all([older.end(), newer.end()]);
  }
}

/** Counts the statements each pooled connection runs, by prepared statement name ('unnamed' for the others). */
function countQueries(pool: pg.Pool): Map<string, number> {
  const counts = new Map<string, number>();
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const config = args[0];
      const name = typeof config === 'object' && config !== null && 'name' in config && typeof config.name === 'string' ? config.name : 'unnamed';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return query(...args);
    };
  });
  return counts;
}

/**
 * The connections open to the test database, seen from the server's administrative database, once they have settled
 * at `expected` (a backend leaves pg_stat_activity a moment after its client disconnects) or after a few seconds.
 */
async function connectionsTo(database: TestDatabase, expected: number): Promise<number> {
  const admin = new pg.Client({ connectionString: process.env.LEDGER_TEST_ADMIN_URL });
  await admin.connect();
  try {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const { rows } = await admin.query<{ count: number }>('select count(*)::int as count from pg_stat_activity where datname = $1', [database.name]);
      const count = rows[0]?.count ?? 0;
      if (count === expected || Date.now() >= deadline) return count;
      await sleep(20);
    }
  } finally {
    await admin.end();
  }
}

/**
 * The position of the last event written, once readers of $all can see it. A reader sees a commit only when no older
 * transaction is still running anywhere on the server, so the head a reader reports can lag behind the last append.
 */
async function settledEnd(store: PostgresEventStore, database: TestDatabase): Promise<Position> {
  const client = new pg.Client({ connectionString: database.connectionString });
  await client.connect();
  let last: Position;
  try {
    const { rows } = await client.query<{ commit: string; prepare: string }>(
      `select transaction_id::text as commit, global_position::text as prepare
         from event_store.events e
        order by e.transaction_id desc, e.global_position desc
        limit 1`,
    );
    const row = rows[0];
    last = row ? { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } : START_POSITION;
  } finally {
    await client.end();
  }
  await waitUntilReadableOnAll(store, last, 10_000).catch((error: unknown) => { throw new Error(`last ${encodePosition(last)}: ${(error as Error).message}`); });
  return last;
}

/** How many subscribers the store's tail is serving: the one internal the tests look at, to see a slow one cut off. */
function tailConsumers(store: PostgresEventStore): number {
  return (store as unknown as { tail: { consumers: Set<unknown> } }).tail.consumers.size;
}
