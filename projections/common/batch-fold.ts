import { sql } from 'kysely';
import type Big from 'big.js';
import { formatDecimal, parseComputedDecimal, roundTo } from '../../libs/money/src/index.js';
import type { ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { keyOf, type Row, type RowKey } from './batch-rows.js';

/**
 * Helpers for projections that fold a batch in memory and write each touched row back whole (see batch-rows.ts for
 * the set-based statements themselves).
 */

/**
 * Like batch-rows loadRows (one statement, rows whose key is one of `keys`), but the timestamptz columns named in
 * `instantColumns` come back as PostgreSQL's own text rather than as Dates. A row loaded, changed in one column and
 * written back whole then keeps the exact instant of every other column: a Date holds milliseconds only, while an
 * event may carry microseconds, which the per-event UPDATE (touching only its own columns) never lost.
 */
export async function loadRowsKeepingInstants(
  { trx, schema }: ProjectionContext,
  table: string,
  keyColumns: readonly string[],
  keys: readonly RowKey[],
  instantColumns: readonly string[],
): Promise<Row[]> {
  const unique = [...new Map(keys.map((key) => [keyOf(...key), key])).values()];
  if (unique.length === 0) return [];
  const tuple = sql.join(keyColumns.map((column) => sql.ref(`t.${column}`)));
  const arrays = sql.join(keyColumns.map((_column, index) => sql`${unique.map((key) => key[index] as string)}::text[]`));
  const instants = sql.join(instantColumns.map((column) => sql`${sql.ref(`t.${column}`)}::text as ${sql.id(column)}`));
  // The later columns of the same name win in the row object pg builds, so the text forms replace the Dates.
  const { rows } = await sql<Row>`select t.*, ${instants} from ${sql.table(`${schema}.${table}`)} t where (${tuple}) in (select * from unnest(${arrays}))`.execute(trx);
  return rows;
}

/**
 * A decimal as a NUMERIC(p, `scale`) column stores it: rounded half away from zero (PostgreSQL's rule for numeric)
 * to `scale` decimals and written with exactly that many.
 */
export function atScale(value: Big | string, scale: number): string {
  const decimal = typeof value === 'string' ? parseComputedDecimal(value) : value;
  return formatDecimal(roundTo(decimal, scale, 'half_up'), scale);
}
