import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * Every row carries its tenant and every key starts with it, so no query can read across tenants. Settings and
 * change values are stored REDACTED (see secret-redaction.ts): a webhook secret never reaches a read model.
 */
export async function createBillingSettingsTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.billing_settings (
  tenant_id  text not null,
  settings   jsonb not null,
  updated_at timestamptz not null,
  position   text not null,
  primary key (tenant_id)
);
`,
    )
    .execute(db);
}

export async function createBillingSettingsHistoryTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.billing_settings_history (
  tenant_id        text not null,
  commit_position  numeric(20, 0) not null,
  prepare_position numeric(20, 0) not null,
  position         text not null,
  event_id         text not null,
  type             text not null,
  sections         text[] not null,
  actor            text not null,
  changed_at       timestamptz not null,
  "values"         jsonb not null,
  previous         jsonb,
  primary key (tenant_id, commit_position, prepare_position)
);
`,
    )
    .execute(db);
}
