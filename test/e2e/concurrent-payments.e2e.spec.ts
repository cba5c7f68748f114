import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Money } from '../../libs/money/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { firstErrorCode, requireData } from '../support/graphql-http.client.js';
import { issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Clients paying one invoice at the same moment, over HTTP. Each payment is recorded and applied to the invoice in
 * one atomic append, so the payments race on the invoice stream's revision;
 * whatever wins, the ledger must stay exact: no payment twice, none lost, the balance never below zero, every cent
 * beyond the total in the customer's credit.
 */

const CLIENTS = 8;
const ALLOWED_REJECTIONS = new Set(['INVOICE_NOT_OPEN', 'CONCURRENCY_CONFLICT']);

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

interface AppliedEventData {
  paymentId: string;
  amount: string;
  balanceDueAfter: string;
}

interface AllocatedEventData {
  allocations: { invoiceId: string; amount: string }[];
  creditAmount: string;
}

const usd = (amount: string) => Money.of(amount, 'USD');
const sum = (amounts: readonly string[]) => amounts.reduce((total, amount) => total.plus(usd(amount)), Money.zero('USD'));

/** paymentsToCover: how many payments it takes to reach 100.00; the rest find the invoice paid. */
const races = [
  { round: 1, paymentAmount: '30.00', paymentsToCover: 4 },
  { round: 2, paymentAmount: '25.00', paymentsToCover: 4 },
  { round: 3, paymentAmount: '13.37', paymentsToCover: 8 },
];

describe(`${CLIENTS} clients paying a 100.00 USD invoice at once`, () => {
  it.each(races)('round $round: $paymentAmount each, more than the total together', async ({ round, paymentAmount, paymentsToCover }) => {
    const customerId = `race-customer-${round}`;
    const issued = await issuedInvoice(ledger, { customerId, lines: [{ description: 'Annual plan', quantity: '1', unitPrice: '100.00' }] });
    expect(issued.invoice.total).toEqual({ amount: '100.00', currency: 'USD' });
    const invoiceId = issued.invoice.id;

    const references = Array.from({ length: CLIENTS }, (_, index) => `race-${round}-client-${index}`);
    const responses = await Promise.all(
      references.map((reference) => ledger.mutate('recordPayment', { invoiceId, amount: paymentAmount, currency: 'USD', method: 'CARD', reference })),
    );

    const succeeded = references.filter((_, index) => !responses[index]?.errors);
    const rejected = references.filter((_, index) => responses[index]?.errors);
    for (const response of responses) {
      if (response.errors) expect(ALLOWED_REJECTIONS.has(firstErrorCode(response) ?? '')).toBe(true);
      else expect(response.data?.recordPayment?.invoice.id).toBe(invoiceId);
    }

    // Each payment is recorded on its own stream, then applied to the invoice in the same append (one atomic step).
    const events = await ledger.tenantEvents();
    const recorded = events.filter((event) => event.type === 'PaymentRecorded' && references.includes((event.data as { reference: string }).reference));
    const referenceOf = new Map(recorded.map((event) => [(event.data as { paymentId: string }).paymentId, (event.data as { reference: string }).reference]));
    const stream: RecordedEvent[] = events.filter((event) => event.streamId === `dev:invoice-${invoiceId}`);
    const applied = stream.filter((event) => event.type === 'InvoicePaymentApplied').map((event) => event.data as unknown as AppliedEventData);
    const allocatedBy = new Map(
      events.filter((event) => event.type === 'PaymentAllocated').map((event) => [(event.data as { paymentId: string }).paymentId, event.data as unknown as AllocatedEventData]),
    );
    const payments = applied.map((application) => {
      const allocation = allocatedBy.get(application.paymentId);
      return {
        paymentId: application.paymentId,
        reference: referenceOf.get(application.paymentId) as string,
        amount: paymentAmount,
        appliedAmount: application.amount,
        excessAmount: allocation?.creditAmount as string,
        balanceDueAfter: application.balanceDueAfter,
        allocations: allocation?.allocations,
      };
    });

    // Every accepted payment is recorded exactly once and applied once; every refused one left nothing.
    for (const reference of succeeded) expect(recorded.filter((event) => (event.data as { reference: string }).reference === reference)).toHaveLength(1);
    for (const reference of rejected) expect(recorded.filter((event) => (event.data as { reference: string }).reference === reference)).toHaveLength(0);
    for (const reference of succeeded) expect(payments.filter((payment) => payment.reference === reference)).toHaveLength(1);
    expect(new Set(payments.map((payment) => payment.paymentId)).size).toBe(payments.length);
    expect(payments).toHaveLength(succeeded.length);

    // Folded in log order, each payment applied what was due at that moment and the balance never went below zero;
    // its allocation says the same, and the rest of the payment went to the customer's credit.
    let balanceDue = usd('100.00');
    for (const payment of payments) {
      const applies = Money.min(usd(payment.amount), balanceDue);
      expect([payment.appliedAmount, payment.excessAmount]).toEqual([applies.toString(), usd(payment.amount).minus(applies).toString()]);
      expect(payment.allocations).toEqual([{ invoiceId, amount: applies.toString() }]);
      balanceDue = balanceDue.minus(applies);
      expect(payment.balanceDueAfter).toBe(balanceDue.toString());
      expect(usd(payment.balanceDueAfter).isNegative()).toBe(false);
    }
    expect(sum(payments.map((payment) => payment.appliedAmount)).toString()).toBe('100.00');
    expect(balanceDue.isZero()).toBe(true);
    // Payments stop exactly when the balance reaches zero: every earlier one left something due.
    for (const payment of payments.slice(0, -1)) expect(usd(payment.balanceDueAfter).isPositive()).toBe(true);
    // Unless a client ran out of conflict retries, exactly as many payments succeed as it takes to cover the total.
    const outOfRetries = responses.filter((response) => firstErrorCode(response) === 'CONCURRENCY_CONFLICT').length;
    expect({ outOfRetries, succeeded: outOfRetries > 0 ? paymentsToCover : succeeded.length }).toEqual({ outOfRetries: expect.any(Number), succeeded: paymentsToCover });

    // The read models agree: the invoice is paid, and the customer holds exactly the excess as credit.
    const lastPosition = encodePosition((events.at(-1) as RecordedEvent).position);
    const invoice = await ledger.invoice(invoiceId, lastPosition);
    expect(invoice).toMatchObject({ status: 'PAID', amountPaid: { amount: '100.00' }, balanceDue: { amount: '0.00' } });
    const { invoice: applications } = requireData(
      await ledger.graphql<{ invoice: { paymentApplications: { paymentId: string }[] } }>('query ($id: ID!) { invoice(id: $id) { paymentApplications { paymentId } } }', { id: invoiceId }),
      'invoice',
    );
    expect(applications.paymentApplications.map((application) => referenceOf.get(application.paymentId)).sort()).toEqual([...succeeded].sort());
    const excess = sum(payments.map((payment) => payment.excessAmount));
    // No excess, no credit entry (the customer account is only credited by a payment's excess).
    expect(await ledger.customerCredit(customerId, lastPosition)).toEqual(excess.isZero() ? [] : [{ amount: excess.toString(), currency: 'USD' }]);
  });
});
