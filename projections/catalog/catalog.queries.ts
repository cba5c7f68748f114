import { sql, type Kysely } from 'kysely';
import type { BillingCycle, BillingTiming, PlanKind, PlanPrice, ServiceType, TaxTreatment } from '../../libs/billing/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor, type Connection } from '../common/opaque-cursor.js';
import { instantOrNull } from '../common/read-model-values.js';

/** A product as the read model holds it. */
export interface ProductRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly serviceType: ServiceType;
  readonly status: 'active' | 'archived';
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly archivedAt: string | null;
}

/** A plan as the read model holds it, without its versions (PlanQueries.versionsOf reads them). */
export interface PlanRecord {
  readonly id: string;
  readonly productId: string;
  readonly serviceType: ServiceType;
  readonly kind: PlanKind;
  readonly name: string;
  readonly status: 'active' | 'archived';
  readonly currentVersion: number;
  /** The currencies the current version is priced in, sorted. */
  readonly currencies: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly archivedAt: string | null;
}

/** One published version of a plan, with its whole terms as the event carried them. */
export interface PlanVersionRecord {
  readonly planId: string;
  readonly version: number;
  readonly cycle: BillingCycle;
  readonly timing: BillingTiming;
  readonly prices: readonly PlanPrice[];
  readonly setupFees: readonly PlanPrice[];
  readonly trialDays: number;
  readonly taxTreatment: TaxTreatment;
  readonly basePlanIds: readonly string[];
  readonly bundledPlanIds: readonly string[];
  readonly publishedAt: string;
}

export interface ProductListFilter {
  readonly serviceType?: ServiceType | null;
  /** true: archived products only; false: those on sale only; null or absent: both. */
  readonly archived?: boolean | null;
}

export interface PlanListFilter {
  readonly productId?: string | null;
  readonly serviceType?: ServiceType | null;
  readonly kind?: PlanKind | null;
  readonly archived?: boolean | null;
  /** Plans whose current version is priced in this currency. */
  readonly currency?: string | null;
}

export const PRODUCT_PAGE_SIZE_MAX = 100;
export const PLAN_PAGE_SIZE_MAX = 100;

/** The products read model. Lists page in product id order, keyset-paginated with an opaque cursor. */
export class ProductQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async getProduct(tenantId: string, productId: string): Promise<ProductRecord | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('products').selectAll().where('tenant_id', '=', tenantId).where('product_id', '=', productId).executeTakeFirst();
    return row ? productRecord(row) : undefined;
  }

  async listProducts(tenantId: string, filter: ProductListFilter, first: number, after: string | null | undefined): Promise<Connection<ProductRecord>> {
    let query = this.db.withSchema(this.schema).selectFrom('products').selectAll().where('tenant_id', '=', tenantId);
    if (filter.serviceType) query = query.where('service_type', '=', filter.serviceType);
    if (typeof filter.archived === 'boolean') query = query.where('status', '=', filter.archived ? 'archived' : 'active');
    if (after) query = query.where('product_id', '>', decodeCursor(after, 2, ([tag]) => tag === 'product')[1]);
    const rows = await query.orderBy('product_id').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(['product', row.product_id as string]), node: productRecord(row) }));
    return connectionOf(edges, rows.length > first);
  }
}

/** The plans read model: plans page in plan id order, keyset-paginated with an opaque cursor; versions by number. */
export class PlanQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async getPlan(tenantId: string, planId: string): Promise<PlanRecord | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('plans').selectAll().where('tenant_id', '=', tenantId).where('plan_id', '=', planId).executeTakeFirst();
    return row ? planRecord(row) : undefined;
  }

  /**
   * With a currency, the page is read through plan_currencies' key (tenant, currency, plan id), in plan id order, and
   * each plan joined by its key; otherwise straight from plans, through the index of the filter given.
   */
  async listPlans(tenantId: string, filter: PlanListFilter, first: number, after: string | null | undefined): Promise<Connection<PlanRecord>> {
    const afterId = after ? decodeCursor(after, 2, ([tag]) => tag === 'plan')[1] : null;
    let query = filter.currency
      ? this.db
          .withSchema(this.schema)
          .selectFrom('plan_currencies as c')
          .innerJoin('plans as p', (join) => join.onRef('p.tenant_id', '=', 'c.tenant_id').onRef('p.plan_id', '=', 'c.plan_id'))
          .selectAll('p')
          .where('c.tenant_id', '=', tenantId)
          .where('c.currency', '=', filter.currency)
      : this.db.withSchema(this.schema).selectFrom('plans as p').selectAll('p').where('p.tenant_id', '=', tenantId);
    const orderColumn = filter.currency ? 'c.plan_id' : 'p.plan_id';
    if (filter.productId) query = query.where('p.product_id', '=', filter.productId);
    if (filter.serviceType) query = query.where('p.service_type', '=', filter.serviceType);
    if (filter.kind) query = query.where('p.kind', '=', filter.kind);
    if (typeof filter.archived === 'boolean') query = query.where('p.status', '=', filter.archived ? 'archived' : 'active');
    if (afterId !== null) query = query.where(orderColumn, '>', afterId);
    const rows = await query.orderBy(orderColumn).limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(['plan', row.plan_id as string]), node: planRecord(row) }));
    return connectionOf(edges, rows.length > first);
  }

  /** The plans named that exist, by id: one statement. */
  async plansByIds(tenantId: string, planIds: readonly string[]): Promise<Map<string, PlanRecord>> {
    if (planIds.length === 0) return new Map();
    const rows = await this.db.withSchema(this.schema).selectFrom('plans').selectAll().where('tenant_id', '=', tenantId).where('plan_id', 'in', [...new Set(planIds)]).execute();
    return new Map(rows.map((row) => [row.plan_id as string, planRecord(row)]));
  }

  /** The versions named (plan id and number) that exist, keyed `<planId>@<version>`: one statement. */
  async versionsByKeys(tenantId: string, keys: readonly { planId: string; version: number }[]): Promise<Map<string, PlanVersionRecord>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('plan_versions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(sql<boolean>`(plan_id, version) in (select * from unnest(${keys.map((key) => key.planId)}::text[], ${keys.map((key) => key.version)}::integer[]))`)
      .execute();
    return new Map(rows.map((row) => [planVersionKey(row.plan_id as string, row.version as number), planVersionRecord(row)]));
  }

  /** Every version of each plan named, oldest first: one statement for a whole page of plans. */
  async versionsOf(tenantId: string, planIds: readonly string[]): Promise<Map<string, PlanVersionRecord[]>> {
    const byPlan = new Map<string, PlanVersionRecord[]>(planIds.map((planId) => [planId, []]));
    if (planIds.length === 0) return byPlan;
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('plan_versions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('plan_id', 'in', [...new Set(planIds)])
      .orderBy('plan_id')
      .orderBy('version')
      .execute();
    for (const row of rows) byPlan.get(row.plan_id as string)?.push(planVersionRecord(row));
    return byPlan;
  }

  async getVersion(tenantId: string, planId: string, version: number): Promise<PlanVersionRecord | undefined> {
    const row = await this.db
      .withSchema(this.schema)
      .selectFrom('plan_versions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('plan_id', '=', planId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? planVersionRecord(row) : undefined;
  }
}

/** The key of a version in versionsByKeys' answer. */
export function planVersionKey(planId: string, version: number): string {
  return `${planId}@${version}`;
}

function productRecord(row: Record<string, unknown>): ProductRecord {
  return {
    id: row.product_id as string,
    name: row.name as string,
    description: row.description as string | null,
    serviceType: row.service_type as ServiceType,
    status: row.status as ProductRecord['status'],
    createdAt: (row.created_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
    archivedAt: instantOrNull(row.archived_at),
  };
}

function planRecord(row: Record<string, unknown>): PlanRecord {
  return {
    id: row.plan_id as string,
    productId: row.product_id as string,
    serviceType: row.service_type as ServiceType,
    kind: row.kind as PlanKind,
    name: row.name as string,
    status: row.status as PlanRecord['status'],
    currentVersion: row.current_version as number,
    currencies: row.currencies as string[],
    createdAt: (row.created_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
    archivedAt: instantOrNull(row.archived_at),
  };
}

function planVersionRecord(row: Record<string, unknown>): PlanVersionRecord {
  return {
    planId: row.plan_id as string,
    version: row.version as number,
    cycle: row.cycle as BillingCycle,
    timing: row.timing as BillingTiming,
    prices: row.prices as PlanPrice[],
    setupFees: row.setup_fees as PlanPrice[],
    trialDays: row.trial_days as number,
    taxTreatment: row.tax_treatment as TaxTreatment,
    basePlanIds: row.base_plan_ids as string[],
    bundledPlanIds: row.bundled_plan_ids as string[],
    publishedAt: (row.published_at as Date).toISOString(),
  };
}
