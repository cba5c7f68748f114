import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { runAnonymous, runForTenant } from '../../../database/src/database-scope.js';
import { ROW_LEVEL_SECURITY_SQL } from '../../../database/src/row-level-security.js';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/test-database.js';
import type { RecordedEvent } from '../event-store.port.js';
import { PostgresEventStore } from './postgres-event-store.js';

/**
 * Forward stream reads started together (one Promise.all of loads, as a command reads its stream, the settings and the
 * customer) share one statement; each still gets exactly what it would have read alone, and only what its own scope may
 * see under row-level security.
 */
describe('PostgresEventStore: stream reads started together', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresEventStore;
  let checkouts = 0;
  const id = randomUUID().slice(0, 8);
  const streams = { invoice: `acme:invoice-${id}`, settings: `acme:settings-${id}`, customer: `acme:customer-${id}`, empty: `acme:customer-none-${id}`, globex: `globex:invoice-${id}` };

  const summary = (events: readonly RecordedEvent[]) => events.map((event) => ({ streamId: event.streamId, revision: event.revision, type: event.type, data: event.data, position: event.position }));

  beforeAll(async () => {
    database = await createTestDatabase('event_store_read_streams');
    pool = new pg.Pool({ connectionString: database.connectionString, max: 4 });
    pool.on('acquire', () => (checkouts += 1));
    store = new PostgresEventStore({ connectionString: database.connectionString, pool });
    await store.migrate();
    // Row-level security on the event tables, as the API installs it.
    const client = await pool.connect();
    try {
      await client.query(ROW_LEVEL_SECURITY_SQL);
      await client.query('select ledger_security.secure_tenant_tables(null)');
    } finally {
      client.release();
    }
    const append = (streamId: string, count: number) =>
      store.appendToStream(
        streamId,
        Array.from({ length: count }, (_, index) => ({ eventId: randomUUID(), type: `Event${index}`, data: { index, streamId } })),
        { expectedRevision: 'no_stream' },
      );
    await append(streams.invoice, 12);
    await append(streams.settings, 3);
    await append(streams.customer, 1);
    await append(streams.globex, 2);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await database?.drop();
  });

  it('gives each read what it reads alone (from a revision, at most maxCount, an empty stream), in one statement', async () => {
    const requests = [
      { streamId: streams.invoice, options: { fromRevision: 0n } },
      { streamId: streams.invoice, options: { fromRevision: 5n, maxCount: 4 } },
      { streamId: streams.settings, options: { fromRevision: 2n } },
      { streamId: streams.settings, options: { fromRevision: 3n } },
      { streamId: streams.customer, options: {} },
      { streamId: streams.empty, options: {} },
    ];
    const alone: RecordedEvent[][] = [];
    for (const request of requests) alone.push(await runForTenant({ tenantId: 'acme' }, () => store.readStream(request.streamId, request.options)));
    const before = checkouts;
    const together = await runForTenant({ tenantId: 'acme' }, () => Promise.all(requests.map((request) => store.readStream(request.streamId, request.options))));
    expect(checkouts - before).toBe(1);
    expect(together.map(summary)).toEqual(alone.map(summary));
    expect(together.map((events) => events.map((event) => Number(event.revision)))).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [5, 6, 7, 8], [2], [], [0], []]);
  });

  it('never mixes scopes: reads of two tenants and an anonymous one started together each see only their own rows', async () => {
    const [acmeOwn, globexPrying, globexOwn, anonymous, system] = await Promise.all([
      runForTenant({ tenantId: 'acme' }, () => store.readStream(streams.invoice)),
      runForTenant({ tenantId: 'globex' }, () => store.readStream(streams.invoice)),
      runForTenant({ tenantId: 'globex' }, () => store.readStream(streams.globex)),
      runAnonymous(undefined, () => store.readStream(streams.globex)),
      store.readStream(streams.settings),
    ]);
    expect(acmeOwn).toHaveLength(12);
    expect(globexPrying).toEqual([]);
    expect(globexOwn.map((event) => event.streamId)).toEqual([streams.globex, streams.globex]);
    expect(anonymous).toEqual([]);
    expect(system).toHaveLength(3);
  });

  it('fails every read of a batch whose statement fails, and the next batch works', async () => {
    const broken = new PostgresEventStore({ connectionString: database.connectionString.replace(/\/[^/]+$/, '/no_such_database_here') });
    try {
      const reads = await Promise.allSettled([broken.readStream(streams.invoice), broken.readStream(streams.settings)]);
      expect(reads.map((read) => read.status)).toEqual(['rejected', 'rejected']);
    } finally {
      await broken.close();
    }
    expect(await Promise.all([store.readStream(streams.customer), store.readStream(streams.settings)]).then((results) => results.map((events) => events.length))).toEqual([1, 3]);
  });
});
