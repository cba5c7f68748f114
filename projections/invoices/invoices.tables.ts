import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * Every row carries its tenant; every key and index starts with it, so no query can read across tenants.
 * Amounts are NUMERIC; the tax lists (`taxes`, `tax_breakdown`, `exchange_rate`) are JSON whose amounts and rates
 * are decimal strings, exactly as in the events. `status` is the settlement status; `became_overdue_at` records
 * InvoiceBecameOverdue beside it (the status shown is derived from both, see effectiveInvoiceStatus), so the partial
 * indexes on open and partially paid invoices keep covering overdue ones.
 */
export async function createInvoiceTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.invoices (
  tenant_id          text not null,
  invoice_id         text not null,
  customer_id        text not null,
  number             text,
  status             text not null,
  currency           char(3) not null,
  subtotal           numeric(38, 12) not null,
  tax_total          numeric(38, 12) not null,
  total              numeric(38, 12) not null,
  amount_paid        numeric(38, 12) not null,
  amount_credited    numeric(38, 12) not null,
  amount_refunded    numeric(38, 12) not null,
  amount_written_off numeric(38, 12) not null,
  creditable_amount  numeric(38, 12) not null,
  balance_due        numeric(38, 12) not null,
  payment_terms_days integer not null,
  requested_due_date date,
  issue_date         date,
  issued_at          timestamptz,
  due_date           date,
  drafted_at         timestamptz not null,
  voided_at          timestamptz,
  void_reason        text,
  written_off_at     timestamptz,
  write_off_reason   text,
  line_count         integer not null,
  tax_breakdown      jsonb not null default '[]'::jsonb,
  reporting_currency char(3),
  exchange_rate      jsonb,
  reporting_total    numeric(38, 12),
  became_overdue_at  timestamptz,
  payment_reminders  jsonb not null default '[]'::jsonb,
  last_event_at      timestamptz not null,
  primary key (tenant_id, invoice_id)
);
create index if not exists invoices_by_status on ${schema}.invoices (tenant_id, status, invoice_id);
create index if not exists invoices_by_customer on ${schema}.invoices (tenant_id, customer_id, invoice_id);
create index if not exists invoices_by_issue_date on ${schema}.invoices (tenant_id, issue_date, invoice_id);
create unique index if not exists invoices_number on ${schema}.invoices (tenant_id, number) where number is not null;
-- The invoice list pages newest first (drafted_at desc, invoice_id desc): one index in that order per filter, so a page
-- reads its rows in order and stops, instead of sorting every invoice of the tenant.
create index if not exists invoices_by_draft on ${schema}.invoices (tenant_id, drafted_at desc, invoice_id desc);
create index if not exists invoices_by_status_draft on ${schema}.invoices (tenant_id, status, drafted_at desc, invoice_id desc);
create index if not exists invoices_by_customer_draft on ${schema}.invoices (tenant_id, customer_id, drafted_at desc, invoice_id desc);
-- Overdue spans two statuses, which one index on status cannot give in draft order; open invoices are a minority.
create index if not exists invoices_unpaid_by_draft on ${schema}.invoices (tenant_id, drafted_at desc, invoice_id desc) where status in ('open', 'partially_paid');
-- An allocation's candidates: a customer's unpaid invoices in one currency, oldest due first.
create index if not exists invoices_unpaid_by_customer_due on ${schema}.invoices (tenant_id, customer_id, currency, due_date, number, invoice_id) where status in ('open', 'partially_paid');

create table if not exists ${schema}.invoice_lines (
  tenant_id   text not null,
  invoice_id  text not null,
  line_id     text not null,
  sort_order  integer not null,
  description text not null,
  quantity    numeric(38, 12) not null,
  unit_price  numeric(38, 12) not null,
  tax_rate    numeric(9, 4),
  amount      numeric(38, 12) not null,
  net_amount  numeric(38, 12) not null,
  tax_amount  numeric(38, 12) not null,
  taxes       jsonb not null default '[]'::jsonb,
  primary key (tenant_id, invoice_id, line_id)
);

create table if not exists ${schema}.invoice_payment_applications (
  tenant_id       text not null,
  invoice_id      text not null,
  sort_order      integer not null,
  payment_id      text not null,
  applied_amount  numeric(38, 12) not null,
  reopened_amount numeric(38, 12) not null,
  applied_at      timestamptz not null,
  primary key (tenant_id, invoice_id, sort_order)
);

create table if not exists ${schema}.invoice_credit_applications (
  tenant_id      text not null,
  invoice_id     text not null,
  sort_order     integer not null,
  application_id text not null,
  source         text not null,
  source_id      text not null,
  amount         numeric(38, 12) not null,
  applied_at     timestamptz not null,
  primary key (tenant_id, invoice_id, sort_order)
);

create table if not exists ${schema}.invoice_payments (
  tenant_id      text not null,
  invoice_id     text not null,
  payment_id     text not null,
  method         text not null,
  reference      text not null,
  currency       char(3) not null,
  amount         numeric(38, 12) not null,
  applied_amount numeric(38, 12) not null,
  excess_amount  numeric(38, 12) not null,
  recorded_at    timestamptz not null,
  primary key (tenant_id, invoice_id, payment_id)
);
`,
    )
    .execute(db);
}
