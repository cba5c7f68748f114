import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../../libs/application/src/index.js';
import { runDueSubscriptionWork } from '../../libs/ledger-application/src/subscriptions/index.js';
import { dueWorkContext, type DueWork } from '../../libs/scheduler/src/index.js';
import { periodInvoiceId } from '../../projections/subscriptions/subscription-documents.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { SubscriptionScenario } from '../support/subscription-api.js';

/**
 * How a subscription's charges become documents (docs/domain.md, "Subscriptions: the credit design"), through the
 * API on test clocks: credits against the invoice that charged their days (or against none when no single invoice can
 * take them), the tax of credited lines mirrored from the invoice that charged them, the customer's auto-applied
 * credit after the credit note, the tenant's zone for due instants and issue dates, and a renewal run twice acting
 * once.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
});

const CREATE_TAX_RATE = 'mutation ($input: CreateTaxRateInput!) { createTaxRate(input: $input) { position } }';
const CREATE_CREDIT_NOTE = 'mutation ($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { position creditNote { id } } }';
const ISSUE_CREDIT_NOTE = 'mutation ($input: IssueCreditNoteInput!) { issueCreditNote(input: $input) { position } }';
const UPDATE_TENANT = 'mutation ($input: UpdateTenantProfileInput!) { updateTenantProfile(input: $input) { position } }';
const TRIAL_BALANCE = `query ($minPosition: String) { trialBalance(asOf: "2100-01-01T00:00:00Z", currency: "USD", minPosition: $minPosition) {
  rows { account balance { amount } } totalDebit { amount } totalCredit { amount } } }`;

async function monthlyScenario(prefix: string, frozenTime = '2025-04-01T09:00:00Z'): Promise<SubscriptionScenario> {
  const scenario = await SubscriptionScenario.start(ledger, prefix, frozenTime);
  await scenario.customer('customer');
  await scenario.plan({ planId: 'small', price: '10.00' });
  await scenario.plan({ planId: 'medium', price: '20.00' });
  await scenario.plan({ planId: 'large', price: '40.00' });
  return scenario;
}

describe('where a credit goes', () => {
  it('two changes in one period: the credits were charged by two invoices, so the note is drafted against none, and gives back exactly the credits', async () => {
    const scenario = await monthlyScenario('sub-two-changes');
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'small' });
    await scenario.advance('2025-04-01T10:00:00Z');
    await scenario.advance('2025-04-11T10:00:00Z');
    await scenario.mutateOk('changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'sub', planId: 'medium' });
    await scenario.advance('2025-04-21T10:00:00Z');
    await scenario.mutateOk('changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'sub', planId: 'large' });
    await scenario.advance('2025-05-01T10:00:00Z');
    const may = (await scenario.subscription('sub'))?.charges.at(-1);
    // April 11 to May 1 (20 of 30 days): -6.67 at 10.00, +13.33 at 20.00; April 21 to May 1 (10 days): -6.67 at 20.00, +13.33 at 40.00.
    expect(may).toMatchObject({ periodStart: '2025-05-01', charged: { amount: '66.66' }, credited: { amount: '13.34' }, total: { amount: '53.32' } });
    if (may?.creditNoteId == null || may.invoiceId === null) throw new Error('May posted no credit note or no invoice');
    const note = await scenario.creditNote(may.creditNoteId);
    // The first credit is on April's invoice, the second on the charge billed in May itself: no single source.
    expect(note).toMatchObject({ sourceInvoiceId: null, total: { amount: '13.34' }, status: 'APPLIED' });
    const invoice = await scenario.invoice(may.invoiceId);
    expect([invoice.total.amount, invoice.amountCredited.amount, invoice.balanceDue.amount]).toEqual(['66.66', '13.34', '53.32']);
  });

  it('when the invoice that charged the days can no longer take the note (credited already), the note is drafted against none', async () => {
    const scenario = await monthlyScenario('sub-credited');
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'medium' });
    await scenario.advance('2025-04-01T10:00:00Z');
    const april = (await scenario.subscription('sub'))?.charges[0]?.invoiceId as string;
    // An operator credits 18.00 of April's 20.00 by hand: 2.00 is left creditable.
    const drafted = await scenario.ok<{ createCreditNote: { creditNote: { id: string } } }>('createCreditNote', CREATE_CREDIT_NOTE, {
      input: { customerId: 'customer', currency: 'USD', type: 'GOODWILL', reason: 'SERVICE_ISSUE', sourceInvoiceId: april, lines: [{ description: 'Outage', quantity: '1', unitPrice: '18.00' }] },
    });
    await scenario.ok('issueCreditNote', ISSUE_CREDIT_NOTE, { input: { creditNoteId: drafted.createCreditNote.creditNote.id } });
    await scenario.advance('2025-04-16T10:00:00Z');
    const changed = await scenario.mutateOk('changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'sub', planId: 'small', effective: 'NOW', prorationBehavior: 'ALWAYS_INVOICE' });
    const note = await scenario.creditNote(changed.creditNoteId as string);
    expect(note).toMatchObject({ sourceInvoiceId: null, total: { amount: '10.00' } });
    // 10.00 credited, 5.00 charged: 5.00 on the change's invoice, 5.00 to the customer's account.
    expect(note.applications.map((application) => [application.applicationType, application.invoiceId, application.amount.amount]).sort()).toEqual([
      ['CUSTOMER_ACCOUNT', null, '5.00'],
      ['INVOICE', changed.invoiceId, '5.00'],
    ]);
    expect(await scenario.customerCredit()).toEqual([{ amount: '5.00', currency: 'USD' }]);
  });

  it("the customer's auto-applied credit pays what the renewal's invoice still owes after its own credit note", async () => {
    const scenario = await SubscriptionScenario.start(ledger, 'sub-auto-apply', '2025-04-01T09:00:00Z');
    await scenario.customer('customer', true);
    await scenario.plan({ planId: 'small', price: '10.00' });
    await scenario.plan({ planId: 'large', price: '100.00' });
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'large' });
    await scenario.advance('2025-04-01T10:00:00Z');
    await scenario.advance('2025-04-16T10:00:00Z');
    // A downgrade now gives 45.00 of customer credit (the worked example); May's 10.00 bill then takes 10.00 of it.
    await scenario.mutateOk('changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'sub', planId: 'small', effective: 'NOW', prorationBehavior: 'ALWAYS_INVOICE' });
    expect(await scenario.customerCredit()).toEqual([{ amount: '45.00', currency: 'USD' }]);
    await scenario.advance('2025-05-01T10:00:00Z');
    const may = (await scenario.subscription('sub'))?.charges.at(-1);
    const invoice = await scenario.invoice(may?.invoiceId as string);
    expect([invoice.total.amount, invoice.amountCredited.amount, invoice.balanceDue.amount, invoice.status]).toEqual(['10.00', '10.00', '0.00', 'PAID']);
    expect(await scenario.customerCredit()).toEqual([{ amount: '35.00', currency: 'USD' }]);
  });
});

describe('tax on credited lines', () => {
  it("a plan left to the tenant's tax rates: the credit note gives back the tax the invoice charged on those days", async () => {
    const scenario = await SubscriptionScenario.start(ledger, 'sub-tax', '2025-04-01T09:00:00Z');
    await scenario.customer('customer');
    await scenario.ok('createTaxRate', CREATE_TAX_RATE, { input: { id: 'us-sales', name: 'US sales tax', type: 'SALES_TAX', rate: '8.5', jurisdiction: 'US' } });
    await scenario.plan({ planId: 'small', price: '10.00', taxTreatment: { kind: 'STANDARD' } });
    await scenario.plan({ planId: 'large', price: '100.00', taxTreatment: { kind: 'STANDARD' } });
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'large' });
    await scenario.advance('2025-04-01T10:00:00Z');
    const april = await scenario.invoice((await scenario.subscription('sub'))?.charges[0]?.invoiceId as string);
    expect([april.subtotal.amount, april.taxTotal.amount, april.total.amount]).toEqual(['100.00', '8.50', '108.50']);
    await scenario.advance('2025-04-16T10:00:00Z');
    const changed = await scenario.mutateOk('changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'sub', planId: 'small', effective: 'NOW', prorationBehavior: 'ALWAYS_INVOICE' });
    const note = await scenario.creditNote(changed.creditNoteId as string);
    // 50.00 of unused April back, with its 8.5%: 54.25; the 5.00 charge taxed the same way on the new invoice.
    expect(note).toMatchObject({ sourceInvoiceId: april.id, total: { amount: '54.25' } });
    const invoice = await scenario.invoice(changed.invoiceId as string);
    expect([invoice.subtotal.amount, invoice.taxTotal.amount, invoice.total.amount, invoice.balanceDue.amount]).toEqual(['5.00', '0.43', '5.43', '0.00']);
    expect(await scenario.customerCredit()).toEqual([{ amount: '48.82', currency: 'USD' }]);
    // The general ledger got all of it through the invoices' and the credit note's own postings, and balances.
    const { trialBalance } = await scenario.ok<{ trialBalance: { rows: { account: string; balance: { amount: string } }[]; totalDebit: { amount: string }; totalCredit: { amount: string } } }>(
      'trialBalance',
      TRIAL_BALANCE,
      { minPosition: scenario.position },
    );
    expect(trialBalance.totalDebit).toEqual(trialBalance.totalCredit);
    const balances = Object.fromEntries(trialBalance.rows.map((row) => [row.account, row.balance.amount]));
    expect(balances).toMatchObject({ ACCOUNTS_RECEIVABLE: '108.50', REVENUE: '-55.00', TAX_PAYABLE: '-4.68', CUSTOMER_CREDIT: '-48.82', CREDIT_NOTES: '0.00' });
  });
});

describe("the tenant's zone", () => {
  it('a subscription of a tenant in Auckland falls due at the start of its day there and its invoices are dated there', async () => {
    const scenario = await SubscriptionScenario.start(ledger, 'sub-zone', '2025-03-31T20:00:00Z');
    await scenario.ok('updateTenantProfile', UPDATE_TENANT, { input: { timeZone: 'Pacific/Auckland' } });
    await scenario.customer('customer');
    await scenario.plan({ planId: 'small', price: '10.00' });
    // 20:00 UTC on March 31 is already April 1 in Auckland (UTC+13 until April 6).
    const created = await scenario.subscribe({ subscriptionId: 'sub', planId: 'small' });
    expect(created.subscription).toMatchObject({ timeZone: 'Pacific/Auckland', startDate: '2025-04-01', nextBillDate: '2025-04-01' });
    const upcoming = await scenario.upcoming('sub');
    expect(upcoming).toMatchObject({ billDate: '2025-04-01', billAt: '2025-03-31T11:00:00.000Z' });
    await scenario.advance('2025-03-31T21:00:00Z');
    const invoices = await scenario.invoicesOf('customer');
    expect(invoices.map((invoice) => [invoice.issueDate, invoice.issuedAt])).toEqual([['2025-04-01', '2025-03-31T11:00:00.000Z']]);
    // May 1 in Auckland (UTC+12 from April 6) starts at 12:00 UTC on April 30.
    expect((await scenario.upcoming('sub'))?.billAt).toBe('2025-04-30T12:00:00.000Z');
  });
});

describe('exactly once', () => {
  it('the same renewal run again (the same work, the same command id) appends nothing and answers with the first outcome', async () => {
    const scenario = await monthlyScenario('sub-once');
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'small' });
    const item: DueWork = {
      source: 'subscription_due_work',
      tenantId: scenario.tenantId,
      workKey: 'subscription:sub:bill_period:2025-04-01',
      kind: 'subscription.bill_period',
      dueAt: '2025-04-01T00:00:00.000Z',
      payload: { subscriptionId: 'sub', key: 'bill_period:2025-04-01', dueDate: '2025-04-01', periodStart: '2025-04-01' },
      attempts: 0,
      updatedPosition: '0',
    };
    const context = dueWorkContext(item, '2025-04-01T09:00:00.000Z');
    const first = await runDueSubscriptionWork(ledger.services, 'bill_period', item, context);
    expect(first.documents).toEqual([{ invoiceId: periodInvoiceId('sub', '2025-04-01'), creditNoteId: null }]);
    const events = await ledger.tenantEvents(scenario.tenantId);
    const again = await runDueSubscriptionWork(ledger.services, 'bill_period', item, context);
    expect(again.position).toEqual(first.position);
    expect(await ledger.tenantEvents(scenario.tenantId)).toHaveLength(events.length);
    // Another command for the same period (a second scheduler, a different command id) is refused: the period is billed.
    const otherCommand: CommandContext = { ...context.command, commandId: randomUUID() };
    await expect(runDueSubscriptionWork(ledger.services, 'bill_period', item, { ...context, command: otherCommand })).rejects.toMatchObject({ code: 'PERIOD_ALREADY_BILLED' });
    expect(await ledger.tenantEvents(scenario.tenantId)).toHaveLength(events.length);
    expect((await scenario.invoicesOf('customer')).map((invoice) => invoice.number)).toEqual(['INV-2025-000001']);
  });

  it('a retried mutation (the same idempotency key) names the same documents and posts them once', async () => {
    const scenario = await monthlyScenario('sub-retry');
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'medium' });
    await scenario.advance('2025-04-01T10:00:00Z');
    await scenario.advance('2025-04-16T10:00:00Z');
    const input = { subscriptionId: 'sub', at: 'NOW', idempotencyKey: 'cancel-once' };
    const first = await scenario.mutateOk('cancelSubscription', 'CancelSubscriptionInput', input);
    const second = await scenario.mutateOk('cancelSubscription', 'CancelSubscriptionInput', input);
    expect(second).toEqual(first);
    expect(await scenario.customerCredit()).toEqual([{ amount: '10.00', currency: 'USD' }]);
  });
});
