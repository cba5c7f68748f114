import { sql, type Kysely, type Migration } from 'kysely';

/** Tables of the API itself (not read models): tenants, API keys, idempotency records. */
export const platformMigrations: Record<string, Migration> = {
  '2026-11-25-001-tenants-and-keys': {
    async up(db: Kysely<unknown>) {
      await sql`create schema if not exists platform`.execute(db);
      await sql`
        create table platform.tenants (
          tenant_id  text primary key,
          name       text not null,
          created_at timestamptz not null default now()
        )`.execute(db);
      await sql`
        create table platform.api_keys (
          key_id     uuid primary key,
          tenant_id  text not null references platform.tenants (tenant_id),
          role       text not null check (role in ('admin', 'finance', 'auditor', 'service')),
          name       text not null,
          key_hash   text not null unique,
          created_at timestamptz not null default now(),
          revoked_at timestamptz
        )`.execute(db);
      await sql`
        create table platform.idempotency_keys (
          tenant_id       text not null,
          idempotency_key text not null,
          operation       text not null,
          request_hash    text not null,
          state           text not null check (state in ('pending', 'completed')),
          response        jsonb,
          created_at      timestamptz not null default now(),
          completed_at    timestamptz,
          primary key (tenant_id, idempotency_key)
        )`.execute(db);
    },
  },
  '2026-12-06-001-api-key-lifecycle': {
    async up(db: Kysely<unknown>) {
      // Keys get an expiry, who made and who revoked them, and the key that replaced them at a rotation.
      await sql`
        alter table platform.api_keys
          add column expires_at  timestamptz,
          add column created_by  text,
          add column revoked_by  text,
          add column replaced_by uuid references platform.api_keys (key_id)`.execute(db);
      await sql`create index api_keys_by_tenant on platform.api_keys (tenant_id, created_at)`.execute(db);
    },
  },
};
