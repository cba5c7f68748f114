import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/test-database.js';
import { comparePositions } from '../position.js';
import { PostgresEventStore } from './postgres-event-store.js';

/**
 * A position an append returned is past the head of $all while an older transaction is open anywhere on the server.
 * waitForHead tells that apart from a position never handed out (as-of reads rely on it: docs/as-of.md).
 */
describe('PostgresEventStore.waitForHead', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('event_store_wait_for_head');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  /** An append committed while an older transaction (with an id) is still open on `blocker`, which hides it from $all. */
  const appendBehindOpenTransaction = async () => {
    const blocker = new pg.Client({ connectionString: database.connectionString });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select pg_current_xact_id()');
    const { position } = await store.appendToStream(`acme:wait-${randomUUID()}`, [{ eventId: randomUUID(), type: 'Appended', data: {} }], { expectedRevision: 'no_stream' });
    return { blocker, position };
  };

  it('waits for a committed position that an open older transaction hides, and answers true once it shows', async () => {
    const { blocker, position } = await appendBehindOpenTransaction();
    try {
      expect(comparePositions(await store.headPosition(), position)).toBeLessThan(0);
      const waited = store.waitForHead(position, 10_000);
      let settled = false;
      void waited.then(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(settled).toBe(false);
      await blocker.query('commit');
      await expect(waited).resolves.toBe(true);
      expect(comparePositions(await store.headPosition(), position)).toBeGreaterThanOrEqual(0);
    } finally {
      await blocker.end();
    }
  });

  it('answers false at once for a position never handed out, and false after the timeout while still hidden', async () => {
    const started = Date.now();
    await expect(store.waitForHead({ commit: 18_446_744_073_709_551_615n, prepare: 0n }, 10_000)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);

    const { blocker, position } = await appendBehindOpenTransaction();
    try {
      await expect(store.waitForHead(position, 200)).resolves.toBe(false);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
  });
});
