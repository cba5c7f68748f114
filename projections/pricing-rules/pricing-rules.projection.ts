import { pricingRuleEventTypes, type PricingRuleDefinition } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { keyOf, loadRows, upsertRows, type Row } from '../common/batch-rows.js';
import { createPricingRuleTables } from './pricing-rules.tables.js';

/**
 * The `pricing_rules` read model: each rule at its current revision, active or not. It is also the rule set the
 * pricing engine prices with (libs/ledger-application/src/pricing/price-items.ts). Times come from the events, never
 * the clock, so a rebuild gives identical rows.
 */
export const pricingRulesProjection: Projection = {
  name: 'pricing_rules',
  version: 1,
  eventTypes: pricingRuleEventTypes,
  tables: ['pricing_rules'],
  createTables: createPricingRuleTables,
  applyBatch: applyPricingRuleBatch,
};

/** The registry's parser of the aggregate's stored events (libs/application/src/aggregates.ts). */
export const parsePricingRuleRecordedEvent = aggregates.pricingRule.parse;

const KEY = ['tenant_id', 'rule_id'];

/**
 * The batch folded in memory: the rules it touches are loaded in one statement, each event applied in log order,
 * and every touched row written once (one upsert).
 */
async function applyPricingRuleBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ tenantId: tenantOfStream(recorded.streamId), event: parsePricingRuleRecordedEvent(recorded) }));
  const rows = new Map<string, Row>();
  for (const row of await loadRows(context, 'pricing_rules', KEY, parsed.map(({ tenantId, event }) => [tenantId, event.data.ruleId]))) {
    rows.set(keyOf(row.tenant_id as string, row.rule_id as string), row);
  }
  const touched = new Set<string>();
  for (const { tenantId, event } of parsed) {
    const key = keyOf(tenantId, event.data.ruleId);
    // A change to a rule never created changes nothing.
    const update = (values: Row) => {
      const row = rows.get(key);
      if (row) rows.set(key, { ...row, ...values });
    };
    switch (event.type) {
      case 'PricingRuleCreated': {
        const { ruleId, revision, createdAt, ...definition } = event.data;
        // Created once: a second creation is a broken stream and fails the batch.
        if (rows.has(key)) throw new Error(`pricing_rules: pricing rule ${ruleId} of ${tenantId} is created already`);
        rows.set(key, {
          tenant_id: tenantId,
          rule_id: ruleId,
          revision,
          ...definitionColumns(definition),
          active: true,
          created_at: createdAt,
          updated_at: createdAt,
          deactivated_at: null,
        });
        break;
      }
      case 'PricingRuleUpdated': {
        const { ruleId: _ruleId, revision, updatedAt, ...definition } = event.data;
        update({ revision, ...definitionColumns(definition), updated_at: updatedAt });
        break;
      }
      case 'PricingRuleDeactivated':
        update({ active: false, deactivated_at: event.data.deactivatedAt, updated_at: event.data.deactivatedAt });
        break;
      case 'PricingRuleReactivated':
        update({ active: true, deactivated_at: null, updated_at: event.data.reactivatedAt });
        break;
      default:
        assertNever(event);
    }
    if (rows.has(key)) touched.add(key);
  }
  await upsertRows(context, 'pricing_rules', KEY, [...touched].map((key) => rows.get(key) as Row));
}

function definitionColumns(definition: PricingRuleDefinition): Row {
  return {
    name: definition.name,
    kind: definition.adjustment.kind,
    adjustment: definition.adjustment,
    conditions: definition.conditions,
    priority: definition.priority,
    stacking: definition.stacking,
  };
}
