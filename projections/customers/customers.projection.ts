import type { CustomerEvent } from '../../libs/billing/src/index.js';
import { customerEventSchemas, customerEventTypes } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { tenantOfStream, recordedEventParser } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createCustomerTables } from './customers.tables.js';

/** The `customers` read model: each registered customer as it now is. Times come from the events, never the clock. */
export const customersProjection: Projection = {
  name: 'customers',
  version: 1,
  eventTypes: customerEventTypes,
  tables: ['customers'],
  createTables: createCustomerTables,
  apply: applyCustomerEvent,
};

export const parseCustomerRecordedEvent = recordedEventParser<CustomerEvent>(customerEventSchemas, 'customer');

async function applyCustomerEvent({ trx, schema }: ProjectionContext, recorded: RecordedEvent): Promise<void> {
  const tenantId = tenantOfStream(recorded.streamId);
  const event = parseCustomerRecordedEvent(recorded);
  const db = trx.withSchema(schema);
  const { data } = event;
  const row = {
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
  switch (event.type) {
    case 'CustomerRegistered':
      await db
        .insertInto('customers')
        .values({ tenant_id: tenantId, customer_id: event.data.customerId, ...row, registered_at: event.data.registeredAt, updated_at: event.data.registeredAt })
        .execute();
      return;
    case 'CustomerUpdated':
      await db
        .updateTable('customers')
        .set({ ...row, updated_at: event.data.updatedAt })
        .where('tenant_id', '=', tenantId)
        .where('customer_id', '=', event.data.customerId)
        .execute();
      return;
    default:
      assertNever(event);
  }
}
