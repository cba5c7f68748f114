import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { SubscriptionScenario } from '../support/subscription-api.js';

/**
 * The product's worked examples of recurring billing, through the API on a test clock (docs/domain.md,
 * "Subscriptions"): each scenario is a fresh tenant whose clock the test advances; the renewals are run by the
 * scheduler's due work as advanceTestClock runs it, and what they post is read back from the invoices, credit notes
 * and customer balances like any client would.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
});

describe('a change now, halfway through a 30-day month billed in advance, invoiced now (always_invoice)', () => {
  it.each([
    // case, from, to, credit, charge, owed on the change invoice, customer credit after
    ['upgrade 10.00 -> 20.00', '10.00', '20.00', '5.00', '10.00', '5.00', []],
    ['upgrade 10.00 -> 100.00', '10.00', '100.00', '5.00', '50.00', '45.00', []],
    ['downgrade 100.00 -> 10.00 done now', '100.00', '10.00', '50.00', '5.00', '0.00', [{ amount: '45.00', currency: 'USD' }]],
  ])('%s (%s to %s): credit %s, charge %s, owed %s', async (_case, from, to, credit, charge, owed, customerCredit) => {
    const scenario = await SubscriptionScenario.start(ledger, 'sub-change', '2025-04-01T09:00:00Z');
    await scenario.customer('customer');
    await scenario.plan({ planId: 'from', price: from });
    await scenario.plan({ planId: 'to', price: to });
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'from' });
    await scenario.advance('2025-04-01T10:00:00Z');
    const april = await scenario.subscription('sub');
    expect(april?.charges.map((entry) => [entry.reason, entry.periodStart, entry.total.amount])).toEqual([['PERIOD', '2025-04-01', from]]);

    await scenario.advance('2025-04-16T10:00:00Z');
    const changed = await scenario.mutateOk('changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'sub', planId: 'to', effective: 'NOW', prorationBehavior: 'ALWAYS_INVOICE' });
    expect(changed.subscription.items.map((item) => [item.planId, item.unitPrice.amount])).toEqual([['to', to]]);
    if (changed.invoiceId === null || changed.creditNoteId === null) throw new Error('the change posted no invoice or no credit note');
    const invoice = await scenario.invoice(changed.invoiceId);
    // One unit at the prorated amount: 15/30 of the new price (the API shows unit prices without trailing zeros).
    expect(invoice.lines.map((line) => [line.quantity, Number(line.unitPrice).toFixed(2), line.amount.amount])).toEqual([['1', charge, charge]]);
    expect(invoice.total.amount).toBe(charge);
    expect(invoice.balanceDue.amount).toBe(owed);
    const note = await scenario.creditNote(changed.creditNoteId);
    expect(note).toMatchObject({ status: 'APPLIED', type: 'ADJUSTMENT', reason: 'PRICE_ADJUSTMENT', total: { amount: credit } });
    // Against the invoice that billed April, applied first to the change invoice, the rest to the customer's account.
    expect(note.sourceInvoiceId).toBe(april?.charges[0]?.invoiceId);
    expect(await scenario.customerCredit()).toEqual(customerCredit);
  });
});

describe('anchor day 31, monthly in advance', () => {
  it.each([
    ['2025', '2025-01-31', ['2025-01-31', '2025-02-28', '2025-03-31', '2025-04-30']],
    ['2024 (a leap year)', '2024-01-31', ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']],
  ])('in %s renews on the last day of short months and the 31st of long ones', async (_year, start, renewals) => {
    const scenario = await SubscriptionScenario.start(ledger, 'sub-anchor', `${start}T09:00:00Z`);
    await scenario.customer('customer');
    await scenario.plan({ planId: 'fibre', price: '10.00' });
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'fibre' });
    const last = renewals.at(-1) as string;
    await scenario.advance(`${last}T12:00:00Z`);
    const invoices = await scenario.invoicesOf('customer');
    expect(invoices.map((invoice) => invoice.issueDate)).toEqual(renewals);
    expect(invoices.map((invoice) => invoice.total.amount)).toEqual(renewals.map(() => '10.00'));
    const subscription = await scenario.subscription('sub');
    expect(subscription?.charges.map((charge) => charge.periodStart)).toEqual(renewals);
  });
});

describe('calendar-aligned 50.00 a month, starting August 10', () => {
  it('bills 22/31 of August first (35.48), then whole months', async () => {
    const scenario = await SubscriptionScenario.start(ledger, 'sub-calendar', '2025-08-10T09:00:00Z');
    await scenario.customer('customer');
    await scenario.plan({ planId: 'fibre', price: '50.00' });
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'fibre', alignment: 'CALENDAR' });
    await scenario.advance('2025-09-01T12:00:00Z');
    const [august, september] = await scenario.invoicesOf('customer');
    expect(august?.lines.map((line) => [line.description, line.quantity, line.unitPrice, line.amount.amount])).toEqual([
      ['Plan fibre (2025-08-10 to 2025-08-31, 22/31 of monthly)', '1', '35.48', '35.48'],
    ]);
    expect(august?.total.amount).toBe('35.48');
    expect(september).toMatchObject({ issueDate: '2025-09-01', total: { amount: '50.00' } });
  });
});
