import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { SubscriptionScenario, SUBSCRIPTION_DOCUMENTS, type UpcomingInvoiceView } from '../support/subscription-api.js';
import type { InvoiceView } from '../support/invoice-api.documents.js';

/**
 * Renewals are real invoices, exactly once (docs/domain.md, "Subscriptions"), through the API on test clocks:
 * - the upcoming invoice a client is shown is, line by line and with its tax, the invoice the renewal then issues;
 * - a year of downtime caught up in one advance bills every period once, in order, with gapless numbers.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
});

/** An invoice's lines as a preview shows them, for a line-by-line comparison (unit prices as exact decimals). */
function linesOf(invoice: Pick<InvoiceView, 'lines'>): string[][] {
  return invoice.lines.map((line) => [line.id, line.description, line.quantity, Number(line.unitPrice).toFixed(2), line.taxRate ?? '-', line.amount.amount, line.taxAmount.amount]);
}

function previewLinesOf(preview: NonNullable<UpcomingInvoiceView['invoice']>): string[][] {
  return preview.lines.map((line) => [line.lineId, line.description, line.quantity, Number(line.unitPrice).toFixed(2), line.taxRate ?? '-', line.amount.amount, line.taxAmount.amount]);
}

describe('the upcoming invoice is the invoice the renewal issues', () => {
  it('a first bill with a setup fee, an add-on and 20% tax: every line, the tax and the totals, as previewed', async () => {
    const scenario = await SubscriptionScenario.start(ledger, 'sub-preview', '2025-03-20T09:00:00Z');
    await scenario.customer('customer');
    await scenario.plan({ planId: 'fibre', price: '39.99', setupFee: '25.00', taxTreatment: { kind: 'RATE', rate: '20' } });
    await scenario.plan({ planId: 'ip', price: '3.00', kind: 'ADDON', basePlanIds: ['fibre'], taxTreatment: { kind: 'RATE', rate: '20' } });
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'fibre', startDate: '2025-04-10', alignment: 'CALENDAR', addons: [{ planId: 'ip', quantity: '2' }] });

    const upcoming = await scenario.upcoming('sub');
    if (upcoming?.invoice == null) throw new Error('no upcoming invoice');
    expect(upcoming).toMatchObject({ period: { start: '2025-04-10', end: '2025-05-01' }, billDate: '2025-04-10', billAt: '2025-04-10T00:00:00.000Z' });
    // 21/30 of April: 39.99 x 21 / 30 = 27.993 -> 27.99; 2 x 3.00 x 21 / 30 = 4.20; then the setup fee.
    expect(upcoming.lines.map((line) => [line.kind, line.amount.amount])).toEqual([
      ['RECURRING', '27.99'],
      ['RECURRING', '4.20'],
      ['SETUP_FEE', '25.00'],
    ]);
    expect(upcoming.invoice).toMatchObject({ subtotal: { amount: '57.19' }, taxTotal: { amount: '11.44' }, total: { amount: '68.63' }, issueDate: '2025-04-10', dueDate: '2025-05-10' });

    await scenario.advance('2025-04-10T12:00:00Z');
    const posted = await scenario.invoice(upcoming.invoice.invoiceId);
    expect(linesOf(posted)).toEqual(previewLinesOf(upcoming.invoice));
    expect([posted.subtotal, posted.taxTotal, posted.total, posted.issueDate, posted.dueDate]).toEqual([
      upcoming.invoice.subtotal,
      upcoming.invoice.taxTotal,
      upcoming.invoice.total,
      upcoming.invoice.issueDate,
      upcoming.invoice.dueDate,
    ]);
    expect(posted.number).toBe('INV-2025-000001');
  });

  it('a bill carrying the prorations of a change (create_prorations): the invoice, the credit note and where the credit goes, as previewed', async () => {
    const scenario = await SubscriptionScenario.start(ledger, 'sub-preview', '2025-04-01T09:00:00Z');
    await scenario.customer('customer');
    await scenario.plan({ planId: 'small', price: '10.00' });
    await scenario.plan({ planId: 'large', price: '20.00' });
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'small' });
    await scenario.advance('2025-04-01T10:00:00Z');
    await scenario.advance('2025-04-16T10:00:00Z');
    const preview = (await scenario.ok<{ previewSubscriptionChange: { effective: string; direction: string; invoicedNow: boolean; lines: { kind: string; amount: { amount: string } }[] } }>(
      'previewSubscriptionChange',
      `query ($input: PreviewSubscriptionChangeInput!) { previewSubscriptionChange(input: $input) { effective direction invoicedNow lines { kind amount { amount } } } }`,
      { input: { subscriptionId: 'sub', planId: 'large' } },
    )).previewSubscriptionChange;
    expect(preview).toEqual({ effective: 'NOW', direction: 'UPGRADE', invoicedNow: false, lines: [{ kind: 'PRORATION_CREDIT', amount: { amount: '-5.00' } }, { kind: 'PRORATION_CHARGE', amount: { amount: '10.00' } }] });
    const changed = await scenario.mutateOk('changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'sub', planId: 'large' });
    // Nothing invoiced now: the two lines wait for May's bill.
    expect([changed.invoiceId, changed.creditNoteId]).toEqual([null, null]);

    const upcoming = await scenario.upcoming('sub');
    if (upcoming?.invoice == null || upcoming.creditNote === null) throw new Error('no upcoming invoice and credit note');
    expect(upcoming.lines.map((line) => [line.kind, line.amount.amount])).toEqual([
      ['RECURRING', '20.00'],
      ['PRORATION_CREDIT', '-5.00'],
      ['PRORATION_CHARGE', '10.00'],
    ]);
    expect(upcoming.total.amount).toBe('25.00');
    expect(upcoming.invoice).toMatchObject({ total: { amount: '30.00' }, amountCredited: { amount: '5.00' }, balanceDue: { amount: '25.00' } });
    expect(upcoming.creditNote).toMatchObject({ total: { amount: '5.00' }, appliedToInvoice: { amount: '5.00' }, toCustomerCredit: { amount: '0.00' } });

    await scenario.advance('2025-05-01T10:00:00Z');
    const posted = await scenario.invoice(upcoming.invoice.invoiceId);
    expect(linesOf(posted)).toEqual(previewLinesOf(upcoming.invoice));
    expect([posted.total.amount, posted.amountCredited.amount, posted.balanceDue.amount]).toEqual(['30.00', '5.00', '25.00']);
    const note = await scenario.creditNote(upcoming.creditNote.creditNoteId);
    expect(note).toMatchObject({ status: 'APPLIED', total: { amount: '5.00' }, sourceInvoiceId: upcoming.creditNote.sourceInvoiceId });
    expect(note.applications.map((application) => [application.applicationType, application.invoiceId, application.amount.amount])).toEqual([['INVOICE', posted.id, '5.00']]);
  });
});

describe('a change invoiced now posts what its preview showed', () => {
  it('always_invoice: the invoice line by line, the credit note and where its credit goes', async () => {
    const scenario = await SubscriptionScenario.start(ledger, 'sub-preview', '2025-04-01T09:00:00Z');
    await scenario.customer('customer');
    await scenario.plan({ planId: 'large', price: '99.99', taxTreatment: { kind: 'RATE', rate: '20' } });
    await scenario.plan({ planId: 'small', price: '19.99', taxTreatment: { kind: 'RATE', rate: '20' } });
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'large', quantity: '2' });
    await scenario.advance('2025-04-01T10:00:00Z');
    await scenario.advance('2025-04-11T10:00:00Z');
    const input = { subscriptionId: 'sub', planId: 'small', effective: 'NOW', prorationBehavior: 'ALWAYS_INVOICE' };
    const preview = (await scenario.ok<{ previewSubscriptionChange: { direction: string; invoicedNow: boolean; invoice: UpcomingInvoiceView['invoice']; creditNote: UpcomingInvoiceView['creditNote'] } }>(
      'previewSubscriptionChange',
      SUBSCRIPTION_DOCUMENTS.previewSubscriptionChange,
      { input },
    )).previewSubscriptionChange;
    expect(preview).toMatchObject({ direction: 'DOWNGRADE', invoicedNow: true });
    if (preview.invoice === null || preview.creditNote === null) throw new Error('the preview posts no invoice or no credit note');
    const changed = await scenario.mutateOk('changeSubscription', 'ChangeSubscriptionInput', input);
    const posted = await scenario.invoice(changed.invoiceId as string);
    expect(linesOf(posted)).toEqual(previewLinesOf(preview.invoice));
    expect([posted.total, posted.amountCredited, posted.balanceDue]).toEqual([preview.invoice.total, preview.invoice.amountCredited, preview.invoice.balanceDue]);
    const note = await scenario.creditNote(changed.creditNoteId as string);
    // The documents of a change are named after its command, which the preview cannot know: the figures are the same.
    expect([note.total, note.sourceInvoiceId]).toEqual([preview.creditNote.total, preview.creditNote.sourceInvoiceId]);
    // 2 x 99.99 x 20/30 = 133.32 back with 20% tax (159.98), 2 x 19.99 x 20/30 = 26.65 charged (31.98): 128.00 to credit.
    expect([preview.creditNote.total.amount, preview.invoice.total.amount, preview.creditNote.toCustomerCredit.amount]).toEqual(['159.98', '31.98', '128.00']);
    expect(await scenario.customerCredit()).toEqual([{ amount: preview.creditNote.toCustomerCredit.amount, currency: 'USD' }]);
  });
});

describe('catching up: a year and a month of renewals in one advance', () => {
  it('bills exactly 13 periods per subscription, each once, in order, with gapless numbers per year', async () => {
    const scenario = await SubscriptionScenario.start(ledger, 'sub-catch-up', '2025-01-01T09:00:00Z');
    const starts: Record<string, string> = { first: '2025-01-01', middle: '2025-01-15', last: '2025-01-31' };
    // No payment reminders (docs/overdue.md): the unpaid bills' due work is then their overdue mark and late-fee check.
    await scenario.ok('updateInvoiceSettings', 'mutation ($input: UpdateInvoiceSettingsInput!) { updateInvoiceSettings(input: $input) { position } }', { input: { sendPaymentReminders: false } });
    await scenario.plan({ planId: 'fibre', price: '10.00' });
    for (const [id, startDate] of Object.entries(starts)) {
      await scenario.customer(id);
      await scenario.subscribe({ subscriptionId: id, customerId: id, planId: 'fibre', startDate });
    }
    const run = await scenario.advance('2026-01-31T12:00:00Z');
    // Two activations, the 39 bills, and the overdue mark and late-fee check of the 36 bills past due: nothing parked,
    // nothing dropped.
    expect(run).toEqual({ steps: 113, done: 113, parked: 0, dropped: 0 });
    const numbers: string[] = [];
    for (const [id, startDate] of Object.entries(starts)) {
      const invoices = await scenario.invoicesOf(id);
      expect(invoices).toHaveLength(13);
      const day = Number(startDate.slice(8));
      const expected = Array.from({ length: 13 }, (_, month) => {
        const date = new Date(Date.UTC(2025, month, 1));
        const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
        return `${date.toISOString().slice(0, 8)}${String(Math.min(day, last)).padStart(2, '0')}`;
      });
      expect(invoices.map((invoice) => invoice.issueDate)).toEqual(expected);
      // Each owes its 10.00; those past their due date on the tenant's clock show as overdue.
      expect(new Set(invoices.map((invoice) => `${invoice.total.amount} ${invoice.balanceDue.amount}`))).toEqual(new Set(['10.00 10.00']));
      expect(invoices.map((invoice) => invoice.status)).toEqual(invoices.map((invoice) => ((invoice.dueDate ?? '') < '2026-01-31' ? 'OVERDUE' : 'OPEN')));
      const subscription = await scenario.subscription(id);
      expect(subscription?.charges.map((charge) => charge.periodStart)).toEqual(expected);
      expect(subscription?.nextBillDate).toBe(expected.at(-1) === '2026-01-31' ? '2026-02-28' : `2026-02-${String(day).padStart(2, '0')}`);
      numbers.push(...invoices.map((invoice) => invoice.number as string));
    }
    const sequencesOf = (year: string) =>
      numbers
        .filter((number) => number.startsWith(`INV-${year}-`))
        .map((number) => Number(number.slice(-6)))
        .sort((a, b) => a - b);
    expect(sequencesOf('2025')).toEqual(Array.from({ length: 36 }, (_, index) => index + 1));
    expect(sequencesOf('2026')).toEqual([1, 2, 3]);

    // Advancing again runs nothing that was already done.
    expect(await scenario.advance('2026-01-31T23:59:59Z')).toEqual({ steps: 0, done: 0, parked: 0, dropped: 0 });
    // And the next day bills the next period of the subscription due then, once (and its bill of January, due
    // 2026-01-31, becomes overdue: the mark and the late-fee check).
    expect(await scenario.advance('2026-02-01T00:00:00Z')).toEqual({ steps: 3, done: 3, parked: 0, dropped: 0 });
    expect((await scenario.invoicesOf('first')).map((invoice) => invoice.issueDate).at(-1)).toBe('2026-02-01');
  }, 120_000);
});
