import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * One row per registered customer; every key starts with the tenant, so no query can read across tenants. `segment`
 * (version 2) is the pricing segment, null for none.
 */
export async function createCustomerTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.customers (
  tenant_id     text not null,
  customer_id   text not null,
  name          text not null,
  email         text,
  line1         text not null,
  line2         text,
  city          text not null,
  region        text,
  postal_code   text not null,
  country       char(2) not null,
  tax_exempt    boolean not null,
  segment       text,
  registered_at timestamptz not null,
  updated_at    timestamptz not null,
  primary key (tenant_id, customer_id)
);
`,
    )
    .execute(db);
}
