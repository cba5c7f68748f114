import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kysely, sql } from 'kysely';
import { secureTenantTables } from '../../libs/database/src/row-level-security.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { encodeCursor } from '../common/opaque-cursor.js';
import { PricingRuleQueries } from '../pricing-rules/pricing-rules.queries.js';
import { createPricingRuleTables } from '../pricing-rules/pricing-rules.tables.js';
import { PlanQueries, ProductQueries } from './catalog.queries.js';
import { createPlanTables, createProductTables } from './catalog.tables.js';
import { nodesOf, PlanTestDatabase, type PlanNode } from '../../libs/testing/src/explained-queries.js';

/**
 * Every list query of the catalog and pricing-rule read models pages through an index in its own order, for each
 * filter the API offers, first page and a later one: the plan reads the expected index and sorts nothing, so a page
 * costs the same whatever the number of rows (docs/architecture.md, "Performance rules"). The tables are filled by
 * SQL (a large tenant and a small one), analysed, and each query is built by the real query code and EXPLAINed as the
 * tenant role with the tenant set, the way a request runs it, so row-level security's policy is part of every plan.
 */

const SCHEMA = LIVE_READ_MODEL_SCHEMA;
const TENANT = 'catalog-big';
const ROWS = 20_000;

let admin: Kysely<ReadModelDatabase>;
const planDatabase = new PlanTestDatabase('catalog_plans');
const explainer = planDatabase.explainer;

/** A Kysely whose every SELECT is EXPLAINed on a connection set to the tenant role and tenant, instead of being run. */
function explainingDb(): Kysely<ReadModelDatabase> {
  return explainer.db();
}

const among = (values: string[]) => `(array[${values.map((value) => `'${value}'`).join(', ')}])[1 + g % ${values.length}]`;
const tenantOf = `case when g % 20 = 0 then 'catalog-small' else '${TENANT}' end`;

beforeAll(async () => {
  admin = await planDatabase.open();
  await sql.raw(`create schema if not exists ${SCHEMA}`).execute(admin);
  for (const create of [createProductTables, createPlanTables, createPricingRuleTables]) await create(admin, SCHEMA);
  await secureTenantTables(admin);
  const serviceTypes = among(['broadband', 'voice', 'video', 'bundle', 'addon', 'custom']);
  const time = `timestamptz '2024-01-01T00:00:00Z' + g * interval '17 minutes'`;
  await sql
    .raw(
      `
insert into ${SCHEMA}.products
select ${tenantOf}, 'product-' || g, 'Product ' || g, null, ${serviceTypes}, ${among(['active', 'active', 'archived'])}, ${time}, ${time}, null
  from generate_series(1, ${ROWS}) g;
insert into ${SCHEMA}.plans
select ${tenantOf}, 'plan-' || g, 'product-' || (g % 300), ${serviceTypes}, ${among(['base', 'base', 'addon', 'bundle'])}, 'Plan ' || g,
       ${among(['active', 'active', 'archived'])}, 1, '["USD"]'::jsonb, ${time}, ${time}, null
  from generate_series(1, ${ROWS}) g;
insert into ${SCHEMA}.plan_versions
select ${tenantOf}, 'plan-' || g, 1, '{"kind":"monthly"}'::jsonb, 'in_advance', '[]'::jsonb, '[]'::jsonb, 0, '{"kind":"standard"}'::jsonb, '[]'::jsonb, '[]'::jsonb, ${time}
  from generate_series(1, ${ROWS}) g;
insert into ${SCHEMA}.plan_currencies
select ${tenantOf}, ${among(['USD', 'EUR', 'GBP'])}, 'plan-' || g from generate_series(1, ${ROWS}) g;
insert into ${SCHEMA}.pricing_rules
select ${tenantOf}, 'rule-' || g, 1, 'Rule ' || g, ${among(['percentage', 'amount_off', 'fixed_price'])}, '{}'::jsonb, '{}'::jsonb, g % 1000,
       'stackable', g % 3 = 0, ${time}, ${time}, null
  from generate_series(1, ${ROWS}) g;
analyze ${SCHEMA}.products; analyze ${SCHEMA}.plans; analyze ${SCHEMA}.plan_versions; analyze ${SCHEMA}.plan_currencies; analyze ${SCHEMA}.pricing_rules;
`,
    )
    .execute(admin);
  await planDatabase.connectAsTenant(TENANT);
}, 180_000);

afterAll(() => planDatabase.close());

/** The plan of the first statement `run` sends. */
function planOf(run: () => Promise<unknown>): Promise<{ sql: string; plan: PlanNode }> {
  return explainer.planOf(run);
}

type Shape = [name: string, run: () => Promise<unknown>, index: string];

const products = () => new ProductQueries(explainingDb(), SCHEMA);
const plans = () => new PlanQueries(explainingDb(), SCHEMA);
const rules = () => new PricingRuleQueries(explainingDb(), SCHEMA);
const productCursor = encodeCursor(['product', 'product-5000']);
const planCursor = encodeCursor(['plan', 'plan-5000']);
const ruleCursor = encodeCursor(['pricing_rule', '500', 'rule-5000']);

const shapes: Shape[] = [
  ['products', () => products().listProducts(TENANT, {}, 50, null), 'products_pkey'],
  ['products, after a cursor', () => products().listProducts(TENANT, {}, 50, productCursor), 'products_pkey'],
  ['products of a service type', () => products().listProducts(TENANT, { serviceType: 'voice' }, 50, null), 'products_by_service_type'],
  ['products of a service type, after a cursor', () => products().listProducts(TENANT, { serviceType: 'voice' }, 50, productCursor), 'products_by_service_type'],
  ['archived products', () => products().listProducts(TENANT, { archived: true }, 50, null), 'products_by_status'],
  ['products on sale, after a cursor', () => products().listProducts(TENANT, { archived: false }, 50, productCursor), 'products_by_status'],
  ['products of a service type on sale', () => products().listProducts(TENANT, { serviceType: 'video', archived: false }, 50, productCursor), 'products_by_service_type_status'],
  ['plans', () => plans().listPlans(TENANT, {}, 50, null), 'plans_pkey'],
  ['plans, after a cursor', () => plans().listPlans(TENANT, {}, 50, planCursor), 'plans_pkey'],
  ['plans of a product', () => plans().listPlans(TENANT, { productId: 'product-7' }, 50, null), 'plans_by_product'],
  ['plans of a product, after a cursor', () => plans().listPlans(TENANT, { productId: 'product-7' }, 50, planCursor), 'plans_by_product'],
  ['plans of a service type', () => plans().listPlans(TENANT, { serviceType: 'voice' }, 50, null), 'plans_by_service_type'],
  ['plans of a service type, after a cursor', () => plans().listPlans(TENANT, { serviceType: 'voice' }, 50, planCursor), 'plans_by_service_type'],
  ['plans of a kind', () => plans().listPlans(TENANT, { kind: 'addon' }, 50, null), 'plans_by_kind'],
  ['plans of a kind, after a cursor', () => plans().listPlans(TENANT, { kind: 'bundle' }, 50, planCursor), 'plans_by_kind'],
  ['archived plans', () => plans().listPlans(TENANT, { archived: true }, 50, null), 'plans_by_status'],
  ['plans on sale, after a cursor', () => plans().listPlans(TENANT, { archived: false }, 50, planCursor), 'plans_by_status'],
  ['plans in a currency', () => plans().listPlans(TENANT, { currency: 'EUR' }, 50, null), 'plan_currencies_pkey'],
  ['plans in a currency, after a cursor', () => plans().listPlans(TENANT, { currency: 'GBP' }, 50, planCursor), 'plan_currencies_pkey'],
  ['the versions of a page of plans', () => plans().versionsOf(TENANT, ['plan-1', 'plan-2', 'plan-3']), 'plan_versions_pkey'],
  ['pricing rules', () => rules().listPricingRules(TENANT, {}, 50, null), 'pricing_rules_by_priority'],
  ['pricing rules, after a cursor', () => rules().listPricingRules(TENANT, {}, 50, ruleCursor), 'pricing_rules_by_priority'],
  ['active pricing rules', () => rules().listPricingRules(TENANT, { active: true }, 50, null), 'pricing_rules_by_active'],
  ['inactive pricing rules, after a cursor', () => rules().listPricingRules(TENANT, { active: false }, 50, ruleCursor), 'pricing_rules_by_active'],
  ['pricing rules of a kind', () => rules().listPricingRules(TENANT, { kind: 'percentage' }, 50, null), 'pricing_rules_by_kind'],
  ['pricing rules of a kind, after a cursor', () => rules().listPricingRules(TENANT, { kind: 'fixed_price' }, 50, ruleCursor), 'pricing_rules_by_kind'],
  ['active pricing rules of a kind', () => rules().listPricingRules(TENANT, { active: true, kind: 'amount_off' }, 50, ruleCursor), 'pricing_rules_by_active_kind'],
  ["the pricing engine's rule set", () => rules().activeRules(TENANT, 201), 'pricing_rules_by_active'],
];

describe('catalog and pricing-rule list queries read an index in their order, sorting nothing', () => {
  it.each(shapes)('%s', async (_name, run, index) => {
    const { sql: text, plan } = await planOf(run);
    const nodes = nodesOf(plan);
    const described = `${text}\n${JSON.stringify(plan, null, 1)}`;
    expect({ sorts: nodes.filter((node) => /Sort/.test(node['Node Type'])).length, described }).toEqual({ sorts: 0, described });
    expect({ index: nodes.find((node) => /^Index (Only )?Scan$/.test(node['Node Type']))?.['Index Name'], described }).toEqual({ index, described });
    expect(nodes.filter((node) => /Seq Scan|Bitmap Heap Scan/.test(node['Node Type'])).map((node) => node['Relation Name'])).toEqual([]);
  });

  it('the count of active rules (the bound on active rules) stops at the bound: a LIMIT under the count, nothing sorted', async () => {
    const { sql: text, plan } = await planOf(() => rules().countActiveRules(TENANT, 200));
    const nodes = nodesOf(plan);
    const described = `${text}\n${JSON.stringify(plan, null, 1)}`;
    expect({ limits: nodes.filter((node) => node['Node Type'] === 'Limit').length, sorts: nodes.filter((node) => /Sort/.test(node['Node Type'])).length, described }).toEqual({ limits: 1, sorts: 0, described });
  });
});
