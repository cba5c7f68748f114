import { productEventTypes } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { keyOf, loadRows, upsertRows, type Row } from '../common/batch-rows.js';
import { createProductTables } from './catalog.tables.js';

/** The `products` read model: each product as it now is. Times come from the events, never the clock. */
export const productsProjection: Projection = {
  name: 'products',
  version: 1,
  eventTypes: productEventTypes,
  tables: ['products'],
  createTables: createProductTables,
  applyBatch: applyProductBatch,
};

/** The registry's parser of the aggregate's stored events (libs/application/src/aggregates.ts). */
export const parseProductRecordedEvent = aggregates.product.parse;

const KEY = ['tenant_id', 'product_id'];

/**
 * The batch folded in memory: the products it touches are loaded in one statement, each event applied in log order,
 * and every touched row written once (one upsert).
 */
async function applyProductBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ tenantId: tenantOfStream(recorded.streamId), event: parseProductRecordedEvent(recorded) }));
  const rows = new Map<string, Row>();
  for (const row of await loadRows(context, 'products', KEY, parsed.map(({ tenantId, event }) => [tenantId, event.data.productId]))) {
    rows.set(keyOf(row.tenant_id as string, row.product_id as string), row);
  }
  const touched = new Set<string>();
  for (const { tenantId, event } of parsed) {
    const key = keyOf(tenantId, event.data.productId);
    // A change to a product never created changes nothing.
    const update = (values: Row) => {
      const row = rows.get(key);
      if (row) rows.set(key, { ...row, ...values });
    };
    switch (event.type) {
      case 'ProductCreated': {
        const { data } = event;
        // Created once: a second creation is a broken stream and fails the batch.
        if (rows.has(key)) throw new Error(`products: product ${data.productId} of ${tenantId} is created already`);
        rows.set(key, {
          tenant_id: tenantId,
          product_id: data.productId,
          name: data.name,
          description: data.description,
          service_type: data.serviceType,
          status: 'active',
          created_at: data.createdAt,
          updated_at: data.createdAt,
          archived_at: null,
        });
        break;
      }
      case 'ProductUpdated':
        update({ name: event.data.name, description: event.data.description, updated_at: event.data.updatedAt });
        break;
      case 'ProductArchived':
        update({ status: 'archived', archived_at: event.data.archivedAt, updated_at: event.data.archivedAt });
        break;
      default:
        assertNever(event);
    }
    if (rows.has(key)) touched.add(key);
  }
  await upsertRows(context, 'products', KEY, [...touched].map((key) => rows.get(key) as Row));
}
