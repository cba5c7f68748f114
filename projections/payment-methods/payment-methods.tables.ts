import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * One row per payment method on file. Every key starts with the tenant, so no query can read across tenants. The
 * gateway token is deliberately not a column: the read model only knows that one exists (every method has one),
 * so no query, response or rebuild can leak it.
 */
export async function createPaymentMethodTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.payment_methods (
  tenant_id                   text not null,
  payment_method_id           text not null,
  customer_id                 text not null,
  type                        text not null,
  status                      text not null,
  verification_status         text,
  verification_failure_reason text,
  brand                       text,
  last4                       char(4),
  expiry_month                smallint,
  expiry_year                 smallint,
  holder_name                 text,
  added_at                    timestamptz not null,
  verified_at                 timestamptz,
  expired_at                  timestamptz,
  deactivated_at              timestamptz,
  deactivation_reason         text,
  updated_at                  timestamptz not null,
  primary key (tenant_id, payment_method_id)
);
create index if not exists payment_methods_by_customer on ${schema}.payment_methods (tenant_id, customer_id, added_at desc, payment_method_id desc);
create index if not exists payment_methods_by_added on ${schema}.payment_methods (tenant_id, added_at desc, payment_method_id desc);
create index if not exists payment_methods_by_status on ${schema}.payment_methods (tenant_id, status, added_at desc, payment_method_id desc);
`,
    )
    .execute(db);
}
