import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * The reconciliation read model (docs/reconciliation.md). Every key starts with the tenant (row-level security is
 * applied to every table with a tenant_id). Amounts are the events' decimal strings at the currency's minor unit,
 * kept as text: they are shown, and summed in JavaScript with big.js by the queries (never as floats, never in SQL).
 *
 * - `bank_accounts`: each company bank account (last 4 of its number only; the number is in the secret store), its
 *   verification, CSV mapping and whether it is its currency's default;
 * - `bank_statements`: one row per imported statement (file hash, balances, dates, counts);
 * - `statement_lines`: every line of every statement with its status (UNMATCHED, MATCHED, RESOLVED);
 * - `reconciliation_matches`: every match decision, active or undone (unmatched), with its figures and decision;
 * - `reconciliation_payments`: the payments deposited to each account (null: the currency's default account) with
 *   their match status, fed by the payment events and the match events;
 * - `matching_rules`: the latest version of each rule, active or retired;
 * - `reconciliation_sessions`: one per account and period, with its figures and who completed and approved it.
 */
export async function createReconciliationTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.bank_accounts (
  tenant_id               text not null,
  bank_account_id         text not null,
  name                    text not null,
  type                    text not null,
  currency                char(3) not null,
  bank_name               text not null,
  number_last4            text not null,
  opening_balance         text not null,
  opening_balance_date    date not null,
  verification_status     text not null,
  verification_reason     text,
  csv_mapping             jsonb,
  is_default              boolean not null,
  registered_at           timestamptz not null,
  updated_at              timestamptz not null,
  primary key (tenant_id, bank_account_id)
);
create table if not exists ${schema}.bank_statements (
  tenant_id               text not null,
  bank_account_id         text not null,
  statement_id            text not null,
  format                  text not null,
  file_sha256             text not null,
  statement_ref           text,
  file_name               text,
  currency                char(3) not null,
  opening_balance         text not null,
  closing_balance         text not null,
  from_date               date not null,
  to_date                 date not null,
  line_count              integer not null,
  duplicate_line_count    integer not null,
  imported_at             timestamptz not null,
  primary key (tenant_id, bank_account_id, statement_id)
);
create table if not exists ${schema}.statement_lines (
  tenant_id               text not null,
  bank_account_id         text not null,
  line_id                 text not null,
  statement_id            text not null,
  line_number             integer not null,
  line_key                text not null,
  currency                char(3) not null,
  booking_date            date not null,
  value_date              date not null,
  amount                  text not null,
  reference               text,
  counterparty            text,
  description             text,
  bank_transaction_id     text,
  status                  text not null,
  match_id                text,
  resolution_account      text,
  resolution_reason       text,
  primary key (tenant_id, bank_account_id, line_id)
);
create table if not exists ${schema}.reconciliation_matches (
  tenant_id               text not null,
  bank_account_id         text not null,
  match_id                text not null,
  currency                char(3) not null,
  line_ids                jsonb not null,
  payments                jsonb not null,
  line_total              text not null,
  payment_total           text not null,
  difference              text not null,
  difference_account      text,
  date_gap_days           integer not null,
  decision_kind           text not null,
  rule_id                 text,
  rule_version            integer,
  actor_key_id            text,
  reason                  text,
  booking_date            date not null,
  status                  text not null,
  reclassified            boolean not null,
  matched_at              timestamptz not null,
  unmatched_at            timestamptz,
  unmatch_reason          text,
  primary key (tenant_id, bank_account_id, match_id)
);
create table if not exists ${schema}.reconciliation_payments (
  tenant_id               text not null,
  payment_id              text not null,
  bank_account_id         text,
  customer_id             text not null,
  currency                char(3) not null,
  amount                  text not null,
  reference               text not null,
  method                  text not null,
  invoice_ids             jsonb not null,
  payment_status          text not null,
  received_at             timestamptz not null,
  match_status            text not null,
  match_id                text,
  resolution              text,
  primary key (tenant_id, payment_id)
);
create table if not exists ${schema}.matching_rules (
  tenant_id               text not null,
  rule_id                 text not null,
  version                 integer not null,
  name                    text not null,
  priority                integer not null,
  bank_account_id         text,
  criteria                jsonb not null,
  status                  text not null,
  defined_at              timestamptz not null,
  retired_at              timestamptz,
  primary key (tenant_id, rule_id)
);
create table if not exists ${schema}.reconciliation_sessions (
  tenant_id               text not null,
  session_id              text not null,
  bank_account_id         text not null,
  period                  text not null,
  from_date               date not null,
  to_date                 date not null,
  status                  text not null,
  started_by_key_id       text not null,
  started_at              timestamptz not null,
  completed_by_key_id     text,
  completed_at            timestamptz,
  statement_closing_balance text,
  ledger_balance          text,
  difference              text,
  approved_by_key_id      text,
  approved_at             timestamptz,
  reopen_count            integer not null,
  last_reopen_reason      text,
  primary key (tenant_id, session_id)
);
`,
    )
    .execute(db);
}

/** The secondary indexes the queries page through, built after a rebuild's rows are loaded. */
export async function createReconciliationIndexes(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create index if not exists bank_accounts_by_currency on ${schema}.bank_accounts (tenant_id, currency, bank_account_id);
create index if not exists bank_statements_in_order on ${schema}.bank_statements (tenant_id, bank_account_id, imported_at, statement_id);
create index if not exists statement_lines_by_status on ${schema}.statement_lines (tenant_id, bank_account_id, status, booking_date, line_id);
create index if not exists statement_lines_by_date on ${schema}.statement_lines (tenant_id, bank_account_id, booking_date, line_id);
create index if not exists reconciliation_payments_by_account on ${schema}.reconciliation_payments (tenant_id, currency, match_status, payment_id);
create index if not exists reconciliation_sessions_by_account on ${schema}.reconciliation_sessions (tenant_id, bank_account_id, period);
`,
    )
    .execute(db);
}
