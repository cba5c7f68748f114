import { sql, type Kysely, type Migration } from 'kysely';
import { installRowLevelSecurity, migrateToLatest, secureTenantTables } from '../../../database/src/index.js';

/**
 * The signed checkpoints: statements the ledger made and signed, kept for good. Not a read model (a rebuild must never
 * drop or redo them: a checkpoint signed before a tamper is what proves it), so they live in a schema of their own,
 * created by a migration like the secret store's table.
 */
export const AUDIT_CHECKPOINTS_TABLE = 'audit.checkpoints';
const MIGRATIONS_TABLE = 'audit_checkpoint_migrations';

/**
 * One row per tenant and tree size (so taking the checkpoint of a size twice stores it once): the signed body as
 * JSON exactly as libs/audit checkpointBody returned it, and its fields again as columns for the reads (`root_hash`
 * raw bytes, `time` the signed ISO instant as text, never re-rendered). `tenant_id` puts the table under row-level
 * security like every tenant table. The private key is never stored: only its key id.
 */
export const auditCheckpointMigrations: Record<string, Migration> = {
  '2026-12-07-001-audit-checkpoints': {
    async up(db: Kysely<unknown>) {
      await sql`create schema if not exists audit`.execute(db);
      await sql`
        create table audit.checkpoints (
          tenant_id   text not null,
          tree_size   bigint not null check (tree_size >= 0),
          root_hash   bytea not null check (octet_length(root_hash) = 32),
          position    text not null,
          time        text not null,
          key_id      text not null,
          signature   text not null,
          body        jsonb not null,
          created_at  timestamptz not null default now(),
          primary key (tenant_id, tree_size)
        )`.execute(db);
    },
  },
};

/**
 * Creates the table when missing and puts it under row-level security (enabled and forced, with the tenant and system
 * policies): every process that takes or reads checkpoints calls it at start (idempotent, safe concurrently).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function ensureAuditCheckpointStore(db: Kysely<any>): Promise<void> {
  await migrateToLatest(db, auditCheckpointMigrations, MIGRATIONS_TABLE);
  await installRowLevelSecurity(db);
  await secureTenantTables(db, [AUDIT_CHECKPOINTS_TABLE]);
}
