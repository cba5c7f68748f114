import { sql, type Kysely, type Migration } from 'kysely';
import { installRowLevelSecurity, migrateToLatest, secureTenantTables } from '../../database/src/index.js';

/** The table of the secret store, in the ledger's platform schema (beside tenants and API keys, not a read model). */
export const SECRETS_TABLE = 'platform.secrets';
const MIGRATIONS_TABLE = 'secret_store_migrations';

/**
 * One row per tenant and reference: which key encrypted it, the IV, the ciphertext and the GCM tag. Rows are never
 * updated (a reference is written once); `tenant_id` puts the table under row-level security like every tenant table.
 */
export const secretStoreMigrations: Record<string, Migration> = {
  '2026-12-07-001-secrets': {
    async up(db: Kysely<unknown>) {
      await sql`create schema if not exists platform`.execute(db);
      await sql`
        create table platform.secrets (
          tenant_id   text not null,
          reference   text not null,
          key_version integer not null check (key_version > 0),
          iv          bytea not null check (octet_length(iv) = 12),
          ciphertext  bytea not null,
          auth_tag    bytea not null check (octet_length(auth_tag) = 16),
          created_at  timestamptz not null default now(),
          primary key (tenant_id, reference)
        )`.execute(db);
      // Rotation re-encrypts by key version.
      await sql`create index secrets_by_key_version on platform.secrets (key_version)`.execute(db);
    },
  },
};

/**
 * Creates the table when missing and puts it under row-level security (enabled and forced, with the tenant and
 * system policies): every process that reads or writes secrets calls it at start (idempotent, safe concurrently).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function ensureSecretStore(db: Kysely<any>): Promise<void> {
  await migrateToLatest(db, secretStoreMigrations, MIGRATIONS_TABLE);
  await installRowLevelSecurity(db);
  await secureTenantTables(db, [SECRETS_TABLE]);
}
