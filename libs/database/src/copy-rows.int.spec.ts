import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../testing/src/test-database.js';
import { connectDatabase, scopedPoolOf, type DatabaseConnection } from './database.js';
import { copyColumnKinds, copyField, copyRows } from './copy-rows.js';

/**
 * COPY (what a rebuild loads its fresh tables with) must store exactly what the batch INSERT through
 * jsonb_populate_recordset stores (what live projections write): the same rows, loaded both ways into twin tables,
 * compare equal column by column, including text that COPY's own format gives a meaning to.
 */
describe('copyRows', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection<unknown>;

  const columns = ['id', 'label', 'amount', 'at', 'day', 'flag', 'tags', 'doc', 'count'];
  const rows: Record<string, unknown>[] = [
    { id: 'plain', label: 'Invoice 1', amount: '123456789012345678901234.123456789012', at: '2026-12-07T10:00:00.000Z', day: '2026-12-07', flag: true, tags: ['a', 'b'], doc: { lines: [{ amount: '1.10' }] }, count: 3 },
    {
      id: 'hostile',
      label: 'tab\there, newline\nthere, cr\rand a backslash \\ and \\N and "quotes" and \u00e9\u4e2d\ud83d\ude00',
      amount: '-0.000000000001',
      at: new Date('2026-01-02T03:04:05.678Z'),
      day: '2024-02-29',
      flag: false,
      tags: ['with "quote"', 'back\\slash', 'comma, brace}', 'tab\tnl\n', '', 'NULL'],
      doc: { text: 'tab\t nl\n back\\ quote" \\N', nested: [null, 1.5, true], empty: '' },
      count: 0,
    },
    { id: 'nulls', label: null, amount: null, at: null, day: null, flag: null, tags: null, doc: null, count: null },
    { id: 'undefined', label: undefined, amount: '0', at: undefined, day: undefined, flag: undefined, tags: [], doc: 'just a string', count: undefined },
    { id: 'null-element', label: '\\', amount: '1', at: '2026-12-07T10:00:00+01:00', day: '2026-12-07', flag: true, tags: ['x', null], doc: [1, 'two'], count: -7 },
  ];

  beforeAll(async () => {
    database = await createTestDatabase('copy_rows');
    connection = connectDatabase(database.connectionString);
    for (const table of ['by_insert', 'by_copy']) {
      await sql
        .raw(
          `create table public.${table} (id text primary key, label text, amount numeric(38, 12), at timestamptz, day date, flag boolean, tags text[], doc jsonb, count integer)`,
        )
        .execute(connection.db);
    }
  }, 120_000);

  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });

  it('stores exactly what the batch INSERT stores, hostile text included', async () => {
    const list = sql.join(columns.map((column) => sql.id(column)));
    await sql`insert into public.by_insert (${list}) select ${list} from jsonb_populate_recordset(null::public.by_insert, ${JSON.stringify(rows)}::jsonb)`.execute(connection.db);
    const scoped = scopedPoolOf(connection.db);
    expect(scoped).toBeDefined();
    const client = await scoped!.connect();
    try {
      const kinds = await copyColumnKinds(client, 'public', 'by_copy');
      expect(Object.fromEntries(kinds)).toEqual({ id: 'scalar', label: 'scalar', amount: 'scalar', at: 'scalar', day: 'scalar', flag: 'scalar', tags: 'array', doc: 'json', count: 'scalar' });
      await copyRows(client, 'public', 'by_copy', columns, kinds, rows);
    } finally {
      client.release();
    }
    const read = async (table: string) =>
      (await sql<Record<string, unknown>>`select id, label, amount::text, at, day, flag, tags, doc, count from ${sql.table(`public.${table}`)} order by id`.execute(connection.db)).rows;
    const copied = await read('by_copy');
    expect(copied).toHaveLength(rows.length);
    expect(copied).toEqual(await read('by_insert'));
    const hostile = copied.find((row) => row.id === 'hostile');
    expect(hostile?.label).toBe(rows[1]?.label);
    expect(hostile?.tags).toEqual(rows[1]?.tags);
    expect(hostile?.doc).toEqual(rows[1]?.doc);
    expect(copied.find((row) => row.id === 'plain')?.amount).toBe('123456789012345678901234.123456789012');
    expect(copied.find((row) => row.id === 'nulls')?.tags).toBeNull();
  });

  it('fails the load, changing nothing, for a value the column cannot take or a column the table lacks', async () => {
    const scoped = scopedPoolOf(connection.db)!;
    const client = await scoped.connect();
    try {
      const kinds = await copyColumnKinds(client, 'public', 'by_copy');
      await client.query('create table public.strict_copy (like public.by_copy including all)');
      await expect(copyRows(client, 'public', 'strict_copy', ['id', 'amount'], kinds, [{ id: 'ok', amount: '1' }, { id: 'bad', amount: 'not a number' }])).rejects.toThrow(/numeric/);
      await expect(copyRows(client, 'public', 'strict_copy', ['id', 'nope'], kinds, [{ id: 'x', nope: 1 }])).rejects.toThrow(/has no column nope/);
      await expect(copyColumnKinds(client, 'public', 'no_such_table')).rejects.toThrow(/no such table/);
      expect((await client.query('select count(*)::int as n from public.strict_copy')).rows[0]).toEqual({ n: 0 });
    } finally {
      client.release();
    }
  });

  it('writes NULL as \\N and escapes only what COPY text gives a meaning to', () => {
    expect(copyField(null, 'scalar')).toBe('\\N');
    expect(copyField(undefined, 'json')).toBe('\\N');
    expect(copyField('\\N', 'scalar')).toBe('\\\\N');
    expect(copyField('a\tb\nc\rd\\e', 'scalar')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyField(['x"y', null], 'array')).toBe('{"x\\\\"y",NULL}');
    expect(copyField({ a: 'x\ty' }, 'json')).toBe('{"a":"x\\\\ty"}');
    expect(copyField(true, 'scalar')).toBe('t');
    expect(copyField(12, 'scalar')).toBe('12');
  });
});
