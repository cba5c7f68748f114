import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * One row per payment. Every key starts with the tenant, so no query can read across tenants. Amounts are NUMERIC
 * written exactly as the events carry them (canonical decimal strings of the currency's minor unit), so they read
 * back unchanged; the lists (requested allocations, the split, refunds) are JSON arrays of what the events say.
 */
export async function createPaymentTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.payments (
  tenant_id             text not null,
  payment_id            text not null,
  customer_id           text not null,
  status                text not null,
  amount                numeric not null,
  currency              char(3) not null,
  method                text not null,
  reference             text not null,
  payment_method_id     text,
  bank_account_id       text,
  allocation_kind       text not null,
  requested_allocations jsonb not null default '[]'::jsonb,
  attempt               integer not null,
  next_retry_at         timestamptz,
  last_failure_reason   text,
  gateway_reference     text,
  recorded_at           timestamptz not null,
  succeeded_at          timestamptz,
  cancelled_at          timestamptz,
  cancellation_reason   text,
  allocations           jsonb not null default '[]'::jsonb,
  credit_amount         numeric,
  allocated_at          timestamptz,
  refunded_total        numeric not null,
  refundable            numeric not null,
  refunds               jsonb not null default '[]'::jsonb,
  updated_at            timestamptz not null,
  primary key (tenant_id, payment_id)
);
create index if not exists payments_by_recorded on ${schema}.payments (tenant_id, recorded_at desc, payment_id desc);
create index if not exists payments_by_customer on ${schema}.payments (tenant_id, customer_id, recorded_at desc, payment_id desc);
create index if not exists payments_by_status on ${schema}.payments (tenant_id, status, recorded_at desc, payment_id desc);
create index if not exists payments_by_method on ${schema}.payments (tenant_id, method, recorded_at desc, payment_id desc);
create index if not exists payments_by_currency on ${schema}.payments (tenant_id, currency, recorded_at desc, payment_id desc);
`,
    )
    .execute(db);
}
