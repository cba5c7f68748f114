import { paymentMethodEventTypes } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createPaymentMethodTables } from './payment-methods.tables.js';
import { keyOf, loadRows, upsertRows, type Row } from '../common/batch-rows.js';

/**
 * The `payment_methods` read model: each method on file as it now is, without its gateway token. Times come from
 * the events, never the clock, so a rebuild gives identical rows.
 */
export const paymentMethodsProjection: Projection = {
  name: 'payment_methods',
  version: 1,
  eventTypes: paymentMethodEventTypes,
  tables: ['payment_methods'],
  createTables: createPaymentMethodTables,
  applyBatch: applyPaymentMethodBatch,
};

/** The registry's parser of the aggregate's stored events (libs/application/src/aggregates.ts). */
export const parsePaymentMethodRecordedEvent = aggregates.paymentMethod.parse;

const KEY = ['tenant_id', 'payment_method_id'];

/**
 * The batch folded in memory: the methods it touches are loaded in one statement, each event applied in log order,
 * and every touched row written once (one upsert).
 */
async function applyPaymentMethodBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ tenantId: tenantOfStream(recorded.streamId), event: parsePaymentMethodRecordedEvent(recorded) }));
  const rows = new Map<string, Row>();
  for (const row of await loadRows(context, 'payment_methods', KEY, parsed.map(({ tenantId, event }) => [tenantId, event.data.paymentMethodId]))) {
    rows.set(keyOf(row.tenant_id as string, row.payment_method_id as string), row);
  }
  const touched = new Set<string>();
  for (const { tenantId, event } of parsed) {
    const key = keyOf(tenantId, event.data.paymentMethodId);
    // A change to a method never added changes nothing, as the UPDATE did.
    const update = (values: Row) => {
      const row = rows.get(key);
      if (row) rows.set(key, { ...row, ...values });
    };
    switch (event.type) {
      case 'PaymentMethodAdded': {
        const { data } = event;
        // Added once: a second addition fails the batch, as the one-row INSERT did.
        if (rows.has(key)) throw new Error(`payment_methods: payment method ${data.paymentMethodId} of ${tenantId} is added already`);
        rows.set(key, {
          tenant_id: tenantId,
          payment_method_id: data.paymentMethodId,
          customer_id: data.customerId,
          type: data.type,
          status: data.status,
          verification_status: data.verificationStatus,
          verification_failure_reason: null,
          brand: data.brand,
          last4: data.last4,
          expiry_month: data.expiryMonth,
          expiry_year: data.expiryYear,
          holder_name: data.holderName,
          added_at: data.addedAt,
          verified_at: null,
          expired_at: null,
          deactivated_at: null,
          deactivation_reason: null,
          updated_at: data.addedAt,
        });
        break;
      }
      case 'PaymentMethodVerified':
        update({ status: 'active', verification_status: 'verified', verification_failure_reason: null, verified_at: event.data.verifiedAt, updated_at: event.data.verifiedAt });
        break;
      case 'PaymentMethodVerificationFailed':
        update({ status: 'verification_failed', verification_status: 'failed', verification_failure_reason: event.data.reason, updated_at: event.data.failedAt });
        break;
      case 'PaymentMethodExpired':
        update({ status: 'expired', expired_at: event.data.expiredAt, updated_at: event.data.expiredAt });
        break;
      case 'PaymentMethodDeactivated':
        update({ status: 'inactive', deactivated_at: event.data.deactivatedAt, deactivation_reason: event.data.reason, updated_at: event.data.deactivatedAt });
        break;
      default:
        assertNever(event);
    }
    if (rows.has(key)) touched.add(key);
  }
  await upsertRows(context, 'payment_methods', KEY, [...touched].map((key) => rows.get(key) as Row));
}
