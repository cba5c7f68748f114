import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kysely, sql } from 'kysely';
import { secureTenantTables } from '../../libs/database/src/row-level-security.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { encodeCursor } from '../common/opaque-cursor.js';
import { SubscriptionQueries } from './subscriptions.queries.js';
import { createSubscriptionIndexes, createSubscriptionTables } from './subscriptions.tables.js';
import { nodesOf, PlanTestDatabase, type PlanNode } from '../../libs/testing/src/explained-queries.js';

/**
 * Every list of the subscriptions read model pages through an index in its own order (docs/architecture.md,
 * "Performance rules"), as test/performance/list-query-plans.int.spec.ts checks the other read models: the tables are
 * filled by SQL (a large tenant and a small one), analysed, and each page is built by the real query code and
 * EXPLAINed as the tenant role with the tenant set, so row-level security's policy is part of every plan. No page
 * sorts, and none scans a table.
 */

const SCHEMA = LIVE_READ_MODEL_SCHEMA;
const TENANT = 'subs-big';
const ROWS = 40_000;

let admin: Kysely<ReadModelDatabase>;
const planDatabase = new PlanTestDatabase('subscription_plans');
const explainer = planDatabase.explainer;

/** A Kysely whose every SELECT is EXPLAINed as the tenant instead of being run. */
function explainingDb(): Kysely<ReadModelDatabase> {
  return explainer.db();
}

const tenantOfRow = `case when g % 20 = 0 then 'subs-small' else '${TENANT}' end`;

beforeAll(async () => {
  admin = await planDatabase.open();
  await sql.raw(`create schema if not exists ${SCHEMA}`).execute(admin);
  await createSubscriptionTables(admin, SCHEMA);
  await createSubscriptionIndexes(admin, SCHEMA);
  await secureTenantTables(admin);
  await sql
    .raw(
      `insert into ${SCHEMA}.subscriptions select ${tenantOfRow}, 'sub-' || g, 'cust-' || (g % 400), 'USD', 'UTC',
         (array['pending', 'active', 'active', 'active', 'suspended', 'terminated'])[1 + g % 6], 'active', 'in_advance', 'anniversary', null,
         date '2025-01-01', null, false, '{"kind":"monthly"}', date '2025-01-01', date '2025-02-01', null, date '2025-02-01' + (g % 31),
         '[]', null, null, null, null, null, null, null, 1, '{}', timestamptz '2025-01-01T00:00:00Z', timestamptz '2025-01-01T00:00:00Z'
       from generate_series(1, ${ROWS}) g`,
    )
    .execute(admin);
  await sql
    .raw(
      `insert into ${SCHEMA}.subscription_items select ${tenantOfRow}, 'sub-' || g, 'base', 0, 'base', 'plan-' || (g % 50), 1, 'product', 'Plan', 'broadband', '1', '10.00', null, null
       from generate_series(1, ${ROWS}) g`,
    )
    .execute(admin);
  await sql.raw(`analyze ${SCHEMA}.subscriptions; analyze ${SCHEMA}.subscription_items`).execute(admin);
  await planDatabase.connectAsTenant(TENANT);
}, 180_000);

afterAll(() => planDatabase.close());

const queries = () => new SubscriptionQueries(explainingDb(), SCHEMA);

function planOf(run: () => Promise<unknown>): Promise<{ sql: string; plan: PlanNode }> {
  return explainer.planOf(run);
}

describe('subscription lists read an index in their order, sorting nothing', () => {
  it.each([
    ['every subscription', () => queries().listSubscriptions(TENANT, {}, 50, null), 'subscriptions_pkey'],
    ['every subscription, after a cursor', () => queries().listSubscriptions(TENANT, {}, 50, encodeCursor(['subscription', 'sub-20000'])), 'subscriptions_pkey'],
    ["a customer's", () => queries().listSubscriptions(TENANT, { customerId: 'cust-7' }, 50, null), 'subscriptions_by_customer'],
    ['of a status', () => queries().listSubscriptions(TENANT, { status: 'suspended' }, 50, null), 'subscriptions_by_status'],
    ['of a status, after a cursor', () => queries().listSubscriptions(TENANT, { status: 'active' }, 50, encodeCursor(['subscription', 'sub-20000'])), 'subscriptions_by_status'],
    ['next bill before a date', () => queries().listSubscriptions(TENANT, { nextBillBefore: '2025-02-20' }, 50, null), 'subscriptions_by_next_bill'],
    [
      'next bill before a date, after a cursor',
      () => queries().listSubscriptions(TENANT, { nextBillBefore: '2025-02-20' }, 50, encodeCursor(['subscription-by-bill', '2025-02-10', 'sub-20000'])),
      'subscriptions_by_next_bill',
    ],
    ['with an item on a plan', () => queries().listSubscriptions(TENANT, { planId: 'plan-7' }, 50, null), 'subscription_items_by_plan'],
  ] as const)('%s', async (_name, run, index) => {
    const { sql: text, plan } = await planOf(run);
    const nodes = nodesOf(plan);
    const described = `${text}\n${JSON.stringify(plan, null, 1)}`;
    expect({ sorts: nodes.filter((node) => /Sort/.test(node['Node Type'])).length, described }).toEqual({ sorts: 0, described });
    expect({ index: nodes.find((node) => /^Index (Only )?Scan$/.test(node['Node Type']))?.['Index Name'], described }).toEqual({ index, described });
    expect(nodes.filter((node) => /Seq Scan|Bitmap Heap Scan/.test(node['Node Type'])).map((node) => node['Relation Name'])).toEqual([]);
  });
});
