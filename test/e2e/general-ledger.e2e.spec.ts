import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Money } from '../../libs/money/src/index.js';
import { rebuildProjection, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { generalLedgerProjection } from '../../projections/index.js';
import { requireData } from '../support/graphql-http.client.js';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { readModelSnapshot } from '../support/read-model-snapshot.js';
import { createAndIssue, createTaxRate, newTenant, registerCustomer, updateSettings } from '../support/settings-effect.support.js';
import { settledHead } from '../../libs/testing/src/settled-log.js';

/**
 * The general ledger through the API: the journal entries the live events post (one tax_payable line per rate), the
 * trial balance (zero per currency, exact balances per account), the receivables aging, tenant isolation, and a
 * rebuild from position zero. Every figure is worked out by hand (half-up to the minor unit, tax per line).
 */

let ledger: TestLedger;
const clock = new TestClock('2024-03-04T09:00:00.000Z');

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
interface JournalLineView {
  account: string;
  debit: MoneyView;
  credit: MoneyView;
  taxRateId: string | null;
  taxRateName: string | null;
}
interface JournalEntryView {
  entryId: string;
  occurredAt: string;
  currency: string;
  description: string;
  sourceEventType: string;
  sourceId: string;
  customerId: string;
  lines: JournalLineView[];
}
interface JournalConnection {
  edges: { cursor: string; node: JournalEntryView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface TrialBalanceView {
  asOf: string;
  currency: string;
  rows: { account: string; debit: MoneyView; credit: MoneyView; balance: MoneyView }[];
  totalDebit: MoneyView;
  totalCredit: MoneyView;
}
interface AgingAmountsView {
  currency: string;
  current: MoneyView;
  days1To30: MoneyView;
  days31To60: MoneyView;
  days61To90: MoneyView;
  daysOver90: MoneyView;
  total: MoneyView;
}
interface ArAgingView {
  asOf: string;
  totals: AgingAmountsView[];
  customers: (AgingAmountsView & { customerId: string })[];
  items: { invoiceId: string; customerId: string; dueDate: string; daysPastDue: number; bucket: string; balanceDue: MoneyView }[];
}

const MONEY = 'amount currency';
const JOURNAL_ENTRIES_QUERY = `
  query Journal($filter: JournalEntryFilter, $first: Int, $after: String, $minPosition: String) {
    journalEntries(filter: $filter, first: $first, after: $after, minPosition: $minPosition) {
      edges { cursor node { entryId occurredAt currency description sourceEventType sourceId customerId
        lines { account debit { ${MONEY} } credit { ${MONEY} } taxRateId taxRateName } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
const TRIAL_BALANCE_QUERY = `
  query Trial($asOf: DateTime!, $currency: String!, $minPosition: String) {
    trialBalance(asOf: $asOf, currency: $currency, minPosition: $minPosition) {
      asOf currency rows { account debit { ${MONEY} } credit { ${MONEY} } balance { ${MONEY} } } totalDebit { ${MONEY} } totalCredit { ${MONEY} }
    }
  }`;
const AMOUNTS = `currency current { ${MONEY} } days1To30 { ${MONEY} } days31To60 { ${MONEY} } days61To90 { ${MONEY} } daysOver90 { ${MONEY} } total { ${MONEY} }`;
const AR_AGING_QUERY = `
  query Aging($asOf: Date!, $minPosition: String) {
    arAging(asOf: $asOf, minPosition: $minPosition) {
      asOf totals { ${AMOUNTS} } customers { customerId ${AMOUNTS} }
      items { invoiceId customerId dueDate daysPastDue bucket balanceDue { ${MONEY} } }
    }
  }`;

async function journal(key: string, variables: { filter?: Record<string, unknown>; first?: number; after?: string | null; minPosition?: string }): Promise<JournalConnection> {
  return requireData(await ledger.graphql<{ journalEntries: JournalConnection }>(JOURNAL_ENTRIES_QUERY, variables, key), 'journalEntries').journalEntries;
}

/** Every entry matching `filter`, following the cursors two at a time (so pagination is exercised too). */
async function allEntries(key: string, filter: Record<string, unknown> = {}, minPosition?: string): Promise<JournalEntryView[]> {
  const entries: JournalEntryView[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page += 1) {
    const connection = await journal(key, { filter, first: 2, after, ...(minPosition ? { minPosition } : {}) });
    entries.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage) return entries;
    after = connection.pageInfo.endCursor;
  }
  throw new Error('more than 200 entries: more than this test writes');
}

async function trialBalance(key: string, asOf: string, currency: string, minPosition?: string): Promise<TrialBalanceView> {
  return requireData(await ledger.graphql<{ trialBalance: TrialBalanceView }>(TRIAL_BALANCE_QUERY, { asOf, currency, minPosition }, key), 'trialBalance').trialBalance;
}

async function arAgingReport(key: string, asOf: string, minPosition?: string): Promise<ArAgingView> {
  return requireData(await ledger.graphql<{ arAging: ArAgingView }>(AR_AGING_QUERY, { asOf, minPosition }, key), 'arAging').arAging;
}

/** A line as the test states it: [account (the domain's name: GraphQL shows it upper case), debit, credit, tax rate id]. */
function linesOf(entry: JournalEntryView): [string, string, string, string | null][] {
  return entry.lines.map((line) => [line.account.toLowerCase(), line.debit.amount, line.credit.amount, line.taxRateId]);
}

function balancesOf(balance: TrialBalanceView): Record<string, [string, string, string]> {
  return Object.fromEntries(balance.rows.map((row) => [row.account, [row.debit.amount, row.credit.amount, row.balance.amount]]));
}

function expectBalanced(entries: readonly JournalEntryView[]): void {
  for (const entry of entries) {
    const debits = Money.sum(entry.lines.map((line) => Money.parse(line.debit.amount, entry.currency)), entry.currency);
    const credits = Money.sum(entry.lines.map((line) => Money.parse(line.credit.amount, entry.currency)), entry.currency);
    expect([entry.entryId, debits.toString()]).toEqual([entry.entryId, credits.toString()]);
    expect(entry.lines.every((line) => line.debit.currency === entry.currency && line.credit.currency === entry.currency)).toBe(true);
  }
}

function expectTrialBalanceSumsToZero(balance: TrialBalanceView): void {
  const { currency } = balance;
  const total = Money.sum(balance.rows.map((row) => Money.parse(row.balance.amount, currency)), currency);
  expect(total.isZero()).toBe(true);
  expect(balance.totalDebit).toEqual(balance.totalCredit);
}

const line = (description: string, quantity: string, unitPrice: string, taxRate: string | null = null) => ({ description, quantity, unitPrice, taxRate });

describe('a Québec tenant: mixed tax rates, payments, a void, a JPY invoice', () => {
  let tenant: { tenantId: string; key: string };
  let firstInvoiceId: string;
  let voidedInvoiceId: string;
  let draftVoidedId: string;
  let jpyInvoiceId: string;
  let lastPosition: string;

  beforeAll(async () => {
    clock.setInstant('2024-03-04T09:00:00.000Z');
    tenant = await newTenant(ledger, 'gl');
    const { tenantId, key } = tenant;
    await updateSettings(ledger, tenantId, 'payment', { defaultCurrency: 'CAD', supportedCurrencies: ['CAD', 'JPY'] });
    await createTaxRate(ledger, tenantId, { taxRateId: 'gst', name: 'GST', type: 'gst', rate: '5', jurisdiction: 'CA' });
    await createTaxRate(ledger, tenantId, { taxRateId: 'qst', name: 'QST', type: 'pst', rate: '9.975', jurisdiction: 'CA-QC' });
    await createTaxRate(ledger, tenantId, { taxRateId: 'jp-ct', name: 'Consumption tax', type: 'custom', rate: '8', jurisdiction: 'JP' });
    await registerCustomer(ledger, key, 'qc-1', { country: 'CA', region: 'QC' });
    await registerCustomer(ledger, key, 'jp-1', { country: 'JP' });

    // Invoice 1, issued 2024-03-04: Fibre 3 x 19.99 = 59.97 (GST 2.9985 -> 3.00, QST 5.9820075 -> 5.98) and
    // Static IP 2 x 12.50 = 25.00 (GST 1.25, QST 2.49375 -> 2.49). Subtotal 84.97; GST 4.25, QST 8.47; total 97.69.
    const first = await createAndIssue(ledger, key, { customerId: 'qc-1', currency: 'CAD', lines: [line('Fibre', '3', '19.99'), line('Static IP', '2', '12.50')] });
    firstInvoiceId = first.issued.invoice.id;
    expect(first.issued.invoice).toMatchObject({ subtotal: { amount: '84.97' }, taxTotal: { amount: '12.72' }, total: { amount: '97.69' } });

    // Invoice 2, issued the same day: 1 x 100.00, GST 5.00, QST 9.975 -> 9.98; total 114.98. Voided on 2024-03-12.
    const second = await createAndIssue(ledger, key, { customerId: 'qc-1', currency: 'CAD', lines: [line('Install', '1', '100.00')] });
    voidedInvoiceId = second.issued.invoice.id;
    expect(second.issued.invoice).toMatchObject({ total: { amount: '114.98' } });

    // A draft voided: never issued, so nothing is posted or reversed.
    const draft = await ledger.mutateOk('createInvoice', { customerId: 'qc-1', currency: 'CAD', lines: [line('Never sent', '1', '5.00')] }, key);
    draftVoidedId = draft.invoice.id;
    await ledger.mutateOk('voidInvoice', { invoiceId: draftVoidedId, reason: 'drafted by mistake' }, key);

    // JPY: 1 x 1234 at 8% = 98.72 -> 99; total 1333.
    const jpy = await createAndIssue(ledger, key, { customerId: 'jp-1', currency: 'JPY', lines: [line('Fibre', '1', '1234')] });
    jpyInvoiceId = jpy.issued.invoice.id;
    expect(jpy.issued.invoice).toMatchObject({ taxTotal: { amount: '99' }, total: { amount: '1333' } });

    // Payments on 2024-03-10: 50.00, then 60.00 against the 47.69 left, of which 12.31 becomes customer credit.
    clock.setInstant('2024-03-10T10:00:00.000Z');
    await ledger.mutateOk('recordPayment', { invoiceId: firstInvoiceId, amount: '50.00', currency: 'CAD', method: 'CARD', reference: 'ch_part' }, key);
    const over = await ledger.mutateOk('recordPayment', { invoiceId: firstInvoiceId, amount: '60.00', currency: 'CAD', method: 'BANK_ACCOUNT', reference: 'tr_over' }, key);
    expect(over.invoice).toMatchObject({ status: 'PAID' });

    clock.setInstant('2024-03-12T10:00:00.000Z');
    lastPosition = (await ledger.mutateOk('voidInvoice', { invoiceId: voidedInvoiceId, reason: 'ordered twice' }, key)).position;
  });

  it('the issue posts AR = total against revenue and one tax_payable line per rate', async () => {
    const [issue] = await allEntries(tenant.key, { sourceId: firstInvoiceId }, lastPosition);
    expect(issue).toMatchObject({ currency: 'CAD', sourceEventType: 'InvoiceIssued', customerId: 'qc-1' });
    expect(issue?.occurredAt.slice(0, 10)).toBe('2024-03-04');
    expect(issue && linesOf(issue)).toEqual([
      ['accounts_receivable', '97.69', '0.00', null],
      ['revenue', '0.00', '84.97', null],
      ['tax_payable', '0.00', '4.25', 'gst'],
      ['tax_payable', '0.00', '8.47', 'qst'],
    ]);
    expect(issue?.lines.filter((taxLine) => taxLine.account === 'TAX_PAYABLE').map((taxLine) => taxLine.taxRateName)).toEqual(['GST', 'QST']);
  });

  it('a part payment and an overpayment post cash against AR, the excess to customer credit', async () => {
    const payments = (await allEntries(tenant.key, { customerId: 'qc-1', account: 'CASH_CLEARING' }, lastPosition)).map((entry) => [entry.sourceEventType, entry.occurredAt.slice(0, 10), linesOf(entry)]);
    expect(payments).toEqual([
      ['PaymentAllocated', '2024-03-10', [['cash_clearing', '50.00', '0.00', null], ['accounts_receivable', '0.00', '50.00', null]]],
      [
        'PaymentAllocated',
        '2024-03-10',
        [['cash_clearing', '60.00', '0.00', null], ['accounts_receivable', '0.00', '47.69', null], ['customer_credit', '0.00', '12.31', null]],
      ],
    ]);
  });

  it('voiding an issued, unpaid invoice posts the reversing entry; a voided draft posts nothing', async () => {
    const entries = await allEntries(tenant.key, { sourceId: voidedInvoiceId }, lastPosition);
    expect(entries.map((entry) => [entry.sourceEventType, entry.occurredAt.slice(0, 10), linesOf(entry)])).toEqual([
      ['InvoiceIssued', '2024-03-04', [['accounts_receivable', '114.98', '0.00', null], ['revenue', '0.00', '100.00', null], ['tax_payable', '0.00', '5.00', 'gst'], ['tax_payable', '0.00', '9.98', 'qst']]],
      ['InvoiceVoided', '2024-03-12', [['revenue', '100.00', '0.00', null], ['tax_payable', '5.00', '0.00', 'gst'], ['tax_payable', '9.98', '0.00', 'qst'], ['accounts_receivable', '0.00', '114.98', null]]],
    ]);
    expect(await allEntries(tenant.key, { sourceId: draftVoidedId }, lastPosition)).toEqual([]);
  });

  it('every entry balances in its currency; filters and pages agree with the whole list', async () => {
    const entries = await allEntries(tenant.key, {}, lastPosition);
    // Issue 1, issue 2, JPY issue, two payments (each posts at its allocation), the void.
    expect(entries.map((entry) => entry.sourceEventType)).toEqual(['InvoiceIssued', 'InvoiceIssued', 'InvoiceIssued', 'PaymentAllocated', 'PaymentAllocated', 'InvoiceVoided']);
    expectBalanced(entries);
    const whole = await journal(tenant.key, { first: 100 });
    expect(whole.edges.map((edge) => edge.node)).toEqual(entries);
    expect(whole.pageInfo.hasNextPage).toBe(false);
    expect((await allEntries(tenant.key, { currency: 'JPY' })).map((entry) => entry.sourceId)).toEqual([jpyInvoiceId]);
    expect((await allEntries(tenant.key, { currency: 'CAD', account: 'TAX_PAYABLE' })).length).toBe(3);
    const march10 = await allEntries(tenant.key, { from: '2024-03-10T00:00:00Z', to: '2024-03-10T23:59:59Z' });
    expect(march10.map((entry) => entry.sourceEventType)).toEqual(['PaymentAllocated', 'PaymentAllocated']);
  });

  it('the CAD trial balance sums to zero with exact balances per account, at each date', async () => {
    const now = await trialBalance(tenant.key, '2024-12-31T00:00:00Z', 'CAD', lastPosition);
    expectTrialBalanceSumsToZero(now);
    // AR: Dr 97.69 + 114.98 = 212.67, Cr 50.00 + 47.69 + 114.98 = 212.67. Revenue: Dr 100.00, Cr 84.97 + 100.00.
    // Tax: Dr 5.00 + 9.98 = 14.98, Cr 4.25 + 8.47 + 5.00 + 9.98 = 27.70. Cash: Dr 110.00. Customer credit: Cr 12.31.
    expect(balancesOf(now)).toEqual({
      ACCOUNTS_RECEIVABLE: ['212.67', '212.67', '0.00'],
      REVENUE: ['100.00', '184.97', '-84.97'],
      TAX_PAYABLE: ['14.98', '27.70', '-12.72'],
      CASH_CLEARING: ['110.00', '0.00', '110.00'],
      CUSTOMER_CREDIT: ['0.00', '12.31', '-12.31'],
      REFUNDS: ['0.00', '0.00', '0.00'],
      BAD_DEBT: ['0.00', '0.00', '0.00'],
      FX_GAIN_LOSS: ['0.00', '0.00', '0.00'],
      CREDIT_NOTES: ['0.00', '0.00', '0.00'],
      BANK: ['0.00', '0.00', '0.00'],
      BANK_FEES: ['0.00', '0.00', '0.00'],
      RECONCILIATION_SUSPENSE: ['0.00', '0.00', '0.00'],
      OTHER_INCOME: ['0.00', '0.00', '0.00'],
      OPENING_BALANCE_EQUITY: ['0.00', '0.00', '0.00'],
    });
    // 212.67 + 100.00 + 14.98 + 110.00 = 437.65 = 212.67 + 184.97 + 27.70 + 12.31.
    expect([now.totalDebit, now.totalCredit]).toEqual([
      { amount: '437.65', currency: 'CAD' },
      { amount: '437.65', currency: 'CAD' },
    ]);

    // Before the payments: only the two issues (AR 212.67 open, revenue 184.97, tax 27.70).
    const beforePayments = await trialBalance(tenant.key, '2024-03-09T23:59:59Z', 'CAD');
    expectTrialBalanceSumsToZero(beforePayments);
    expect(balancesOf(beforePayments)).toMatchObject({ ACCOUNTS_RECEIVABLE: ['212.67', '0.00', '212.67'], REVENUE: ['0.00', '184.97', '-184.97'], TAX_PAYABLE: ['0.00', '27.70', '-27.70'], CASH_CLEARING: ['0.00', '0.00', '0.00'] });
    const beforeAnything = await trialBalance(tenant.key, '2024-03-01T00:00:00Z', 'CAD');
    expect(beforeAnything.rows.every((row) => row.debit.amount === '0.00' && row.credit.amount === '0.00')).toBe(true);
  });

  it('the JPY trial balance stands apart, in whole yen', async () => {
    const jpy = await trialBalance(tenant.key, '2024-12-31T00:00:00Z', 'JPY', lastPosition);
    expectTrialBalanceSumsToZero(jpy);
    expect(balancesOf(jpy)).toMatchObject({ ACCOUNTS_RECEIVABLE: ['1333', '0', '1333'], REVENUE: ['0', '1234', '-1234'], TAX_PAYABLE: ['0', '99', '-99'], CASH_CLEARING: ['0', '0', '0'] });
    expect(jpy.totalDebit).toEqual({ amount: '1333', currency: 'JPY' });
  });

  it('another tenant never sees these entries, and its own stay its own', async () => {
    const other = await newTenant(ledger, 'gl-other');
    const { issued } = await createAndIssue(ledger, other.key, { customerId: 'qc-1', currency: 'USD', lines: [line('Other', '1', '10.00', '0')] });
    const seen = await allEntries(other.key, {}, issued.position);
    expect(seen.map((entry) => entry.sourceId)).toEqual([issued.invoice.id]);
    expect(await allEntries(other.key, { sourceId: firstInvoiceId })).toEqual([]);
    expect((await trialBalance(other.key, '2024-12-31T00:00:00Z', 'CAD')).totalDebit).toEqual({ amount: '0.00', currency: 'CAD' });
    expect((await allEntries(tenant.key)).some((entry) => entry.sourceId === issued.invoice.id)).toBe(false);
    expect((await trialBalance(tenant.key, '2024-12-31T00:00:00Z', 'USD')).totalDebit.amount).toBe('0.00');
  });

  it('refuses a malformed cursor, page size or currency with VALIDATION_FAILED', async () => {
    for (const variables of [{ first: 0 }, { first: 101 }, { after: 'not-a-cursor' }, { filter: { currency: 'XXX1' } }]) {
      const response = await ledger.graphql(JOURNAL_ENTRIES_QUERY, variables, tenant.key);
      expect(response.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    }
    const trial = await ledger.graphql(TRIAL_BALANCE_QUERY, { asOf: '2024-12-31T00:00:00Z', currency: 'usd' }, tenant.key);
    expect(trial.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });
});

describe('the receivables aging', () => {
  it('buckets open items by days past due (30 is 1-30, 31 is 31-60, 90 is 61-90, 91 over 90), per customer and currency', async () => {
    const { tenantId, key } = await newTenant(ledger, 'gl-aging');
    await updateSettings(ledger, tenantId, 'payment', { defaultCurrency: 'USD', supportedCurrencies: ['USD', 'JPY'] });
    // No customer is registered, so no automatic tax: each total is the line's price. Due on the issue date.
    const issueOn = async (date: string, customerId: string, price: string, currency = 'USD') => {
      clock.setInstant(`${date}T09:00:00.000Z`);
      const { issued } = await createAndIssue(ledger, key, { customerId, currency, paymentTermsDays: 0, lines: [line('Service', '1', price)] });
      expect(issued.invoice.dueDate).toBe(date);
      return issued;
    };
    // Aged at 2024-06-30: 03-31 is 91 days past due, 04-01 90, 05-30 31, 05-31 30, 06-01 29, 06-29 1, 06-30 0.
    await issueOn('2024-03-31', 'cust-a', '100.00');
    await issueOn('2024-04-01', 'cust-a', '200.00');
    await issueOn('2024-05-30', 'cust-a', '300.00');
    await issueOn('2024-05-31', 'cust-a', '400.00');
    const partlyPaid = await issueOn('2024-06-01', 'cust-b', '50.00');
    const paid = await issueOn('2024-06-02', 'cust-b', '40.00');
    const voided = await issueOn('2024-06-03', 'cust-b', '45.00');
    await issueOn('2024-06-29', 'cust-a', '10.00');
    await issueOn('2024-06-30', 'cust-b', '20.00');
    await issueOn('2024-06-30', 'cust-b', '5000', 'JPY');
    await issueOn('2024-07-05', 'cust-b', '30.00');
    clock.setInstant('2024-07-06T09:00:00.000Z');
    await ledger.mutateOk('createInvoice', { customerId: 'cust-b', currency: 'USD', lines: [line('Draft', '1', '999.00')] }, key);
    await ledger.mutateOk('recordPayment', { invoiceId: partlyPaid.invoice.id, amount: '15.00', currency: 'USD', method: 'CARD', reference: 'ch_1' }, key);
    await ledger.mutateOk('recordPayment', { invoiceId: paid.invoice.id, amount: '40.00', currency: 'USD', method: 'CARD', reference: 'ch_2' }, key);
    const last = await ledger.mutateOk('voidInvoice', { invoiceId: voided.invoice.id, reason: 'duplicate' }, key);

    const report = await arAgingReport(key, '2024-06-30', last.position);
    expect(report.asOf).toBe('2024-06-30');
    expect(report.items.map((item) => [item.customerId, item.dueDate, item.daysPastDue, item.bucket, item.balanceDue.amount]).sort()).toEqual(
      [
        ['cust-a', '2024-03-31', 91, 'DAYS_OVER_90', '100.00'],
        ['cust-a', '2024-04-01', 90, 'DAYS_61_90', '200.00'],
        ['cust-a', '2024-05-30', 31, 'DAYS_31_60', '300.00'],
        ['cust-a', '2024-05-31', 30, 'DAYS_1_30', '400.00'],
        ['cust-a', '2024-06-29', 1, 'DAYS_1_30', '10.00'],
        ['cust-b', '2024-06-01', 29, 'DAYS_1_30', '35.00'],
        ['cust-b', '2024-06-30', 0, 'CURRENT', '20.00'],
        ['cust-b', '2024-06-30', 0, 'CURRENT', '5000'],
        ['cust-b', '2024-07-05', -5, 'CURRENT', '30.00'],
      ].sort(),
    );
    const amounts = (row: AgingAmountsView) => [row.currency, row.current.amount, row.days1To30.amount, row.days31To60.amount, row.days61To90.amount, row.daysOver90.amount, row.total.amount];
    expect(report.customers.map((row) => [row.customerId, ...amounts(row)])).toEqual([
      ['cust-a', 'USD', '0.00', '410.00', '300.00', '200.00', '100.00', '1010.00'],
      ['cust-b', 'JPY', '5000', '0', '0', '0', '0', '5000'],
      ['cust-b', 'USD', '50.00', '35.00', '0.00', '0.00', '0.00', '85.00'],
    ]);
    expect(report.totals.map(amounts)).toEqual([
      ['JPY', '5000', '0', '0', '0', '0', '5000'],
      ['USD', '50.00', '445.00', '300.00', '200.00', '100.00', '1095.00'],
    ]);

    // A day later every late item moves on: 05-31 is 31 days past due, 06-30 is 1, 04-01 is 91.
    const nextDay = await arAgingReport(key, '2024-07-01');
    expect(nextDay.totals.map(amounts)).toEqual([
      ['JPY', '0', '5000', '0', '0', '0', '5000'],
      ['USD', '30.00', '65.00', '700.00', '0.00', '300.00', '1095.00'],
    ]);
    // Another tenant's aging is empty.
    const other = await newTenant(ledger, 'gl-aging-other');
    expect(await arAgingReport(other.key, '2024-06-30')).toEqual({ asOf: '2024-06-30', totals: [], customers: [], items: [] });
  });
});

describe('the general ledger read model', () => {
  it('rebuilt from position zero holds exactly the rows kept live', async () => {
    const { store, db } = ledger.services;
    // Settled: a short head (another suite's open transaction hides the newest commits) would let the rebuild below see
    // events the live projection was not yet waited for.
    const head = await settledHead(store, 'rebuild-head-marker');
    expect(await waitForProjections(db, [generalLedgerProjection.name], head, 10_000)).toBe(true);
    const schema = 'fresh_general_ledger';
    await rebuildProjection(store, db, generalLedgerProjection, { buildSchema: schema });
    const live = await readModelSnapshot(db, 'read_models', [generalLedgerProjection]);
    // This history has no banking events, so the bank-line and match tables stay empty; the journal must not.
    expect(['journal_entries', 'journal_lines', 'gl_issued_invoices'].map((table) => (live[`${generalLedgerProjection.name}.${table}`] ?? []).length > 0)).toEqual([true, true, true]);
    expect(await readModelSnapshot(db, schema, [generalLedgerProjection])).toEqual(live);
  });
});
