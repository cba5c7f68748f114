import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import { streams, toEventData } from '../../libs/application/src/index.js';
import { customerAccountEventSchemas, invoiceEventSchemas } from '../../libs/billing/src/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { expectRejectedWithoutEvents, headOfLog } from '../support/expect-rejected.js';
import { commandContext, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { newTenant, updateSettings } from '../support/settings-effect.support.js';

/**
 * The one bound on figures (at most 12 digits before the decimal point, the currency's decimals after it:
 * 999,999,999,999.99 USD) over HTTP, through the real API and read models:
 * - the two reported attacks (a line of 999999999999 x 999999; createPayment of 999999999999999999.99 by a service
 *   key) are AMOUNT_OUT_OF_RANGE, append nothing, and the tenant's reads keep working;
 * - history recorded before the bound (a 19-digit invoice total, 19-digit credits, an id with ESC) no longer stops
 *   any read: lists, balances, reports and the ledger read it exactly;
 * - the largest accepted figure of every aggregate (invoice, payment, refund, credit note, customer credit, write-off,
 *   exchange rate) is accepted, and every query and report reads back sums of many of them, beyond the bound, to the
 *   last cent (expected values worked out with big.js from the inputs).
 */

const clock = new TestClock('2026-03-02T09:00:00.000Z');
const TODAY = '2026-03-02';
const FAR_FUTURE = '2030-01-01T00:00:00.000Z';
const LARGEST_USD = '999999999999.99';
const LARGEST_RATE = '999999999999.999999999999';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
});

afterAll(async () => {
  await ledger?.stop();
});

interface MoneyView {
  amount: string;
  currency: string;
}

const MONEY = '{ amount currency }';
const INVOICE_FIELDS = `id number customerId status currency lines { amount ${MONEY} taxAmount ${MONEY} } subtotal ${MONEY} taxTotal ${MONEY} total ${MONEY}
  amountPaid ${MONEY} amountCredited ${MONEY} amountRefunded ${MONEY} amountWrittenOff ${MONEY} balanceDue ${MONEY}
  exchangeRate { base quote rate } reportingTotal ${MONEY}`;
interface InvoiceView {
  id: string;
  number: string | null;
  customerId: string;
  status: string;
  currency: string;
  lines: { amount: MoneyView; taxAmount: MoneyView }[];
  subtotal: MoneyView;
  taxTotal: MoneyView;
  total: MoneyView;
  amountPaid: MoneyView;
  amountCredited: MoneyView;
  amountRefunded: MoneyView;
  amountWrittenOff: MoneyView;
  balanceDue: MoneyView;
  exchangeRate: { base: string; quote: string; rate: string } | null;
  reportingTotal: MoneyView | null;
}
const INVOICE_QUERY = `query ($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) { ${INVOICE_FIELDS} } }`;
const INVOICES_QUERY = `query ($filter: InvoiceFilter, $minPosition: String) { invoices(filter: $filter, first: 100, minPosition: $minPosition) { edges { node { ${INVOICE_FIELDS} } } } }`;
const INVOICE_TOTALS_QUERY = `query ($filter: InvoiceFilter, $reportingCurrency: String!, $minPosition: String) {
  invoiceTotals(filter: $filter, reportingCurrency: $reportingCurrency, minPosition: $minPosition) {
    reportingCurrency total { amount currency formatted(locale: "en-US") } invoiceCount convertedCount unconverted unconvertedTotals ${MONEY} } }`;
const CUSTOMER_BALANCE_QUERY = `query ($customerId: String!, $minPosition: String) { customerBalance(customerId: $customerId, minPosition: $minPosition) { credit ${MONEY} } }`;
const PAYMENT_FIELDS = `id status amount ${MONEY} allocations { invoiceId amount ${MONEY} } creditAmount ${MONEY} refundedTotal ${MONEY} refundable ${MONEY} refunds { amount ${MONEY} }`;
interface PaymentView {
  id: string;
  status: string;
  amount: MoneyView;
  allocations: { invoiceId: string; amount: MoneyView }[];
  creditAmount: MoneyView | null;
  refundedTotal: MoneyView;
  refundable: MoneyView;
  refunds: { amount: MoneyView }[];
}
const PAYMENT_QUERY = `query ($id: ID!, $minPosition: String) { payment(id: $id, minPosition: $minPosition) { ${PAYMENT_FIELDS} } }`;
const PAYMENTS_QUERY = `query ($filter: PaymentFilter, $minPosition: String) { payments(filter: $filter, first: 100, minPosition: $minPosition) { edges { node { ${PAYMENT_FIELDS} } } } }`;
const NOTE_FIELDS = `id status total ${MONEY} amountApplied ${MONEY} remaining ${MONEY} lines { amount ${MONEY} } applications { applicationType amount ${MONEY} }`;
interface CreditNoteView {
  id: string;
  status: string;
  total: MoneyView;
  amountApplied: MoneyView;
  remaining: MoneyView;
  lines: { amount: MoneyView }[];
  applications: { applicationType: string; amount: MoneyView }[];
}
const CREDIT_NOTE_QUERY = `query ($id: ID!, $minPosition: String) { creditNote(id: $id, minPosition: $minPosition) { ${NOTE_FIELDS} } }`;
const CREDIT_NOTES_QUERY = `query ($filter: CreditNoteFilter, $minPosition: String) { creditNotes(filter: $filter, first: 100, minPosition: $minPosition) { edges { node { ${NOTE_FIELDS} } } } }`;
interface ReceiptView {
  paymentId: string;
  amount: MoneyView;
  invoicesPaid: { invoiceId: string; amount: MoneyView }[];
  creditedAmount: MoneyView;
}
const RECEIPT_FIELDS = `id paymentId amount ${MONEY} invoicesPaid { invoiceId amount ${MONEY} } creditedAmount ${MONEY}`;
const RECEIPT_QUERY = `query ($id: ID!, $minPosition: String) { receipt(id: $id, minPosition: $minPosition) { ${RECEIPT_FIELDS} } }`;
const RECEIPTS_QUERY = `query ($filter: ReceiptFilterInput, $minPosition: String) { receipts(filter: $filter, first: 100, minPosition: $minPosition) { edges { node { ${RECEIPT_FIELDS} } } } }`;
interface JournalEntryView {
  currency: string;
  sourceEventType: string;
  lines: { account: string; debit: MoneyView; credit: MoneyView }[];
}
const JOURNAL_QUERY = `query ($filter: JournalEntryFilter, $minPosition: String) {
  journalEntries(filter: $filter, first: 100, minPosition: $minPosition) { edges { node { currency sourceEventType lines { account debit ${MONEY} credit ${MONEY} } } } pageInfo { hasNextPage } } }`;
interface TrialBalanceView {
  rows: { account: string; debit: MoneyView; credit: MoneyView; balance: MoneyView }[];
  totalDebit: MoneyView & { formatted: string };
  totalCredit: MoneyView;
}
const TRIAL_BALANCE_QUERY = `query ($asOf: DateTime!, $currency: String!, $minPosition: String) {
  trialBalance(asOf: $asOf, currency: $currency, minPosition: $minPosition) {
    rows { account debit ${MONEY} credit ${MONEY} balance ${MONEY} } totalDebit { amount currency formatted(locale: "en-US") } totalCredit ${MONEY} } }`;
const AMOUNTS = `currency current ${MONEY} days1To30 ${MONEY} days31To60 ${MONEY} days61To90 ${MONEY} daysOver90 ${MONEY} total ${MONEY}`;
interface AgingAmountsView {
  currency: string;
  current: MoneyView;
  total: MoneyView;
}
interface ArAgingView {
  totals: AgingAmountsView[];
  customers: (AgingAmountsView & { customerId: string })[];
  items: { invoiceId: string; customerId: string; bucket: string; balanceDue: MoneyView }[];
}
const AR_AGING_QUERY = `query ($asOf: Date!, $minPosition: String) {
  arAging(asOf: $asOf, minPosition: $minPosition) { totals { ${AMOUNTS} } customers { customerId ${AMOUNTS} } items { invoiceId customerId bucket balanceDue ${MONEY} } } }`;
const RATE_QUERY = `query ($base: String!, $quote: String!, $asOf: DateTime, $minPosition: String) {
  exchangeRate(base: $base, quote: $quote, asOf: $asOf, minPosition: $minPosition) { base quote rate effectiveAt } }`;
const RATES_QUERY = `query ($base: String!, $quote: String!, $minPosition: String) {
  exchangeRates(base: $base, quote: $quote, first: 10, minPosition: $minPosition) { edges { node { rate effectiveAt } } } }`;

const INPUT_TYPES: Record<string, string> = {
  createInvoice: 'CreateInvoiceInput',
  issueInvoice: 'IssueInvoiceInput',
  voidInvoice: 'VoidInvoiceInput',
  writeOffInvoice: 'WriteOffInvoiceInput',
  createPayment: 'CreatePaymentInput',
  refundPayment: 'RefundPaymentInput',
  createCreditNote: 'CreateCreditNoteInput',
  issueCreditNote: 'IssueCreditNoteInput',
  applyCreditNote: 'ApplyCreditNoteInput',
  applyCredit: 'ApplyCreditInput',
  recordExchangeRate: 'RecordExchangeRateInput',
};
const SELECTIONS: Record<string, string> = {
  createInvoice: `position invoice { ${INVOICE_FIELDS} }`,
  issueInvoice: `position invoice { ${INVOICE_FIELDS} }`,
  voidInvoice: `position invoice { ${INVOICE_FIELDS} }`,
  writeOffInvoice: `position invoice { ${INVOICE_FIELDS} }`,
  createPayment: `position payment { ${PAYMENT_FIELDS} }`,
  refundPayment: `position payment { ${PAYMENT_FIELDS} }`,
  createCreditNote: `position creditNote { ${NOTE_FIELDS} }`,
  issueCreditNote: `position creditNote { ${NOTE_FIELDS} }`,
  applyCreditNote: `position creditNote { ${NOTE_FIELDS} }`,
  applyCredit: `position account { credit ${MONEY} } invoice { ${INVOICE_FIELDS} }`,
  recordExchangeRate: 'position exchangeRate { base quote rate effectiveAt }',
};

function send(name: string, input: Record<string, unknown>, key: string): Promise<GraphQLHttpResponse<Record<string, unknown>>> {
  return ledger.graphql(`mutation ($input: ${INPUT_TYPES[name]}!) { ${name}(input: $input) { ${SELECTIONS[name]} } }`, { input }, key);
}

async function run<T>(name: string, input: Record<string, unknown>, key: string): Promise<T> {
  return requireData(await send(name, input, key), name)[name] as T;
}

async function read<T>(query: string, variables: Record<string, unknown>, key: string, field: string): Promise<T> {
  return requireData(await ledger.graphql<Record<string, T>>(query, variables, key), field)[field] as T;
}

/** Exact decimal text of a sum of decimal strings, fixed to `scale` decimals (big.js; never a float). */
function sum(values: readonly string[], scale = 2): string {
  return values.reduce((total, value) => total.plus(value), new Big('0')).toFixed(scale);
}
const times = (value: string, count: number, scale = 2): string => new Big(value).times(count).toFixed(scale);
const neg = (value: string): string => (new Big(value).eq(0) ? value : new Big(value).neg().toFixed(2));
const usd = (amount: string): MoneyView => ({ amount, currency: 'USD' });
const eur = (amount: string): MoneyView => ({ amount, currency: 'EUR' });

const line = (unitPrice: string, taxRate: string | null = null) => ({ description: 'Backbone capacity', quantity: '1', unitPrice, taxRate });

async function issued(key: string, customerId: string, lines: unknown[], currency = 'USD'): Promise<InvoiceView> {
  const draft = await run<{ invoice: InvoiceView }>('createInvoice', { customerId, currency, lines }, key);
  return (await run<{ invoice: InvoiceView }>('issueInvoice', { invoiceId: draft.invoice.id }, key)).invoice;
}

describe('the reported attacks are refused, and the tenant keeps reading', () => {
  it('two lines of 999999999999 x 999999 are AMOUNT_OUT_OF_RANGE; nothing is appended; invoices(...) still works', async () => {
    const { key } = await newTenant(ledger, 'attack-lines');
    const kept = await issued(key, 'victim', [line('10.00')]);
    const attack = { customerId: 'victim', currency: 'USD', lines: [0, 1].map(() => ({ description: 'Transit', quantity: '999999999999', unitPrice: '999999', taxRate: null })) };
    await expectRejectedWithoutEvents(ledger, 'AMOUNT_OUT_OF_RANGE', () => send('createInvoice', attack, key));
    const response = await send('createInvoice', attack, key);
    expect(response.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^lines\[0\] amount \(quantity x unit price\) 999998999999000001\.00 USD is out of range: the largest accepted is 999999999999\.99 USD/),
      extensions: { code: 'AMOUNT_OUT_OF_RANGE', field: 'lines[0].amount', largest: LARGEST_USD },
    });
    // Each line on its own fits; their sum would not.
    const split = { customerId: 'victim', currency: 'USD', lines: [line(LARGEST_USD), line('0.01')] };
    await expectRejectedWithoutEvents(ledger, 'AMOUNT_OUT_OF_RANGE', () => send('createInvoice', split, key));
    const draft = await run<{ invoice: InvoiceView }>('createInvoice', { customerId: 'victim', currency: 'USD', lines: [line(LARGEST_USD)] }, key);
    await expectRejectedWithoutEvents(ledger, 'AMOUNT_OUT_OF_RANGE', () =>
      ledger.graphql(`mutation ($input: AddInvoiceLineInput!) { addInvoiceLine(input: $input) { position } }`, { input: { invoiceId: draft.invoice.id, line: line('0.01') } }, key),
    );
    const head = await headOfLog(ledger);
    const invoices = await read<{ edges: { node: InvoiceView }[] }>(INVOICES_QUERY, { minPosition: head }, key, 'invoices');
    expect(invoices.edges.map((edge) => [edge.node.id, edge.node.total.amount]).sort()).toEqual([[kept.id, '10.00'], [draft.invoice.id, LARGEST_USD]].sort());
  });

  it('createPayment of 999999999999999999.99 by a service key, twice, is AMOUNT_OUT_OF_RANGE; customerBalance and trialBalance still work', async () => {
    const { tenantId, key } = await newTenant(ledger, 'attack-payments');
    const serviceKey = await ledger.createKey(tenantId, 'service');
    const attack = { customerId: 'victim', amount: '999999999999999999.99', currency: 'USD', method: 'CASH', reference: 'big-1' };
    for (const reference of ['big-1', 'big-2']) {
      await expectRejectedWithoutEvents(ledger, 'AMOUNT_OUT_OF_RANGE', () => send('createPayment', { ...attack, reference }, serviceKey));
    }
    // One minor unit above the largest amount is refused too; the largest itself is accepted from the service key.
    await expectRejectedWithoutEvents(ledger, 'AMOUNT_OUT_OF_RANGE', () => send('createPayment', { ...attack, amount: '1000000000000.00', reference: 'big-3' }, serviceKey));
    const accepted = await run<{ payment: PaymentView; position: string }>('createPayment', { ...attack, amount: LARGEST_USD, reference: 'big-4' }, serviceKey);
    expect(accepted.payment).toMatchObject({ status: 'SUCCEEDED', amount: usd(LARGEST_USD) });
    const head = await headOfLog(ledger);
    expect(await read<{ credit: MoneyView[] }>(CUSTOMER_BALANCE_QUERY, { customerId: 'victim', minPosition: head }, key, 'customerBalance')).toEqual({ credit: [usd(LARGEST_USD)] });
    const trial = await read<TrialBalanceView>(TRIAL_BALANCE_QUERY, { asOf: FAR_FUTURE, currency: 'USD', minPosition: head }, key, 'trialBalance');
    expect(trial.totalDebit.amount).toBe(LARGEST_USD);
  });

  it('an issue whose total converted to the reporting currency would leave the bound is AMOUNT_OUT_OF_RANGE and takes no number', async () => {
    const { tenantId, key } = await newTenant(ledger, 'attack-fx');
    await updateSettings(ledger, tenantId, 'payment', { supportedCurrencies: ['USD', 'GBP'] });
    await run('recordExchangeRate', { base: 'GBP', quote: 'USD', rate: '1.5', effectiveAt: '2026-01-01T00:00:00.000Z', source: 'ECB' }, key);
    const draft = await run<{ invoice: InvoiceView }>('createInvoice', { customerId: 'fx', currency: 'GBP', lines: [line(LARGEST_USD)] }, key);
    await expectRejectedWithoutEvents(ledger, 'AMOUNT_OUT_OF_RANGE', () => send('issueInvoice', { invoiceId: draft.invoice.id }, key));
    const next = await issued(key, 'fx', [line('10.00')], 'USD');
    expect(next.number).toMatch(/-000001$/);
  });
});

describe('history recorded before the bound no longer stops any read', () => {
  it('a 19-digit invoice total, 19-digit credits and an id with ESC are read exactly by every list, balance and report', async () => {
    const { tenantId, key } = await newTenant(ledger, 'legacy');
    const customerId = '\u001b[2J';
    const invoiceId = 'legacy-invoice-1';
    const lineAmount = '999998999999000001.00';
    const total = sum([lineAmount, lineAmount]);
    const credit = '999999999999999999.99';
    const context = commandContext(ledger, tenantId, 'test:legacy');
    const lines = ['L1', 'L2'].map((lineId) => ({ lineId, description: 'Transit', quantity: '999999999999', unitPrice: '999999', taxRate: null, amount: lineAmount, taxAmount: '0.00' }));
    const invoiceStream = streams.invoice(tenantId, invoiceId);
    const accountStream = streams.customerAccount(tenantId, 'legacy-customer');
    const invoiceEvents = [
      { type: 'InvoiceDrafted', data: { invoiceId, customerId, currency: 'USD', lines, dueDate: null, paymentTermsDays: 30, draftedAt: context.now } },
      {
        type: 'InvoiceIssued',
        data: { invoiceId, customerId, number: 'INV-LEGACY-1', currency: 'USD', issueDate: TODAY, issuedAt: context.now, dueDate: '2026-04-01', subtotal: total, taxTotal: '0.00', total },
      },
    ] as const;
    const accountEvents = [1, 2].map((n) => ({
      type: 'CustomerAccountCredited',
      data: { customerId: 'legacy-customer', entryId: `legacy-entry-${n}`, amount: credit, currency: 'USD', source: 'adjustment', sourceId: `legacy-adjustment-${n}`, balanceAfter: times(credit, n), creditedAt: context.now },
    }));
    await ledger.services.store.appendToStreams([
      { streamId: invoiceStream, expectedRevision: 'no_stream', events: invoiceEvents.map((event, index) => toEventData(event, context, invoiceStream, index, invoiceEventSchemas[event.type].schemaVersion)) },
      {
        streamId: accountStream,
        expectedRevision: 'no_stream',
        events: accountEvents.map((event, index) => toEventData(event, context, accountStream, index, customerAccountEventSchemas.CustomerAccountCredited.schemaVersion)),
      },
    ]);
    const head = await headOfLog(ledger);

    const invoices = await read<{ edges: { node: InvoiceView }[] }>(INVOICES_QUERY, { minPosition: head }, key, 'invoices');
    expect(invoices.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({ id: invoiceId, customerId, status: 'OPEN', total: usd(total), balanceDue: usd(total), lines: [0, 1].map(() => ({ amount: usd(lineAmount), taxAmount: usd('0.00') })) }),
    ]);
    expect(await read<InvoiceView>(INVOICE_QUERY, { id: invoiceId, minPosition: head }, key, 'invoice')).toMatchObject({ total: usd(total) });
    const totals = await read<{ total: MoneyView & { formatted: string } }>(INVOICE_TOTALS_QUERY, { reportingCurrency: 'USD', minPosition: head }, key, 'invoiceTotals');
    expect(totals.total).toEqual({ ...usd(total), formatted: '$1,999,997,999,998,000,002.00' });
    expect(await read<{ credit: MoneyView[] }>(CUSTOMER_BALANCE_QUERY, { customerId: 'legacy-customer', minPosition: head }, key, 'customerBalance')).toEqual({ credit: [usd(times(credit, 2))] });
    const trial = await read<TrialBalanceView>(TRIAL_BALANCE_QUERY, { asOf: FAR_FUTURE, currency: 'USD', minPosition: head }, key, 'trialBalance');
    const row = (account: string) => trial.rows.find((candidate) => candidate.account === account.toUpperCase());
    expect(row('accounts_receivable')).toMatchObject({ debit: usd(total), balance: usd(total) });
    expect(row('customer_credit')).toMatchObject({ credit: usd(times(credit, 2)), balance: usd(neg(times(credit, 2))) });
    expect(trial.totalDebit.amount).toBe(sum([total, times(credit, 2)]));
    const aging = await read<ArAgingView>(AR_AGING_QUERY, { asOf: TODAY, minPosition: head }, key, 'arAging');
    expect(aging.items).toEqual([{ invoiceId, customerId, bucket: 'CURRENT', balanceDue: usd(total) }]);
    const journal = await read<{ edges: { node: JournalEntryView }[] }>(JOURNAL_QUERY, { minPosition: head }, key, 'journalEntries');
    expect(journal.edges).toHaveLength(3);

    // And the tenant still takes commands: the legacy invoice can be voided, a new one issued.
    const voided = await run<{ invoice: InvoiceView }>('voidInvoice', { invoiceId, reason: 'recorded before the bound' }, key);
    expect(voided.invoice).toMatchObject({ status: 'VOID', total: usd(total) });
    await issued(key, 'legacy-customer', [line('10.00')]);
    const after = await read<{ edges: { node: InvoiceView }[] }>(INVOICES_QUERY, { minPosition: await headOfLog(ledger) }, key, 'invoices');
    expect(after.edges).toHaveLength(2);
  });
});

describe('the largest accepted figures, many of them, read back exactly everywhere', () => {
  const M = LARGEST_USD;
  const net = '833333333333.32';
  // 833333333333.32 x 20% = 166666666666.664 -> 166666666666.66 (half-up); total 999999999999.98.
  const tax = new Big(net).times('0.2').round(2, Big.roundHalfUp).toFixed(2);
  const taxedTotal = sum([net, tax]);
  const customerId = 'big-customer';
  let key: string;
  let serviceKey: string;
  let head: string;
  const inv: Record<string, InvoiceView> = {};
  const pay: Record<string, PaymentView> = {};
  const notes: Record<string, CreditNoteView> = {};

  beforeAll(async () => {
    const tenant = await newTenant(ledger, 'largest');
    key = tenant.key;
    serviceKey = await ledger.createKey(tenant.tenantId, 'service');
    await updateSettings(ledger, tenant.tenantId, 'payment', { supportedCurrencies: ['USD', 'EUR'] });
    // The largest rate is accepted; a later, ordinary one is what the EUR invoices lock.
    expect((await run<{ exchangeRate: { rate: string } }>('recordExchangeRate', { base: 'EUR', quote: 'USD', rate: LARGEST_RATE, effectiveAt: '2026-01-01T00:00:00.000Z', source: 'ECB' }, key)).exchangeRate.rate).toBe(LARGEST_RATE);
    await run('recordExchangeRate', { base: 'EUR', quote: 'USD', rate: '0.5', effectiveAt: '2026-02-01T00:00:00.000Z', source: 'ECB' }, key);

    for (const name of ['inv1', 'inv2', 'inv3', 'inv6']) inv[name] = await issued(key, customerId, [line(M)]);
    // Each paid by the largest payment, named explicitly.
    pay.pay1 = (await run<{ payment: PaymentView }>('createPayment', { customerId, amount: M, currency: 'USD', method: 'CASH', reference: 'max-1', allocations: [{ invoiceId: inv.inv1?.id, amount: M }] }, key)).payment;
    pay.pay2 = (await run<{ payment: PaymentView }>('createPayment', { customerId, amount: M, currency: 'USD', method: 'WIRE_TRANSFER', reference: 'max-2', allocations: [{ invoiceId: inv.inv2?.id, amount: M }] }, key)).payment;
    // The largest credit note, on inv3, applied to it in full.
    const cn1 = await run<{ creditNote: CreditNoteView }>('createCreditNote', { customerId, currency: 'USD', type: 'ADJUSTMENT', reason: 'SERVICE_ISSUE', lines: [line(M)], sourceInvoiceId: inv.inv3?.id }, key);
    await run('issueCreditNote', { creditNoteId: cn1.creditNote.id }, key);
    notes.cn1 = (await run<{ creditNote: CreditNoteView }>('applyCreditNote', { creditNoteId: cn1.creditNote.id, applicationType: 'INVOICE', invoiceId: inv.inv3?.id, amount: M }, key)).creditNote;
    // The largest write-off.
    await run('writeOffInvoice', { invoiceId: inv.inv6?.id, reason: 'uncollectable' }, key);
    // Nothing is open now: two largest payments from the service key become customer credit, and so does a second note.
    pay.pay3 = (await run<{ payment: PaymentView }>('createPayment', { customerId, amount: M, currency: 'USD', method: 'CASH', reference: 'max-3' }, serviceKey)).payment;
    pay.pay4 = (await run<{ payment: PaymentView }>('createPayment', { customerId, amount: M, currency: 'USD', method: 'CASH', reference: 'max-4' }, serviceKey)).payment;
    const cn2 = await run<{ creditNote: CreditNoteView }>('createCreditNote', { customerId, currency: 'USD', type: 'GOODWILL', reason: 'GOODWILL', lines: [line(M)] }, key);
    await run('issueCreditNote', { creditNoteId: cn2.creditNote.id }, key);
    notes.cn2 = (await run<{ creditNote: CreditNoteView }>('applyCreditNote', { creditNoteId: cn2.creditNote.id, applicationType: 'CUSTOMER_ACCOUNT', amount: M }, key)).creditNote;
    // The largest refund reopens inv2; the largest credit application pays it again.
    pay.pay2 = (await run<{ payment: PaymentView }>('refundPayment', { paymentId: pay.pay2.id, amount: M, method: 'ORIGINAL_PAYMENT', reason: 'returned' }, key)).payment;
    const applied = await run<{ account: { credit: MoneyView[] } }>('applyCredit', { customerId, invoiceId: inv.inv2?.id, amount: M, currency: 'USD' }, key);
    expect(applied.account.credit).toEqual([usd(times(M, 2))]);
    // Open at the end: two largest invoices, the largest taxed one, and two largest EUR invoices at the locked 0.5.
    for (const name of ['inv4', 'inv5']) inv[name] = await issued(key, customerId, [line(M)]);
    inv.inv7 = await issued(key, customerId, [line(net, '20')]);
    for (const name of ['eur1', 'eur2']) inv[name] = await issued(key, customerId, [line(M)], 'EUR');
    head = await headOfLog(ledger);
  });

  const open = ['inv4', 'inv5', 'inv7'];
  // 999999999999.99 EUR x 0.5 = 499999999999.995 -> 500000000000.00 USD (half-up).
  const eurInUsd = new Big(M).times('0.5').round(2, Big.roundHalfUp).toFixed(2);

  function expectedInvoice(name: string): Partial<InvoiceView> {
    const total = name === 'inv7' ? taxedTotal : M;
    const zero = '0.00';
    const base = { status: 'OPEN', total: usd(total), balanceDue: usd(total), amountPaid: usd(zero), amountCredited: usd(zero), amountRefunded: usd(zero), amountWrittenOff: usd(zero) };
    switch (name) {
      case 'inv1':
        return { ...base, status: 'PAID', amountPaid: usd(M), balanceDue: usd(zero) };
      case 'inv2':
        return { ...base, status: 'PAID', amountPaid: usd(M), amountRefunded: usd(M), amountCredited: usd(M), balanceDue: usd(zero) };
      case 'inv3':
        return { ...base, status: 'PAID', amountCredited: usd(M), balanceDue: usd(zero) };
      case 'inv6':
        return { ...base, status: 'WRITTEN_OFF', amountWrittenOff: usd(M), balanceDue: usd(zero) };
      case 'inv7':
        return { ...base, subtotal: usd(net), taxTotal: usd(tax), lines: [{ amount: usd(net), taxAmount: usd(tax) }] };
      case 'eur1':
      case 'eur2':
        return { status: 'OPEN', total: eur(M), balanceDue: eur(M), exchangeRate: { base: 'EUR', quote: 'USD', rate: '0.5' }, reportingTotal: usd(eurInUsd) };
      default:
        return base;
    }
  }

  it('invoice and invoices: every figure of every invoice, and the balances add up beyond the bound', async () => {
    for (const name of Object.keys(inv)) {
      const view = await read<InvoiceView>(INVOICE_QUERY, { id: inv[name]?.id, minPosition: head }, key, 'invoice');
      expect({ name, ...view }).toMatchObject({ name, ...expectedInvoice(name) });
    }
    const listed = await read<{ edges: { node: InvoiceView }[] }>(INVOICES_QUERY, { filter: { customerId }, minPosition: head }, key, 'invoices');
    expect(listed.edges).toHaveLength(9);
    const byId = new Map(listed.edges.map((edge) => [edge.node.id, edge.node]));
    for (const name of Object.keys(inv)) expect({ name, ...byId.get(inv[name]?.id as string) }).toMatchObject({ name, ...expectedInvoice(name) });
    const usdBalances = listed.edges.filter((edge) => edge.node.currency === 'USD').map((edge) => edge.node.balanceDue.amount);
    expect(sum(usdBalances)).toBe(sum([M, M, taxedTotal]));
  });

  it('invoiceTotals in a reporting currency: the USD totals plus the EUR ones at their locked rate; in EUR, the USD ones unconverted', async () => {
    const inUsd = await read<{ total: MoneyView & { formatted: string }; invoiceCount: number; convertedCount: number; unconverted: number }>(
      INVOICE_TOTALS_QUERY,
      { filter: { customerId }, reportingCurrency: 'USD', minPosition: head },
      key,
      'invoiceTotals',
    );
    const expected = sum([times(M, 6), taxedTotal, eurInUsd, eurInUsd]);
    expect(inUsd).toMatchObject({ total: { ...usd(expected), formatted: '$7,999,999,999,999.92' }, invoiceCount: 9, convertedCount: 9, unconverted: 0 });
    expect(expected).toBe('7999999999999.92');
    const inEur = await read<{ total: MoneyView; unconverted: number; unconvertedTotals: MoneyView[] }>(INVOICE_TOTALS_QUERY, { filter: { customerId }, reportingCurrency: 'EUR', minPosition: head }, key, 'invoiceTotals');
    expect(inEur).toMatchObject({ total: eur(times(M, 2)), unconverted: 7, unconvertedTotals: [usd(sum([times(M, 6), taxedTotal]))] });
  });

  it('customerBalance: the credit left is twice the largest amount', async () => {
    const balance = await read<{ credit: MoneyView[] }>(CUSTOMER_BALANCE_QUERY, { customerId, minPosition: head }, key, 'customerBalance');
    // pay3 + pay4 + cn2 to the account, less the application to inv2.
    expect(balance.credit).toEqual([usd(sum([M, M, M, neg(M)]))]);
  });

  it('payment and payments: the largest amounts, allocations, credits and refund', async () => {
    const listed = await read<{ edges: { node: PaymentView }[] }>(PAYMENTS_QUERY, { filter: { customerId }, minPosition: head }, key, 'payments');
    const byId = new Map(listed.edges.map((edge) => [edge.node.id, edge.node]));
    const expected: Record<string, Partial<PaymentView>> = {
      pay1: { status: 'SUCCEEDED', amount: usd(M), allocations: [{ invoiceId: inv.inv1?.id as string, amount: usd(M) }], creditAmount: usd('0.00'), refundedTotal: usd('0.00'), refundable: usd(M) },
      pay2: { status: 'REFUNDED', amount: usd(M), allocations: [{ invoiceId: inv.inv2?.id as string, amount: usd(M) }], refundedTotal: usd(M), refundable: usd('0.00'), refunds: [{ amount: usd(M) }] },
      pay3: { status: 'SUCCEEDED', amount: usd(M), allocations: [], creditAmount: usd(M), refundable: usd(M) },
      pay4: { status: 'SUCCEEDED', amount: usd(M), allocations: [], creditAmount: usd(M), refundable: usd(M) },
    };
    expect(listed.edges).toHaveLength(4);
    for (const [name, fields] of Object.entries(expected)) {
      expect({ name, ...byId.get(pay[name]?.id as string) }).toMatchObject({ name, ...fields });
      expect({ name, ...(await read<PaymentView>(PAYMENT_QUERY, { id: pay[name]?.id, minPosition: head }, key, 'payment')) }).toMatchObject({ name, ...fields });
    }
    expect(sum(listed.edges.map((edge) => edge.node.amount.amount))).toBe(times(M, 4));
  });

  it('creditNote and creditNotes: the largest notes, applied in full', async () => {
    const listed = await read<{ edges: { node: CreditNoteView }[] }>(CREDIT_NOTES_QUERY, { filter: { customerId }, minPosition: head }, key, 'creditNotes');
    expect(listed.edges).toHaveLength(2);
    const expected = (applicationType: string) => ({ status: 'APPLIED', total: usd(M), amountApplied: usd(M), remaining: usd('0.00'), lines: [{ amount: usd(M) }], applications: [{ applicationType, amount: usd(M) }] });
    for (const [name, applicationType] of [['cn1', 'INVOICE'], ['cn2', 'CUSTOMER_ACCOUNT']] as const) {
      expect(listed.edges.find((edge) => edge.node.id === notes[name]?.id)?.node).toMatchObject(expected(applicationType));
      expect(await read<CreditNoteView>(CREDIT_NOTE_QUERY, { id: notes[name]?.id, minPosition: head }, key, 'creditNote')).toMatchObject(expected(applicationType));
    }
  });

  it('receipt and receipts: one per succeeded payment, with what it paid and credited', async () => {
    const listed = await read<{ edges: { node: ReceiptView & { id: string } }[] }>(RECEIPTS_QUERY, { filter: { customerId }, minPosition: head }, key, 'receipts');
    const byPayment = new Map(listed.edges.map((edge) => [edge.node.paymentId, edge.node]));
    expect(listed.edges).toHaveLength(4);
    expect(byPayment.get(pay.pay1?.id as string)).toMatchObject({ amount: usd(M), invoicesPaid: [{ invoiceId: inv.inv1?.id, amount: usd(M) }], creditedAmount: usd('0.00') });
    expect(byPayment.get(pay.pay2?.id as string)).toMatchObject({ amount: usd(M), invoicesPaid: [{ invoiceId: inv.inv2?.id, amount: usd(M) }], creditedAmount: usd('0.00') });
    for (const name of ['pay3', 'pay4']) expect(byPayment.get(pay[name]?.id as string)).toMatchObject({ amount: usd(M), invoicesPaid: [], creditedAmount: usd(M) });
    const one = listed.edges[0]?.node as ReceiptView & { id: string };
    expect(await read<ReceiptView>(RECEIPT_QUERY, { id: one.id, minPosition: head }, key, 'receipt')).toEqual(one);
    expect(sum(listed.edges.map((edge) => edge.node.amount.amount))).toBe(times(M, 4));
  });

  /**
   * The books, worked out from the movements above (M = the largest amount, T = the taxed total = net + tax):
   *   issues: Dr AR 6M + T | Cr revenue 6M + net, Cr tax_payable tax      pay1, pay2: Dr cash 2M | Cr AR 2M
   *   cn1: Dr revenue M | Cr credit_notes M; applied: Dr credit_notes M | Cr AR M       write-off: Dr bad_debt M | Cr AR M
   *   pay3, pay4: Dr cash 2M | Cr customer_credit 2M      cn2: Dr revenue M | Cr credit_notes M; Dr credit_notes M | Cr customer_credit M
   *   refund of pay2: Dr AR M | Cr cash M                   applyCredit: Dr customer_credit M | Cr AR M
   */
  const expectedUsdBooks: Record<string, { debit: string; credit: string }> = {
    accounts_receivable: { debit: sum([times(M, 7), taxedTotal]), credit: times(M, 5) },
    revenue: { debit: times(M, 2), credit: sum([times(M, 6), net]) },
    tax_payable: { debit: '0.00', credit: tax },
    cash_clearing: { debit: times(M, 4), credit: M },
    customer_credit: { debit: M, credit: times(M, 3) },
    refunds: { debit: '0.00', credit: '0.00' },
    bad_debt: { debit: M, credit: '0.00' },
    fx_gain_loss: { debit: '0.00', credit: '0.00' },
    credit_notes: { debit: times(M, 2), credit: times(M, 2) },
  };

  it('journalEntries: every entry balances, and the lines per account add up to the books above', async () => {
    const journal = await read<{ edges: { node: JournalEntryView }[]; pageInfo: { hasNextPage: boolean } }>(JOURNAL_QUERY, { filter: { customerId, currency: 'USD' }, minPosition: head }, key, 'journalEntries');
    expect(journal.pageInfo.hasNextPage).toBe(false);
    const totals = new Map<string, { debit: Big; credit: Big }>();
    for (const { node } of journal.edges) {
      expect(sum(node.lines.map((entryLine) => entryLine.debit.amount))).toBe(sum(node.lines.map((entryLine) => entryLine.credit.amount)));
      for (const entryLine of node.lines) {
        const account = entryLine.account.toLowerCase();
        const current = totals.get(account) ?? { debit: new Big('0'), credit: new Big('0') };
        totals.set(account, { debit: current.debit.plus(entryLine.debit.amount), credit: current.credit.plus(entryLine.credit.amount) });
      }
    }
    for (const [account, expected] of Object.entries(expectedUsdBooks)) {
      const actual = totals.get(account);
      expect({ account, debit: actual?.debit.toFixed(2) ?? '0.00', credit: actual?.credit.toFixed(2) ?? '0.00' }).toEqual({ account, ...expected });
    }
  });

  it('trialBalance: each account exactly, the totals beyond the bound, and balanced; EUR on its own', async () => {
    const trial = await read<TrialBalanceView>(TRIAL_BALANCE_QUERY, { asOf: FAR_FUTURE, currency: 'USD', minPosition: head }, key, 'trialBalance');
    const rows = Object.fromEntries(trial.rows.map((row) => [row.account.toLowerCase(), row]));
    for (const [account, { debit, credit }] of Object.entries(expectedUsdBooks)) {
      const balance = new Big(debit).minus(credit).toFixed(2);
      expect({ account, row: rows[account] }).toEqual({ account, row: { account: account.toUpperCase(), debit: usd(debit), credit: usd(credit), balance: usd(balance) } });
    }
    const totalDebit = sum(Object.values(expectedUsdBooks).map((row) => row.debit));
    expect(totalDebit).toBe(sum([times(M, 17), taxedTotal]));
    expect(trial.totalDebit).toEqual({ ...usd(totalDebit), formatted: '$17,999,999,999,999.81' });
    expect(trial.totalCredit).toEqual(usd(totalDebit));
    expect(rows.accounts_receivable?.balance).toEqual(usd(sum([M, M, taxedTotal])));
    const inEur = await read<TrialBalanceView>(TRIAL_BALANCE_QUERY, { asOf: FAR_FUTURE, currency: 'EUR', minPosition: head }, key, 'trialBalance');
    expect(inEur.totalDebit.amount).toBe(times(M, 2));
    expect(inEur.rows.find((row) => row.account === 'ACCOUNTS_RECEIVABLE')?.balance).toEqual(eur(times(M, 2)));
  });

  it('arAging: the open invoices, their customer row and the totals per currency, beyond the bound', async () => {
    const aging = await read<ArAgingView>(AR_AGING_QUERY, { asOf: TODAY, minPosition: head }, key, 'arAging');
    const items = new Map(aging.items.map((item) => [item.invoiceId, item]));
    for (const name of [...open, 'eur1', 'eur2']) {
      const view = inv[name] as InvoiceView;
      expect(items.get(view.id)).toEqual({ invoiceId: view.id, customerId, bucket: 'CURRENT', balanceDue: { amount: view.total.amount, currency: view.currency } });
    }
    expect(aging.items).toHaveLength(5);
    const usdTotal = sum([M, M, taxedTotal]);
    expect(aging.totals).toEqual([
      expect.objectContaining({ currency: 'EUR', current: eur(times(M, 2)), total: eur(times(M, 2)) }),
      expect.objectContaining({ currency: 'USD', current: usd(usdTotal), total: usd(usdTotal), days1To30: usd('0.00') }),
    ]);
    expect(aging.customers).toEqual([
      expect.objectContaining({ customerId, currency: 'EUR', total: eur(times(M, 2)) }),
      expect.objectContaining({ customerId, currency: 'USD', total: usd(usdTotal) }),
    ]);
  });

  it('exchangeRate and exchangeRates: the largest rate reads back exactly', async () => {
    expect(await read(RATE_QUERY, { base: 'EUR', quote: 'USD', asOf: '2026-01-15T00:00:00.000Z', minPosition: head }, key, 'exchangeRate')).toMatchObject({ rate: LARGEST_RATE });
    expect(await read(RATE_QUERY, { base: 'EUR', quote: 'USD', minPosition: head }, key, 'exchangeRate')).toMatchObject({ rate: '0.5' });
    const rates = await read<{ edges: { node: { rate: string } }[] }>(RATES_QUERY, { base: 'EUR', quote: 'USD', minPosition: head }, key, 'exchangeRates');
    expect(rates.edges.map((edge) => edge.node.rate).sort()).toEqual(['0.5', LARGEST_RATE]);
    // A rate one unit above the bound is refused like any figure.
    const refused = await send('recordExchangeRate', { base: 'EUR', quote: 'USD', rate: '1000000000000', effectiveAt: '2026-01-02T00:00:00.000Z', source: 'ECB' }, key);
    expect(firstErrorCode(refused)).toBe('AMOUNT_OUT_OF_RANGE');
  });
});
