import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Projection, ReadModelDatabase } from '../../projection-runtime/src/index.js';
import { inStream, ProjectionSpecification, specEventId } from './projection-spec.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/**
 * The helper on a real PostgreSQL with a tiny projection of counters: a right spec passes; a wrong row, a missing or
 * extra row, an unknown table, a wrong query answer and events out of log order fail.
 */
const countersProjection: Projection = {
  name: 'counters',
  version: 1,
  eventTypes: ['CounterOpened', 'Added'],
  tables: ['counters'],
  async createTables(db, schema) {
    await sql
      .raw(
        `create table if not exists ${schema}.counters (
           counter_id text primary key, total numeric(10, 2) not null, events integer not null,
           last_event_id text not null, last_position text not null, last_recorded_at timestamptz not null)`,
      )
      .execute(db);
  },
  async apply({ trx, schema }, event) {
    const counterId = event.streamId;
    const common = { last_event_id: event.eventId, last_position: `${event.position.commit}.${event.position.prepare}`, last_recorded_at: event.recordedAt };
    if (event.type === 'CounterOpened') {
      await trx.withSchema(schema).insertInto('counters').values({ counter_id: counterId, total: '0', events: 1, ...common }).execute();
      return;
    }
    await trx
      .withSchema(schema)
      .updateTable('counters')
      .set({ total: sql`total + ${String(event.data.amount)}::numeric`, events: sql`events + 1`, ...common })
      .where('counter_id', '=', counterId)
      .execute();
  },
};

describe('ProjectionSpecification', () => {
  let database: TestDatabase;
  let db: Kysely<ReadModelDatabase>;

  beforeAll(async () => {
    database = await createTestDatabase('projection_spec');
    db = new Kysely<ReadModelDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.connectionString, max: 2 }) }) });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const spec = () => ProjectionSpecification.for({ projection: countersProjection, db });
  const opened = { type: 'CounterOpened', data: {} };
  const added = (amount: string) => ({ type: 'Added', data: { amount } });
  const events = [inStream('b', opened), inStream('a', opened), inStream('b', added('2.50')), inStream('b', added('1.25'))];
  const first = { counter_id: 'a', total: '0.00', events: 1, last_event_id: specEventId('a', 0n), last_position: '2.2', last_recorded_at: '2026-01-01T00:00:01.000Z' };
  const second = { counter_id: 'b', total: '3.75', events: 3, last_event_id: specEventId('b', 2n), last_position: '4.4', last_recorded_at: '2026-01-01T00:00:03.000Z' };
  const rows = [first, second];

  it('then: passes on exactly the rows, ordered by primary key, with the defaults it documents', async () => {
    await spec().given(events).then({ counters: rows });
  });

  it('then: fails on a wrong value, a missing row, an extra row and a missing column', async () => {
    await expect(spec().given(events).then({ counters: [first, { ...second, total: '3.76' }] })).rejects.toThrow(/toEqual/);
    await expect(spec().given(events).then({ counters: [second] })).rejects.toThrow(/toEqual/);
    await expect(spec().given(events).then({ counters: [...rows, { ...second, counter_id: 'c' }] })).rejects.toThrow(/toEqual/);
    const { last_recorded_at: _dropped, ...withoutColumn } = second;
    await expect(spec().given(events).then({ counters: [first, withoutColumn] })).rejects.toThrow(/toEqual/);
  });

  it('then: refuses a table that is not the projection’s', async () => {
    await expect(spec().given(events).then({ countres: [] })).rejects.toThrow('projection counters has no table countres (its tables: counters)');
  });

  it('when: applies more events in a batch of their own, after the given ones; pinned fields are kept', async () => {
    await spec()
      .given([inStream('a', opened)])
      .when([inStream('a', added('5'), { position: { commit: 90n, prepare: 7n }, eventId: '2b7d4c8e-9a44-4f7e-8d3c-6c2b7f1f0a11', recordedAt: '2026-02-03T04:05:06.000Z' })])
      .then({ counters: [{ counter_id: 'a', total: '5.00', events: 2, last_event_id: '2b7d4c8e-9a44-4f7e-8d3c-6c2b7f1f0a11', last_position: '90.7', last_recorded_at: '2026-02-03T04:05:06.000Z' }] });
  });

  it('refuses events whose positions do not increase', async () => {
    const late = [inStream('a', opened, { position: { commit: 5n, prepare: 5n } }), inStream('a', added('1'), { position: { commit: 5n, prepare: 4n } })];
    await expect(spec().given(late).then({ counters: [] })).rejects.toThrow(/is at 5\.4, not after 5\.5/);
  });

  it('thenQuery: compares a query’s answer on the projected rows, and fails on a wrong one', async () => {
    const total = async (queryDb: Kysely<ReadModelDatabase>, schema: string) => {
      const row = await queryDb.withSchema(schema).selectFrom('counters').select(sql<string>`sum(total)::text`.as('sum')).executeTakeFirstOrThrow();
      return row.sum as string;
    };
    await spec().given(events).thenQuery(total, '3.75');
    await expect(spec().given(events).thenQuery(total, '3.70')).rejects.toThrow(/toEqual/);
  });

  it('leaves no schema behind', async () => {
    await spec().given(events).then({ counters: rows });
    const { rows: left } = await sql<{ name: string }>`select nspname as name from pg_namespace where nspname like 'projection_spec_%'`.execute(db);
    expect(left).toEqual([]);
  });
});
