import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * The subscriptions read model. Every key starts with the tenant. The list pages in subscription id order, through an
 * index in that order for each filter the API offers (customer, status, next bill date; a plan through the items
 * table's own index); with no filter the primary key is the order.
 *
 * - `subscriptions`: one row per subscription as it now is, with `state`, the aggregate's folded state (what the
 *   projection folds the next event onto: every column is derived from it), and `charge_count`, the charges posted
 *   so far (the next one's `sequence`);
 * - `subscription_items`: its items as they are now (plan version, quantity, price), replaced whole when they change;
 *   decimals as the events wrote them (text: they are shown, never summed);
 * - `subscription_invoices`: what each charge of the subscription posted (a period's bill, a change invoiced now, a
 *   cancellation's final lines), written once.
 */
export async function createSubscriptionTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.subscriptions (
  tenant_id              text not null,
  subscription_id        text not null,
  customer_id            text not null,
  currency               char(3) not null,
  time_zone              text not null,
  status                 text not null,
  service_status         text not null,
  timing                 text not null,
  alignment              text not null,
  anchor_day             integer,
  start_date             date not null,
  trial_end              date,
  trial_ended            boolean not null,
  cycle                  jsonb not null,
  current_period_start   date,
  current_period_end     date,
  last_billed_period_end date,
  next_bill_date         date,
  pending_changes        jsonb not null,
  cancel_at              date,
  cancellation_requested_on date,
  suspended_since        date,
  suspension_policy      text,
  suspension_reason      text,
  terminated_on          date,
  termination_reason     text,
  charge_count           integer not null,
  state                  jsonb not null,
  created_at             timestamptz not null,
  updated_at             timestamptz not null,
  primary key (tenant_id, subscription_id)
);
create table if not exists ${schema}.subscription_items (
  tenant_id        text not null,
  subscription_id  text not null,
  item_id          text not null,
  position         integer not null,
  role             text not null,
  plan_id          text not null,
  plan_version     integer not null,
  product_id       text not null,
  plan_name        text not null,
  service_type     text not null,
  quantity         text not null,
  unit_price       text not null,
  setup_fee        text,
  tax_rate         text,
  primary key (tenant_id, subscription_id, item_id)
);
create table if not exists ${schema}.subscription_invoices (
  tenant_id        text not null,
  subscription_id  text not null,
  charge_id        text not null,
  sequence         integer not null,
  reason           text not null,
  invoice_id       text,
  credit_note_id   text,
  period_start     date not null,
  period_end       date not null,
  charged          numeric(38, 12) not null,
  credited         numeric(38, 12) not null,
  total            numeric(38, 12) not null,
  lines            jsonb not null,
  billed_on        date not null,
  billed_at        timestamptz not null,
  primary key (tenant_id, subscription_id, charge_id)
);
`,
    )
    .execute(db);
}

/** The secondary indexes, built after a rebuild's rows are loaded (and with the tables for live ones). */
export async function createSubscriptionIndexes(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create index if not exists subscriptions_by_customer on ${schema}.subscriptions (tenant_id, customer_id, subscription_id);
create index if not exists subscriptions_by_status on ${schema}.subscriptions (tenant_id, status, subscription_id);
create index if not exists subscriptions_by_next_bill on ${schema}.subscriptions (tenant_id, next_bill_date, subscription_id);
create index if not exists subscription_items_by_plan on ${schema}.subscription_items (tenant_id, plan_id, subscription_id);
create unique index if not exists subscription_invoices_in_order on ${schema}.subscription_invoices (tenant_id, subscription_id, sequence);
`,
    )
    .execute(db);
}
