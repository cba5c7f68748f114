import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * The general ledger read model. Every key and index starts with the tenant, so no query reads across tenants.
 * Amounts are NUMERIC (never float); each entry is in one currency and balances (asserted before it is written).
 * `gl_issued_invoices` keeps what each issued invoice posted, so that its void can post the exact reversal
 * (InvoiceVoided carries only the invoice id and the reason); `gl_bank_matches` does the same for statement matches
 * and their unmatch. `gl_bank_lines` names the bank account of every `bank` line.
 */
export async function createGeneralLedgerTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.journal_entries (
  tenant_id         text not null,
  entry_id          text not null,
  source_event_id   text not null,
  source_event_type text not null,
  source_id         text not null,
  customer_id       text not null,
  currency          char(3) not null,
  description       text not null,
  occurred_at       timestamptz not null,
  recorded_at       timestamptz not null,
  position          text not null,
  commit_position   numeric(20, 0) not null,
  prepare_position  numeric(20, 0) not null,
  primary key (tenant_id, entry_id)
);
create index if not exists journal_entries_by_position on ${schema}.journal_entries (tenant_id, commit_position, prepare_position, entry_id);
create index if not exists journal_entries_by_currency_time on ${schema}.journal_entries (tenant_id, currency, occurred_at);
-- The journal pages in log order (commit, prepare, entry id) under each filter; the older source and customer indexes
-- are prefixes of these, so they are dropped.
drop index if exists ${schema}.journal_entries_by_source;
drop index if exists ${schema}.journal_entries_by_customer;
create index if not exists journal_entries_by_source_position on ${schema}.journal_entries (tenant_id, source_id, commit_position, prepare_position, entry_id);
create index if not exists journal_entries_by_customer_position on ${schema}.journal_entries (tenant_id, customer_id, commit_position, prepare_position, entry_id);
create index if not exists journal_entries_by_currency_position on ${schema}.journal_entries (tenant_id, currency, commit_position, prepare_position, entry_id);

create table if not exists ${schema}.journal_lines (
  tenant_id text not null,
  entry_id  text not null,
  line_no   integer not null,
  account   text not null,
  debit     numeric(38, 12) not null,
  credit    numeric(38, 12) not null,
  tax       jsonb,
  primary key (tenant_id, entry_id, line_no)
);
create index if not exists journal_lines_by_account on ${schema}.journal_lines (tenant_id, account, entry_id);

-- The bank sub-ledgers: which bank account each bank line is on (JournalLine.bankAccountId). Kept beside
-- journal_lines, one row per bank line, so that the lines of every other account keep their shape.
create table if not exists ${schema}.gl_bank_lines (
  tenant_id       text not null,
  entry_id        text not null,
  line_no         integer not null,
  bank_account_id text not null,
  primary key (tenant_id, entry_id, line_no)
);
create index if not exists gl_bank_lines_by_account on ${schema}.gl_bank_lines (tenant_id, bank_account_id, entry_id);

-- What each statement match posted (StatementLinesUnmatched names only the match), with its difference account as
-- it stands after a reclassification.
create table if not exists ${schema}.gl_bank_matches (
  tenant_id text not null,
  match_id  text not null,
  figures   jsonb not null,
  primary key (tenant_id, match_id)
);

create table if not exists ${schema}.gl_issued_invoices (
  tenant_id  text not null,
  invoice_id text not null,
  figures    jsonb not null,
  primary key (tenant_id, invoice_id)
);
`,
    )
    .execute(db);
}
