import { sql, type Kysely, type Transaction } from 'kysely';
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

/** Moves the checkpoint from `expected` to `next` inside the batch's transaction, or fails if it is not at `expected`. */
export async function advanceCheckpoint(trx: Transaction<ReadModelDatabase>, name: string, schema: string, expected: Position, next: Position): Promise<void> {
  const result = await trx
    .withSchema('projection_runtime')
    .updateTable('checkpoints')
    .set({ commit: next.commit.toString(), prepare: next.prepare.toString(), updated_at: sql`now()` })
    .where('name', '=', name)
    .where('schema_name', '=', schema)
    .where('commit', '=', expected.commit.toString())
    .where('prepare', '=', expected.prepare.toString())
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new ProjectionFencedError(name);
}
