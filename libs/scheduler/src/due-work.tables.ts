import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../projection-runtime/src/index.js';

/** Channel the due-work projections notify (at commit) when a batch stated new or changed work: the scheduler LISTENs. */
export const DUE_WORK_CHANNEL = 'scheduler_due_work';

/** A due-work projection's name is its table's name, so it must be a plain lower-case SQL identifier. */
const TABLE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,50}$/;

export function requireDueWorkTableName(name: string): string {
  if (!TABLE_NAME_PATTERN.test(name)) throw new Error(`a due-work projection's name is its table's name: lower-case letters, digits and _ (got ${JSON.stringify(name)})`);
  return name;
}

/** The table holding a folding projection's per-entity state (dueWorkProjection with `fold`). */
export function dueWorkStateTable(table: string): string {
  return `${table}_states`;
}

/**
 * One row per pending obligation of a tenant. The projection owns `kind`, `lane`, `due_at`, `payload` and the positions; the
 * scheduler owns `attempts`, `last_error`, `not_before` (retry backoff) and `parked_at` (a refusal set aside for an
 * operator), and deletes the row once the work is done. Every key starts with the tenant, and the table has a
 * tenant_id, so the runner gives it row-level security like every read model.
 */
export async function createDueWorkTable(db: Kysely<ReadModelDatabase>, schema: string, table: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.${table} (
  tenant_id        text not null,
  work_key         text not null,
  kind             text not null,
  lane             text not null,
  due_at           timestamptz not null,
  payload          jsonb not null,
  created_position text not null,
  updated_position text not null,
  attempts         integer not null default 0,
  last_error       text,
  not_before       timestamptz,
  parked_at        timestamptz,
  primary key (tenant_id, work_key)
);
`,
    )
    .execute(db);
}

/**
 * The scheduler's orders: everything due across tenants by (due_at, work_key), one tenant's by the same order (runDueWork),
 * and the next retry. Parked rows are outside every index, so set-aside work never slows the scan.
 */
export async function createDueWorkIndexes(db: Kysely<ReadModelDatabase>, schema: string, table: string): Promise<void> {
  await sql
    .raw(
      `
create index if not exists ${table}_due_idx on ${schema}.${table} (due_at, work_key) where parked_at is null;
create index if not exists ${table}_tenant_due_idx on ${schema}.${table} (tenant_id, due_at, work_key) where parked_at is null;
create index if not exists ${table}_retry_idx on ${schema}.${table} (not_before) where not_before is not null and parked_at is null;
`,
    )
    .execute(db);
}

/** A folding projection's state per entity (a subscription, say), as JSON, with the position of its last event. */
export async function createDueWorkStateTable(db: Kysely<ReadModelDatabase>, schema: string, table: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.${dueWorkStateTable(table)} (
  tenant_id text not null,
  entity_id text not null,
  state     jsonb not null,
  position  text not null,
  primary key (tenant_id, entity_id)
);
`,
    )
    .execute(db);
}
