import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { DomainError, pricingLimits } from '../../../billing/src/index.js';
import { connectDatabase, type DatabaseConnection } from '../../../database/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../../projection-runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/test-database.js';
import { createPricingRuleTables } from '../../../../projections/pricing-rules/pricing-rules.tables.js';
import { loadPricingRules, priceItems } from './price-items.js';

/**
 * loadPricingRules reads a tenant's active rules from the pricing_rules read model, in the engine's order, and refuses
 * a set larger than one pricing takes rather than price with part of it. Rows are written by SQL here: the
 * projection's own rows are checked in projections/pricing-rules/pricing-rules.batch-split.spec.ts.
 */

let database: TestDatabase;
let connection: DatabaseConnection<ReadModelDatabase>;

beforeAll(async () => {
  database = await createTestDatabase('price_items');
  connection = connectDatabase<ReadModelDatabase>(database.connectionString, { poolSize: 2, applicationName: 'price-items' });
  await sql.raw(`create schema if not exists ${LIVE_READ_MODEL_SCHEMA}`).execute(connection.db);
  await createPricingRuleTables(connection.db, LIVE_READ_MODEL_SCHEMA);
});

afterAll(async () => {
  await connection?.close();
  await database?.drop();
});

/** `count` rules of `tenantId`, rule-0001...: a percentage of 1 each, priorities descending so the id order is not the engine's. */
async function insertRules(tenantId: string, count: number, active = true): Promise<void> {
  await sql`
    insert into ${sql.table(`${LIVE_READ_MODEL_SCHEMA}.pricing_rules`)}
    select ${tenantId}, 'rule-' || lpad(g::text, 4, '0'), 1, 'Rule ' || g, 'percentage', '{"kind":"percentage","percentOff":"1"}'::jsonb,
           ${JSON.stringify({ planIds: null, productIds: null, serviceTypes: null, customerSegments: null, minimumQuantity: null, validFrom: null, validUntil: null, usageLimit: null })}::jsonb,
           ${count} - g, 'stackable', ${active}, '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', null
      from generate_series(1, ${count}) g`.execute(connection.db);
}

describe('loadPricingRules', () => {
  it('reads only the active rules of the tenant, in (priority, id) order, each as the engine takes it', async () => {
    await insertRules('shop', 3);
    await insertRules('elsewhere', 2);
    await sql`update ${sql.table(`${LIVE_READ_MODEL_SCHEMA}.pricing_rules`)} set active = false where tenant_id = 'shop' and rule_id = 'rule-0002'`.execute(connection.db);
    const { rules, usage } = await loadPricingRules(connection, 'shop');
    expect(rules.map((rule) => [rule.ruleId, rule.priority])).toEqual([
      ['rule-0003', 0],
      ['rule-0001', 2],
    ]);
    expect(rules[0]).toEqual({
      ruleId: 'rule-0003',
      revision: 1,
      active: true,
      name: 'Rule 3',
      adjustment: { kind: 'percentage', percentOff: '1' },
      conditions: { planIds: null, productIds: null, serviceTypes: null, customerSegments: null, minimumQuantity: null, validFrom: null, validUntil: null, usageLimit: null },
      priority: 0,
      stacking: 'stackable',
    });
    expect(usage.size).toBe(0);
    const [priced] = await priceItems(connection, 'shop', {
      items: [{ planId: null, productId: null, serviceType: null, quantity: '1', unitPrice: '100.00', currency: 'USD' }],
      customerSegment: null,
      date: '2026-03-02',
    });
    // 100 x 0.99 x 0.99: both rules, in order.
    expect(priced?.unitPrice).toBe('98.01');
  });

  it(`takes ${pricingLimits.rulesMax} active rules, and refuses ${pricingLimits.rulesMax + 1} with VALIDATION_FAILED rather than price with part of them`, async () => {
    await insertRules('full', pricingLimits.rulesMax);
    expect((await loadPricingRules(connection, 'full')).rules).toHaveLength(pricingLimits.rulesMax);
    await insertRules('over', pricingLimits.rulesMax + 1);
    await expect(loadPricingRules(connection, 'over')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'rules' } });
    await expect(loadPricingRules(connection, 'over')).rejects.toBeInstanceOf(DomainError);
  });
});
