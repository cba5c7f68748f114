import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * One row per email: what it is about, where it stands (pending, retrying, sent, failed), its attempts and last error.
 * Every key starts with the tenant. Written from the email events only, so a rebuild gives the same rows.
 */
export async function createEmailTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.emails (
  tenant_id        text not null,
  email_id         text not null,
  kind             text not null,
  document_id      text not null,
  customer_id      text not null,
  recipient        text,
  subject          text,
  status           text not null,
  attempts         integer not null,
  message_id       text,
  last_error       text,
  next_attempt_at  timestamptz,
  sent_at          timestamptz,
  created_at       timestamptz not null,
  updated_at       timestamptz not null,
  primary key (tenant_id, email_id)
);
`,
    )
    .execute(db);
}

/** The list's order (newest first), and a document's and a customer's emails in the same order. */
export async function createEmailIndexes(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create index if not exists emails_by_creation on ${schema}.emails (tenant_id, created_at desc, email_id desc);
create index if not exists emails_by_document on ${schema}.emails (tenant_id, document_id, created_at desc, email_id desc);
create index if not exists emails_by_customer on ${schema}.emails (tenant_id, customer_id, created_at desc, email_id desc);
`,
    )
    .execute(db);
}
