import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * One row per pricing rule, at its current revision. Every key starts with the tenant, so no query can read across
 * tenants. Rules are listed in the order the pricing engine judges them, (priority, rule id): one index in that
 * order per filter (none, active, kind). The active index also serves the pricing engine's load of a tenant's active
 * rules. The adjustment and the conditions are JSON, as the events carry them (amounts stay decimal strings).
 */
export async function createPricingRuleTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.pricing_rules (
  tenant_id       text not null,
  rule_id         text not null,
  revision        integer not null,
  name            text not null,
  kind            text not null,
  adjustment      jsonb not null,
  conditions      jsonb not null,
  priority        integer not null,
  stacking        text not null,
  active          boolean not null,
  created_at      timestamptz not null,
  updated_at      timestamptz not null,
  deactivated_at  timestamptz,
  primary key (tenant_id, rule_id)
);
create index if not exists pricing_rules_by_priority on ${schema}.pricing_rules (tenant_id, priority, rule_id);
create index if not exists pricing_rules_by_active on ${schema}.pricing_rules (tenant_id, active, priority, rule_id);
create index if not exists pricing_rules_by_kind on ${schema}.pricing_rules (tenant_id, kind, priority, rule_id);
create index if not exists pricing_rules_by_active_kind on ${schema}.pricing_rules (tenant_id, active, kind, priority, rule_id);
`,
    )
    .execute(db);
}
