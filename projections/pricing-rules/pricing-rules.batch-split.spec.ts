import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { fold, pricingRuleOf, type PricingRule, type PricingRuleState } from '../../libs/billing/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { applyEvents, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { projectInBatches, seededBatchSizes } from '../../libs/testing/src/batch-split.js';
import { createStoreDatabase, type StoreDatabase } from '../../libs/testing/src/test-database.js';
import { catalogHistory } from '../catalog/catalog-history.test-helper.js';
import { pricingRulesProjection } from './pricing-rules.projection.js';
import { PricingRuleQueries } from './pricing-rules.queries.js';

/**
 * The pricing_rules read model folds a whole batch in memory and writes each touched row once: its rows must not
 * depend on how the log is cut into batches, must be each rule's stream folded by the rule decider, and the rules the
 * pricing engine reads from it (activeRules) must be exactly the decider's own view of each active rule (pricingRuleOf),
 * in the engine's order.
 */

let database: StoreDatabase<ReadModelDatabase>;
let history: RecordedEvent[];

beforeAll(async () => {
  database = await createStoreDatabase<ReadModelDatabase>('pricing_rules_split');
  history = await catalogHistory(database.store, 500, 7);
}, 120_000);

afterAll(async () => {
  await database?.close();
});

const events = () => history.filter((event) => pricingRulesProjection.eventTypes.includes(event.type));

/** Each rule's stream folded by the pricing-rule decider, with its tenant. */
function foldedRules(): { tenantId: string; state: PricingRuleState }[] {
  const byStream = new Map<string, RecordedEvent[]>();
  for (const event of events()) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
  return [...byStream].map(([streamId, recorded]) => ({ tenantId: tenantOfStream(streamId), state: fold(aggregates.pricingRule.decider, recorded.map(aggregates.pricingRule.parse)) }));
}

describe('pricing_rules: any split of the log gives the same rows, the fold of each stream', () => {
  it('one event per batch, the whole log in one batch and seeded random splits give the same rows, in a bounded number of statements', async () => {
    const all = events();
    expect(new Set(all.map((event) => event.type))).toEqual(new Set(pricingRulesProjection.eventTypes));
    const one = await projectInBatches(database.connection.db, pricingRulesProjection, all, all.map(() => 1));
    expect(one.rows.pricing_rules?.length ?? 0).toBeGreaterThan(4);
    const whole = await projectInBatches(database.connection.db, pricingRulesProjection, all, [all.length]);
    expect(whole.rows).toEqual(one.rows);
    expect(whole.statements[0]).toBeLessThanOrEqual(2);
    for (const seed of [3, 19, 2026]) {
      const sizes = seededBatchSizes(all.length, 2 + (seed % 5), seed);
      const split = await projectInBatches(database.connection.db, pricingRulesProjection, all, sizes);
      expect({ seed, sizes, rows: split.rows }).toEqual({ seed, sizes, rows: one.rows });
    }
  }, 120_000);

  it('every row is its stream folded by the decider, and the engine reads each active rule exactly as the decider sees it, in (priority, id) order', async () => {
    const schema = `pricing_rules_fold_${Date.now()}`;
    const { db } = database.connection;
    await sql.raw(`create schema ${schema}`).execute(db);
    try {
      await pricingRulesProjection.createTables(db, schema);
      const sizes = seededBatchSizes(events().length, 5, 5);
      let start = 0;
      for (const size of sizes) {
        const batch = events().slice(start, (start += size));
        await db.transaction().execute((trx) => applyEvents(pricingRulesProjection, { trx, schema }, batch));
      }
      const queries = new PricingRuleQueries(db, schema);
      const folded = foldedRules();
      expect(folded.some(({ state }) => state.revision > 2)).toBe(true);
      expect(folded.some(({ state }) => state.status === 'inactive')).toBe(true);
      for (const { tenantId, state } of folded) {
        const record = await queries.getPricingRule(tenantId, state.ruleId as string);
        expect(record).toEqual({
          id: state.ruleId,
          revision: state.revision,
          name: state.definition?.name,
          kind: state.definition?.adjustment.kind,
          adjustment: state.definition?.adjustment,
          conditions: state.definition?.conditions,
          priority: state.definition?.priority,
          stacking: state.definition?.stacking,
          active: state.status === 'active',
          createdAt: state.createdAt,
          updatedAt: state.updatedAt,
          deactivatedAt: state.deactivatedAt,
        });
      }
      for (const tenantId of ['cat-one', 'cat-two']) {
        const expected = folded
          .filter((rule) => rule.tenantId === tenantId && rule.state.status === 'active')
          .map(({ state }) => pricingRuleOf(state) as PricingRule)
          .sort((a, b) => a.priority - b.priority || (a.ruleId < b.ruleId ? -1 : 1));
        expect(await queries.activeRules(tenantId, 1_000)).toEqual(expected);
        expect(await queries.countActiveRules(tenantId, 1_000)).toBe(expected.length);
        expect(await queries.countActiveRules(tenantId, 1)).toBe(Math.min(1, expected.length));
      }
    } finally {
      await sql.raw(`drop schema if exists ${schema} cascade`).execute(db);
    }
  }, 120_000);
});
