import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * One row per credit note and one per application of its credit. Every key starts with the tenant, so no query can
 * read across tenants. Amounts are NUMERIC without a declared scale, which keeps the scale the events carry (the
 * currency's minor unit), so a row reads back exactly as the event wrote it. Lines and the tax breakdown never change
 * after the draft and are only ever shown whole, so they are kept as JSON.
 */
export async function createCreditNoteTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.credit_notes (
  tenant_id          text not null,
  credit_note_id     text not null,
  number             text,
  customer_id        text not null,
  source_invoice_id  text,
  type               text not null,
  reason             text not null,
  status             text not null,
  currency           char(3) not null,
  lines              jsonb not null,
  tax_breakdown      jsonb not null,
  subtotal           numeric not null,
  tax_total          numeric not null,
  total              numeric not null,
  amount_applied     numeric not null,
  remaining          numeric not null,
  drafted_at         timestamptz not null,
  issued_at          timestamptz,
  voided_at          timestamptz,
  void_reason        text,
  updated_at         timestamptz not null,
  primary key (tenant_id, credit_note_id),
  unique (tenant_id, number)
);
create index if not exists credit_notes_by_draft on ${schema}.credit_notes (tenant_id, drafted_at desc, credit_note_id desc);
-- The list pages newest first (drafted_at desc, credit_note_id desc): one index in that order per filter. The two
-- older indexes are prefixes of the customer and source-invoice ones, so they are dropped.
drop index if exists ${schema}.credit_notes_by_customer;
drop index if exists ${schema}.credit_notes_by_source_invoice;
create index if not exists credit_notes_by_customer_draft on ${schema}.credit_notes (tenant_id, customer_id, drafted_at desc, credit_note_id desc);
create index if not exists credit_notes_by_source_invoice_draft on ${schema}.credit_notes (tenant_id, source_invoice_id, drafted_at desc, credit_note_id desc);
create index if not exists credit_notes_by_status_draft on ${schema}.credit_notes (tenant_id, status, drafted_at desc, credit_note_id desc);
create index if not exists credit_notes_by_type_draft on ${schema}.credit_notes (tenant_id, type, drafted_at desc, credit_note_id desc);
create table if not exists ${schema}.credit_note_applications (
  tenant_id          text not null,
  credit_note_id     text not null,
  application_id     text not null,
  application_type   text not null,
  invoice_id         text,
  amount             numeric not null,
  remaining_after    numeric not null,
  applied_at         timestamptz not null,
  primary key (tenant_id, credit_note_id, application_id)
);
`,
    )
    .execute(db);
}
