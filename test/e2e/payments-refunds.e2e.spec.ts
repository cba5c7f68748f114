import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Money } from '../../libs/money/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Refunds (docs/domain.md, "Refunds"): partial and full, never more than refundable, the refund method
 * recorded, `store_credit` growing the customer's credit instead of returning money, the invoices the payment paid
 * reopening; each refund ONE atomic append of the payment, the invoices and the customer account. Two refunds racing
 * on one payment never refund more than was paid.
 */

interface MoneyView {
  amount: string;
  currency: string;
}
interface PaymentView {
  id: string;
  status: string;
  allocations: { invoiceId: string; amount: MoneyView }[];
  creditAmount: MoneyView | null;
  refundedTotal: MoneyView;
  refundable: MoneyView;
  refunds: { refundId: string; amount: MoneyView; method: string; reason: string }[];
}
interface PaymentPayload {
  payment: PaymentView;
  position: string;
}

const PAYMENT_FIELDS = `id status allocations { invoiceId amount { amount currency } } creditAmount { amount currency } refundedTotal { amount currency } refundable { amount currency }
  refunds { refundId amount { amount currency } method reason }`;
const CREATE = `mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { position payment { ${PAYMENT_FIELDS} } } }`;
const REFUND = `mutation ($input: RefundPaymentInput!) { refundPayment(input: $input) { position payment { ${PAYMENT_FIELDS} } } }`;
const PAYMENT_QUERY = `query ($id: ID!, $minPosition: String) { payment(id: $id, minPosition: $minPosition) { ${PAYMENT_FIELDS} } }`;
const INVOICE_QUERY = 'query ($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) { status amountPaid { amount } amountRefunded { amount } balanceDue { amount } } }';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

const usd = (amount: string) => ({ amount, currency: 'USD' });

async function createPayment(input: Record<string, unknown>): Promise<PaymentPayload> {
  return requireData(await ledger.graphql<{ createPayment: PaymentPayload }>(CREATE, { input }), 'createPayment').createPayment;
}

function refund(input: Record<string, unknown>): Promise<GraphQLHttpResponse<{ refundPayment: PaymentPayload }>> {
  return ledger.graphql<{ refundPayment: PaymentPayload }>(REFUND, { input });
}

async function refundOk(input: Record<string, unknown>): Promise<PaymentPayload> {
  return requireData(await refund(input), 'refundPayment').refundPayment;
}

async function invoiceFigures(id: string, minPosition?: string) {
  return requireData(await ledger.graphql<{ invoice: { status: string; amountPaid: { amount: string }; amountRefunded: { amount: string }; balanceDue: { amount: string } } }>(INVOICE_QUERY, { id, minPosition }), 'invoice').invoice;
}

/** The tenant's log once the process managers have caught up: a refused command must leave it as it was. */
async function settledHead(): Promise<string> {
  const events = await ledger.tenantEvents();
  return events.map((event) => event.eventId).join(',');
}

describe('refunds of a payment that paid an invoice and left credit', () => {
  // 100.00 cash on a 71.96 invoice: 71.96 applied, 28.04 to the customer's credit.
  let paymentId: string;
  let invoiceId: string;

  beforeAll(async () => {
    invoiceId = (await issuedInvoice(ledger, { customerId: 'refund-customer' })).invoice.id;
    const paid = await createPayment({ customerId: 'refund-customer', amount: '100.00', currency: 'USD', method: 'CASH', reference: 'till-refund', allocations: [{ invoiceId, amount: '100.00' }] });
    expect(paid.payment).toMatchObject({ status: 'SUCCEEDED', creditAmount: usd('28.04') });
    paymentId = paid.payment.id;
  });

  it('a partial refund reopens the invoice by that much: PARTIALLY_REFUNDED, refundable shrinks', async () => {
    const refunded = await refundOk({ paymentId, amount: '20.00', method: 'ORIGINAL_PAYMENT', reason: 'service outage credit' });
    expect(refunded.payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedTotal: usd('20.00'), refundable: usd('80.00') });
    expect(refunded.payment.refunds).toMatchObject([{ amount: usd('20.00'), method: 'ORIGINAL_PAYMENT', reason: 'service outage credit' }]);
    expect(await invoiceFigures(invoiceId, refunded.position)).toMatchObject({ status: 'PARTIALLY_PAID', amountRefunded: { amount: '20.00' }, balanceDue: { amount: '20.00' } });
    expect(requireData(await ledger.graphql<{ payment: PaymentView }>(PAYMENT_QUERY, { id: paymentId, minPosition: refunded.position }), 'payment').payment).toEqual(refunded.payment);
  });

  it('a store-credit refund grows the customer credit instead of returning money; the invoice reopens', async () => {
    const refunded = await refundOk({ paymentId, amount: '30.00', method: 'STORE_CREDIT', reason: 'goodwill' });
    expect(refunded.payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedTotal: usd('50.00'), refundable: usd('50.00') });
    expect(await invoiceFigures(invoiceId, refunded.position)).toMatchObject({ balanceDue: { amount: '50.00' } });
    expect(await ledger.customerCredit('refund-customer', refunded.position)).toEqual([usd('58.04')]);
  });

  it('more than refundable is AMOUNT_EXCEEDS_REFUNDABLE and appends nothing', async () => {
    const before = await settledHead();
    const response = await refund({ paymentId, amount: '50.01', method: 'CARD', reason: 'too much' });
    expect(firstErrorCode(response)).toBe('AMOUNT_EXCEEDS_REFUNDABLE');
    expect(response.errors?.[0]?.extensions).toMatchObject({ refundable: '50.00' });
    expect(await settledHead()).toBe(before);
  });

  it('the full rest: REFUNDED; the invoice owes its whole total again and the credit the excess made is taken back', async () => {
    const refunded = await refundOk({ paymentId, amount: '50.00', method: 'BANK_ACCOUNT', reason: 'contract cancelled' });
    expect(refunded.payment).toMatchObject({ status: 'REFUNDED', refundedTotal: usd('100.00'), refundable: usd('0.00') });
    expect(refunded.payment.refunds.map((entry) => [entry.amount.amount, entry.method])).toEqual([
      ['20.00', 'ORIGINAL_PAYMENT'],
      ['30.00', 'STORE_CREDIT'],
      ['50.00', 'BANK_ACCOUNT'],
    ]);
    expect(await invoiceFigures(invoiceId, refunded.position)).toMatchObject({ status: 'OPEN', amountPaid: { amount: '71.96' }, amountRefunded: { amount: '71.96' }, balanceDue: { amount: '71.96' } });
    // 28.04 (excess) + 30.00 (store credit) - 28.04 (the excess paid back) = 30.00.
    expect(await ledger.customerCredit('refund-customer', refunded.position)).toEqual([usd('30.00')]);
    expect(firstErrorCode(await refund({ paymentId, amount: '0.01', method: 'CARD', reason: 'again' }))).toBe('PAYMENT_NOT_SUCCEEDED');
  });

  it('the refund is one atomic append: payment, invoice and customer account events share one commit', async () => {
    const events = await ledger.tenantEvents();
    const refunds = events.filter((event) => event.type === 'PaymentRefunded' && (event.data as { paymentId: string }).paymentId === paymentId);
    expect(refunds).toHaveLength(3);
    const last = refunds.at(-1)!;
    const sameCommit = events.filter((event) => event.position.commit === last.position.commit).map((event) => event.type).sort();
    expect(sameCommit).toEqual(['CustomerAccountDebited', 'InvoicePaymentRefunded', 'PaymentRefunded']);
  });
});

describe('two refunds racing on one payment', () => {
  it.each([
    { round: 1, first: '40.00', second: '40.00' },
    { round: 2, first: '30.00', second: '30.00' },
    { round: 3, first: '59.99', second: '0.02' },
  ])('round $round: $first and $second of 60.00 at once never refund more than was paid', async ({ round, first, second }) => {
    const customerId = `refund-race-${round}`;
    const invoiceId = (await issuedInvoice(ledger, { customerId })).invoice.id;
    const paid = await createPayment({ customerId, amount: '60.00', currency: 'USD', method: 'CHECK', reference: `check-race-${round}`, allocations: [{ invoiceId, amount: '60.00' }] });
    const responses = await Promise.all([first, second].map((amount, index) => refund({ paymentId: paid.payment.id, amount, method: 'CHECK', reason: `race ${index}` })));
    const accepted = responses.filter((response) => !response.errors);
    for (const response of responses) if (response.errors) expect(firstErrorCode(response)).toBe('AMOUNT_EXCEEDS_REFUNDABLE');
    const fits = !Money.of(first, 'USD').plus(Money.of(second, 'USD')).greaterThan(Money.of('60.00', 'USD'));
    // Both fit: both go through; together too much: exactly one is refused.
    expect(accepted).toHaveLength(fits ? 2 : 1);
    const stored = await ledger.tenantEvents();
    const events = stored.filter((event) => event.type === 'PaymentRefunded' && (event.data as { paymentId: string }).paymentId === paid.payment.id);
    const total = events.reduce((sum, event) => sum.plus(Money.of((event.data as { amount: string }).amount, 'USD')), Money.zero('USD'));
    expect(total.greaterThan(Money.of('60.00', 'USD'))).toBe(false);
    expect(events).toHaveLength(accepted.length);
    // Read at the end of the log: the two answers' positions are in no particular order.
    const end = encodePosition((stored.at(-1) as RecordedEvent).position);
    const last = requireData(await ledger.graphql<{ payment: PaymentView }>(PAYMENT_QUERY, { id: paid.payment.id, minPosition: end }), 'payment').payment;
    expect(last.refundedTotal).toEqual(usd(total.toString()));
    expect(await invoiceFigures(invoiceId, end)).toMatchObject({ amountRefunded: { amount: total.toString() } });
  });
});
