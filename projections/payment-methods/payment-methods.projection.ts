import type { PaymentMethodEvent } from '../../libs/billing/src/index.js';
import { paymentMethodEventSchemas, paymentMethodEventTypes } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { tenantOfStream, recordedEventParser } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createPaymentMethodTables } from './payment-methods.tables.js';

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
  apply: applyPaymentMethodEvent,
};

export const parsePaymentMethodRecordedEvent = recordedEventParser<PaymentMethodEvent>(paymentMethodEventSchemas, 'payment method');

async function applyPaymentMethodEvent({ trx, schema }: ProjectionContext, recorded: RecordedEvent): Promise<void> {
  const tenantId = tenantOfStream(recorded.streamId);
  const event = parsePaymentMethodRecordedEvent(recorded);
  const db = trx.withSchema(schema);
  const update = (values: Record<string, unknown>) =>
    db.updateTable('payment_methods').set(values).where('tenant_id', '=', tenantId).where('payment_method_id', '=', event.data.paymentMethodId).execute();
  switch (event.type) {
    case 'PaymentMethodAdded': {
      const { data } = event;
      await db
        .insertInto('payment_methods')
        .values({
          tenant_id: tenantId,
          payment_method_id: data.paymentMethodId,
          customer_id: data.customerId,
          type: data.type,
          status: data.status,
          verification_status: data.verificationStatus,
          brand: data.brand,
          last4: data.last4,
          expiry_month: data.expiryMonth,
          expiry_year: data.expiryYear,
          holder_name: data.holderName,
          added_at: data.addedAt,
          updated_at: data.addedAt,
        })
        .execute();
      return;
    }
    case 'PaymentMethodVerified':
      await update({ status: 'active', verification_status: 'verified', verification_failure_reason: null, verified_at: event.data.verifiedAt, updated_at: event.data.verifiedAt });
      return;
    case 'PaymentMethodVerificationFailed':
      await update({ status: 'verification_failed', verification_status: 'failed', verification_failure_reason: event.data.reason, updated_at: event.data.failedAt });
      return;
    case 'PaymentMethodExpired':
      await update({ status: 'expired', expired_at: event.data.expiredAt, updated_at: event.data.expiredAt });
      return;
    case 'PaymentMethodDeactivated':
      await update({ status: 'inactive', deactivated_at: event.data.deactivatedAt, deactivation_reason: event.data.reason, updated_at: event.data.deactivatedAt });
      return;
    default:
      assertNever(event);
  }
}
