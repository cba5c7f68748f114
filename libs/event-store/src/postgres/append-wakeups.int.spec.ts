import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/test-database.js';
import { NOTIFY_MIN_INTERVAL_MS } from './append-wakeups.js';
import { PostgresEventStore } from './postgres-event-store.js';

/**
 * Other processes learn of an append through NOTIFY. A burst of appends shares NOTIFYs (at most one every
 * NOTIFY_MIN_INTERVAL_MS), and the last append of a burst is always announced: a listener in another process hears of
 * it within the interval plus a round trip, never only at its fallback poll.
 */
describe('append wake-ups for other processes', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let listener: pg.Client;
  const heard: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('append_wakeups');
    store = new PostgresEventStore({ connectionString: database.connectionString, poolSize: 4 });
    await store.migrate();
    listener = new pg.Client({ connectionString: database.connectionString });
    await listener.connect();
    listener.on('notification', (message) => {
      if (message.channel === 'event_store_appended') heard.push(performance.now());
    });
    await listener.query('listen event_store_appended');
  });

  afterAll(async () => {
    await listener?.end();
    await store?.close();
    await database?.drop();
  });

  const append = (stream: string) => store.appendToStream(stream, [{ eventId: randomUUID(), type: 'Appended', data: { at: stream } }], { expectedRevision: 'any' });
  const settle = () => new Promise((resolve) => setTimeout(resolve, NOTIFY_MIN_INTERVAL_MS * 4 + 100));

  it('announces a lone append at once', async () => {
    await settle();
    heard.length = 0;
    const before = performance.now();
    await append(`acme:lone-${randomUUID()}`);
    await settle();
    expect(heard).toHaveLength(1);
    // At once: no spacing wait before the first NOTIFY after a quiet spell (a round trip or two on a busy machine).
    expect(heard[0] as number).toBeGreaterThanOrEqual(before);
    expect((heard[0] as number) - before).toBeLessThan(1_000);
  });

  it('shares NOTIFYs in a burst, and announces the last append of it', async () => {
    await settle();
    heard.length = 0;
    const started = performance.now();
    const appends = 400;
    let lastAppended = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        for (let index = writer; index < appends; index += 8) {
          await append(`acme:burst-${writer}-${index % 5}`);
          lastAppended = Math.max(lastAppended, performance.now());
        }
      }),
    );
    const elapsed = performance.now() - started;
    await settle();
    // Never more than one per interval (plus the first, sent at once), far fewer than the appends.
    expect(heard.length).toBeGreaterThanOrEqual(1);
    expect(heard.length).toBeLessThanOrEqual(Math.ceil(elapsed / NOTIFY_MIN_INTERVAL_MS) + 2);
    expect(heard.length).toBeLessThan(appends / 2);
    // The last append is announced: a NOTIFY is heard after it returned (a notification only arrives as I/O, after the
    // append's own continuation has run).
    expect(Math.max(...heard)).toBeGreaterThan(lastAppended);
  });
});
