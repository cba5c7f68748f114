import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Money } from '../../libs/money/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { firstErrorCode } from '../support/graphql-http.client.js';
import { issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Clients paying one invoice at the same moment, over HTTP. The payments race on the invoice stream's revision;
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

interface PaymentEventData {
  paymentId: string;
  reference: string;
  amount: string;
  appliedAmount: string;
  excessAmount: string;
  balanceDueAfter: string;
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

    const stream: RecordedEvent[] = (await ledger.tenantEvents()).filter((event) => event.streamId === `dev:invoice-${invoiceId}`);
    const payments = stream.filter((event) => event.type === 'InvoicePaymentRecorded').map((event) => event.data as unknown as PaymentEventData);

    // Every accepted payment is recorded exactly once; every refused one left nothing.
    for (const reference of succeeded) expect(payments.filter((payment) => payment.reference === reference)).toHaveLength(1);
    for (const reference of rejected) expect(payments.filter((payment) => payment.reference === reference)).toHaveLength(0);
    expect(new Set(payments.map((payment) => payment.paymentId)).size).toBe(payments.length);
    expect(payments).toHaveLength(succeeded.length);

    // Folded in log order, each payment applied what was due at that moment and the balance never went below zero.
    let balanceDue = usd('100.00');
    for (const payment of payments) {
      const applied = Money.min(usd(payment.amount), balanceDue);
      expect([payment.appliedAmount, payment.excessAmount]).toEqual([applied.toString(), usd(payment.amount).minus(applied).toString()]);
      balanceDue = balanceDue.minus(applied);
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
    const lastPosition = encodePosition((stream.at(-1) as RecordedEvent).position);
    const invoice = await ledger.invoice(invoiceId, lastPosition);
    expect(invoice).toMatchObject({ status: 'PAID', amountPaid: { amount: '100.00' }, balanceDue: { amount: '0.00' } });
    expect(invoice?.payments.map((payment) => payment.reference).sort()).toEqual([...succeeded].sort());
    const excess = sum(payments.map((payment) => payment.excessAmount));
    expect(await ledger.customerCredit(customerId, lastPosition)).toEqual([{ amount: excess.toString(), currency: 'USD' }]);
  });
});
