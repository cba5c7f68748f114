import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Money } from '../../libs/money/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Refunds racing on one payment whose money went (entirely or partly) to customer credit. A refund decides on the
 * payment, the invoices it paid and the customer account read together: a loser is told what is left refundable
 * (AMOUNT_EXCEEDS_REFUNDABLE), never that the customer spent credit that a winning refund took back
 * (INSUFFICIENT_CREDIT). Only a customer who really spent the credit gets INSUFFICIENT_CREDIT.
 */

interface MoneyView {
  amount: string;
  currency: string;
}
interface PaymentView {
  id: string;
  status: string;
  creditAmount: MoneyView | null;
  refundedTotal: MoneyView;
  refundable: MoneyView;
}
interface PaymentPayload {
  payment: PaymentView;
  position: string;
}
type RefundResponse = GraphQLHttpResponse<{ refundPayment: PaymentPayload }>;

const PAYMENT_FIELDS = 'id status creditAmount { amount currency } refundedTotal { amount currency } refundable { amount currency }';
const CREATE = `mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { position payment { ${PAYMENT_FIELDS} } } }`;
const REFUND = `mutation ($input: RefundPaymentInput!) { refundPayment(input: $input) { position payment { ${PAYMENT_FIELDS} } } }`;
const PAYMENT_QUERY = `query ($id: ID!, $minPosition: String) { payment(id: $id, minPosition: $minPosition) { ${PAYMENT_FIELDS} } }`;
const INVOICE_REFUNDED = 'query ($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) { amountRefunded { amount } } }';
const APPLY_CREDIT = 'mutation ($input: ApplyCreditInput!) { applyCredit(input: $input) { position } }';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

const usd = (amount: string): MoneyView => ({ amount, currency: 'USD' });
const money = (amount: string): Money => Money.of(amount, 'USD');

async function createPayment(input: Record<string, unknown>): Promise<PaymentPayload> {
  return requireData(await ledger.graphql<{ createPayment: PaymentPayload }>(CREATE, { input }), 'createPayment').createPayment;
}

/** The payment once the allocator has run (a payment without allocations is allocated by the process manager). */
async function allocatedPayment(paymentId: string): Promise<PaymentView> {
  const end = encodePosition((await ledger.tenantEvents()).at(-1)!.position);
  return requireData(await ledger.graphql<{ payment: PaymentView }>(PAYMENT_QUERY, { id: paymentId, minPosition: end }), 'payment').payment;
}

/** A payment with no open invoice to pay: all of it becomes the customer's credit. */
async function paymentAllInCredit(customerId: string, amount: string): Promise<string> {
  const paid = await createPayment({ customerId, amount, currency: 'USD', method: 'CASH', reference: `till-${customerId}` });
  expect(await allocatedPayment(paid.payment.id)).toMatchObject({ status: 'SUCCEEDED', creditAmount: usd(amount) });
  return paid.payment.id;
}

/** Sends every refund at once; each carries its own reason so that its event can be told apart. */
function raceRefunds(paymentId: string, amounts: readonly string[], method = 'CHECK'): Promise<RefundResponse[]> {
  return Promise.all(amounts.map((amount, index) => ledger.graphql<{ refundPayment: PaymentPayload }>(REFUND, { input: { paymentId, amount, method, reason: `race ${index}` } })));
}

interface RaceOutcome {
  readonly accepted: number[];
  readonly refusals: { index: number; code: string | undefined; refundable: unknown }[];
  readonly refundEvents: RecordedEvent[];
  readonly debits: RecordedEvent[];
  readonly total: Money;
}

async function outcomeOf(paymentId: string, amounts: readonly string[], responses: readonly RefundResponse[]): Promise<RaceOutcome> {
  const accepted = responses.flatMap((response, index) => (response.errors ? [] : [index]));
  const refusals = responses.flatMap((response, index) => (response.errors ? [{ index, code: firstErrorCode(response), refundable: response.errors[0]?.extensions?.refundable }] : []));
  const events = await ledger.tenantEvents();
  const refundEvents = events.filter((event) => event.type === 'PaymentRefunded' && (event.data as { paymentId: string }).paymentId === paymentId);
  const refundIds = new Set(refundEvents.map((event) => (event.data as { refundId: string }).refundId));
  const debits = events.filter((event) => event.type === 'CustomerAccountDebited' && refundIds.has((event.data as { sourceId: string }).sourceId));
  const total = accepted.reduce((sum, index) => sum.plus(money(amounts[index] as string)), Money.zero('USD'));
  return { accepted, refusals, refundEvents, debits, total };
}

/** What holds for every race: the events are exactly the accepted refunds, and never more than the payment is refunded. */
function expectEventsMatchAnswers(outcome: RaceOutcome, paymentAmount: string): void {
  expect(outcome.refundEvents.map((event) => (event.data as { reason: string }).reason).sort()).toEqual(outcome.accepted.map((index) => `race ${index}`).sort());
  const stored = outcome.refundEvents.reduce((sum, event) => sum.plus(money((event.data as { amount: string }).amount)), Money.zero('USD'));
  expect(stored.toString()).toBe(outcome.total.toString());
  expect(outcome.total.greaterThan(money(paymentAmount))).toBe(false);
}

// The amounts never add up to the whole payment: a fully refunded payment answers PAYMENT_NOT_SUCCEEDED instead.
describe('refunds racing on a payment that went entirely to customer credit', () => {
  it.each([
    { round: 1, amounts: ['25.00', '25.00', '25.00', '25.00', '25.00', '25.00', '25.00', '25.00'], fits: 2 },
    { round: 2, amounts: ['19.00', '19.00', '19.00', '19.00', '19.00', '19.00'], fits: 3 },
    { round: 3, amounts: ['59.99', '0.02', '59.99', '0.02', '59.99', '0.02'], fits: undefined },
  ])('round $round: every loser is AMOUNT_EXCEEDS_REFUNDABLE, never INSUFFICIENT_CREDIT', async ({ round, amounts, fits }) => {
    const customerId = `credit-race-${round}`;
    const paymentId = await paymentAllInCredit(customerId, '60.00');
    const outcome = await outcomeOf(paymentId, amounts, await raceRefunds(paymentId, amounts));
    expect(outcome.refusals.map((refusal) => refusal.code)).toEqual(outcome.refusals.map(() => 'AMOUNT_EXCEEDS_REFUNDABLE'));
    // Each loser was told a refundable amount below what it asked, the payment as it stood after the winners.
    for (const refusal of outcome.refusals) expect(money(String(refusal.refundable)).lessThan(money(amounts[refusal.index] as string))).toBe(true);
    if (fits !== undefined) expect(outcome.accepted).toHaveLength(fits);
    else expect(outcome.accepted.length).toBeGreaterThanOrEqual(1);
    expectEventsMatchAnswers(outcome, '60.00');
    // Everything came back from credit: one debit per accepted refund, and the credit left is what was not refunded.
    expect(outcome.debits).toHaveLength(outcome.accepted.length);
    const end = encodePosition(outcome.refundEvents.at(-1)!.position);
    expect(await ledger.customerCredit(customerId, end)).toEqual([usd(money('60.00').minus(outcome.total).toString())]);
    expect(await allocatedPayment(paymentId)).toMatchObject({ refundedTotal: usd(outcome.total.toString()) });
  });
});

describe('refunds racing on a payment that paid an invoice and left credit', () => {
  // 100.00 on a 71.96 invoice: 71.96 applied, 28.04 to credit; a refund takes the invoice part first, then the credit.
  it.each([
    { round: 1, amounts: ['30.00', '30.00', '30.00', '30.00', '30.00', '30.00'], fits: 3 },
    { round: 2, amounts: ['45.00', '45.00', '45.00', '9.00', '9.00', '9.00'], fits: undefined },
  ])('round $round: losers are AMOUNT_EXCEEDS_REFUNDABLE and the refunds never pass the payment', async ({ round, amounts, fits }) => {
    const customerId = `mixed-race-${round}`;
    const invoiceId = (await issuedInvoice(ledger, { customerId })).invoice.id;
    const paid = await createPayment({ customerId, amount: '100.00', currency: 'USD', method: 'CASH', reference: `till-mixed-${round}`, allocations: [{ invoiceId, amount: '100.00' }] });
    expect(paid.payment.creditAmount).toEqual(usd('28.04'));
    const outcome = await outcomeOf(paid.payment.id, amounts, await raceRefunds(paid.payment.id, amounts));
    expect(outcome.refusals.map((refusal) => refusal.code)).toEqual(outcome.refusals.map(() => 'AMOUNT_EXCEEDS_REFUNDABLE'));
    if (fits !== undefined) expect(outcome.accepted).toHaveLength(fits);
    expectEventsMatchAnswers(outcome, '100.00');
    // The credit taken back is exactly what the accepted refunds asked beyond the invoice's 71.96, and at most 28.04.
    const fromCredit = outcome.debits.reduce((sum, event) => sum.plus(money((event.data as { amount: string }).amount)), Money.zero('USD'));
    const beyondInvoice = outcome.total.greaterThan(money('71.96')) ? outcome.total.minus(money('71.96')) : Money.zero('USD');
    expect(fromCredit.toString()).toBe(beyondInvoice.toString());
    const end = encodePosition(outcome.refundEvents.at(-1)!.position);
    expect(await ledger.customerCredit(customerId, end)).toEqual([usd(money('28.04').minus(fromCredit).toString())]);
    const invoice = requireData(await ledger.graphql<{ invoice: { amountRefunded: { amount: string } } }>(INVOICE_REFUNDED, { id: invoiceId, minPosition: end }), 'invoice').invoice;
    expect(invoice.amountRefunded.amount).toBe(Money.min(outcome.total, money('71.96')).toString());
  });
});

describe('refunds of a payment whose credit the customer has really spent', () => {
  it('INSUFFICIENT_CREDIT still answers when the credit went on an invoice, alone and racing', async () => {
    const customerId = 'spent-credit';
    const paymentId = await paymentAllInCredit(customerId, '60.00');
    // The customer spends 45.00 of the 60.00 on a later invoice: 15.00 of credit is left.
    const invoiceId = (await issuedInvoice(ledger, { customerId })).invoice.id;
    requireData(await ledger.graphql(APPLY_CREDIT, { input: { customerId, invoiceId, amount: '45.00', currency: 'USD' } }), 'applyCredit');

    const alone = await ledger.graphql<{ refundPayment: PaymentPayload }>(REFUND, { input: { paymentId, amount: '15.01', method: 'CHECK', reason: 'more than is left' } });
    expect(firstErrorCode(alone)).toBe('INSUFFICIENT_CREDIT');

    // 4 x 10.00 at once: the payment could refund all of them, the credit left only one.
    const amounts = ['10.00', '10.00', '10.00', '10.00'];
    const outcome = await outcomeOf(paymentId, amounts, await raceRefunds(paymentId, amounts));
    expect(outcome.accepted).toHaveLength(1);
    expect(outcome.refusals.map((refusal) => refusal.code)).toEqual(['INSUFFICIENT_CREDIT', 'INSUFFICIENT_CREDIT', 'INSUFFICIENT_CREDIT']);
    expectEventsMatchAnswers(outcome, '60.00');
    const end = encodePosition(outcome.refundEvents.at(-1)!.position);
    expect(await ledger.customerCredit(customerId, end)).toEqual([usd('5.00')]);
  });
});
