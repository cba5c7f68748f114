import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { allocatePayment, allocationCommandIdOf, loadInvoices, planAllocation, splitOf } from '../../libs/ledger-application/src/payments/allocate-payment.js';
import { parsePaymentEvent } from '../support/stream-loaders.js';
import { evolvePayment, initialPaymentState } from '../../libs/billing/src/index.js';
import { aggregates, executeCommand, storedEvents } from '../../libs/application/src/index.js';
import { PAYMENT_ALLOCATOR_NAME, paymentAllocator } from '../../libs/ledger-application/src/payments/payment-allocator.process-manager.js';
import { RECEIPT_ISSUER_NAME, receiptIssuer } from '../../libs/ledger-application/src/receipts/receipt-issuer.process-manager.js';
import type { CommandContext } from '../../libs/application/src/index.js';
import { encodePosition, WrongExpectedVersionError, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { ProjectionRunner, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { commandContext, draftInput, issuedInvoice, startTestLedger, TestClock, withoutBackgroundWork, type TestLedger } from '../support/ledger-test-app.js';
import { newTenant, updateSettings } from '../support/settings-effect.support.js';

/**
 * Payments as their own aggregate (docs/domain.md, "Payments", "Allocation", "Receipts"): offline payments allocated
 * explicitly or oldest due first with the excess to the customer's credit; the gateway flow (pending -> processing
 * -> succeeded -> allocated -> one receipt); failures retried per the settings; duplicate notifications; redelivery.
 * Everything over GraphQL against the real API, event store and projections.
 */

interface MoneyView {
  amount: string;
  currency: string;
}
interface PaymentView {
  id: string;
  customerId: string;
  status: string;
  amount: MoneyView;
  method: string;
  reference: string;
  allocationKind: string;
  attempt: number;
  nextRetryAt: string | null;
  lastFailureReason: string | null;
  gatewayReference: string | null;
  succeededAt: string | null;
  cancelledAt: string | null;
  allocated: boolean;
  allocations: { invoiceId: string; amount: MoneyView }[];
  creditAmount: MoneyView | null;
  refundedTotal: MoneyView;
  refundable: MoneyView;
}
interface PaymentPayload {
  payment: PaymentView;
  position: string;
  duplicate: boolean;
}

const PAYMENT_FIELDS = `id customerId status amount { amount currency } method reference paymentMethodId allocationKind requestedAllocations { invoiceId amount { amount currency } }
  attempt nextRetryAt lastFailureReason gatewayReference recordedAt succeededAt cancelledAt cancellationReason allocated allocations { invoiceId amount { amount currency } }
  creditAmount { amount currency } allocatedAt refundedTotal { amount currency } refundable { amount currency } refunds { refundId amount { amount currency } method reason refundedAt }`;
const PAYMENT_QUERY = `query ($id: ID!, $minPosition: String) { payment(id: $id, minPosition: $minPosition) { ${PAYMENT_FIELDS} } }`;
const PAYMENTS_QUERY = `query ($filter: PaymentFilter, $first: Int, $after: String, $minPosition: String) {
  payments(filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { ${PAYMENT_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const INVOICE_BALANCE_QUERY = 'query ($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) { status dueDate balanceDue { amount } amountPaid { amount } } }';
const ADD_CARD = 'mutation ($input: AddPaymentMethodInput!) { addPaymentMethod(input: $input) { paymentMethod { id status } } }';
const RECEIPTS_QUERY = 'query ($filter: ReceiptFilterInput) { receipts(filter: $filter, first: 100) { edges { node { id paymentId amount { amount } invoicesPaid { invoiceId amount { amount } } creditedAmount { amount } methodDescription paymentReference } } } }';

type PaymentMutation = 'createPayment' | 'markPaymentProcessing' | 'markPaymentSucceeded' | 'markPaymentFailed' | 'retryPayment' | 'cancelPayment';
const inputTypes: Record<PaymentMutation, string> = {
  createPayment: 'CreatePaymentInput',
  markPaymentProcessing: 'MarkPaymentProcessingInput',
  markPaymentSucceeded: 'MarkPaymentSucceededInput',
  markPaymentFailed: 'MarkPaymentFailedInput',
  retryPayment: 'RetryPaymentInput',
  cancelPayment: 'CancelPaymentInput',
};

const WAIT_MS_MAX = 15_000;
const clock = new TestClock('2026-03-02T09:00:00.000Z');
let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
});

afterAll(async () => {
  await ledger?.stop();
});

function send(name: PaymentMutation, input: Record<string, unknown>, key?: string): Promise<GraphQLHttpResponse<Record<string, PaymentPayload>>> {
  return ledger.graphql<Record<string, PaymentPayload>>(`mutation ($input: ${inputTypes[name]}!) { ${name}(input: $input) { position duplicate payment { ${PAYMENT_FIELDS} } } }`, { input }, key);
}

async function sendOk(name: PaymentMutation, input: Record<string, unknown>, key?: string): Promise<PaymentPayload> {
  return requireData(await send(name, input, key), name)[name] as PaymentPayload;
}

async function paymentById(id: string, minPosition?: string): Promise<PaymentView | null> {
  return requireData(await ledger.graphql<{ payment: PaymentView | null }>(PAYMENT_QUERY, { id, minPosition }), 'payment').payment;
}

async function invoiceBalance(id: string, minPosition?: string) {
  return requireData(await ledger.graphql<{ invoice: { status: string; dueDate: string; balanceDue: MoneyView; amountPaid: MoneyView } }>(INVOICE_BALANCE_QUERY, { id, minPosition }), 'invoice').invoice;
}

/** An issued invoice of 71.96 USD (3 x 19.99 + 20% tax); `paymentTermsDays` sets its due date. */
async function invoiceOf(customerId: string, paymentTermsDays = 30): Promise<{ id: string; number: string; position: string }> {
  const issued = await issuedInvoice(ledger, { customerId, paymentTermsDays });
  return { id: issued.invoice.id, number: issued.invoice.number as string, position: issued.position };
}

const usd = (amount: string) => ({ amount, currency: 'USD' });
const allocationsOf = (payment: PaymentView) => payment.allocations.map((allocation) => [allocation.invoiceId, allocation.amount.amount]);

async function receiptsOfPayment(paymentId: string) {
  return requireData(await ledger.graphql<{ receipts: { edges: { node: { id: string; invoicesPaid: { invoiceId: string; amount: MoneyView }[]; creditedAmount: MoneyView; methodDescription: string; paymentReference: string } }[] } }>(RECEIPTS_QUERY, { filter: { paymentId } }), 'receipts').receipts.edges.map((edge) => edge.node);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS_MAX;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS_MAX} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('offline payments are recorded succeeded and allocated at once', () => {
  it('explicitly over two invoices, min(asked, balance) each, the excess to the customer credit', async () => {
    const first = await invoiceOf('pay-explicit');
    const second = await invoiceOf('pay-explicit');
    const paid = await sendOk('createPayment', {
      customerId: 'pay-explicit',
      amount: '200.00',
      currency: 'USD',
      method: 'WIRE_TRANSFER',
      reference: 'wire-2026-0001',
      // More than the first invoice's balance is asked: only its 71.96 is applied.
      allocations: [
        { invoiceId: first.id, amount: '100.00' },
        { invoiceId: second.id, amount: '50.00' },
      ],
    });
    expect(paid.duplicate).toBe(false);
    expect(paid.payment).toMatchObject({ status: 'SUCCEEDED', method: 'WIRE_TRANSFER', allocationKind: 'EXPLICIT', allocated: true, amount: usd('200.00'), creditAmount: usd('78.04') });
    expect(allocationsOf(paid.payment)).toEqual([
      [first.id, '71.96'],
      [second.id, '50.00'],
    ]);
    expect(paid.payment.refundable).toEqual(usd('200.00'));
    expect(await paymentById(paid.payment.id, paid.position)).toEqual(paid.payment);
    expect(await invoiceBalance(first.id, paid.position)).toMatchObject({ status: 'PAID', balanceDue: { amount: '0.00' } });
    expect(await invoiceBalance(second.id, paid.position)).toMatchObject({ status: 'PARTIALLY_PAID', balanceDue: { amount: '21.96' } });
    expect(await ledger.customerCredit('pay-explicit', paid.position)).toEqual([usd('78.04')]);
  });

  it('oldest due first: the customer open invoices in that currency by due date, the rest to credit', async () => {
    const later = await invoiceOf('pay-oldest', 60);
    const sooner = await invoiceOf('pay-oldest', 10);
    const elsewhere = await invoiceOf('pay-oldest-other', 1);
    // The candidates come from the invoices read model: it has the invoices once it reached their positions.
    await invoiceBalance(elsewhere.id, elsewhere.position);
    const paid = await sendOk('createPayment', { customerId: 'pay-oldest', amount: '100.00', currency: 'USD', method: 'CASH', reference: 'till-100' });
    expect(paid.payment).toMatchObject({ status: 'SUCCEEDED', allocationKind: 'OLDEST_DUE_FIRST', allocated: true, creditAmount: usd('0.00') });
    expect(allocationsOf(paid.payment)).toEqual([
      [sooner.id, '71.96'],
      [later.id, '28.04'],
    ]);
    const more = await sendOk('createPayment', { customerId: 'pay-oldest', amount: '50.00', currency: 'USD', method: 'CHECK', reference: 'check-881' });
    expect(allocationsOf(more.payment)).toEqual([[later.id, '43.92']]);
    expect(more.payment.creditAmount).toEqual(usd('6.08'));
    expect(await invoiceBalance(later.id, more.position)).toMatchObject({ status: 'PAID', balanceDue: { amount: '0.00' } });
    expect(await invoiceBalance(elsewhere.id, more.position)).toMatchObject({ status: 'OPEN', balanceDue: { amount: '71.96' } });
    expect(await ledger.customerCredit('pay-oldest', more.position)).toEqual([usd('6.08')]);
    // Nothing open left: a further payment is all credit.
    const extra = await sendOk('createPayment', { customerId: 'pay-oldest', amount: '5.00', currency: 'USD', method: 'CASH', reference: 'till-101' });
    expect(extra.payment).toMatchObject({ allocated: true, allocations: [], creditAmount: usd('5.00') });
  });
});

describe('the gateway flow', () => {
  it('pending -> processing -> succeeded -> allocated, with exactly one receipt', async () => {
    const invoice = await invoiceOf('pay-gateway');
    const card = requireData(
      await ledger.graphql<{ addPaymentMethod: { paymentMethod: { id: string; status: string } } }>(ADD_CARD, {
        input: { customerId: 'pay-gateway', type: 'CARD', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2030, gatewayToken: 'tok_gw_visa' },
      }),
      'addPaymentMethod',
    ).addPaymentMethod.paymentMethod;
    expect(card.status).toBe('ACTIVE');
    const created = await sendOk('createPayment', {
      customerId: 'pay-gateway',
      amount: '71.96',
      currency: 'USD',
      method: 'CARD',
      reference: 'ch_gw_1',
      paymentMethodId: card.id,
      allocations: [{ invoiceId: invoice.id, amount: '71.96' }],
    });
    expect(created.payment).toMatchObject({ status: 'PENDING', attempt: 1, allocated: false, allocations: [], creditAmount: null, refundable: usd('0.00') });
    expect(await invoiceBalance(invoice.id, created.position)).toMatchObject({ status: 'OPEN', balanceDue: { amount: '71.96' } });
    const processing = await sendOk('markPaymentProcessing', { paymentId: created.payment.id });
    expect(processing.payment).toMatchObject({ status: 'PROCESSING', attempt: 1 });
    const succeeded = await sendOk('markPaymentSucceeded', { paymentId: created.payment.id, gatewayReference: 'gw_txn_42' });
    expect(succeeded.payment).toMatchObject({ status: 'SUCCEEDED', gatewayReference: 'gw_txn_42', allocated: true, creditAmount: usd('0.00'), refundable: usd('71.96') });
    expect(allocationsOf(succeeded.payment)).toEqual([[invoice.id, '71.96']]);
    expect(await invoiceBalance(invoice.id, succeeded.position)).toMatchObject({ status: 'PAID' });
    // The success notified again changes nothing.
    const again = await sendOk('markPaymentSucceeded', { paymentId: created.payment.id, gatewayReference: 'gw_txn_42' });
    expect(again.payment).toEqual(succeeded.payment);

    const receipts = await waitFor('the receipt', async () => ((await receiptsOfPayment(created.payment.id)).length > 0 ? receiptsOfPayment(created.payment.id) : undefined));
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ invoicesPaid: [{ invoiceId: invoice.id, amount: { amount: '71.96' } }], creditedAmount: { amount: '0.00' }, methodDescription: 'visa ****4242', paymentReference: 'ch_gw_1' });
    const events = await ledger.tenantEvents();
    const ofPayment = (type: string) => events.filter((event) => event.type === type && (event.data as { paymentId?: string }).paymentId === created.payment.id);
    expect(['PaymentRecorded', 'PaymentProcessingStarted', 'PaymentSucceeded', 'PaymentAllocated', 'ReceiptIssued'].map((type) => ofPayment(type).length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('a success whose inline allocation never ran is allocated by the process manager', async () => {
    const invoice = await invoiceOf('pay-manager');
    const created = await sendOk('createPayment', { customerId: 'pay-manager', amount: '80.00', currency: 'USD', method: 'BANK_ACCOUNT', reference: 'ach_77', allocations: [{ invoiceId: invoice.id, amount: '80.00' }] });
    // The gateway handler's append alone, as if the process had stopped right after it (no inline allocation).
    const context = commandContext(ledger, 'dev', 'test:gateway');
    const outcome = await executeCommand(ledger.services.store, context, aggregates.payment.on(created.payment.id, { command: () => ({ type: 'MarkPaymentSucceeded', data: { paymentId: created.payment.id, gatewayReference: null } }) }));
    expect(outcome.state).toMatchObject({ status: 'succeeded', allocation: null });
    const allocated = await waitFor('the allocation', async () => {
      const payment = await paymentById(created.payment.id);
      return payment?.allocated ? payment : undefined;
    });
    expect(allocationsOf(allocated)).toEqual([[invoice.id, '71.96']]);
    expect(allocated.creditAmount).toEqual(usd('8.04'));
    const events = await ledger.tenantEvents();
    const allocation = events.filter((event) => event.type === 'PaymentAllocated' && (event.data as { paymentId: string }).paymentId === created.payment.id);
    expect(allocation.map((event) => event.metadata.actor)).toEqual(['process-manager:payment-allocator']);
    expect(await receiptsOfPayment(created.payment.id)).toHaveLength(1);
  });
});

describe('failed payments and retries', () => {
  it('retries per the default settings (3 retries, 24 hours apart): attempt and nextRetryAt, then exhausted, then cancelled', async () => {
    clock.setInstant('2026-03-05T10:00:00.000Z');
    const created = await sendOk('createPayment', { customerId: 'pay-retry', amount: '10.00', currency: 'USD', method: 'CARD', reference: 'ch_retry_1' });
    const paymentId = created.payment.id;
    let failed = await sendOk('markPaymentFailed', { paymentId, reason: 'card_declined' });
    expect(failed.payment).toMatchObject({ status: 'FAILED', attempt: 1, lastFailureReason: 'card_declined' });
    expect(failed.payment.nextRetryAt?.slice(0, 13)).toBe('2026-03-06T10');
    // Not yet due: refused, nothing appended.
    const early = await send('retryPayment', { paymentId });
    expect(firstErrorCode(early)).toBe('RETRY_NOT_DUE');
    for (let attempt = 2; attempt <= 4; attempt += 1) {
      clock.setInstant(failed.payment.nextRetryAt as string);
      const retried = await sendOk('retryPayment', { paymentId });
      expect(retried.payment).toMatchObject({ status: 'PROCESSING', attempt, nextRetryAt: null });
      failed = await sendOk('markPaymentFailed', { paymentId, reason: 'card_declined' });
      expect(failed.payment.attempt).toBe(attempt);
    }
    // The original attempt and three retries: none left.
    expect(failed.payment).toMatchObject({ status: 'FAILED', attempt: 4, nextRetryAt: null });
    clock.setInstant('2026-03-20T10:00:00.000Z');
    expect(firstErrorCode(await send('retryPayment', { paymentId }))).toBe('RETRIES_EXHAUSTED');
    const cancelled = await sendOk('cancelPayment', { paymentId, reason: 'customer gave up' });
    expect(cancelled.payment).toMatchObject({ status: 'CANCELLED', nextRetryAt: null, allocated: false });
    expect(await paymentById(paymentId, cancelled.position)).toEqual(cancelled.payment);
  });

  it("the tenant's retry settings decide the count and the interval", async () => {
    const { tenantId, key } = await newTenant(ledger, 'retry-settings');
    await updateSettings(ledger, tenantId, 'payment', { maxRetryAttempts: 1, retryIntervalHours: 2 });
    clock.setInstant('2026-04-01T08:00:00.000Z');
    const created = await sendOk('createPayment', { customerId: 'c-1', amount: '10.00', currency: 'USD', method: 'DIGITAL_WALLET', reference: 'wallet-1' }, key);
    const failed = await sendOk('markPaymentFailed', { paymentId: created.payment.id, reason: 'insufficient_funds' }, key);
    expect(failed.payment.nextRetryAt?.slice(0, 16)).toBe('2026-04-01T10:00');
    clock.setInstant(failed.payment.nextRetryAt as string);
    await sendOk('retryPayment', { paymentId: created.payment.id }, key);
    const last = await sendOk('markPaymentFailed', { paymentId: created.payment.id, reason: 'insufficient_funds' }, key);
    expect(last.payment).toMatchObject({ attempt: 2, nextRetryAt: null });
    clock.setInstant('2026-04-02T08:00:00.000Z');
    expect(firstErrorCode(await send('retryPayment', { paymentId: created.payment.id }, key))).toBe('RETRIES_EXHAUSTED');
    // With retries off, a failure schedules none.
    await updateSettings(ledger, tenantId, 'payment', { retryFailedPayments: false });
    const other = await sendOk('createPayment', { customerId: 'c-1', amount: '11.00', currency: 'USD', method: 'CARD', reference: 'ch_no_retry' }, key);
    expect((await sendOk('markPaymentFailed', { paymentId: other.payment.id, reason: 'declined' }, key)).payment).toMatchObject({ status: 'FAILED', nextRetryAt: null });
  });
});

describe('duplicates and redelivery', () => {
  it('a gateway notification delivered twice records ONE payment: the second answer is the first payment, duplicate', async () => {
    const invoice = await invoiceOf('pay-dup');
    const notification = { customerId: 'pay-dup', amount: '30.00', currency: 'USD', method: 'WIRE_TRANSFER', reference: 'BANK-REF-5521', allocations: [{ invoiceId: invoice.id, amount: '30.00' }] };
    const first = await sendOk('createPayment', notification);
    const before = await ledger.tenantEvents();
    // Written differently (case, spaces): the same reference.
    const second = await sendOk('createPayment', { ...notification, reference: '  bank-ref-5521 ' });
    expect(second).toMatchObject({ duplicate: true, payment: { id: first.payment.id, status: 'SUCCEEDED' } });
    expect(second.payment).toEqual(first.payment);
    const events = await ledger.tenantEvents();
    expect(events.filter((event) => event.type === 'PaymentRecorded' && (event.data as { reference: string }).reference.toLowerCase().includes('bank-ref-5521'))).toHaveLength(1);
    expect(events.filter((event) => event.type === 'InvoicePaymentApplied' && (event.data as { invoiceId: string }).invoiceId === invoice.id)).toHaveLength(1);
    // The duplicate appended nothing at all (background work, such as an earlier invoice falling overdue, aside).
    expect(withoutBackgroundWork(events).map((event) => event.eventId)).toEqual(withoutBackgroundWork(before).map((event) => event.eventId));
    expect(await invoiceBalance(invoice.id, first.position)).toMatchObject({ balanceDue: { amount: '41.96' } });
    // The same reference for another amount is not the same payment: refused.
    const conflict = await send('createPayment', { ...notification, amount: '31.00' });
    expect(firstErrorCode(conflict)).toBe('PAYMENT_REFERENCE_CONFLICT');
    expect(conflict.errors?.[0]?.extensions).toMatchObject({ existingPaymentId: first.payment.id });
  });

  it('the same notification delivered five times at once records one payment; every answer names it', async () => {
    const notification = { customerId: 'pay-dup-race', amount: '12.34', currency: 'USD', method: 'CARD', reference: 'ch_race_1' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => sendOk('createPayment', notification)));
    expect(new Set(answers.map((answer) => answer.payment.id)).size).toBe(1);
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    const events = await ledger.tenantEvents();
    expect(events.filter((event) => event.type === 'PaymentRecorded' && (event.data as { reference: string }).reference === 'ch_race_1')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'PaymentReferenceReserved' && (event.data as { reference: string }).reference === 'ch_race_1')).toHaveLength(1);
  });

  it('a redelivered PaymentSucceeded (a second allocator pass, a direct call) makes one allocation and one receipt', async () => {
    const invoice = await invoiceOf('pay-redelivery');
    const paid = await sendOk('createPayment', { customerId: 'pay-redelivery', amount: '71.96', currency: 'USD', method: 'CASH', reference: 'till-redelivery' });
    expect(paid.payment.allocated).toBe(true);
    const before = await ledger.tenantEvents();
    const { services } = ledger;
    const connectionString = services.config.databaseUrl as string;
    const names = [`${PAYMENT_ALLOCATOR_NAME}_redelivery`, `${RECEIPT_ISSUER_NAME}_redelivery`];
    const runner = new ProjectionRunner({
      store: services.store,
      db: services.db,
      connectionString,
      projections: [
        paymentAllocator({ store: services.store, clock: services.clock, db: services.db }, { name: names[0] }),
        receiptIssuer({ store: services.store, clock: services.clock }, { name: names[1] }),
      ],
    });
    await runner.start();
    try {
      expect(await waitForProjections(services.db, names, await services.store.headPosition(), WAIT_MS_MAX)).toBe(true);
    } finally {
      await runner.stop();
    }
    const direct = await allocatePayment(services, 'dev', paid.payment.id, { actor: 'test', correlationId: 'redelivery', causationId: 'redelivery' });
    expect(direct).toEqual({ outcome: 'already_allocated' });
    const after = await ledger.tenantEvents();
    expect(after.length).toBe(before.length);
    const allocations = after.filter((event) => event.type === 'PaymentAllocated').map((event) => (event.data as { paymentId: string }).paymentId);
    expect(new Set(allocations).size).toBe(allocations.length);
    const receipts = after.filter((event) => event.type === 'ReceiptIssued').map((event) => (event.data as { paymentId: string }).paymentId);
    expect(new Set(receipts).size).toBe(receipts.length);
    expect(receipts.filter((paymentId) => paymentId === paid.payment.id)).toHaveLength(1);
    expect(await invoiceBalance(invoice.id)).toMatchObject({ status: 'PAID' });
  });
});

describe('allocators racing', () => {
  it('the process manager and five direct calls allocating one payment at once make ONE allocation', async () => {
    const invoice = await invoiceOf('pay-alloc-race');
    const created = await sendOk('createPayment', { customerId: 'pay-alloc-race', amount: '100.00', currency: 'USD', method: 'CARD', reference: 'ch_alloc_race', allocations: [{ invoiceId: invoice.id, amount: '100.00' }] });
    const context = commandContext(ledger, 'dev', 'test:gateway');
    const { commandId } = context;
    await executeCommand(ledger.services.store, context, aggregates.payment.on(created.payment.id, { command: () => ({ type: 'MarkPaymentSucceeded', data: { paymentId: created.payment.id, gatewayReference: null } }) }));
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, index) => allocatePayment(ledger.services, 'dev', created.payment.id, { actor: `test:${index}`, correlationId: commandId, causationId: commandId })),
    );
    // The same decision on the same reads is acknowledged by the store (same event ids): each caller may see it as
    // its own; what counts is what the store holds.
    expect(outcomes.every((outcome) => outcome.outcome === 'allocated' || outcome.outcome === 'already_allocated')).toBe(true);
    const events = await ledger.tenantEvents();
    const ofPayment = (type: string) => events.filter((event) => event.type === type && JSON.stringify(event.data).includes(created.payment.id));
    expect(ofPayment('PaymentAllocated')).toHaveLength(1);
    expect(ofPayment('InvoicePaymentApplied').map((event) => (event.data as { amount: string }).amount)).toEqual(['71.96']);
    expect(ofPayment('CustomerAccountCredited').map((event) => (event.data as { amount: string }).amount)).toEqual(['28.04']);
    expect(await ledger.customerCredit('pay-alloc-race', encodePosition(events.at(-1)?.position as RecordedEvent['position']))).toEqual([usd('28.04')]);
  });

  it('an allocation decided on a stale read (payment read before, invoice after the other one) is a conflict, not a second credit', async () => {
    const invoice = await invoiceOf('pay-alloc-stale');
    const created = await sendOk('createPayment', { customerId: 'pay-alloc-stale', amount: '71.96', currency: 'USD', method: 'CARD', reference: 'ch_alloc_stale', allocations: [{ invoiceId: invoice.id, amount: '71.96' }] });
    const context = commandContext(ledger, 'dev', 'test:gateway');
    const { commandId } = context;
    await executeCommand(ledger.services.store, context, aggregates.payment.on(created.payment.id, { command: () => ({ type: 'MarkPaymentSucceeded', data: { paymentId: created.payment.id, gatewayReference: null } }) }));
    const { store } = ledger.services;
    // The fast allocator (this call or the process manager) pays the invoice in full...
    expect((await allocatePayment(ledger.services, 'dev', created.payment.id, { actor: 'test:fast', correlationId: commandId, causationId: commandId })).outcome).toMatch(/allocated/);
    // ...while the slow one had read the payment just before that append (its stream up to PaymentAllocated)...
    const paymentStream = `dev:payment-${created.payment.id}`;
    const stored = await store.readStream(paymentStream, { fromRevision: 0n, maxCount: 100 });
    const unallocated = stored.slice(0, stored.findIndex((event) => event.type === 'PaymentAllocated'));
    const staleState = unallocated.map(parsePaymentEvent).reduce(evolvePayment, initialPaymentState);
    const staleRevision = (unallocated.at(-1) as RecordedEvent).revision;
    // ...and reads the invoice after it (paid): it decides another split, everything to the customer's credit.
    const invoices = await loadInvoices(store, 'dev', [invoice.id]);
    const split = splitOf(staleState, invoices);
    expect([split.allocations, split.creditAmount.toString()]).toEqual([[], '71.96']);
    const slowContext: CommandContext = { ...context, actor: 'test:slow', commandId: allocationCommandIdOf('dev', created.payment.id, staleRevision, invoices, split) };
    const plan = await planAllocation(store, slowContext, staleState, invoices);
    const before = await ledger.tenantEvents();
    await expect(
      store.appendToStreams([{ streamId: paymentStream, expectedRevision: staleRevision, events: storedEvents(plan.paymentEvents, slowContext, paymentStream) }, ...plan.appends]),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await ledger.tenantEvents()).length).toBe(before.length);
    expect(await ledger.customerCredit('pay-alloc-stale', encodePosition(before.at(-1)?.position as RecordedEvent['position']))).toEqual([]);
  });
});

describe('the payment and payments queries', () => {
  it('filter by customer, status, method and currency; pages newest first; tenant scoped', async () => {
    const customerId = 'pay-list';
    const cash = await sendOk('createPayment', { customerId, amount: '1.00', currency: 'USD', method: 'CASH', reference: 'list-1' });
    const card = await sendOk('createPayment', { customerId, amount: '2.00', currency: 'USD', method: 'CARD', reference: 'list-2' });
    const wire = await sendOk('createPayment', { customerId, amount: '3.00', currency: 'USD', method: 'WIRE_TRANSFER', reference: 'list-3' });
    const list = async (variables: Record<string, unknown>, key?: string) =>
      requireData(await ledger.graphql<{ payments: { edges: { cursor: string; node: PaymentView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(PAYMENTS_QUERY, { minPosition: wire.position, ...variables }, key), 'payments').payments;
    expect((await list({ filter: { customerId } })).edges.map((edge) => edge.node.id)).toEqual([wire.payment.id, card.payment.id, cash.payment.id]);
    expect((await list({ filter: { customerId, status: 'PENDING' } })).edges.map((edge) => edge.node.id)).toEqual([card.payment.id]);
    expect((await list({ filter: { customerId, method: 'CASH' } })).edges.map((edge) => edge.node.id)).toEqual([cash.payment.id]);
    expect((await list({ filter: { customerId, currency: 'EUR' } })).edges).toEqual([]);
    const pageOne = await list({ filter: { customerId }, first: 2 });
    expect(pageOne.edges.map((edge) => edge.node.id)).toEqual([wire.payment.id, card.payment.id]);
    expect(pageOne.pageInfo.hasNextPage).toBe(true);
    const pageTwo = await list({ filter: { customerId }, first: 2, after: pageOne.pageInfo.endCursor });
    expect(pageTwo.edges.map((edge) => edge.node.id)).toEqual([cash.payment.id]);
    expect(pageTwo.pageInfo.hasNextPage).toBe(false);
    expect(firstErrorCode(await ledger.graphql(PAYMENTS_QUERY, { after: 'not-a-cursor' }))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(PAYMENTS_QUERY, { first: 0 }))).toBe('VALIDATION_FAILED');
    // Another tenant sees none of them, not even by id.
    const other = await newTenant(ledger, 'payments-scope');
    expect((await list({}, other.key)).edges).toEqual([]);
    expect(requireData(await ledger.graphql<{ payment: PaymentView | null }>(PAYMENT_QUERY, { id: cash.payment.id }, other.key), 'payment').payment).toBeNull();
    expect(await paymentById('no-such-payment')).toBeNull();
  });

  it('draft invoices are not candidates for oldest-due-first; a customer without open invoices gets credit', async () => {
    const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'pay-draft-only' }));
    await invoiceBalance(draft.invoice.id, draft.position);
    const paid = await sendOk('createPayment', { customerId: 'pay-draft-only', amount: '9.99', currency: 'USD', method: 'CASH', reference: 'till-draft' });
    expect(paid.payment).toMatchObject({ allocations: [], creditAmount: usd('9.99') });
    expect(await ledger.customerCredit('pay-draft-only', paid.position)).toEqual([usd('9.99')]);
  });
});
