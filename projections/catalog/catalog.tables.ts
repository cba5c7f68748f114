import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * One row per product. Every key starts with the tenant, so no query can read across tenants. The list pages in
 * product id order: one index in that order per filter the API offers (service type, status, both); with no filter
 * the primary key is the order.
 */
export async function createProductTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.products (
  tenant_id     text not null,
  product_id    text not null,
  name          text not null,
  description   text,
  service_type  text not null,
  status        text not null,
  created_at    timestamptz not null,
  updated_at    timestamptz not null,
  archived_at   timestamptz,
  primary key (tenant_id, product_id)
);
create index if not exists products_by_service_type on ${schema}.products (tenant_id, service_type, product_id);
create index if not exists products_by_status on ${schema}.products (tenant_id, status, product_id);
create index if not exists products_by_service_type_status on ${schema}.products (tenant_id, service_type, status, product_id);
`,
    )
    .execute(db);
}

/**
 * Plans, every version of each (immutable once published, so written once), and the currencies the current version
 * is priced in (the `currency` filter of the plan list pages through this table's key, in plan id order). Versions
 * keep their whole terms as the events carry them: lists of prices and plan ids, the cycle and the tax treatment are
 * JSON, since they are only ever shown whole. Amounts stay decimal strings inside the JSON, so they read back with
 * the scale the events wrote.
 */
export async function createPlanTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.plans (
  tenant_id        text not null,
  plan_id          text not null,
  product_id       text not null,
  service_type     text not null,
  kind             text not null,
  name             text not null,
  status           text not null,
  current_version  integer not null,
  currencies       jsonb not null,
  created_at       timestamptz not null,
  updated_at       timestamptz not null,
  archived_at      timestamptz,
  primary key (tenant_id, plan_id)
);
create index if not exists plans_by_product on ${schema}.plans (tenant_id, product_id, plan_id);
create index if not exists plans_by_service_type on ${schema}.plans (tenant_id, service_type, plan_id);
create index if not exists plans_by_kind on ${schema}.plans (tenant_id, kind, plan_id);
create index if not exists plans_by_status on ${schema}.plans (tenant_id, status, plan_id);
create table if not exists ${schema}.plan_versions (
  tenant_id         text not null,
  plan_id           text not null,
  version           integer not null,
  cycle             jsonb not null,
  timing            text not null,
  prices            jsonb not null,
  setup_fees        jsonb not null,
  trial_days        integer not null,
  tax_treatment     jsonb not null,
  base_plan_ids     jsonb not null,
  bundled_plan_ids  jsonb not null,
  published_at      timestamptz not null,
  primary key (tenant_id, plan_id, version)
);
create table if not exists ${schema}.plan_currencies (
  tenant_id  text not null,
  currency   char(3) not null,
  plan_id    text not null,
  primary key (tenant_id, currency, plan_id)
);
`,
    )
    .execute(db);
}
