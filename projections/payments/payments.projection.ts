import { paymentEventTypes, type PaymentEvent } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import { Money } from '../../libs/money/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { keyOf, upsertRows, type Row } from '../common/batch-rows.js';
import { loadRowsKeepingInstants } from '../common/batch-fold.js';
import { createPaymentTables } from './payments.tables.js';

/**
 * The `payments` read model: each payment as it now is (status, attempts and next retry, the split over invoices and
 * the customer's credit, refunds and what remains refundable). Every value comes from the events, never the clock,
 * so a rebuild gives identical rows. A batch costs two statements (load the payments it names, write those it changed).
 */
export const paymentsProjection: Projection = {
  name: 'payments',
  version: 2,
  eventTypes: paymentEventTypes,
  tables: ['payments'],
  createTables: createPaymentTables,
  applyBatch: applyPaymentBatch,
};

/** The registry's parser of the aggregate's stored events (libs/application/src/aggregates.ts). */
export const parsePaymentRecordedEvent = aggregates.payment.parse;

/** The timestamptz columns, read back as text so that a row written back whole keeps their exact instants. */
const INSTANT_COLUMNS = ['next_retry_at', 'recorded_at', 'succeeded_at', 'cancelled_at', 'allocated_at', 'updated_at'];

/**
 * The batch folded in memory: every payment it names is loaded in one statement, the events change those rows in
 * log order exactly as the per-event UPDATEs did (an event for a payment with no row changes nothing), and the rows
 * touched are written back whole in one statement.
 */
async function applyPaymentBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ tenantId: tenantOfStream(recorded.streamId), event: parsePaymentRecordedEvent(recorded) }));
  const keys = parsed.map(({ tenantId, event }) => [tenantId, event.data.paymentId]);
  const rows = new Map<string, Row>();
  for (const row of await loadRowsKeepingInstants(context, 'payments', ['tenant_id', 'payment_id'], keys, INSTANT_COLUMNS)) {
    rows.set(keyOf(row.tenant_id as string, row.payment_id as string), row);
  }
  const touched = new Set<string>();
  for (const { tenantId, event } of parsed) {
    const key = keyOf(tenantId, event.data.paymentId);
    const next = evolvePaymentRow(rows.get(key), tenantId, event);
    if (next === undefined) continue;
    rows.set(key, next);
    touched.add(key);
  }
  await upsertRows(
    context,
    'payments',
    ['tenant_id', 'payment_id'],
    [...touched].map((key) => rows.get(key) as Row),
  );
}

/** Every column of the table, so that each row written gives them all. */
const PAYMENT_COLUMNS_DEFAULTS: Row = {
  next_retry_at: null,
  last_failure_reason: null,
  gateway_reference: null,
  succeeded_at: null,
  cancelled_at: null,
  cancellation_reason: null,
  allocations: [],
  credit_amount: null,
  allocated_at: null,
  refunds: [],
};

/** The row after one event: what the per-event INSERT or UPDATE left. Undefined when the event changes no row. */
function evolvePaymentRow(row: Row | undefined, tenantId: string, event: PaymentEvent): Row | undefined {
  if (event.type === 'PaymentRecorded') {
    const { data } = event;
    const zero = Money.zero(data.currency).toString();
    return {
      ...PAYMENT_COLUMNS_DEFAULTS,
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
      bank_account_id: data.bankAccountId ?? null,
      allocation_kind: data.allocation.kind,
      requested_allocations: data.allocation.kind === 'explicit' ? data.allocation.invoices : [],
      attempt: 1,
      recorded_at: data.recordedAt,
      refunded_total: zero,
      refundable: zero,
      updated_at: data.recordedAt,
    };
  }
  // An UPDATE of a payment that has no row changes nothing.
  if (row === undefined) return undefined;
  // As a Kysely UPDATE ignores a value left undefined, the column keeps what it held.
  const update = (values: Row): Row => ({ ...row, ...Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) });
  switch (event.type) {
    case 'PaymentProcessingStarted':
      return update({ status: 'processing', attempt: event.data.attempt, updated_at: event.data.startedAt });
    case 'PaymentSucceeded':
      return update({
        status: 'succeeded',
        gateway_reference: event.data.gatewayReference,
        succeeded_at: event.data.succeededAt,
        next_retry_at: null,
        refundable: event.data.amount,
        updated_at: event.data.succeededAt,
      });
    case 'PaymentFailed':
      return update({
        status: 'failed',
        attempt: event.data.attempt,
        last_failure_reason: event.data.reason,
        next_retry_at: event.data.nextRetryAt,
        updated_at: event.data.failedAt,
      });
    case 'PaymentRetryStarted':
      return update({ status: 'processing', attempt: event.data.attempt, next_retry_at: null, updated_at: event.data.startedAt });
    case 'PaymentCancelled':
      return update({ status: 'cancelled', cancelled_at: event.data.cancelledAt, cancellation_reason: event.data.reason, next_retry_at: null, updated_at: event.data.cancelledAt });
    case 'PaymentAllocated':
      return update({
        allocations: event.data.allocations,
        credit_amount: event.data.creditAmount,
        allocated_at: event.data.allocatedAt,
        updated_at: event.data.allocatedAt,
      });
    case 'PaymentRefunded': {
      const { data } = event;
      const refund = { refundId: data.refundId, amount: data.amount, method: data.method, reason: data.reason, refundedAt: data.refundedAt };
      return update({
        status: data.status,
        refunded_total: data.refundedTotal,
        refundable: data.refundable,
        refunds: [...(row.refunds as unknown[]), refund],
        updated_at: data.refundedAt,
      });
    }
    default:
      return assertNever(event);
  }
}
