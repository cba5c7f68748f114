import { customerEventTypes, type CustomerDetails } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createCustomerTables } from './customers.tables.js';
import { keyOf, loadRows, upsertRows, type Row } from '../common/batch-rows.js';

/**
 * The `customers` read model: each registered customer as it now is. Times come from the events, never the clock.
 * Version 2 added the segment column (CustomerSegmentSet): the bump has the runtime rebuild the table from the log.
 */
export const customersProjection: Projection = {
  name: 'customers',
  version: 2,
  eventTypes: customerEventTypes,
  tables: ['customers'],
  createTables: createCustomerTables,
  applyBatch: applyCustomerBatch,
};

/** The registry's parser of the aggregate's stored events (libs/application/src/aggregates.ts). */
export const parseCustomerRecordedEvent = aggregates.customer.parse;

const KEY = ['tenant_id', 'customer_id'];

/**
 * The batch folded in memory: the customers it touches are loaded in one statement, each event applied in log order,
 * and every touched row written once (one upsert).
 */
async function applyCustomerBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ tenantId: tenantOfStream(recorded.streamId), event: parseCustomerRecordedEvent(recorded) }));
  const rows = new Map<string, Row>();
  for (const row of await loadRows(context, 'customers', KEY, parsed.map(({ tenantId, event }) => [tenantId, event.data.customerId]))) {
    rows.set(keyOf(row.tenant_id as string, row.customer_id as string), row);
  }
  const touched = new Set<string>();
  for (const { tenantId, event } of parsed) {
    const key = keyOf(tenantId, event.data.customerId);
    switch (event.type) {
      case 'CustomerRegistered':
        // Registered once: a second registration fails the batch, as the one-row INSERT did.
        if (rows.has(key)) throw new Error(`customers: customer ${event.data.customerId} of ${tenantId} is registered already`);
        rows.set(key, {
          tenant_id: tenantId,
          customer_id: event.data.customerId,
          ...detailsOf(event.data),
          segment: null,
          registered_at: event.data.registeredAt,
          updated_at: event.data.registeredAt,
        });
        break;
      case 'CustomerUpdated': {
        // An update of a customer never registered changes nothing, as the UPDATE did. The segment stays.
        const row = rows.get(key);
        if (row) rows.set(key, { ...row, ...detailsOf(event.data), updated_at: event.data.updatedAt });
        break;
      }
      case 'CustomerSegmentSet': {
        // Like an update: nothing for a customer never registered (the decider refuses one).
        const row = rows.get(key);
        if (row) rows.set(key, { ...row, segment: event.data.segment, updated_at: event.data.setAt });
        break;
      }
      default:
        assertNever(event);
    }
    if (rows.has(key)) touched.add(key);
  }
  await upsertRows(context, 'customers', KEY, [...touched].map((key) => rows.get(key) as Row));
}

/** The columns a registration or an update writes (the whole customer as the event carries it). */
function detailsOf(data: CustomerDetails): Row {
  return {
    name: data.name,
    email: data.email,
    line1: data.billingAddress.line1,
    line2: data.billingAddress.line2,
    city: data.billingAddress.city,
    region: data.billingAddress.region,
    postal_code: data.billingAddress.postalCode,
    country: data.billingAddress.country,
    tax_exempt: data.taxExempt,
  };
}
