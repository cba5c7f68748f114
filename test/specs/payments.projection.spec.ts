import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { paymentsProjection } from '../../projections/payments/payments.projection.js';
import { PaymentQueries } from '../../projections/payments/payments.queries.js';
import { inStream, ProjectionSpecification } from '../../libs/testing/src/projection-spec.js';
import { cashPaymentRecorded, paymentAllocated, paymentRefunded, type PaymentFixture } from './billing-events.fixtures.js';
import { startProjectionSpecDatabase, type ProjectionSpecDatabase } from './projection-spec.support.js';

/**
 * The payments projection on its own, on real PostgreSQL: a payment's row through recording, allocation, refunds and
 * the gateway's failures. Amounts are NUMERIC without a scale, so they read back exactly as the events wrote them.
 */
describe('payments projection', () => {
  let database: ProjectionSpecDatabase;

  beforeAll(async () => {
    database = await startProjectionSpecDatabase();
  });

  afterAll(async () => {
    await database?.stop();
  });

  const spec = () => ProjectionSpecification.for({ projection: paymentsProjection, db: database.db });
  const stream = 'acme:payment-pay-1';
  const PAID_AT = '2026-03-05T12:00:00.000Z';
  const payment: PaymentFixture = { paymentId: 'pay-1', amount: '71.96', reference: 'CASH-0001', recordedAt: PAID_AT };
  const allocatedPayment = () => [
    ...cashPaymentRecorded(payment, [{ invoiceId: 'inv-1', amount: '71.96' }]).map((event) => inStream(stream, event)),
    inStream(stream, paymentAllocated('pay-1', [{ invoiceId: 'inv-1', amount: '71.96' }], '0.00', '2026-03-05T12:00:01.000Z')),
  ];
  const refund = (refundId: string, amount: string, refundedTotal: string, refundable: string, status: 'partially_refunded' | 'refunded', refundedAt: string) =>
    paymentRefunded({
      paymentId: 'pay-1',
      refundId,
      amount,
      method: 'original_payment',
      reason: 'Service cancelled',
      refundedTotal,
      refundable,
      invoices: [{ invoiceId: 'inv-1', amount }],
      fromCredit: '0.00',
      status,
      refundedAt,
    });

  /** pay-1 as recorded, succeeded and allocated; cases override what later events change. */
  const allocatedRow = (overrides: Record<string, unknown> = {}) => ({
    tenant_id: 'acme',
    payment_id: 'pay-1',
    customer_id: 'customer-1',
    status: 'succeeded',
    amount: '71.96',
    currency: 'USD',
    method: 'cash',
    reference: 'CASH-0001',
    payment_method_id: null,
    bank_account_id: null,
    allocation_kind: 'explicit',
    requested_allocations: [{ invoiceId: 'inv-1', amount: '71.96' }],
    attempt: 1,
    next_retry_at: null,
    last_failure_reason: null,
    gateway_reference: null,
    recorded_at: PAID_AT,
    succeeded_at: PAID_AT,
    cancelled_at: null,
    cancellation_reason: null,
    allocations: [{ invoiceId: 'inv-1', amount: '71.96' }],
    credit_amount: '0.00',
    allocated_at: '2026-03-05T12:00:01.000Z',
    refunded_total: '0.00',
    refundable: '71.96',
    refunds: [],
    updated_at: '2026-03-05T12:00:01.000Z',
    ...overrides,
  });

  it('recorded, succeeded and allocated: the whole amount refundable, the split kept', async () => {
    await spec().given(allocatedPayment()).then({ payments: [allocatedRow()] });
  });

  it('a partial then a full refund: each refund listed, the status and the refundable amount follow', async () => {
    await spec()
      .given(allocatedPayment())
      .when([
        inStream(stream, refund('refund-1', '20.00', '20.00', '51.96', 'partially_refunded', '2026-03-09T15:30:00.000Z')),
        inStream(stream, refund('refund-2', '51.96', '71.96', '0.00', 'refunded', '2026-03-10T09:00:00.000Z')),
      ])
      .then({
        payments: [
          allocatedRow({
            status: 'refunded',
            refunded_total: '71.96',
            refundable: '0.00',
            refunds: [
              { refundId: 'refund-1', amount: '20.00', method: 'original_payment', reason: 'Service cancelled', refundedAt: '2026-03-09T15:30:00.000Z' },
              { refundId: 'refund-2', amount: '51.96', method: 'original_payment', reason: 'Service cancelled', refundedAt: '2026-03-10T09:00:00.000Z' },
            ],
            updated_at: '2026-03-10T09:00:00.000Z',
          }),
        ],
      });
  });

  it('a card payment that failed at the gateway: failed, with the attempt, the reason and the next retry', async () => {
    const card = 'acme:payment-pay-2';
    await spec()
      .given([
        inStream(card, {
          type: 'PaymentRecorded',
          data: {
            paymentId: 'pay-2',
            customerId: 'customer-1',
            amount: '15.00',
            currency: 'USD',
            method: 'card',
            reference: 'ch_3Pq',
            paymentMethodId: 'pm-1',
            allocation: { kind: 'oldest_due_first' },
            status: 'pending',
            recordedAt: PAID_AT,
          },
        }),
        inStream(card, { type: 'PaymentProcessingStarted', data: { paymentId: 'pay-2', attempt: 1, startedAt: '2026-03-05T12:00:05.000Z' } }),
        inStream(card, {
          type: 'PaymentFailed',
          data: {
            paymentId: 'pay-2',
            reason: 'card_declined',
            attempt: 1,
            maxRetryAttempts: 3,
            retriesRemaining: 3,
            nextRetryAt: '2026-03-06T12:00:10.000Z',
            failedAt: '2026-03-05T12:00:10.000Z',
          },
        }),
      ])
      .then({
        payments: [
          {
            tenant_id: 'acme',
            payment_id: 'pay-2',
            customer_id: 'customer-1',
            status: 'failed',
            amount: '15.00',
            currency: 'USD',
            method: 'card',
            reference: 'ch_3Pq',
            payment_method_id: 'pm-1',
            bank_account_id: null,
            allocation_kind: 'oldest_due_first',
            requested_allocations: [],
            attempt: 1,
            next_retry_at: '2026-03-06T12:00:10.000Z',
            last_failure_reason: 'card_declined',
            gateway_reference: null,
            recorded_at: PAID_AT,
            succeeded_at: null,
            cancelled_at: null,
            cancellation_reason: null,
            allocations: [],
            credit_amount: null,
            allocated_at: null,
            refunded_total: '0.00',
            // Nothing was received, so nothing can be refunded.
            refundable: '0.00',
            refunds: [],
            updated_at: '2026-03-05T12:00:10.000Z',
          },
        ],
      });
  });

  it('PaymentQueries.getPayment reads the row back as the API shows a payment', async () => {
    await spec()
      .given([...allocatedPayment(), inStream(stream, refund('refund-1', '20.00', '20.00', '51.96', 'partially_refunded', '2026-03-09T15:30:00.000Z'))])
      .thenQuery((db, schema) => new PaymentQueries(db, schema).getPayment('acme', 'pay-1'), {
        id: 'pay-1',
        customerId: 'customer-1',
        status: 'partially_refunded',
        amount: '71.96',
        currency: 'USD',
        method: 'cash',
        reference: 'CASH-0001',
        paymentMethodId: null,
        bankAccountId: null,
        allocationKind: 'explicit',
        requestedAllocations: [{ invoiceId: 'inv-1', amount: '71.96' }],
        attempt: 1,
        nextRetryAt: null,
        lastFailureReason: null,
        gatewayReference: null,
        recordedAt: PAID_AT,
        succeededAt: PAID_AT,
        cancelledAt: null,
        cancellationReason: null,
        allocations: [{ invoiceId: 'inv-1', amount: '71.96' }],
        creditAmount: '0.00',
        allocatedAt: '2026-03-05T12:00:01.000Z',
        refundedTotal: '20.00',
        refundable: '51.96',
        refunds: [{ refundId: 'refund-1', amount: '20.00', method: 'original_payment', reason: 'Service cancelled', refundedAt: '2026-03-09T15:30:00.000Z' }],
      });
  });
});
