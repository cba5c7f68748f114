import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import {
  paymentDefaults,
  retryPolicyOf,
  type AllocatePayment,
  type CancelPayment,
  type MarkPaymentFailed,
  type MarkPaymentSucceeded,
  type PaymentCommand,
  type RecordPayment,
  type RefundPayment,
  type RetryPayment,
  type StartPaymentProcessing,
} from './payment.commands.js';
import { paymentDecider, refundableOf } from './payment.decider.js';
import {
  paymentEventSchemas,
  type PaymentAllocated,
  type PaymentCancelled,
  type PaymentEvent,
  type PaymentFailed,
  type PaymentProcessingStarted,
  type PaymentRecorded,
  type PaymentRefunded,
  type PaymentRetryStarted,
  type PaymentSucceeded,
} from './payment.events.js';

const spec = DeciderSpecification.for(paymentDecider);

const recordedAt = '2024-01-15T09:30:00.000Z';
const settledAt = '2024-01-15T09:31:00.000Z';
const failedAt = '2024-01-16T10:00:00.000Z';
// failedAt + 24 hours (the default interval).
const retryDueAt = '2024-01-17T10:00:00.000Z';
const later = '2024-01-20T12:00:00.000Z';
const paymentId = 'pay-1';
const customerId = 'cus-1';

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

function record(data: Partial<RecordPayment['data']> = {}, now = recordedAt): RecordPayment {
  return {
    type: 'RecordPayment',
    data: { paymentId, customerId, amount: '100.00', currency: 'USD', method: 'card', reference: 'ch_3NxA1', allocation: { kind: 'oldest_due_first' }, ...data },
    metadata: { now },
  };
}
function startProcessing(now = recordedAt): StartPaymentProcessing {
  return { type: 'StartPaymentProcessing', data: { paymentId }, metadata: { now } };
}
function markSucceeded(gatewayReference?: string | null, now = settledAt): MarkPaymentSucceeded {
  return { type: 'MarkPaymentSucceeded', data: { paymentId, ...(gatewayReference === undefined ? {} : { gatewayReference }) }, metadata: { now } };
}
function markFailed(data: Partial<MarkPaymentFailed['data']> = {}, now = failedAt): MarkPaymentFailed {
  return { type: 'MarkPaymentFailed', data: { paymentId, reason: 'card_declined', retryPolicy: paymentDefaults.retryPolicy, ...data }, metadata: { now } };
}
function retry(now = retryDueAt): RetryPayment {
  return { type: 'RetryPayment', data: { paymentId }, metadata: { now } };
}
function cancel(reason = 'Customer paid by wire instead', now = later): CancelPayment {
  return { type: 'CancelPayment', data: { paymentId, reason }, metadata: { now } };
}
function allocate(data: Partial<AllocatePayment['data']> = {}, now = later): AllocatePayment {
  return {
    type: 'AllocatePayment',
    data: { paymentId, allocations: [{ invoiceId: 'inv-1', amount: '71.96' }, { invoiceId: 'inv-2', amount: '20.00' }], creditAmount: '8.04', ...data },
    metadata: { now },
  };
}
function refund(data: Partial<RefundPayment['data']> = {}, now = later): RefundPayment {
  return { type: 'RefundPayment', data: { paymentId, refundId: 'ref-1', amount: '30.00', method: 'original_payment', reason: 'Service outage credit', ...data }, metadata: { now } };
}

function recorded(data: Partial<PaymentRecorded['data']> = {}): PaymentRecorded {
  return {
    type: 'PaymentRecorded',
    data: {
      paymentId,
      customerId,
      amount: '100.00',
      currency: 'USD',
      method: 'card',
      reference: 'ch_3NxA1',
      paymentMethodId: null,
      allocation: { kind: 'oldest_due_first' },
      status: 'pending',
      recordedAt,
      ...data,
    },
  };
}
function processingStarted(): PaymentProcessingStarted {
  return { type: 'PaymentProcessingStarted', data: { paymentId, attempt: 1, startedAt: recordedAt } };
}
function succeeded(data: Partial<PaymentSucceeded['data']> = {}): PaymentSucceeded {
  return {
    type: 'PaymentSucceeded',
    data: { paymentId, customerId, amount: '100.00', currency: 'USD', method: 'card', gatewayReference: 'txn_991', succeededAt: settledAt, ...data },
  };
}
function failed(data: Partial<PaymentFailed['data']> = {}): PaymentFailed {
  return {
    type: 'PaymentFailed',
    data: { paymentId, reason: 'card_declined', attempt: 1, maxRetryAttempts: 3, retriesRemaining: 3, nextRetryAt: retryDueAt, failedAt, ...data },
  };
}
function retryStarted(attempt: number, startedAt = retryDueAt): PaymentRetryStarted {
  return { type: 'PaymentRetryStarted', data: { paymentId, attempt, startedAt } };
}
function cancelled(): PaymentCancelled {
  return { type: 'PaymentCancelled', data: { paymentId, reason: 'Customer paid by wire instead', cancelledAt: later } };
}
function allocated(data: Partial<PaymentAllocated['data']> = {}): PaymentAllocated {
  return {
    type: 'PaymentAllocated',
    data: {
      paymentId,
      customerId,
      currency: 'USD',
      allocations: [{ invoiceId: 'inv-1', amount: '71.96' }, { invoiceId: 'inv-2', amount: '20.00' }],
      creditAmount: '8.04',
      allocatedAt: later,
      ...data,
    },
  };
}
function refunded(data: Partial<PaymentRefunded['data']> = {}): PaymentRefunded {
  return {
    type: 'PaymentRefunded',
    data: {
      paymentId,
      customerId,
      refundId: 'ref-1',
      amount: '30.00',
      currency: 'USD',
      method: 'original_payment',
      reason: 'Service outage credit',
      refundedTotal: '30.00',
      refundable: '70.00',
      invoices: [
        { invoiceId: 'inv-2', amount: '20.00' },
        { invoiceId: 'inv-1', amount: '10.00' },
      ],
      fromCredit: '0.00',
      status: 'partially_refunded',
      refundedAt: later,
      ...data,
    },
  };
}

const pendingHistory: PaymentEvent[] = [recorded()];
const processingHistory: PaymentEvent[] = [...pendingHistory, processingStarted()];
const succeededHistory: PaymentEvent[] = [...processingHistory, succeeded()];
const failedHistory: PaymentEvent[] = [...processingHistory, failed()];
const cancelledHistory: PaymentEvent[] = [...pendingHistory, cancelled()];
// Allocated: 71.96 to inv-1, then 20.00 to inv-2, and 8.04 of excess to the customer's credit.
const allocatedHistory: PaymentEvent[] = [...succeededHistory, allocated()];
// ref-1 (30.00) took inv-2's 20.00 (allocated last) and 10.00 of inv-1's 71.96.
const partiallyRefundedHistory: PaymentEvent[] = [...allocatedHistory, refunded()];
// ref-2 (70.00) took the other 61.96 of inv-1, then the 8.04 of credit.
const theRestRefunded = refunded({
  refundId: 'ref-2',
  amount: '70.00',
  refundedTotal: '100.00',
  refundable: '0.00',
  invoices: [{ invoiceId: 'inv-1', amount: '61.96' }],
  fromCredit: '8.04',
  status: 'refunded',
});
const refundedHistory: PaymentEvent[] = [...partiallyRefundedHistory, theRestRefunded];

describe('no payment', () => {
  it('RecordPayment by card records it pending, with no method on file and the allocation request', () => {
    spec.given([]).when(record()).then([recorded()]);
  });

  it.each(['cash', 'check', 'wire_transfer'] as const)('RecordPayment by %s (offline) records it succeeded and announces the success', (method) => {
    spec
      .given([])
      .when(record({ method, reference: 'CHK-001042' }))
      .then([
        recorded({ method, reference: 'CHK-001042', status: 'succeeded' }),
        succeeded({ method, gatewayReference: null, succeededAt: recordedAt }),
      ]);
  });

  it('RecordPayment with an explicit allocation keeps it, amounts fixed to the minor unit', () => {
    spec
      .given([])
      .when(
        record({
          paymentMethodId: 'pm-1',
          allocation: { kind: 'explicit', invoices: [{ invoiceId: 'inv-1', amount: '71.96', currency: 'USD' }, { invoiceId: 'inv-2', amount: '28' }] },
        }),
      )
      .then([
        recorded({
          paymentMethodId: 'pm-1',
          allocation: { kind: 'explicit', invoices: [{ invoiceId: 'inv-1', amount: '71.96' }, { invoiceId: 'inv-2', amount: '28.00' }] },
        }),
      ]);
  });

  it('RecordPayment in JPY keeps whole yen', () => {
    spec.given([]).when(record({ amount: '12000', currency: 'JPY' })).then([recorded({ amount: '12000', currency: 'JPY' })]);
  });

  it.each([
    ['a zero amount', { amount: '0.00' }, /amount must be greater than 0/],
    ['a negative amount', { amount: '-5.00' }, /amount must be greater than 0/],
    ['a float amount', { amount: unchecked<string>(100.5) }, /amount must be a decimal string/],
    ['more decimals than the currency has', { amount: '10.001' }, /has 3 decimal places/],
    ['an unknown currency', { currency: 'XYZ' }, /currency must be a supported ISO 4217/],
    ['an unknown method', { method: unchecked<'card'>('barter') }, /method must be one of/],
    ['a blank reference', { reference: '   ' }, /reference is required/],
    ['no allocation', { allocation: unchecked<RecordPayment['data']['allocation']>(undefined) }, /allocation must be an object/],
    ['an unknown allocation kind', { allocation: unchecked<RecordPayment['data']['allocation']>({ kind: 'newest_first' }) }, /allocation.kind must be one of/],
    ['an explicit allocation naming no invoice', { allocation: { kind: 'explicit' as const, invoices: [] } }, /must name at least one invoice/],
    [
      'an explicit allocation listing an invoice twice',
      { allocation: { kind: 'explicit' as const, invoices: [{ invoiceId: 'inv-1', amount: '10.00' }, { invoiceId: 'inv-1', amount: '5.00' }] } },
      /invoice inv-1 is listed more than once/,
    ],
    [
      'an explicit allocation of zero',
      { allocation: { kind: 'explicit' as const, invoices: [{ invoiceId: 'inv-1', amount: '0' }] } },
      /allocation.invoices\[0\].amount must be greater than 0/,
    ],
    [
      'explicit allocations above the amount',
      { allocation: { kind: 'explicit' as const, invoices: [{ invoiceId: 'inv-1', amount: '60.00' }, { invoiceId: 'inv-2', amount: '40.01' }] } },
      /add up to 100.01 USD, more than the payment's 100.00/,
    ],
    ['a payment id with spaces around it', { paymentId: ' pay-1 ' }, /paymentId must not start or end with whitespace/],
  ])('RecordPayment with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(record(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('RecordPayment with an explicit allocation in another currency fails CURRENCY_MISMATCH', () => {
    spec
      .given([])
      .when(record({ allocation: { kind: 'explicit', invoices: [{ invoiceId: 'inv-1', amount: '10.00', currency: 'EUR' }] } }))
      .thenThrows('CURRENCY_MISMATCH', /is in EUR but the payment is in USD/);
  });

  it('RecordPayment without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...record(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });

  it.each<[string, PaymentCommand]>([
    ['StartPaymentProcessing', startProcessing()],
    ['MarkPaymentSucceeded', markSucceeded()],
    ['MarkPaymentFailed', markFailed()],
    ['RetryPayment', retry()],
    ['CancelPayment', cancel()],
    ['AllocatePayment', allocate()],
    ['RefundPayment', refund()],
  ])('%s fails NOT_FOUND', (_name, command) => {
    spec.given([]).when(command).thenThrows('NOT_FOUND', /Payment "pay-1" does not exist/);
  });
});

describe('pending', () => {
  it('is the state after PaymentRecorded', () => {
    expect(fold(paymentDecider, pendingHistory)).toMatchObject({ status: 'pending', attempt: 1, amount: '100.00', refundedTotal: '0.00', allocation: null });
  });

  it('StartPaymentProcessing moves it to processing', () => {
    spec.given(pendingHistory).when(startProcessing()).then([processingStarted()]);
  });

  it('MarkPaymentSucceeded succeeds it, with the gateway reference', () => {
    spec.given(pendingHistory).when(markSucceeded('txn_991')).then([succeeded()]);
  });

  it('MarkPaymentSucceeded without a gateway reference records null', () => {
    spec.given(pendingHistory).when(markSucceeded()).then([succeeded({ gatewayReference: null })]);
  });

  it('MarkPaymentFailed fails attempt 1 and schedules a retry interval hours later', () => {
    spec.given(pendingHistory).when(markFailed()).then([failed()]);
  });

  it('MarkPaymentFailed with retries turned off (policy null) schedules none', () => {
    spec
      .given(pendingHistory)
      .when(markFailed({ retryPolicy: null }))
      .then([failed({ maxRetryAttempts: 0, retriesRemaining: 0, nextRetryAt: null })]);
  });

  it('MarkPaymentFailed takes an instant with an offset and schedules in UTC', () => {
    spec
      .given(pendingHistory)
      .when(markFailed({ retryPolicy: { maxAttempts: 1, intervalHours: 2 } }, '2024-01-16T10:00:00+02:00'))
      .then([failed({ maxRetryAttempts: 1, retriesRemaining: 1, nextRetryAt: '2024-01-16T10:00:00.000Z', failedAt: '2024-01-16T10:00:00+02:00' })]);
  });

  it.each([
    ['0 attempts', { maxAttempts: 0, intervalHours: 24 }, /retryPolicy.maxAttempts must be an integer from 1 to 10/],
    ['11 attempts', { maxAttempts: 11, intervalHours: 24 }, /retryPolicy.maxAttempts/],
    ['an interval of 0 hours', { maxAttempts: 3, intervalHours: 0 }, /retryPolicy.intervalHours must be an integer from 1 to 168/],
    ['an interval over a week', { maxAttempts: 3, intervalHours: 169 }, /retryPolicy.intervalHours/],
    ['a fractional interval', { maxAttempts: 3, intervalHours: 1.5 }, /retryPolicy.intervalHours/],
    ['no policy at all', undefined, /retryPolicy must be an object/],
  ])('MarkPaymentFailed with %s fails VALIDATION_FAILED', (_case, retryPolicy, message) => {
    spec.given(pendingHistory).when(markFailed({ retryPolicy: unchecked(retryPolicy) })).thenThrows('VALIDATION_FAILED', message);
  });

  it('MarkPaymentFailed without a reason fails VALIDATION_FAILED', () => {
    spec.given(pendingHistory).when(markFailed({ reason: '' })).thenThrows('VALIDATION_FAILED', /reason is required/);
  });

  it('CancelPayment cancels it', () => {
    spec.given(pendingHistory).when(cancel()).then([cancelled()]);
  });

  it('RecordPayment again with the same data is acknowledged without an event', () => {
    spec.given(pendingHistory).when(record({ amount: '100' }, later)).thenNothing();
  });

  it('RecordPayment again with different data fails ALREADY_EXISTS', () => {
    spec.given(pendingHistory).when(record({ amount: '90.00' })).thenThrows('ALREADY_EXISTS', /already exists \(status pending\) with different data/);
  });

  it('AllocatePayment fails PAYMENT_NOT_SUCCEEDED', () => {
    spec.given(pendingHistory).when(allocate()).thenThrows('PAYMENT_NOT_SUCCEEDED', /is pending: only a succeeded payment can be allocated/);
  });

  it('RefundPayment fails PAYMENT_NOT_SUCCEEDED', () => {
    spec.given(pendingHistory).when(refund()).thenThrows('PAYMENT_NOT_SUCCEEDED', /only a succeeded or partially_refunded payment can be refunded/);
  });

  it('RetryPayment fails PAYMENT_NOT_FAILED', () => {
    spec.given(pendingHistory).when(retry()).thenThrows('PAYMENT_NOT_FAILED', /only a failed payment can be retried/);
  });

  it('a command for another payment, decided on this stream, is a programmer error', () => {
    const command: StartPaymentProcessing = { ...startProcessing(), data: { paymentId: 'pay-2' } };
    expect(() => paymentDecider.decide(command, fold(paymentDecider, pendingHistory))).toThrow(/was decided on the stream of pay-1/);
  });
});

describe('processing', () => {
  it('StartPaymentProcessing again is acknowledged without an event', () => {
    spec.given(processingHistory).when(startProcessing()).thenNothing();
  });

  it('MarkPaymentSucceeded succeeds it', () => {
    spec.given(processingHistory).when(markSucceeded('txn_991')).then([succeeded()]);
  });

  it('MarkPaymentFailed fails it', () => {
    spec.given(processingHistory).when(markFailed()).then([failed()]);
  });

  it('CancelPayment cancels it', () => {
    spec.given(processingHistory).when(cancel()).then([cancelled()]);
  });

  it('a gateway reference longer than 200 characters fails VALIDATION_FAILED', () => {
    spec.given(processingHistory).when(markSucceeded('x'.repeat(201))).thenThrows('VALIDATION_FAILED', /gatewayReference must be at most 200/);
  });
});

describe('succeeded', () => {
  it('is the state after PaymentSucceeded, everything refundable', () => {
    const state = fold(paymentDecider, succeededHistory);
    expect(state).toMatchObject({ status: 'succeeded', gatewayReference: 'txn_991', succeededAt: settledAt });
    expect(refundableOf(state)).toBe('100.00');
  });

  it('MarkPaymentSucceeded again (a redelivered webhook) is acknowledged without an event', () => {
    spec.given(succeededHistory).when(markSucceeded('txn_991')).thenNothing();
  });

  it.each<[string, PaymentCommand]>([
    ['StartPaymentProcessing', startProcessing()],
    ['MarkPaymentFailed', markFailed()],
    ['CancelPayment', cancel()],
  ])('%s fails PAYMENT_NOT_PENDING', (_name, command) => {
    spec.given(succeededHistory).when(command).thenThrows('PAYMENT_NOT_PENDING', /Payment pay-1 is succeeded/);
  });

  it('RetryPayment fails PAYMENT_NOT_FAILED', () => {
    spec.given(succeededHistory).when(retry()).thenThrows('PAYMENT_NOT_FAILED');
  });

  it('AllocatePayment splits it over invoices and credit, adding up exactly', () => {
    spec.given(succeededHistory).when(allocate()).then([allocated()]);
  });

  it('AllocatePayment may put everything on the customer credit', () => {
    spec.given(succeededHistory).when(allocate({ allocations: [], creditAmount: '100' })).then([allocated({ allocations: [], creditAmount: '100.00' })]);
  });

  it('AllocatePayment of an offline payment works from the moment it is recorded', () => {
    const history = paymentDecider.decide(record({ method: 'cash', reference: 'Till 3' }), paymentDecider.initialState);
    spec
      .given(history)
      .when(allocate({ allocations: [{ invoiceId: 'inv-1', amount: '100.00' }], creditAmount: '0' }))
      .then([allocated({ allocations: [{ invoiceId: 'inv-1', amount: '100.00' }], creditAmount: '0.00' })]);
  });

  it.each([
    ['a split below the amount', { creditAmount: '8.03' }, /come to 99.99 USD but the payment is 100.00: they must add up exactly/],
    ['a split above the amount', { creditAmount: '8.05' }, /come to 100.01 USD/],
    ['a negative credit', { allocations: [{ invoiceId: 'inv-1', amount: '101.00' }], creditAmount: '-1.00' }, /creditAmount must not be negative/],
    ['a zero allocation', { allocations: [{ invoiceId: 'inv-1', amount: '0.00' }], creditAmount: '100.00' }, /allocations\[0\].amount must be greater than 0/],
    [
      'an invoice twice',
      { allocations: [{ invoiceId: 'inv-1', amount: '50.00' }, { invoiceId: 'inv-1', amount: '50.00' }], creditAmount: '0' },
      /invoice inv-1 is listed more than once/,
    ],
    ['allocations that are not a list', { allocations: unchecked<AllocatePayment['data']['allocations']>('inv-1') }, /allocations must be a list/],
    ['a float credit', { creditAmount: unchecked<string>(8.04) }, /creditAmount must be a decimal string/],
  ])('AllocatePayment with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given(succeededHistory).when(allocate(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('AllocatePayment with an allocation in another currency fails CURRENCY_MISMATCH', () => {
    spec
      .given(succeededHistory)
      .when(allocate({ allocations: [{ invoiceId: 'inv-1', amount: '100.00', currency: 'EUR' }], creditAmount: '0' }))
      .thenThrows('CURRENCY_MISMATCH', /allocations\[0\] is in EUR/);
  });

  describe('with an explicit request (inv-1 for 60.00, inv-2 for 40.00)', () => {
    const explicit = { kind: 'explicit' as const, invoices: [{ invoiceId: 'inv-1', amount: '60.00' }, { invoiceId: 'inv-2', amount: '40.00' }] };
    const history: PaymentEvent[] = [recorded({ allocation: explicit }), succeeded()];

    it('AllocatePayment may pay less than asked (a smaller balance) and credit the rest', () => {
      const command = allocate({ allocations: [{ invoiceId: 'inv-1', amount: '60.00' }, { invoiceId: 'inv-2', amount: '15.50' }], creditAmount: '24.50' });
      spec
        .given(history)
        .when(command)
        .then([allocated({ allocations: [{ invoiceId: 'inv-1', amount: '60.00' }, { invoiceId: 'inv-2', amount: '15.50' }], creditAmount: '24.50' })]);
    });

    it('AllocatePayment to an invoice the payer did not name fails VALIDATION_FAILED', () => {
      spec
        .given(history)
        .when(allocate({ allocations: [{ invoiceId: 'inv-9', amount: '60.00' }], creditAmount: '40.00' }))
        .thenThrows('VALIDATION_FAILED', /invoice inv-9 is not among the invoices the payer asked to pay/);
    });

    it('AllocatePayment of more than asked on an invoice fails VALIDATION_FAILED', () => {
      spec
        .given(history)
        .when(allocate({ allocations: [{ invoiceId: 'inv-1', amount: '60.01' }], creditAmount: '39.99' }))
        .thenThrows('VALIDATION_FAILED', /60.01 is more than the 60.00 the payer asked to pay on invoice inv-1/);
    });
  });

  it('AllocatePayment again with the same split (in another order) is acknowledged without an event', () => {
    spec
      .given([...succeededHistory, allocated()])
      .when(allocate({ allocations: [{ invoiceId: 'inv-2', amount: '20' }, { invoiceId: 'inv-1', amount: '71.96' }] }))
      .thenNothing();
  });

  it('AllocatePayment again with another split fails PAYMENT_ALREADY_ALLOCATED', () => {
    spec
      .given([...succeededHistory, allocated()])
      .when(allocate({ allocations: [{ invoiceId: 'inv-1', amount: '100.00' }], creditAmount: '0' }))
      .thenThrows('PAYMENT_ALREADY_ALLOCATED', /was already allocated at 2024-01-20T12:00:00.000Z/);
  });

  it('RefundPayment before the payment is allocated fails PAYMENT_NOT_ALLOCATED (the invoices to reopen are not known yet)', () => {
    spec.given(succeededHistory).when(refund()).thenThrows('PAYMENT_NOT_ALLOCATED', /Payment pay-1 has not been allocated yet/);
  });

  it('RefundPayment of part records partially_refunded, what stays refundable, and the invoices it reopens, last allocated first', () => {
    spec.given(allocatedHistory).when(refund()).then([refunded()]);
  });

  it('RefundPayment of less than the last allocation takes it from that invoice only', () => {
    spec
      .given(allocatedHistory)
      .when(refund({ amount: '5.00' }))
      .then([refunded({ amount: '5.00', refundedTotal: '5.00', refundable: '95.00', invoices: [{ invoiceId: 'inv-2', amount: '5.00' }] })]);
  });

  it('RefundPayment of everything reopens every invoice and takes the whole excess back from the customer credit', () => {
    spec
      .given(allocatedHistory)
      .when(refund({ amount: '100' }))
      .then([
        refunded({
          amount: '100.00',
          refundedTotal: '100.00',
          refundable: '0.00',
          invoices: [
            { invoiceId: 'inv-2', amount: '20.00' },
            { invoiceId: 'inv-1', amount: '71.96' },
          ],
          fromCredit: '8.04',
          status: 'refunded',
        }),
      ]);
  });

  it('RefundPayment of a payment that went wholly to credit takes it all from the credit', () => {
    spec
      .given([...succeededHistory, allocated({ allocations: [], creditAmount: '100.00' })])
      .when(refund({ amount: '40.00' }))
      .then([refunded({ amount: '40.00', refundedTotal: '40.00', refundable: '60.00', invoices: [], fromCredit: '40.00' })]);
  });

  it('RefundPayment to store credit is recorded as such, with invoice parts only (the process manager credits the customer)', () => {
    spec.given(allocatedHistory).when(refund({ method: 'store_credit' })).then([refunded({ method: 'store_credit' })]);
  });

  it('RefundPayment to store credit of more than the invoice parts fails AMOUNT_EXCEEDS_REFUNDABLE, saying what is refundable as store credit', () => {
    spec
      .given(allocatedHistory)
      .when(refund({ amount: '92.00', method: 'store_credit' }))
      .thenThrows('AMOUNT_EXCEEDS_REFUNDABLE', /Refund of 92.00 USD as store credit exceeds the 91.96 USD .* only that is refundable as store credit/);
  });

  it('RefundPayment to store credit of a payment that went wholly to credit fails AMOUNT_EXCEEDS_REFUNDABLE (0 is refundable as store credit)', () => {
    spec
      .given([...succeededHistory, allocated({ allocations: [], creditAmount: '100.00' })])
      .when(refund({ amount: '1.00', method: 'store_credit' }))
      .thenThrows('AMOUNT_EXCEEDS_REFUNDABLE', /exceeds the 0.00 USD .* refundable as store credit/);
  });

  it('RefundPayment of more than the amount fails AMOUNT_EXCEEDS_REFUNDABLE', () => {
    spec
      .given(allocatedHistory)
      .when(refund({ amount: '100.01' }))
      .thenThrows('AMOUNT_EXCEEDS_REFUNDABLE', /Refund of 100.01 USD exceeds the 100.00 USD still refundable on payment pay-1/);
  });

  it.each([
    ['a zero amount', { amount: '0' }, /amount must be greater than 0/],
    ['a float amount', { amount: unchecked<string>(30) }, /amount must be a decimal string/],
    ['too many decimals', { amount: '30.001' }, /has 3 decimal places/],
    ['an unknown method', { method: unchecked<'card'>('cash') }, /method must be one of original_payment, bank_account, card, store_credit, check/],
    ['no reason', { reason: ' ' }, /reason is required/],
    ['no refund id', { refundId: '' }, /refundId is required/],
  ])('RefundPayment with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given(allocatedHistory).when(refund(data)).thenThrows('VALIDATION_FAILED', message);
  });
});

describe('failed', () => {
  it('is the state after PaymentFailed, with the next retry due', () => {
    expect(fold(paymentDecider, failedHistory)).toMatchObject({ status: 'failed', attempt: 1, nextRetryAt: retryDueAt, lastFailureReason: 'card_declined' });
  });

  it('RetryPayment before the retry is due fails RETRY_NOT_DUE', () => {
    spec.given(failedHistory).when(retry('2024-01-17T09:59:59.999Z')).thenThrows('RETRY_NOT_DUE', /may be retried from 2024-01-17T10:00:00.000Z/);
  });

  it('RetryPayment once due starts attempt 2 (processing)', () => {
    spec.given(failedHistory).when(retry()).then([retryStarted(2)]);
    expect(fold(paymentDecider, [...failedHistory, retryStarted(2)])).toMatchObject({ status: 'processing', attempt: 2, nextRetryAt: null });
  });

  it('a retried attempt that succeeds succeeds the payment', () => {
    spec.given([...failedHistory, retryStarted(2)]).when(markSucceeded('txn_992', later)).then([succeeded({ gatewayReference: 'txn_992', succeededAt: later })]);
  });

  it('the third retry (attempt 4) failing exhausts a policy of 3 retries', () => {
    const history: PaymentEvent[] = [
      ...failedHistory,
      retryStarted(2),
      failed({ attempt: 2, retriesRemaining: 2 }),
      retryStarted(3),
      failed({ attempt: 3, retriesRemaining: 1 }),
      retryStarted(4),
    ];
    spec.given(history).when(markFailed({}, later)).then([failed({ attempt: 4, retriesRemaining: 0, nextRetryAt: null, failedAt: later })]);
  });

  it('RetryPayment when no retry is left fails RETRIES_EXHAUSTED', () => {
    spec
      .given([...processingHistory, failed({ retriesRemaining: 0, maxRetryAttempts: 0, nextRetryAt: null })])
      .when(retry(later))
      .thenThrows('RETRIES_EXHAUSTED', /has no retry left after 1 attempt/);
  });

  it('a policy that shrank below the retries already used leaves none', () => {
    spec
      .given([...failedHistory, retryStarted(2), failed({ attempt: 2, retriesRemaining: 2 }), retryStarted(3)])
      .when(markFailed({ retryPolicy: { maxAttempts: 1, intervalHours: 24 } }, later))
      .then([failed({ attempt: 3, maxRetryAttempts: 1, retriesRemaining: 0, nextRetryAt: null, failedAt: later })]);
  });

  it('MarkPaymentFailed again (a redelivered failure) is acknowledged without an event', () => {
    spec.given(failedHistory).when(markFailed()).thenNothing();
  });

  it('MarkPaymentSucceeded fails PAYMENT_NOT_PENDING: only an attempt in flight can succeed', () => {
    spec.given(failedHistory).when(markSucceeded('txn_1')).thenThrows('PAYMENT_NOT_PENDING', /is failed: only a pending or processing payment can succeed/);
  });

  it('StartPaymentProcessing fails PAYMENT_NOT_PENDING (RetryPayment starts attempts of a failed payment)', () => {
    spec.given(failedHistory).when(startProcessing()).thenThrows('PAYMENT_NOT_PENDING');
  });

  it('CancelPayment cancels it and stops the retries', () => {
    spec.given(failedHistory).when(cancel()).then([cancelled()]);
    expect(fold(paymentDecider, [...failedHistory, cancelled()])).toMatchObject({ status: 'cancelled', nextRetryAt: null });
  });

  it.each<[string, PaymentCommand]>([
    ['AllocatePayment', allocate()],
    ['RefundPayment', refund()],
  ])('%s fails PAYMENT_NOT_SUCCEEDED', (_name, command) => {
    spec.given(failedHistory).when(command).thenThrows('PAYMENT_NOT_SUCCEEDED');
  });
});

describe('cancelled', () => {
  it('CancelPayment again is acknowledged without an event', () => {
    spec.given(cancelledHistory).when(cancel()).thenNothing();
  });

  it.each<[string, PaymentCommand]>([
    ['StartPaymentProcessing', startProcessing()],
    ['MarkPaymentSucceeded', markSucceeded('txn_1')],
    ['MarkPaymentFailed', markFailed()],
  ])('%s fails PAYMENT_NOT_PENDING', (_name, command) => {
    spec.given(cancelledHistory).when(command).thenThrows('PAYMENT_NOT_PENDING', /is cancelled/);
  });

  it('RetryPayment fails PAYMENT_NOT_FAILED', () => {
    spec.given(cancelledHistory).when(retry()).thenThrows('PAYMENT_NOT_FAILED', /is cancelled/);
  });

  it.each<[string, PaymentCommand]>([
    ['AllocatePayment', allocate()],
    ['RefundPayment', refund()],
  ])('%s fails PAYMENT_NOT_SUCCEEDED', (_name, command) => {
    spec.given(cancelledHistory).when(command).thenThrows('PAYMENT_NOT_SUCCEEDED');
  });
});

describe('partially refunded', () => {
  it('is the state after a partial refund, which keeps where the refund came from', () => {
    const state = fold(paymentDecider, partiallyRefundedHistory);
    expect(state).toMatchObject({ status: 'partially_refunded', refundedTotal: '30.00' });
    expect(state.refunds).toEqual([
      {
        refundId: 'ref-1',
        amount: '30.00',
        method: 'original_payment',
        reason: 'Service outage credit',
        invoices: [
          { invoiceId: 'inv-2', amount: '20.00' },
          { invoiceId: 'inv-1', amount: '10.00' },
        ],
        fromCredit: '0.00',
        refundedAt: later,
      },
    ]);
    expect(refundableOf(state)).toBe('70.00');
  });

  it('RefundPayment of the rest takes what each allocation still has unrefunded, then the credit, and records refunded', () => {
    spec.given(partiallyRefundedHistory).when(refund({ refundId: 'ref-2', amount: '70.00' })).then([theRestRefunded]);
  });

  it('RefundPayment of another part stays partially_refunded and skips the invoice already refunded in full', () => {
    spec
      .given(partiallyRefundedHistory)
      .when(refund({ refundId: 'ref-2', amount: '0.01' }))
      .then([refunded({ refundId: 'ref-2', amount: '0.01', refundedTotal: '30.01', refundable: '69.99', invoices: [{ invoiceId: 'inv-1', amount: '0.01' }] })]);
  });

  it('RefundPayment to store credit of what the invoices still hold is accepted', () => {
    spec
      .given(partiallyRefundedHistory)
      .when(refund({ refundId: 'ref-2', amount: '61.96', method: 'store_credit' }))
      .then([
        refunded({
          refundId: 'ref-2',
          amount: '61.96',
          method: 'store_credit',
          refundedTotal: '91.96',
          refundable: '8.04',
          invoices: [{ invoiceId: 'inv-1', amount: '61.96' }],
        }),
      ]);
  });

  it('RefundPayment to store credit of more than what the invoices still hold fails AMOUNT_EXCEEDS_REFUNDABLE', () => {
    spec
      .given(partiallyRefundedHistory)
      .when(refund({ refundId: 'ref-2', amount: '70.00', method: 'store_credit' }))
      .thenThrows('AMOUNT_EXCEEDS_REFUNDABLE', /exceeds the 61.96 USD .* only that is refundable as store credit/);
  });

  it('RefundPayment of more than what is left fails AMOUNT_EXCEEDS_REFUNDABLE', () => {
    spec
      .given(partiallyRefundedHistory)
      .when(refund({ refundId: 'ref-2', amount: '70.01' }))
      .thenThrows('AMOUNT_EXCEEDS_REFUNDABLE', /exceeds the 70.00 USD still refundable/);
  });

  it('RefundPayment with a refund id already used, same amount and method, is acknowledged without an event', () => {
    spec.given(partiallyRefundedHistory).when(refund({ amount: '30', reason: 'Retried by the operator' })).thenNothing();
  });

  it('RefundPayment with a refund id already used for another amount fails ALREADY_EXISTS', () => {
    spec.given(partiallyRefundedHistory).when(refund({ amount: '31.00' })).thenThrows('ALREADY_EXISTS', /Refund ref-1 of payment pay-1 was already made/);
  });

  it('MarkPaymentSucceeded (a late redelivery) is acknowledged without an event', () => {
    spec.given(partiallyRefundedHistory).when(markSucceeded('txn_991')).thenNothing();
  });

  it('AllocatePayment with another split fails PAYMENT_ALREADY_ALLOCATED: a payment is allocated once, before it is refunded', () => {
    spec
      .given(partiallyRefundedHistory)
      .when(allocate({ allocations: [{ invoiceId: 'inv-1', amount: '100.00' }], creditAmount: '0' }))
      .thenThrows('PAYMENT_ALREADY_ALLOCATED');
  });

  it('AllocatePayment again after the refund of an allocated payment is acknowledged without an event', () => {
    spec.given(partiallyRefundedHistory).when(allocate()).thenNothing();
  });
});

describe('refunded', () => {
  it('is the state after refunds of the whole amount', () => {
    const state = fold(paymentDecider, refundedHistory);
    expect(state).toMatchObject({ status: 'refunded', refundedTotal: '100.00' });
    expect(state.refunds.map((entry) => entry.refundId)).toEqual(['ref-1', 'ref-2']);
    expect(refundableOf(state)).toBe('0.00');
  });

  it('RefundPayment of anything more fails PAYMENT_NOT_SUCCEEDED', () => {
    spec.given(refundedHistory).when(refund({ refundId: 'ref-3', amount: '0.01' })).thenThrows('PAYMENT_NOT_SUCCEEDED', /is refunded/);
  });

  it('RefundPayment repeating an earlier refund is acknowledged without an event', () => {
    spec.given(refundedHistory).when(refund({ refundId: 'ref-2', amount: '70.00' })).thenNothing();
  });

  it('CancelPayment fails PAYMENT_NOT_PENDING', () => {
    spec.given(refundedHistory).when(cancel()).thenThrows('PAYMENT_NOT_PENDING');
  });
});

describe('retry policy from settings', () => {
  it('the defaults are 3 retries, 24 hours apart', () => {
    expect(paymentDefaults.retryPolicy).toEqual({ maxAttempts: 3, intervalHours: 24 });
  });

  it('retryPolicyOf copies the settings, or gives null when retries are off', () => {
    expect(retryPolicyOf({ retryFailedPayments: true, maxRetryAttempts: 5, retryIntervalHours: 12 })).toEqual({ maxAttempts: 5, intervalHours: 12 });
    expect(retryPolicyOf({ retryFailedPayments: false, maxRetryAttempts: 5, retryIntervalHours: 12 })).toBeNull();
  });
});

describe('event contracts', () => {
  it('every event type is at schema version 1', () => {
    expect(Object.values(paymentEventSchemas).every((schema) => schema.schemaVersion === 1)).toBe(true);
  });

  it('every event the decider emits matches its zod schema', () => {
    const lifecycle: PaymentCommand[] = [
      record({ allocation: { kind: 'explicit', invoices: [{ invoiceId: 'inv-1', amount: '71.96' }, { invoiceId: 'inv-2', amount: '20.00' }] } }),
      startProcessing(),
      markFailed(),
      retry(),
      markSucceeded('txn_991', retryDueAt),
      allocate(),
      refund({ method: 'store_credit' }),
      refund({ refundId: 'ref-2', amount: '70.00' }),
    ];
    let state = paymentDecider.initialState;
    const emitted: PaymentEvent[] = [];
    for (const command of lifecycle) {
      for (const event of paymentDecider.decide(command, state)) {
        emitted.push(event);
        state = paymentDecider.evolve(state, event);
      }
    }
    emitted.push(...paymentDecider.decide(cancel(), fold(paymentDecider, pendingHistory)));
    emitted.push(...paymentDecider.decide(record({ method: 'cash' }), paymentDecider.initialState));
    expect(new Set(emitted.map((event) => event.type))).toEqual(new Set(Object.keys(paymentEventSchemas)));
    for (const event of emitted) {
      expect(paymentEventSchemas[event.type].data.parse(event.data)).toEqual(event.data);
    }
    expect(state).toMatchObject({ status: 'refunded', attempt: 2, refundedTotal: '100.00' });
  });

  it('the schemas reject amounts that are not decimal strings', () => {
    expect(paymentEventSchemas.PaymentRefunded.data.safeParse({ ...refunded().data, amount: 30 }).success).toBe(false);
  });
});
