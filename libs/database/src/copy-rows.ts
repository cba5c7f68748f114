import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Bulk loading with `COPY ... FROM STDIN` (text format), PostgreSQL's fastest way into a table: no statement to plan,
 * no parameters, and each value read by its column type's own input function, exactly as an INSERT of the same text
 * would read it. Used by a rebuild to fill its fresh tables (docs/performance.md).
 *
 * Values are given as a projection's batch writes give them (projections/common/batch-rows.ts): strings (decimal
 * strings for numerics, ISO instants, 'YYYY-MM-DD' dates), numbers, booleans, Dates, null or undefined (NULL), arrays
 * for array columns, and any JSON value for json/jsonb columns. A value is written as the same text that
 * `jsonb_populate_recordset` would have converted, so both ways store identical rows.
 */

/** How a column's values are written: as JSON, as an array literal, or as their text. */
export type CopyColumnKind = 'json' | 'array' | 'scalar';

/** The kinds of every column of `schema.table` (one catalog query). */
export async function copyColumnKinds(client: pg.ClientBase, schema: string, table: string): Promise<Map<string, CopyColumnKind>> {
  const { rows } = await client.query<{ name: string; type: string; category: string }>(
    `select a.attname as name, t.typname as type, t.typcategory as category
       from pg_attribute a join pg_type t on t.oid = a.atttypid
      where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped`,
    [`${quoteIdentifier(schema)}.${quoteIdentifier(table)}`],
  );
  if (rows.length === 0) throw new Error(`COPY into ${schema}.${table}: no such table`);
  return new Map(rows.map((row) => [row.name, row.type === 'json' || row.type === 'jsonb' ? 'json' : row.category === 'A' ? 'array' : 'scalar']));
}

/** Loads `rows` (each giving exactly `columns`) into `schema.table` with one COPY on this connection. */
export async function copyRows(
  client: pg.ClientBase,
  schema: string,
  table: string,
  columns: readonly string[],
  kinds: ReadonlyMap<string, CopyColumnKind>,
  rows: readonly Readonly<Record<string, unknown>>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columnKinds = columns.map((column) => {
    const kind = kinds.get(column);
    if (!kind) throw new Error(`COPY into ${schema}.${table}: the table has no column ${column}`);
    return kind;
  });
  const lines: string[] = new Array(rows.length);
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index] as Readonly<Record<string, unknown>>;
    let line = '';
    for (let column = 0; column < columns.length; column += 1) {
      if (column > 0) line += '\t';
      line += copyField(row[columns[column] as string], columnKinds[column] as CopyColumnKind);
    }
    lines[index] = line;
  }
  const statement = `copy ${quoteIdentifier(schema)}.${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) from stdin`;
  await pipeline(Readable.from([`${lines.join('\n')}\n`]), client.query(copyFrom(statement)));
}

/** One field of a COPY text line: `\N` for NULL, otherwise the value's text with backslash, tab and line breaks escaped. */
export function copyField(value: unknown, kind: CopyColumnKind): string {
  if (value === null || value === undefined) return '\\N';
  if (kind === 'json') return escapeCopyText(JSON.stringify(value));
  if (kind === 'array' && Array.isArray(value)) return escapeCopyText(arrayLiteral(value));
  return escapeCopyText(scalarText(value));
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/** A PostgreSQL array literal: `{"a","b",NULL}`, every element quoted (backslash and double quote escaped). */
function arrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((element) => {
    if (element === null || element === undefined) return 'NULL';
    if (Array.isArray(element)) return arrayLiteral(element);
    return `"${scalarText(element).replace(/[\\"]/g, (character) => `\\${character}`)}"`;
  });
  return `{${elements.join(',')}}`;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeCopyText(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (character) => COPY_ESCAPES[character] as string) : text;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
