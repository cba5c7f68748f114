import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Position, RecordedEvent } from '../../event-store/src/index.js';
import { START_POSITION } from '../../event-store/src/index.js';
import { secureTenantTables } from '../../database/src/index.js';
import { loadCheckpoint } from './checkpoint-store.js';
import type { Projection, ReadModelDatabase } from './projection.js';

/**
 * Row history of the read models (docs/as-of.md): for every table `T` of a projection run live, `T__versions` in the
 * same schema holds every value a row of `T` ever had, append-only: the row's columns, `valid_from` (the key of the
 * last event of the batch that wrote it), `deleted` (the batch deleted the row) and `seq` (the order of versions
 * written in one batch). A key's value at K is its last version with valid_from <= K, unless that one is a deletion.
 * Generic statement-level triggers fill it set-based from the transition tables, so a projection writes its rows as
 * before and each of its statements costs one extra INSERT ... SELECT, not one per row; older versions are never
 * updated (no dead tuples, no second index write on the hot path); reading the past pays instead (DISTINCT ON).
 *
 * Positions are compared as one numeric key, `commit * 10^20 + prepare` (prepare is below 2^63 < 10^20), so the
 * views and the triggers compare one column.
 *
 * A batch folds its events in memory, so the state in the middle of a batch is not in the history; the batches of more
 * than one event are logged (history_batches), and an as-of read that falls inside one replays the tenant's events of
 * that batch from the state before it (as-of.ts).
 */

/** The transaction-local setting the triggers read: the key of the batch's last event. Unset: the write is not recorded. */
export const BATCH_POSITION_SETTING = 'ledger.batch_position';
export const VERSIONS_SUFFIX = '__versions';
const HISTORY_LOCK = 'projection_runtime.history';

const POSITION_KEY_BASE = 10n ** 20n;

/** A position as the single numeric key the history compares (decimal text). */
export function positionKey(position: Position): string {
  return (position.commit * POSITION_KEY_BASE + position.prepare).toString();
}

/** The position of a key made by positionKey. */
export function positionOfKey(key: string | bigint): Position {
  const value = BigInt(key);
  return { commit: value / POSITION_KEY_BASE, prepare: value % POSITION_KEY_BASE };
}

export function versionsTable(table: string): string {
  return `${table}${VERSIONS_SUFFIX}`;
}

/**
 * The runtime's own tables and the trigger functions, once per database. The functions find the versions table from
 * the trigger's own table (`tg_table_schema`, `tg_table_name`), so one set of functions serves every table.
 */
export const historySchemaSql = `
create schema if not exists projection_runtime;
create table if not exists projection_runtime.histories (
  schema_name  text not null,
  name         text not null,
  version      integer not null,
  -- The history is complete from here on (0: from the start of the log).
  started_key  numeric not null,
  -- The last batch recorded: everything up to here is in the versions tables, batch by batch.
  recorded_key numeric not null,
  primary key (schema_name, name)
);
create table if not exists projection_runtime.history_batches (
  schema_name text not null,
  name        text not null,
  -- The checkpoint before the batch (exclusive), its first event and its last event (the key its versions carry).
  from_key    numeric not null,
  first_key   numeric not null,
  last_key    numeric not null,
  primary key (schema_name, name, last_key)
);

create or replace function projection_runtime.history_key() returns numeric language sql stable as
$fn$ select nullif(current_setting('${BATCH_POSITION_SETTING}', true), '')::numeric $fn$;

-- Append-only: a write adds versions and never touches older ones (no UPDATE, no dead tuples on the hot path). The
-- version of a key at K is its last one with valid_from <= K (by valid_from, then seq); a deletion is a version
-- with deleted = true.
create or replace function projection_runtime.history_insert() returns trigger language plpgsql as $fn$
declare
  k numeric := projection_runtime.history_key();
begin
  if k is null then return null; end if;
  execute format('insert into %I.%I select n.*, $1 from new_rows n', tg_table_schema, tg_table_name || '${VERSIONS_SUFFIX}') using k;
  return null;
end
$fn$;

create or replace function projection_runtime.history_delete() returns trigger language plpgsql as $fn$
declare
  k numeric := projection_runtime.history_key();
begin
  if k is null then return null; end if;
  execute format('insert into %I.%I select o.*, $1, true from old_rows o', tg_table_schema, tg_table_name || '${VERSIONS_SUFFIX}') using k;
  return null;
end
$fn$;
`;

/** Creates the history's runtime tables and trigger functions (idempotent, serialised by a lock). */
export async function ensureHistorySchema(db: Kysely<ReadModelDatabase>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${HISTORY_LOCK}))`.execute(trx);
    await sql.raw(historySchemaSql).execute(trx);
  });
  await secureTenantTables(db, ['projection_runtime.histories', 'projection_runtime.history_batches']);
}

/** A table's columns in order, with their types: what a versions table must mirror. */
export async function tableColumns(db: Kysely<ReadModelDatabase> | Transaction<ReadModelDatabase>, schema: string, table: string): Promise<{ name: string; type: string }[]> {
  const { rows } = await sql<{ name: string; type: string }>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
      from pg_attribute a
     where a.attrelid = to_regclass(${`${quoteIdent(schema)}.${quoteIdent(table)}`}) and a.attnum > 0 and not a.attisdropped
     order by a.attnum`.execute(db);
  return rows;
}

export async function primaryKeyColumns(db: Kysely<ReadModelDatabase>, schema: string, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select a.attname as name
      from pg_index i
      join lateral unnest(i.indkey) with ordinality as k(attnum, ord) on true
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
     where i.indrelid = to_regclass(${`${quoteIdent(schema)}.${quoteIdent(table)}`}) and i.indisprimary
     order by k.ord`.execute(db);
  return rows.map((row) => row.name);
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface HistoryStatus {
  /** What ensureHistory found: a continuous history, one it continued across a gap, or one it had to start afresh. */
  readonly outcome: 'continuous' | 'bridged' | 'started';
  readonly startedAt: Position;
}

/**
 * Makes the history of a projection's live tables ready, under the projection's lease (the runner's prepare):
 * - versions tables that mirror the tables' columns (created, or re-created when the columns changed);
 * - the three triggers on each table (missing after a rebuild swapped fresh tables in);
 * - when the triggers were missing, the versions are brought level with the rows by one set-based comparison at the
 *   checkpoint, and the stretch since the last recorded batch is logged as one batch (an as-of read inside it
 *   replays it: exact, only slower);
 * - a new projection version, or changed columns, starts the history afresh at the checkpoint (the history of the
 *   old version is not this version's history: positions before are refused, see docs/as-of.md).
 */
export async function ensureHistory(db: Kysely<ReadModelDatabase>, schema: string, projection: Projection): Promise<HistoryStatus> {
  if (projection.sideEffects || projection.history === false) throw new Error(`projection ${projection.name} keeps no history (side effects, or history: false)`);
  const checkpoint = (await loadCheckpoint(db, projection.name, schema))?.position ?? START_POSITION;
  const checkpointKey = positionKey(checkpoint);
  const stored = (
    await sql<{ version: number; started_key: string; recorded_key: string }>`
      select version, started_key::text, recorded_key::text from projection_runtime.histories where schema_name = ${schema} and name = ${projection.name}`.execute(db)
  ).rows[0];
  let restart = stored === undefined || stored.version !== projection.version;
  let triggersMissing = false;
  const plans: { table: string; columns: string[]; keys: string[]; triggers: boolean }[] = [];
  for (const table of projection.tables) {
    const columns = await tableColumns(db, schema, table);
    if (columns.length === 0) throw new Error(`projection ${projection.name}: table ${schema}.${table} does not exist`);
    const versionColumns = await tableColumns(db, schema, versionsTable(table));
    const mirrored = versionColumns.length === columns.length + 3 && columns.every((column, index) => column.name === versionColumns[index]?.name && column.type === versionColumns[index]?.type);
    const keys = await primaryKeyColumns(db, schema, table);
    if (keys.length === 0) throw new Error(`projection ${projection.name}: table ${schema}.${table} has no primary key, which its history needs`);
    const { rows } = await sql<{ count: string }>`
      select count(*)::text as count from pg_trigger where tgrelid = to_regclass(${`${quoteIdent(schema)}.${quoteIdent(table)}`}) and tgname like ${`${table}__history_%`}`.execute(db);
    const triggers = Number(rows[0]?.count ?? 0) === 3;
    if (!mirrored) restart = true;
    if (!triggers) triggersMissing = true;
    plans.push({ table, columns: columns.map((column) => column.name), keys, triggers });
  }
  const started = restart ? checkpointKey : (stored as { started_key: string }).started_key;
  const outcome: HistoryStatus['outcome'] = restart ? 'started' : triggersMissing ? 'bridged' : 'continuous';
  await db.transaction().execute(async (trx) => {
    for (const plan of plans) {
      const qualified = `${quoteIdent(schema)}.${quoteIdent(plan.table)}`;
      const versions = `${quoteIdent(schema)}.${quoteIdent(versionsTable(plan.table))}`;
      if (restart) {
        await sql.raw(`drop table if exists ${versions}`).execute(trx);
        await sql
          .raw(
            `create table ${versions} (like ${qualified});
             alter table ${versions} add column valid_from numeric not null, add column deleted boolean not null default false, add column seq bigint generated always as identity;
             create index ${quoteIdent(`${plan.table}__versions_key`)} on ${versions} (${plan.keys.map(quoteIdent).join(', ')}, valid_from, seq)`,
          )
          .execute(trx);
      }
      if (!plan.triggers) {
        const name = (kind: string) => quoteIdent(`${plan.table}__history_${kind}`);
        await sql
          .raw(
            `drop trigger if exists ${name('insert')} on ${qualified}; drop trigger if exists ${name('update')} on ${qualified}; drop trigger if exists ${name('delete')} on ${qualified};
             create trigger ${name('insert')} after insert on ${qualified} referencing new table as new_rows for each statement execute function projection_runtime.history_insert();
             create trigger ${name('update')} after update on ${qualified} referencing old table as old_rows new table as new_rows for each statement execute function projection_runtime.history_insert();
             create trigger ${name('delete')} after delete on ${qualified} referencing old table as old_rows for each statement execute function projection_runtime.history_delete();`,
          )
          .execute(trx);
      }
      if (restart || !plan.triggers) {
        // Level the versions with the rows at the checkpoint: a current version that no row equals gets a deletion,
        // then a row that no current version equals gets a version (a changed row: both, in that order, by seq).
        // A fresh versions table simply receives every row.
        const keys = new Set(plan.keys);
        const match = plan.columns
          .map((column) => (keys.has(column) ? `v.${quoteIdent(column)} = t.${quoteIdent(column)}` : `v.${quoteIdent(column)} is not distinct from t.${quoteIdent(column)}`))
          .join(' and ');
        const list = plan.columns.map(quoteIdent).join(', ');
        const current = currentVersionsSql(versions, plan.columns, plan.keys, null);
        await sql
          .raw(
            `insert into ${versions} (${list}, valid_from, deleted) select ${list}, ${checkpointKey}, true from ${current} v
              where not v.deleted and not exists (select 1 from ${qualified} t where ${match});
             insert into ${versions} (${list}, valid_from) select ${list}, ${checkpointKey} from ${qualified} t
              where not exists (select 1 from ${current} v where not v.deleted and ${match});`,
          )
          .execute(trx);
      }
    }
    if (restart) {
      await sql`delete from projection_runtime.history_batches where schema_name = ${schema} and name = ${projection.name}`.execute(trx);
      await sql`
        insert into projection_runtime.histories (schema_name, name, version, started_key, recorded_key)
        values (${schema}, ${projection.name}, ${projection.version}, ${started}::numeric, ${checkpointKey}::numeric)
        on conflict (schema_name, name) do update set version = excluded.version, started_key = excluded.started_key, recorded_key = excluded.recorded_key`.execute(trx);
    } else if (triggersMissing) {
      const recorded = (stored as { recorded_key: string }).recorded_key;
      if (BigInt(recorded) < BigInt(checkpointKey)) {
        // The stretch the triggers did not see (a rebuild swapped the tables in): one logged batch, replayed when read inside.
        await sql`
          insert into projection_runtime.history_batches (schema_name, name, from_key, first_key, last_key)
          values (${schema}, ${projection.name}, ${recorded}::numeric, ${recorded}::numeric + 1, ${checkpointKey}::numeric)
          on conflict do nothing`.execute(trx);
      }
      await sql`update projection_runtime.histories set recorded_key = greatest(recorded_key, ${checkpointKey}::numeric) where schema_name = ${schema} and name = ${projection.name}`.execute(trx);
    }
  });
  await secureTenantTables(db, projection.tables.map((table) => `${schema}.${versionsTable(table)}`));
  return { outcome, startedAt: positionOfKey(started) };
}

/**
 * The versions current at `key` (all of them with null), as a parenthesised subquery with the table's columns and
 * `deleted`: per key, the last version written at or before it. Rows the caller must still filter `not deleted`.
 */
export function currentVersionsSql(versions: string, columns: readonly string[], keys: readonly string[], key: string | null, where = ''): string {
  const keyList = keys.map(quoteIdent).join(', ');
  const conditions = [key === null ? '' : `valid_from <= ${key}`, where].filter((condition) => condition !== '');
  return `(select distinct on (${keyList}) ${columns.map(quoteIdent).join(', ')}, deleted from ${versions}${conditions.length > 0 ? ` where ${conditions.join(' and ')}` : ''}
            order by ${keyList}, valid_from desc, seq desc)`;
}

/**
 * What the runner adds to a batch's first statement (checkpoint-store.ts, advanceCheckpoint), before the projection
 * writes: tells the triggers the batch's key (its last event) and logs the batch when it holds more than one event.
 * `ctes` are data-modifying CTEs (they always run); `select` sets the key for the rest of the transaction.
 */
export function historyBatchSql(name: string, schema: string, from: Position, events: readonly RecordedEvent[]): { ctes: RawBuilder<unknown>; select: RawBuilder<unknown> } | undefined {
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last) return undefined;
  const lastKey = positionKey(last.position);
  const firstKey = positionKey(first.position);
  return {
    ctes: sql`logged as (
           insert into projection_runtime.history_batches (schema_name, name, from_key, first_key, last_key)
           select ${schema}, ${name}, ${positionKey(from)}::numeric, ${firstKey}::numeric, ${lastKey}::numeric
            where ${firstKey}::numeric < ${lastKey}::numeric
           on conflict do nothing),
         recorded as (update projection_runtime.histories set recorded_key = ${lastKey}::numeric where schema_name = ${schema} and name = ${name})`,
    select: sql`set_config(${BATCH_POSITION_SETTING}, ${lastKey}, true)`,
  };
}
