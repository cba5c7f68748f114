import { planEventTypes, type PlanVersionTerms } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { deleteRows, insertRows, keyOf, loadRows, upsertRows, type Row, type RowKey } from '../common/batch-rows.js';
import { createPlanTables } from './catalog.tables.js';

/**
 * The `plans` read model: each plan as it now is, every version it published (whole terms, never changed), and the
 * currencies of its current version. Times come from the events, never the clock, so a rebuild gives identical rows.
 */
export const plansProjection: Projection = {
  name: 'plans',
  version: 1,
  eventTypes: planEventTypes,
  tables: ['plans', 'plan_versions', 'plan_currencies'],
  createTables: createPlanTables,
  applyBatch: applyPlanBatch,
};

/** The registry's parser of the aggregate's stored events (libs/application/src/aggregates.ts). */
export const parsePlanRecordedEvent = aggregates.plan.parse;

const PLAN_KEY = ['tenant_id', 'plan_id'];
const CURRENCY_KEY = ['tenant_id', 'currency', 'plan_id'];

/**
 * The batch folded in memory, at most five statements whatever its size: the plans it touches are loaded in one
 * statement and each event applied in log order; then the new versions are inserted (one statement: a version is
 * written once), the currency rows of plans whose current version changed are replaced (one delete of the rows the
 * batch started from, one insert of the rows it ends with), and every touched plan is written once (one upsert).
 */
async function applyPlanBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ tenantId: tenantOfStream(recorded.streamId), event: parsePlanRecordedEvent(recorded) }));
  const plans = new Map<string, Row>();
  for (const row of await loadRows(context, 'plans', PLAN_KEY, parsed.map(({ tenantId, event }) => [tenantId, event.data.planId]))) {
    plans.set(keyOf(row.tenant_id as string, row.plan_id as string), row);
  }
  // The currency rows as the batch found them, for the plans whose current version it changes.
  const startingCurrencies = new Map<string, RowKey[]>();
  const versions: Row[] = [];
  const touched = new Set<string>();
  for (const { tenantId, event } of parsed) {
    const key = keyOf(tenantId, event.data.planId);
    const update = (values: Row) => {
      const row = plans.get(key);
      if (row) plans.set(key, { ...row, ...values });
    };
    // A new current version: its row, and the plan's currency rows replaced (remembering those the batch found).
    const newCurrentVersion = (version: number, terms: PlanVersionTerms, publishedAt: string): Row => {
      if (!startingCurrencies.has(key)) startingCurrencies.set(key, currencyKeys(tenantId, event.data.planId, (plans.get(key)?.currencies as string[] | undefined) ?? []));
      versions.push(versionRow(tenantId, event.data.planId, version, terms, publishedAt));
      return { current_version: version, currencies: terms.prices.map((price) => price.currency) };
    };
    switch (event.type) {
      case 'PlanCreated': {
        const { data } = event;
        // Created once: a second creation is a broken stream and fails the batch.
        if (plans.has(key)) throw new Error(`plans: plan ${data.planId} of ${tenantId} is created already`);
        const current = newCurrentVersion(1, data.terms, data.createdAt);
        plans.set(key, {
          tenant_id: tenantId,
          plan_id: data.planId,
          product_id: data.productId,
          service_type: data.serviceType,
          kind: data.kind,
          name: data.name,
          status: 'active',
          ...current,
          created_at: data.createdAt,
          updated_at: data.createdAt,
          archived_at: null,
        });
        break;
      }
      case 'PlanVersionPublished': {
        const { data } = event;
        // A version of a plan never created is a broken stream (its versions would have no plan row).
        if (!plans.has(key)) throw new Error(`plans: plan ${data.planId} of ${tenantId} published version ${data.version} before it was created`);
        update({ ...newCurrentVersion(data.version, data.terms, data.publishedAt), updated_at: data.publishedAt });
        break;
      }
      case 'PlanRenamed':
        update({ name: event.data.name, updated_at: event.data.renamedAt });
        break;
      case 'PlanArchived':
        update({ status: 'archived', archived_at: event.data.archivedAt, updated_at: event.data.archivedAt });
        break;
      case 'PlanUnarchived':
        update({ status: 'active', archived_at: null, updated_at: event.data.unarchivedAt });
        break;
      default:
        assertNever(event);
    }
    if (plans.has(key)) touched.add(key);
  }
  await insertRows(context, 'plan_versions', versions);
  await deleteRows(context, 'plan_currencies', CURRENCY_KEY, [...startingCurrencies.values()].flat());
  const endingCurrencies = [...startingCurrencies.keys()].flatMap((key) => {
    const row = plans.get(key) as Row;
    return currencyKeys(row.tenant_id as string, row.plan_id as string, row.currencies as string[]).map((currencyKey): Row => ({
      tenant_id: currencyKey[0],
      currency: currencyKey[1],
      plan_id: currencyKey[2],
    }));
  });
  await insertRows(context, 'plan_currencies', endingCurrencies);
  await upsertRows(context, 'plans', PLAN_KEY, [...touched].map((key) => plans.get(key) as Row));
}

function currencyKeys(tenantId: string, planId: string, currencies: readonly string[]): RowKey[] {
  return currencies.map((currency) => [tenantId, currency, planId]);
}

function versionRow(tenantId: string, planId: string, version: number, terms: PlanVersionTerms, publishedAt: string): Row {
  return {
    tenant_id: tenantId,
    plan_id: planId,
    version,
    cycle: terms.cycle,
    timing: terms.timing,
    prices: terms.prices,
    setup_fees: terms.setupFees,
    trial_days: terms.trialDays,
    tax_treatment: terms.taxTreatment,
    base_plan_ids: terms.basePlanIds,
    bundled_plan_ids: terms.bundledPlanIds,
    published_at: publishedAt,
  };
}
