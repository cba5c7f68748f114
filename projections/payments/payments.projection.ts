import { sql } from 'kysely';
import { paymentEventSchemas, paymentEventTypes, type PaymentEvent } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import { Money } from '../../libs/money/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { recordedEventParser, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createPaymentTables } from './payments.tables.js';

/**
 * The `payments` read model: each payment as it now is (status, attempts and next retry, the split over invoices and
 * the customer's credit, refunds and what remains refundable). Every value comes from the events, never the clock,
 * so a rebuild gives identical rows.
 */
export const paymentsProjection: Projection = {
  name: 'payments',
  version: 1,
  eventTypes: paymentEventTypes,
  tables: ['payments'],
  createTables: createPaymentTables,
  apply: applyPaymentEvent,
};

export const parsePaymentRecordedEvent = recordedEventParser<PaymentEvent>(paymentEventSchemas, 'payment');

async function applyPaymentEvent({ trx, schema }: ProjectionContext, recorded: RecordedEvent): Promise<void> {
  const tenantId = tenantOfStream(recorded.streamId);
  const event = parsePaymentRecordedEvent(recorded);
  const db = trx.withSchema(schema);
  const update = (values: Record<string, unknown>) =>
    db.updateTable('payments').set(values).where('tenant_id', '=', tenantId).where('payment_id', '=', event.data.paymentId).execute();
  switch (event.type) {
    case 'PaymentRecorded': {
      const { data } = event;
      const zero = Money.zero(data.currency).toString();
      await db
        .insertInto('payments')
        .values({
          tenant_id: tenantId,
          payment_id: data.paymentId,
          customer_id: data.customerId,
          // An offline payment is recorded succeeded; its PaymentSucceeded (same append) sets what success sets.
          status: data.status,
          amount: data.amount,
          currency: data.currency,
          method: data.method,
          reference: data.reference,
          payment_method_id: data.paymentMethodId,
          allocation_kind: data.allocation.kind,
          requested_allocations: JSON.stringify(data.allocation.kind === 'explicit' ? data.allocation.invoices : []),
          attempt: 1,
          recorded_at: data.recordedAt,
          refunded_total: zero,
          refundable: zero,
          updated_at: data.recordedAt,
        })
        .execute();
      return;
    }
    case 'PaymentProcessingStarted':
      await update({ status: 'processing', attempt: event.data.attempt, updated_at: event.data.startedAt });
      return;
    case 'PaymentSucceeded':
      await update({
        status: 'succeeded',
        gateway_reference: event.data.gatewayReference,
        succeeded_at: event.data.succeededAt,
        next_retry_at: null,
        refundable: event.data.amount,
        updated_at: event.data.succeededAt,
      });
      return;
    case 'PaymentFailed':
      await update({
        status: 'failed',
        attempt: event.data.attempt,
        last_failure_reason: event.data.reason,
        next_retry_at: event.data.nextRetryAt,
        updated_at: event.data.failedAt,
      });
      return;
    case 'PaymentRetryStarted':
      await update({ status: 'processing', attempt: event.data.attempt, next_retry_at: null, updated_at: event.data.startedAt });
      return;
    case 'PaymentCancelled':
      await update({ status: 'cancelled', cancelled_at: event.data.cancelledAt, cancellation_reason: event.data.reason, next_retry_at: null, updated_at: event.data.cancelledAt });
      return;
    case 'PaymentAllocated':
      await update({
        allocations: JSON.stringify(event.data.allocations),
        credit_amount: event.data.creditAmount,
        allocated_at: event.data.allocatedAt,
        updated_at: event.data.allocatedAt,
      });
      return;
    case 'PaymentRefunded': {
      const { data } = event;
      const refund = { refundId: data.refundId, amount: data.amount, method: data.method, reason: data.reason, refundedAt: data.refundedAt };
      await update({
        status: data.status,
        refunded_total: data.refundedTotal,
        refundable: data.refundable,
        refunds: sql`refunds || ${JSON.stringify([refund])}::jsonb`,
        updated_at: data.refundedAt,
      });
      return;
    }
    default:
      assertNever(event);
  }
}
