import { createHash, type Hash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Projection, ReadModelDatabase } from './projection.js';

/** Rows fetched from the cursor per round trip: the hash never holds a whole table in memory. */
const STATE_HASH_PAGE_ROWS = 2_000;

/** The version of the canonical form below: it is hashed first, so a change of form can never pass for equal state. */
const STATE_HASH_FORMAT = 'ledger-projection-state-v1';

export interface StateHashOptions {
  /** Rows per cursor fetch (default 2,000); the hash does not depend on it. */
  readonly pageRows?: number;
}

/**
 * A canonical SHA-256 (hex) of every row of a projection's tables in one schema, so that a rebuild can be compared
 * with the live read model (or with another rebuild) by one string instead of a row-by-row diff.
 *
 * The canonical form: the format tag, then for each table in name order its name, each row as PostgreSQL's
 * `to_jsonb(row)::text` (jsonb text is canonical: keys sorted, one spelling per value, no raw newlines), the rows
 * sorted by that text byte-wise (`collate "C"`, so the server's locale cannot reorder them), then the row count.
 * Every column counts: no read-model column is filled from the clock (the rows are folded from events only), so
 * nothing is excluded. The rows are streamed through a server-side cursor, a page at a time.
 *
 * The rows hashed are the rows the caller can see: run as the system scope (the operator CLI, the projector) it
 * is every tenant's rows; run inside `runForTenant` the tenant role's row-level security limits it to that
 * tenant's rows, so a tenant's hash is of its own rows only.
 *
 * Due-work tables (projections/due-work-sources.ts) are hashed like the others, but the scheduler deletes the rows
 * of finished work from the live tables while a rebuild re-creates them from the log, so their live hash is only
 * comparable with a rebuild's while no due work has run.
 */
export async function projectionStateHash(
  db: Kysely<ReadModelDatabase> | Transaction<ReadModelDatabase>,
  schema: string,
  projection: Projection,
  options: StateHashOptions = {},
): Promise<string> {
  const pageRows = options.pageRows ?? STATE_HASH_PAGE_ROWS;
  const hash = createHash('sha256');
  hash.update(`${STATE_HASH_FORMAT}\n${projection.name}\n`);
  const hashTables = async (trx: Transaction<ReadModelDatabase>): Promise<void> => {
    for (const table of [...projection.tables].sort()) await hashTable(trx, schema, table, hash, pageRows);
  };
  // A cursor lives in a transaction: the caller's, or one of our own (read only, one snapshot for every table).
  if (db.isTransaction) await hashTables(db as Transaction<ReadModelDatabase>);
  else
    await db.transaction().execute(async (trx) => {
      await sql`set transaction isolation level repeatable read, read only`.execute(trx);
      await hashTables(trx);
    });
  return hash.digest('hex');
}

async function hashTable(trx: Transaction<ReadModelDatabase>, schema: string, table: string, hash: Hash, pageRows: number): Promise<void> {
  const cursor = `state_hash_${table.replace(/[^a-z0-9_]/gi, '_')}`;
  hash.update(`table ${table}\n`);
  await sql`declare ${sql.id(cursor)} no scroll cursor for select to_jsonb(t)::text as row from ${sql.table(`${schema}.${table}`)} t order by to_jsonb(t)::text collate "C"`.execute(trx);
  let count = 0;
  for (;;) {
    const { rows } = await sql<{ row: string }>`fetch forward ${sql.raw(String(pageRows))} from ${sql.id(cursor)}`.execute(trx);
    for (const { row } of rows) hash.update(`${row}\n`);
    count += rows.length;
    if (rows.length < pageRows) break;
  }
  await sql`close ${sql.id(cursor)}`.execute(trx);
  hash.update(`rows ${count}\n`);
}
