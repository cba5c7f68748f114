import { sql, type RawBuilder } from 'kysely';
import type { ProjectionContext } from '../../libs/projection-runtime/src/index.js';

/**
 * Set-based reads and writes for projections that fold a whole batch in memory (Projection.applyBatch): load every
 * row the batch touches with one statement per table, then write each touched row once with one statement per table,
 * however many events the batch holds.
 *
 * Rows travel as JSON in ONE parameter and are spread into the table's own row type by `jsonb_populate_recordset`,
 * so PostgreSQL converts each value with the column's type exactly as a plain INSERT of the same text would (a
 * decimal string into numeric(38, 12) keeps every digit, an ISO instant into timestamptz, an array into jsonb), and
 * no batch can reach the 65,535 bind parameters of one statement. Numerics must therefore be decimal strings, never
 * numbers. Rows come back as `pg` reads them on the ledger's connection: numerics as strings, timestamps as Dates,
 * dates as 'YYYY-MM-DD' (libs/database), JSON parsed; written back unchanged, they store the same values.
 */
export type Row = Record<string, unknown>;

/** A key's values in the order of the key columns (every key column here is text). */
export type RowKey = readonly string[];

/** Rows of `table` whose `keyColumns` equal one of `keys`, in no particular order: one statement, none for no keys. */
export async function loadRows({ trx, schema }: ProjectionContext, table: string, keyColumns: readonly string[], keys: readonly RowKey[]): Promise<Row[]> {
  const unique = distinctKeys(keys);
  if (unique.length === 0) return [];
  const { rows } = await sql<Row>`select t.* from ${sql.table(`${schema}.${table}`)} t where ${keyMatch(keyColumns, unique)}`.execute(trx);
  return rows;
}

/**
 * Writes `rows` (every column of the table, at most one row per key) into `table`: new keys are inserted, existing
 * ones replaced column by column. One statement, none for no rows.
 */
export async function upsertRows({ trx, schema }: ProjectionContext, table: string, keyColumns: readonly string[], rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = columnsOf(table, rows);
  const updated = columns.filter((column) => !keyColumns.includes(column));
  const assignments = sql.join(updated.map((column) => sql`${sql.id(column)} = excluded.${sql.id(column)}`));
  await sql`${insertStatement(schema, table, columns, rows)} on conflict (${sql.join(keyColumns.map((column) => sql.id(column)))}) do update set ${assignments}`.execute(trx);
}

/**
 * Inserts `rows` (every column of the table) into `table`, for rows that are only ever written once: a key that
 * exists already fails the batch, as a one-row INSERT would. One statement, none for no rows.
 */
export async function insertRows({ trx, schema, copyRows }: ProjectionContext, table: string, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = columnsOf(table, rows);
  // A rebuild's fresh tables load with COPY: same values, no statement to plan, no JSON to parse.
  if (copyRows) await copyRows(table, columns, rows);
  else await insertStatement(schema, table, columns, rows).execute(trx);
}

/** Deletes the rows of `table` whose `keyColumns` equal one of `keys`. One statement, none for no keys. */
export async function deleteRows({ trx, schema }: ProjectionContext, table: string, keyColumns: readonly string[], keys: readonly RowKey[]): Promise<void> {
  const unique = distinctKeys(keys);
  if (unique.length === 0) return;
  await sql`delete from ${sql.table(`${schema}.${table}`)} t where ${keyMatch(keyColumns, unique)}`.execute(trx);
}

/** A map key for a row key (NUL never occurs in an identifier). */
export function keyOf(...values: readonly string[]): string {
  return values.join('\u0000');
}

function insertStatement(schema: string, table: string, columns: readonly string[], rows: readonly Row[]): RawBuilder<unknown> {
  const list = sql.join(columns.map((column) => sql.id(column)));
  const rowType = sql.table(`${schema}.${table}`);
  return sql`insert into ${rowType} (${list}) select ${list} from jsonb_populate_recordset(null::${rowType}, ${JSON.stringify(rows)}::jsonb)`;
}

/** The columns the rows give; every row must give the same ones (a column left out would silently become NULL). */
function columnsOf(table: string, rows: readonly Row[]): string[] {
  const columns = Object.keys(rows[0] as Row);
  for (const row of rows) {
    const keys = Object.keys(row);
    if (keys.length !== columns.length || keys.some((key) => !columns.includes(key))) {
      throw new Error(`batch write to ${table}: rows give different columns (${columns.join(', ')} / ${keys.join(', ')})`);
    }
  }
  return columns;
}

/** `(t.a, t.b) in (select * from unnest($1::text[], $2::text[]))`: one array parameter per key column. */
function keyMatch(keyColumns: readonly string[], keys: readonly RowKey[]): RawBuilder<unknown> {
  const tuple = sql.join(keyColumns.map((column) => sql.ref(`t.${column}`)));
  const arrays = sql.join(keyColumns.map((_column, index) => sql`${keys.map((key) => key[index] as string)}::text[]`));
  return sql`(${tuple}) in (select * from unnest(${arrays}))`;
}

function distinctKeys(keys: readonly RowKey[]): RowKey[] {
  const seen = new Map<string, RowKey>();
  for (const key of keys) seen.set(keyOf(...key), key);
  return [...seen.values()];
}
