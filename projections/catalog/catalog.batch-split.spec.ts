import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fold, type PlanState, type ProductState } from '../../libs/billing/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { projectInBatches, seededBatchSizes } from '../../libs/testing/src/batch-split.js';
import { createStoreDatabase, type StoreDatabase } from '../../libs/testing/src/test-database.js';
import { catalogHistory } from './catalog-history.test-helper.js';
import { plansProjection } from './plans.projection.js';
import { productsProjection } from './products.projection.js';

/**
 * The products and plans read models fold a whole batch in memory and write each touched row once. Their rows must
 * not depend on how the log is cut into batches (one event per batch, the whole log at once, seeded random splits),
 * must be exactly the fold of each stream by the aggregate's own decider, and a batch sends a fixed number of
 * statements, however many events it holds.
 */

/** The most statements one batch may send: products load and upsert; plans load, insert versions, replace currencies, upsert. */
const STATEMENTS_PER_BATCH_MAX: Record<string, number> = { products: 2, plans: 5 };

const projections: readonly Projection[] = [productsProjection, plansProjection];

let database: StoreDatabase<ReadModelDatabase>;
let history: RecordedEvent[];

beforeAll(async () => {
  database = await createStoreDatabase<ReadModelDatabase>('catalog_split');
  history = await catalogHistory(database.store, 500, 2026);
}, 120_000);

afterAll(async () => {
  await database?.close();
});

const eventsOf = (projection: Projection) => history.filter((event) => projection.eventTypes.includes(event.type));

/** Rows as to_jsonb gives them, with every timestamp as an ISO instant, sorted for comparison. */
function parsedRows(rows: readonly string[] | undefined, timestamps: readonly string[]): Record<string, unknown>[] {
  return (rows ?? []).map((text) => normalised(JSON.parse(text) as Record<string, unknown>, timestamps)).sort(byJson);
}

function normalised(row: Record<string, unknown>, timestamps: readonly string[]): Record<string, unknown> {
  const copy = { ...row };
  for (const column of timestamps) if (typeof copy[column] === 'string') copy[column] = new Date(copy[column] as string).toISOString();
  return copy;
}

/** Orders rows by their content, whatever the order of their keys. */
function byJson(a: unknown, b: unknown): number {
  const left = canonicalJson(a);
  const right = canonicalJson(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Each stream of one aggregate folded by its decider, with its tenant. */
function foldStreams<State>(prefix: string, parse: (recorded: RecordedEvent) => never, evolve: (state: State, event: never) => State, initial: State): { tenantId: string; state: State }[] {
  const byStream = new Map<string, RecordedEvent[]>();
  for (const event of history) if (event.streamId.includes(`:${prefix}-`)) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
  return [...byStream].map(([streamId, events]) => ({ tenantId: tenantOfStream(streamId), state: fold({ evolve, initialState: initial } as never, events.map(parse)) as State }));
}

describe('catalog projections: any split of the log gives the same rows, the fold of each stream', () => {
  it('the history exercises every event type of both projections, in both tenants', () => {
    for (const projection of projections) expect(new Set(eventsOf(projection).map((event) => event.type))).toEqual(new Set(projection.eventTypes));
    expect(new Set(history.map((event) => tenantOfStream(event.streamId)))).toEqual(new Set(['cat-one', 'cat-two']));
  });

  it.each(projections.map((projection) => [projection.name, projection] as const))(
    '%s: one event per batch, the whole log in one batch and seeded random splits give the same rows',
    async (_name, projection) => {
      const events = eventsOf(projection);
      const one = await projectInBatches(database.connection.db, projection, events, events.map(() => 1));
      for (const table of projection.tables) expect(one.rows[table]?.length ?? 0).toBeGreaterThan(0);
      const whole = await projectInBatches(database.connection.db, projection, events, [events.length]);
      expect(whole.rows).toEqual(one.rows);
      for (const seed of [7, 42, 2026]) {
        const sizes = seededBatchSizes(events.length, 3 + (seed % 5), seed);
        const split = await projectInBatches(database.connection.db, projection, events, sizes);
        expect({ seed, sizes, rows: split.rows }).toEqual({ seed, sizes, rows: one.rows });
      }
    },
    120_000,
  );

  it.each(projections.map((projection) => [projection.name, projection] as const))('%s: the statements of a batch do not grow with its events', async (name, projection) => {
    const events = eventsOf(projection);
    const first = await projectInBatches(database.connection.db, projection, events.slice(0, 10), [Math.min(10, events.length)]);
    const full = await projectInBatches(database.connection.db, projection, events, [events.length]);
    expect(first.statements[0]).toBeLessThanOrEqual(STATEMENTS_PER_BATCH_MAX[name] as number);
    expect(full.statements[0]).toBeLessThanOrEqual(STATEMENTS_PER_BATCH_MAX[name] as number);
  });

  it('products: every row is its stream folded by the product decider', async () => {
    const { rows } = await projectInBatches(database.connection.db, productsProjection, eventsOf(productsProjection), [17, eventsOf(productsProjection).length - 17]);
    const folded = foldStreams<ProductState>('product', aggregates.product.parse as never, aggregates.product.decider.evolve as never, aggregates.product.decider.initialState);
    const expected = folded.map(({ tenantId, state }) => ({
      tenant_id: tenantId,
      product_id: state.productId,
      name: state.name,
      description: state.description,
      service_type: state.serviceType,
      status: state.status,
      created_at: state.createdAt,
      updated_at: state.updatedAt,
      archived_at: state.archivedAt,
    }));
    const timestamps = ['created_at', 'updated_at', 'archived_at'];
    expect(parsedRows(rows.products, timestamps)).toEqual(expected.map((row) => normalised(row, timestamps)).sort(byJson));
  });

  it('plans: every plan, version and currency row is its stream folded by the plan decider', async () => {
    const events = eventsOf(plansProjection);
    const { rows } = await projectInBatches(database.connection.db, plansProjection, events, seededBatchSizes(events.length, 6, 11));
    const folded = foldStreams<PlanState>('plan', aggregates.plan.parse as never, aggregates.plan.decider.evolve as never, aggregates.plan.decider.initialState);
    const current = (state: PlanState) => state.versions.at(-1);
    const plans = folded.map(({ tenantId, state }) => ({
      tenant_id: tenantId,
      plan_id: state.planId,
      product_id: state.productId,
      service_type: state.serviceType,
      kind: state.kind,
      name: state.name,
      status: state.status,
      current_version: state.versions.length,
      currencies: current(state)?.prices.map((price) => price.currency),
      created_at: state.createdAt,
      updated_at: state.updatedAt,
      archived_at: state.archivedAt,
    }));
    const versions = folded.flatMap(({ tenantId, state }) =>
      state.versions.map((version) => ({
        tenant_id: tenantId,
        plan_id: state.planId,
        version: version.version,
        cycle: version.cycle,
        timing: version.timing,
        prices: version.prices,
        setup_fees: version.setupFees,
        trial_days: version.trialDays,
        tax_treatment: version.taxTreatment,
        base_plan_ids: version.basePlanIds,
        bundled_plan_ids: version.bundledPlanIds,
        published_at: version.publishedAt,
      })),
    );
    const currencies = folded.flatMap(({ tenantId, state }) => (current(state)?.prices ?? []).map((price) => ({ tenant_id: tenantId, currency: price.currency, plan_id: state.planId })));
    expect(folded.some(({ state }) => state.versions.length > 2)).toBe(true);
    expect(parsedRows(rows.plans, ['created_at', 'updated_at', 'archived_at'])).toEqual(plans.map((row) => normalised(row, ['created_at', 'updated_at', 'archived_at'])).sort(byJson));
    expect(parsedRows(rows.plan_versions, ['published_at'])).toEqual(versions.map((row) => normalised(row, ['published_at'])).sort(byJson));
    expect(parsedRows(rows.plan_currencies, [])).toEqual(currencies.sort(byJson));
  });
});
