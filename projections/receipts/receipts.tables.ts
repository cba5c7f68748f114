import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * One row per issued receipt. Every key starts with the tenant, so no query can read across tenants. The columns a
 * list filters or sorts on are columns (money as NUMERIC); `document` is the ReceiptIssued data whole, which is what
 * the API and the PDF show: a receipt never changes, so the row is written once.
 */
export async function createReceiptTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.receipts (
  tenant_id     text not null,
  receipt_id    text not null,
  number        text not null,
  payment_id    text not null,
  customer_id   text not null,
  amount        numeric not null,
  currency      char(3) not null,
  issued_at     timestamptz not null,
  issue_date    date not null,
  document      jsonb not null,
  primary key (tenant_id, receipt_id),
  unique (tenant_id, number)
);
create index if not exists receipts_by_issue on ${schema}.receipts (tenant_id, issued_at desc, receipt_id desc);
-- A customer's or a payment's receipts page in the list's order (issued_at desc, receipt_id desc); the older indexes
-- are prefixes of these, so they are dropped.
drop index if exists ${schema}.receipts_by_customer;
drop index if exists ${schema}.receipts_by_payment;
create index if not exists receipts_by_customer_issue on ${schema}.receipts (tenant_id, customer_id, issued_at desc, receipt_id desc);
create index if not exists receipts_by_payment_issue on ${schema}.receipts (tenant_id, payment_id, issued_at desc, receipt_id desc);
`,
    )
    .execute(db);
}
