import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { draftInput, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { createAndIssue, eventCount, newTenant, readInvoice, recordExchangeRate, updateSettings } from '../support/settings-effect.support.js';

/**
 * The tenant's billing settings take effect on invoices: features on and off, supported currencies, enabled payment
 * methods, default payment terms, "today" in the tenant's time zone for overdue, and the exchange rate an invoice
 * locks at issue. Every refusal appends nothing.
 */

let ledger: TestLedger;
const clock = new TestClock('2024-01-15T09:00:00.000Z');

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
});

afterAll(async () => {
  await ledger?.stop();
});

async function expectRefused(tenantId: string, code: string, send: () => Promise<GraphQLHttpResponse<unknown>>): Promise<void> {
  const before = await eventCount(ledger, tenantId);
  const response = await send();
  expect({ code: firstErrorCode(response), data: response.data ? Object.values(response.data as Record<string, unknown>).filter((value) => value !== null) : [] }).toEqual({ code, data: [] });
  expect(await eventCount(ledger, tenantId)).toBe(before);
}

describe('features', () => {
  it('with invoicing off, createInvoice, addInvoiceLine, removeInvoiceLine, issueInvoice and voidInvoice fail FEATURE_DISABLED', async () => {
    const { tenantId, key } = await newTenant(ledger, 'invoicing-off');
    const draft = await ledger.mutateOk('createInvoice', draftInput(), key);
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: (await ledger.mutateOk('createInvoice', draftInput(), key)).invoice.id }, key);
    await updateSettings(ledger, tenantId, 'features', { invoicing: false });
    const line = { description: 'Static IP', quantity: '1', unitPrice: '5.00', taxRate: null };
    await expectRefused(tenantId, 'FEATURE_DISABLED', () => ledger.mutate('createInvoice', draftInput(), key));
    await expectRefused(tenantId, 'FEATURE_DISABLED', () => ledger.mutate('addInvoiceLine', { invoiceId: draft.invoice.id, line }, key));
    await expectRefused(tenantId, 'FEATURE_DISABLED', () => ledger.mutate('removeInvoiceLine', { invoiceId: draft.invoice.id, lineId: draft.invoice.lines[0]?.id }, key));
    await expectRefused(tenantId, 'FEATURE_DISABLED', () => ledger.mutate('issueInvoice', { invoiceId: draft.invoice.id }, key));
    await expectRefused(tenantId, 'FEATURE_DISABLED', () => ledger.mutate('voidInvoice', { invoiceId: issued.invoice.id, reason: 'Test' }, key));
    // Payments are a feature of their own: still on.
    await ledger.mutateOk('recordPayment', { invoiceId: issued.invoice.id, amount: '1.00', currency: 'USD', method: 'CARD', reference: 'ch_on' }, key);
    await updateSettings(ledger, tenantId, 'features', { invoicing: true });
    await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, key);
  });

  it('with payments off, recordPayment fails FEATURE_DISABLED', async () => {
    const { tenantId, key } = await newTenant(ledger, 'payments-off');
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: (await ledger.mutateOk('createInvoice', draftInput(), key)).invoice.id }, key);
    await updateSettings(ledger, tenantId, 'features', { payments: false });
    await expectRefused(tenantId, 'FEATURE_DISABLED', () => ledger.mutate('recordPayment', { invoiceId: issued.invoice.id, amount: '1.00', currency: 'USD', method: 'CARD', reference: 'ch_off' }, key));
  });
});

describe('receipts and reporting', () => {
  const receiptsOf = async (paymentId: string, key: string): Promise<{ number: string }[]> => {
    const query = 'query ($paymentId: ID!) { receipts(filter: { paymentId: $paymentId }, first: 10) { edges { node { number } } } }';
    const data = requireData(await ledger.graphql<{ receipts: { edges: { node: { number: string } }[] } }>(query, { paymentId }, key), 'receipts');
    return data.receipts.edges.map((edge) => edge.node);
  };
  const waitForReceipt = async (paymentId: string, key: string): Promise<{ number: string }[]> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = await receiptsOf(paymentId, key);
      if (found.length > 0 || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('with receipts off, a succeeded payment gets no receipt and takes no number; turned on again, the next payment gets the first number', async () => {
    const { tenantId, key } = await newTenant(ledger, 'receipts-off');
    const pay = async (reference: string): Promise<string> => {
      const issued = await ledger.mutateOk('issueInvoice', { invoiceId: (await ledger.mutateOk('createInvoice', draftInput(), key)).invoice.id }, key);
      const paid = await ledger.mutateOk('recordPayment', { invoiceId: issued.invoice.id, amount: '1.00', currency: 'USD', method: 'CARD', reference }, key);
      const paymentId = paid.invoice.payments.find((payment) => payment.reference === reference)?.paymentId;
      if (paymentId === undefined) throw new Error(`payment ${reference} not on the invoice`);
      return paymentId;
    };
    await updateSettings(ledger, tenantId, 'features', { receipts: false });
    const skipped = await pay('ch_receipts_off');
    // The issuer reads the toggle when it handles the payment (milliseconds later): let it pass the payment first.
    await ledger.tenantEvents(tenantId);
    await updateSettings(ledger, tenantId, 'features', { receipts: true });
    const issued = await pay('ch_receipts_on');
    // The receipt issuer handles payments in log order: once the later payment has its receipt, the earlier one was seen.
    expect((await waitForReceipt(issued, key)).map((receipt) => receipt.number)).toEqual([expect.stringMatching(/-000001$/)]);
    expect(await receiptsOf(skipped, key)).toEqual([]);
  });

  it('with reporting off, trialBalance, arAging and invoiceTotals fail FEATURE_DISABLED; the documents stay readable', async () => {
    const { tenantId, key } = await newTenant(ledger, 'reporting-off');
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: (await ledger.mutateOk('createInvoice', draftInput(), key)).invoice.id }, key);
    const reports = {
      trialBalance: 'query { trialBalance(asOf: "2030-01-01T00:00:00Z", currency: "USD") { totalDebit { amount } } }',
      arAging: 'query { arAging(asOf: "2030-01-01") { totals { currency } } }',
      invoiceTotals: 'query { invoiceTotals(reportingCurrency: "USD") { invoiceCount } }',
    };
    for (const query of Object.values(reports)) expect(firstErrorCode(await ledger.graphql(query, {}, key))).toBeUndefined();
    await updateSettings(ledger, tenantId, 'features', { reporting: false });
    for (const [name, query] of Object.entries(reports)) expect({ name, code: firstErrorCode(await ledger.graphql(query, {}, key)) }).toEqual({ name, code: 'FEATURE_DISABLED' });
    const invoice = requireData(
      await ledger.graphql<{ invoice: { id: string } | null }>('query ($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) { id } }', { id: issued.invoice.id, minPosition: issued.position }, key),
      'invoice',
    );
    expect(invoice.invoice?.id).toBe(issued.invoice.id);
  });
});

describe('payment settings', () => {
  it('an invoice in a currency outside payment.supportedCurrencies fails CURRENCY_NOT_SUPPORTED; adding it allows it', async () => {
    const { tenantId, key } = await newTenant(ledger, 'currencies');
    await expectRefused(tenantId, 'CURRENCY_NOT_SUPPORTED', () => ledger.mutate('createInvoice', draftInput({ currency: 'EUR' }), key));
    await updateSettings(ledger, tenantId, 'payment', { supportedCurrencies: ['USD', 'EUR'] });
    expect((await ledger.mutateOk('createInvoice', draftInput({ currency: 'EUR' }), key)).invoice.currency).toBe('EUR');
  });

  it('an invoice created without a currency is in payment.defaultCurrency', async () => {
    const { tenantId, key } = await newTenant(ledger, 'default-currency');
    expect((await ledger.mutateOk('createInvoice', draftInput({ currency: undefined }), key)).invoice.currency).toBe('USD');
    await updateSettings(ledger, tenantId, 'payment', { supportedCurrencies: ['USD', 'EUR'], defaultCurrency: 'EUR' });
    expect((await ledger.mutateOk('createInvoice', draftInput({ currency: null }), key)).invoice.currency).toBe('EUR');
    expect((await ledger.mutateOk('createInvoice', draftInput({ currency: 'USD' }), key)).invoice.currency).toBe('USD');
  });

  it('a payment method outside payment.enabledMethods fails PAYMENT_METHOD_DISABLED', async () => {
    const { tenantId, key } = await newTenant(ledger, 'methods');
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: (await ledger.mutateOk('createInvoice', draftInput(), key)).invoice.id }, key);
    await updateSettings(ledger, tenantId, 'payment', { enabledMethods: ['bank_account', 'wire_transfer'] });
    const payment = { invoiceId: issued.invoice.id, amount: '1.00', currency: 'USD', reference: 'ref' };
    await expectRefused(tenantId, 'PAYMENT_METHOD_DISABLED', () => ledger.mutate('recordPayment', { ...payment, method: 'CARD' }, key));
    expect((await ledger.mutateOk('recordPayment', { ...payment, method: 'WIRE_TRANSFER' }, key)).invoice.status).toBe('PARTIALLY_PAID');
  });

  it('the default due days come from invoice.defaultDueDays when the input names no terms', async () => {
    clock.setInstant('2024-01-15T09:00:00.000Z');
    const { tenantId, key } = await newTenant(ledger, 'due-days');
    await updateSettings(ledger, tenantId, 'invoice', { defaultDueDays: 10 });
    const draft = await ledger.mutateOk('createInvoice', draftInput(), key);
    expect(draft.invoice.paymentTermsDays).toBe(10);
    expect((await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, key)).invoice.dueDate).toBe('2024-01-25');
    // Explicit terms win over the settings.
    const explicit = await ledger.mutateOk('createInvoice', draftInput({ paymentTermsDays: 45 }), key);
    expect((await ledger.mutateOk('issueInvoice', { invoiceId: explicit.invoice.id }, key)).invoice.dueDate).toBe('2024-02-29');
  });
});

describe('overdue in the tenant time zone', () => {
  it('an invoice due on 2024-01-25 is overdue from 2024-01-25T10:00Z in Pacific/Kiritimati (already the 26th there), not in UTC', async () => {
    clock.setInstant('2024-01-15T09:00:00.000Z');
    const kiritimati = await newTenant(ledger, 'overdue-kiritimati');
    const utc = await newTenant(ledger, 'overdue-utc');
    await updateSettings(ledger, kiritimati.tenantId, 'tenant', { timeZone: 'Pacific/Kiritimati' });
    const issueDueOn25th = async (key: string) => {
      clock.setInstant('2024-01-15T09:00:00.000Z'); // the 15th in both zones (23:00 in Kiritimati)
      return ledger.mutateOk('issueInvoice', { invoiceId: (await ledger.mutateOk('createInvoice', draftInput({ paymentTermsDays: 10 }), key)).invoice.id }, key);
    };
    const far = await issueDueOn25th(kiritimati.key);
    const near = await issueDueOn25th(utc.key);
    expect([far.invoice.dueDate, near.invoice.dueDate]).toEqual(['2024-01-25', '2024-01-25']);
    clock.setInstant('2024-01-25T10:00:00.000Z');
    expect((await ledger.invoice(far.invoice.id, far.position, kiritimati.key))?.status).toBe('OVERDUE');
    expect((await ledger.invoice(near.invoice.id, near.position, utc.key))?.status).toBe('OPEN');
    const overdue = await ledger.invoices({ filter: { status: 'OVERDUE' } }, kiritimati.key);
    expect(overdue.edges.map((edge) => edge.node.id)).toEqual([far.invoice.id]);
    // A mutation's payload judges overdue the same way.
    const paid = await ledger.mutateOk('recordPayment', { invoiceId: far.invoice.id, amount: '1.00', currency: 'USD', method: 'CARD', reference: 'late' }, kiritimati.key);
    expect(paid.invoice.status).toBe('OVERDUE');
  });
});

const INVOICE_TOTALS = `
  query Totals($filter: InvoiceFilter, $reportingCurrency: String!, $minPosition: String) {
    invoiceTotals(filter: $filter, reportingCurrency: $reportingCurrency, minPosition: $minPosition) {
      reportingCurrency total { amount currency } invoiceCount convertedCount unconverted unconvertedTotals { amount currency }
    }
  }`;

describe('a document locks the exchange rate it used', () => {
  it('a EUR invoice issued at t2, with rates effective at t1 and t3, locks the rate of t1; reportingTotal and invoiceTotals use it', async () => {
    const { tenantId, key } = await newTenant(ledger, 'fx');
    await updateSettings(ledger, tenantId, 'payment', { defaultCurrency: 'USD', supportedCurrencies: ['USD', 'EUR', 'GBP'] });
    // t1 = 2024-02-01, t2 = 2024-02-10 (the issue), t3 = 2024-02-20: both rates are recorded before the issue.
    await recordExchangeRate(ledger, tenantId, { base: 'EUR', quote: 'USD', rate: '1.0850', effectiveAt: '2024-02-01T00:00:00.000Z' });
    await recordExchangeRate(ledger, tenantId, { base: 'EUR', quote: 'USD', rate: '1.1200', effectiveAt: '2024-02-20T00:00:00.000Z' });
    clock.setInstant('2024-02-10T12:00:00.000Z');
    // 2 x 49.99 EUR = 99.98 at an explicit 20% = 20.00 (19.996): total 119.98 EUR; x 1.0850 = 130.1783 -> 130.18 USD.
    const eur = await createAndIssue(ledger, key, draftInput({ currency: 'EUR', lines: [{ description: 'Fibre', quantity: '2', unitPrice: '49.99', taxRate: '20' }] }));
    expect(eur.issued.invoice).toMatchObject({
      total: { amount: '119.98', currency: 'EUR' },
      exchangeRate: { base: 'EUR', quote: 'USD', rate: '1.085', effectiveAt: '2024-02-01T00:00:00.000Z', source: 'ECB', inverted: false },
      reportingTotal: { amount: '130.18', currency: 'USD' },
    });
    // Only the opposite pair recorded: GBP -> USD is 1 / 0.79 = 1.265822784810 (12 decimals, half-up).
    // 10.00 GBP untaxed x 1.265822784810 = 12.6582278481 -> 12.66 USD.
    await recordExchangeRate(ledger, tenantId, { base: 'USD', quote: 'GBP', rate: '0.79', effectiveAt: '2024-01-01T00:00:00.000Z' });
    const gbp = await createAndIssue(ledger, key, draftInput({ currency: 'GBP', lines: [{ description: 'Static IP', quantity: '1', unitPrice: '10.00', taxRate: null }] }));
    expect(gbp.issued.invoice).toMatchObject({ exchangeRate: { base: 'GBP', quote: 'USD', rate: '1.26582278481', inverted: true }, reportingTotal: { amount: '12.66', currency: 'USD' } });
    // A later rate changes nothing for documents already issued; a rate recorded after the issue is never used.
    await recordExchangeRate(ledger, tenantId, { base: 'EUR', quote: 'USD', rate: '1.5000', effectiveAt: '2024-02-05T00:00:00.000Z' });
    const read = await readInvoice(ledger, key, eur.issued.invoice.id, eur.issued.position);
    expect(read).toMatchObject({ exchangeRate: { rate: '1.085' }, reportingTotal: { amount: '130.18', currency: 'USD' } });
    // In the reporting currency itself no rate is needed: 3 x 19.99 = 59.97 + 20% 11.99 = 71.96 USD.
    const usd = await createAndIssue(ledger, key, draftInput());
    expect(usd.issued.invoice).toMatchObject({ exchangeRate: null, reportingTotal: { amount: '71.96', currency: 'USD' } });
    // No EUR -> JPY rate at all: issued anyway, without a locked rate; asked in JPY the reporting total is null.
    expect((await readInvoice(ledger, key, eur.issued.invoice.id, eur.issued.position, 'JPY')).reportingTotal).toBeNull();
    // A CHF invoice without any rate is issued with none.
    await updateSettings(ledger, tenantId, 'payment', { supportedCurrencies: ['USD', 'EUR', 'GBP', 'CHF'] });
    const chf = await createAndIssue(ledger, key, draftInput({ currency: 'CHF', lines: [{ description: 'Router', quantity: '1', unitPrice: '25.00', taxRate: null }] }));
    expect(chf.issued.invoice).toMatchObject({ number: expect.any(String), exchangeRate: null, reportingTotal: null });
    // Drafts are no documents: left out of the totals.
    await ledger.mutateOk('createInvoice', draftInput(), key);

    // 130.18 + 12.66 + 71.96 = 214.80 USD over 3 invoices; the CHF invoice (25.00) is unconverted.
    const totals = requireData(await ledger.graphql<{ invoiceTotals: unknown }>(INVOICE_TOTALS, { reportingCurrency: 'USD', minPosition: chf.issued.position }, key), 'invoiceTotals').invoiceTotals;
    expect(totals).toEqual({
      reportingCurrency: 'USD',
      total: { amount: '214.80', currency: 'USD' },
      invoiceCount: 4,
      convertedCount: 3,
      unconverted: 1,
      unconvertedTotals: [{ amount: '25.00', currency: 'CHF' }],
    });
    // In EUR only the EUR invoice is "converted" (it is in EUR); the others locked rates to USD, not EUR.
    const inEuro = requireData(await ledger.graphql<{ invoiceTotals: unknown }>(INVOICE_TOTALS, { reportingCurrency: 'EUR' }, key), 'invoiceTotals').invoiceTotals;
    expect(inEuro).toMatchObject({ total: { amount: '119.98', currency: 'EUR' }, convertedCount: 1, unconverted: 3 });
    // The list shows each invoice's reporting total in the currency asked for.
    const listed = requireData(
      await ledger.graphql<{ invoices: { edges: { node: { id: string; reportingTotal: { amount: string } | null } }[] } }>(
        `query { invoices(first: 10, reportingCurrency: "USD") { edges { node { id reportingTotal { amount currency } } } } }`,
        {},
        key,
      ),
      'invoices',
    ).invoices.edges.map((edge) => edge.node);
    expect(listed.find((node) => node.id === eur.issued.invoice.id)?.reportingTotal).toEqual({ amount: '130.18', currency: 'USD' });
    expect(listed.find((node) => node.id === chf.issued.invoice.id)?.reportingTotal).toBeNull();
  });

  it('an unknown reporting currency is VALIDATION_FAILED', async () => {
    const response = await ledger.graphql(INVOICE_TOTALS, { reportingCurrency: 'XYZ' });
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
  });
});
