import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * The audit log read model: every key starts with the tenant (row-level security is enabled and forced on both tables
 * by the runtime, as on every table with a `tenant_id`). Both lists page in log order, so every index ends with
 * `log_key`, the position as text that sorts like it (log-key.ts: under row-level security only a text key lets a
 * page start at its cursor inside the index).
 *
 * - `audit_log`: one row per event of the tenant, with its metadata (actor id, name and role; command, correlation and
 *   causation ids) as recorded; columns an older event lacks are null;
 * - `audit_log_documents`: one row per (document, event) for every document id the event touches (its stream's own id
 *   and the invoice, payment, credit note, customer and subscription ids in its data), the key of `auditTrail`.
 */
export async function createAuditLogTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.audit_log (
  tenant_id        text not null,
  log_key          text collate "C" not null,
  commit_position  numeric(20, 0) not null,
  prepare_position numeric(20, 0) not null,
  position         text not null,
  event_id         text not null,
  stream_id        text not null,
  category         text not null,
  revision         numeric(20, 0) not null,
  type             text not null,
  actor_id         text,
  actor_name       text,
  actor_role       text,
  command_id       text,
  correlation_id   text,
  causation_id     text,
  recorded_at      timestamptz not null,
  recorded_key     text collate "C" not null,
  primary key (tenant_id, log_key)
);
create table if not exists ${schema}.audit_log_documents (
  tenant_id        text not null,
  document_id      text not null,
  log_key          text collate "C" not null,
  primary key (tenant_id, document_id, log_key)
);
`,
    )
    .execute(db);
}

/**
 * One index per filter of `auditLog`, each in log order after its filter column, so that a page is an index range
 * read. The time filter reads `recorded_key` (the recording instant as ISO-8601 text in UTC, which sorts like the
 * instant: a timestamptz comparison, not being leakproof, could not be an index condition under row-level security,
 * see log-key.ts) and sorts what it finds: recording time follows the log closely but not exactly, so it cannot share
 * the log order.
 */
export async function createAuditLogIndexes(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create index if not exists audit_log_by_type on ${schema}.audit_log (tenant_id, type, log_key);
create index if not exists audit_log_by_category on ${schema}.audit_log (tenant_id, category, log_key);
create index if not exists audit_log_by_stream on ${schema}.audit_log (tenant_id, stream_id, log_key);
create index if not exists audit_log_by_actor on ${schema}.audit_log (tenant_id, actor_id, log_key);
create index if not exists audit_log_by_correlation on ${schema}.audit_log (tenant_id, correlation_id, log_key);
create index if not exists audit_log_by_time on ${schema}.audit_log (tenant_id, recorded_key);
`,
    )
    .execute(db);
}
