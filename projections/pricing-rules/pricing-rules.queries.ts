import { sql, type Kysely } from 'kysely';
import type { PricingAdjustment, PricingConditions, PricingRule, PricingRuleKind, PricingStacking } from '../../libs/billing/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor, type Connection } from '../common/opaque-cursor.js';
import { instantOrNull } from '../common/read-model-values.js';

/** A pricing rule as the read model holds it: its current revision, and whether it is active. */
export interface PricingRuleRecord {
  readonly id: string;
  readonly revision: number;
  readonly name: string;
  readonly kind: PricingRuleKind;
  readonly adjustment: PricingAdjustment;
  readonly conditions: PricingConditions;
  readonly priority: number;
  readonly stacking: PricingStacking;
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deactivatedAt: string | null;
}

export interface PricingRuleListFilter {
  readonly active?: boolean | null;
  readonly kind?: PricingRuleKind | null;
}

export const PRICING_RULE_PAGE_SIZE_MAX = 100;

/** A priority is an integer 0..1,000,000 (pricingRuleLimits.priorityMax): a cursor carries it as digits. */
const PRIORITY_PATTERN = /^\d{1,7}$/;

/** The pricing_rules read model. Lists page in the engine's order, (priority, rule id), keyset-paginated. */
export class PricingRuleQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async getPricingRule(tenantId: string, ruleId: string): Promise<PricingRuleRecord | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('pricing_rules').selectAll().where('tenant_id', '=', tenantId).where('rule_id', '=', ruleId).executeTakeFirst();
    return row ? pricingRuleRecord(row) : undefined;
  }

  async listPricingRules(tenantId: string, filter: PricingRuleListFilter, first: number, after: string | null | undefined): Promise<Connection<PricingRuleRecord>> {
    let query = this.db.withSchema(this.schema).selectFrom('pricing_rules').selectAll().where('tenant_id', '=', tenantId);
    if (typeof filter.active === 'boolean') query = query.where('active', '=', filter.active);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (after) {
      const [, priority, ruleId] = decodeCursor(after, 3, ([tag, priorityText]) => tag === 'pricing_rule' && PRIORITY_PATTERN.test(priorityText));
      query = query.where(sql<boolean>`(priority, rule_id) > (${Number(priority)}::integer, ${ruleId})`);
    }
    const rows = await query.orderBy('priority').orderBy('rule_id').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => {
      const node = pricingRuleRecord(row);
      return { cursor: encodeCursor(['pricing_rule', String(node.priority), node.id]), node };
    });
    return connectionOf(edges, rows.length > first);
  }

  /**
   * The tenant's active rules in the engine's order, at most `limit` of them (the caller asks one more than it
   * accepts, to know when there are too many), as the pricing engine reads them.
   */
  async activeRules(tenantId: string, limit: number): Promise<PricingRule[]> {
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('pricing_rules')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('active', '=', true)
      .orderBy('priority')
      .orderBy('rule_id')
      .limit(limit)
      .execute();
    return rows.map((row) => pricingRuleOfRecord(pricingRuleRecord(row)));
  }

  /**
   * How many of the tenant's rules are active, counted up to `upTo` (a bound's check needs no more), so the count
   * costs the same however many rules the tenant has.
   */
  async countActiveRules(tenantId: string, upTo: number): Promise<number> {
    const { rows } = await sql<{ count: number }>`
      select count(*)::integer as count
        from (select 1 from ${sql.table(`${this.schema}.pricing_rules`)} where tenant_id = ${tenantId} and active limit ${upTo}) active_rules`.execute(this.db);
    return rows[0]?.count ?? 0;
  }
}

/** The rule as the pricing engine takes it (libs/billing/src/pricing: PricingRule). */
export function pricingRuleOfRecord(record: PricingRuleRecord): PricingRule {
  const { id, revision, active, name, adjustment, conditions, priority, stacking } = record;
  return { ruleId: id, revision, active, name, adjustment, conditions, priority, stacking };
}

function pricingRuleRecord(row: Record<string, unknown>): PricingRuleRecord {
  return {
    id: row.rule_id as string,
    revision: row.revision as number,
    name: row.name as string,
    kind: row.kind as PricingRuleKind,
    adjustment: row.adjustment as PricingAdjustment,
    conditions: row.conditions as PricingConditions,
    priority: row.priority as number,
    stacking: row.stacking as PricingStacking,
    active: row.active as boolean,
    createdAt: (row.created_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
    deactivatedAt: instantOrNull(row.deactivated_at),
  };
}
