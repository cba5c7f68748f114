import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Position } from '../../event-store/src/index.js';
import { START_POSITION } from '../../event-store/src/index.js';
import type { ReadModelDatabase } from './projection.js';

export class ProjectionFencedError extends Error {
  constructor(readonly projection: string) {
    super(`projection ${projection}: the checkpoint moved under us (another runner?), batch rolled back`);
    this.name = 'ProjectionFencedError';
  }
}

export interface StoredCheckpoint {
  readonly name: string;
  readonly version: number;
  readonly position: Position;
}

/** Where every projection's checkpoint lives (no tenant data: readable by the request role, see row-level security). */
export const CHECKPOINTS_TABLE = 'projection_runtime.checkpoints';

export const checkpointSchemaSql = `
create schema if not exists projection_runtime;
create table if not exists projection_runtime.checkpoints (
  name        text not null,
  schema_name text not null,
  version     integer not null,
  commit      numeric(20, 0) not null,
  prepare     numeric(20, 0) not null,
  updated_at  timestamptz not null default now(),
  primary key (name, schema_name)
);
`;

export async function loadCheckpoint(db: Kysely<ReadModelDatabase>, name: string, schema: string): Promise<StoredCheckpoint | undefined> {
  const row = await db
    .withSchema('projection_runtime')
    .selectFrom('checkpoints')
    .select(['name', 'version', sql<string>`commit::text`.as('commit'), sql<string>`prepare::text`.as('prepare')])
    .where('name', '=', name)
    .where('schema_name', '=', schema)
    .executeTakeFirst();
  return row ? { name: row.name, version: row.version, position: { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } } : undefined;
}

export async function initialiseCheckpoint(db: Kysely<ReadModelDatabase> | Transaction<ReadModelDatabase>, name: string, schema: string, version: number, position: Position = START_POSITION): Promise<void> {
  await db
    .withSchema('projection_runtime')
    .insertInto('checkpoints')
    .values({ name, schema_name: schema, version, commit: position.commit.toString(), prepare: position.prepare.toString() })
    .onConflict((conflict) => conflict.columns(['name', 'schema_name']).doUpdateSet({ version, commit: position.commit.toString(), prepare: position.prepare.toString(), updated_at: sql`now()` }))
    .execute();
}

/** More work for the checkpoint's statement: data-modifying CTEs and expressions for its select list. */
export interface CheckpointStatementExtra {
  readonly ctes?: RawBuilder<unknown>;
  readonly select?: RawBuilder<unknown>;
}

/**
 * Moves the checkpoint from `expected` to `next`, or fails if it is not at `expected` (another runner moved it), in ONE
 * statement that also carries what the batch needs before its writes (`extra`: the row history's batch key), and,
 * unless `synchronousCommit`, turns off the wait for the WAL flush at this transaction's commit (set_config local,
 * which is SET LOCAL; in a statement of its own outside a transaction block it applies to that statement's own
 * implicit transaction). A batch used to spend four round trips before its first write: begin, SET LOCAL, this
 * update and the history's; a projection in the API's process commits about two batches per command.
 */
export async function advanceCheckpoint(
  executor: Kysely<ReadModelDatabase> | Transaction<ReadModelDatabase>,
  name: string,
  schema: string,
  expected: Position,
  next: Position,
  options: { readonly synchronousCommit?: boolean; readonly extra?: CheckpointStatementExtra } = {},
): Promise<void> {
  const extra = options.extra ?? {};
  const selects = [sql`(select count(*) from advanced)::int as advanced`];
  if (options.synchronousCommit === false) selects.push(sql`set_config('synchronous_commit', 'off', true) as synchronous_commit`);
  if (extra.select) selects.push(sql`${extra.select} as extra`);
  const { rows } = await sql<{ advanced: number }>`
    with advanced as (
           update projection_runtime.checkpoints set commit = ${next.commit.toString()}::numeric, prepare = ${next.prepare.toString()}::numeric, updated_at = now()
            where name = ${name} and schema_name = ${schema} and commit = ${expected.commit.toString()}::numeric and prepare = ${expected.prepare.toString()}::numeric
           returning 1)${extra.ctes ? sql`, ${extra.ctes}` : sql``}
    select ${sql.join(selects)}`.execute(executor);
  if (rows[0]?.advanced !== 1) throw new ProjectionFencedError(name);
}
