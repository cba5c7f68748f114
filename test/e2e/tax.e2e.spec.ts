import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { requireData } from '../support/graphql-http.client.js';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import {
  createAndIssue,
  createTaxRate,
  newTenant,
  readInvoice,
  registerCustomer,
  settledMutationDocument,
  updateSettings,
  type SettledPayload,
} from '../support/settings-effect.support.js';

/**
 * Automatic tax through the API: the tenant's rates (settings), its pricing and rounding options, and the customer's
 * exemption and billing address decide the tax of every line without an explicit rate. Every figure below is worked
 * out by hand (half-up to the currency's minor unit, per line unless said otherwise). The read model shows the
 * same figures as the mutation.
 */

let ledger: TestLedger;
const clock = new TestClock('2024-03-04T09:00:00.000Z');

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
});

afterAll(async () => {
  await ledger?.stop();
});

/** A tenant with Canadian, Japanese and Kuwaiti rates, reporting in CAD. */
async function taxTenant(options: { pricesIncludeTax?: boolean } = {}): Promise<{ tenantId: string; key: string }> {
  const tenant = await newTenant(ledger, 'tax');
  const { tenantId } = tenant;
  await updateSettings(ledger, tenantId, 'payment', { defaultCurrency: 'CAD', supportedCurrencies: ['CAD', 'JPY', 'KWD'] });
  if (options.pricesIncludeTax) await updateSettings(ledger, tenantId, 'tax', { pricesIncludeTax: true });
  await createTaxRate(ledger, tenantId, { taxRateId: 'gst', name: 'GST', type: 'gst', rate: '5', jurisdiction: 'CA' });
  await createTaxRate(ledger, tenantId, { taxRateId: 'qst', name: 'QST', type: 'pst', rate: '9.975', jurisdiction: 'CA-QC' });
  await createTaxRate(ledger, tenantId, { taxRateId: 'pe-pst', name: 'PEI PST', type: 'pst', rate: '10', jurisdiction: 'CA-PE', compound: true });
  await createTaxRate(ledger, tenantId, { taxRateId: 'jp-ct', name: 'Consumption tax', type: 'custom', rate: '8', jurisdiction: 'JP' });
  await createTaxRate(ledger, tenantId, { taxRateId: 'kw-vat', name: 'VAT', type: 'vat', rate: '5', jurisdiction: 'KW' });
  return tenant;
}

const cad = (amount: string) => ({ amount, currency: 'CAD' });
const line = (description: string, quantity: string, unitPrice: string, taxRate: string | null = null) => ({ description, quantity, unitPrice, taxRate });
const gstEntry = (taxable: string, tax: string) => ({ rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', taxableAmount: cad(taxable), taxAmount: cad(tax) });
const qstEntry = (taxable: string, tax: string) => ({ rateId: 'qst', name: 'QST', rate: '9.975', jurisdiction: 'CA-QC', taxableAmount: cad(taxable), taxAmount: cad(tax) });

async function expectReadModelAgrees(key: string, issued: SettledPayload): Promise<void> {
  expect(await readInvoice(ledger, key, issued.invoice.id, issued.position)).toEqual(issued.invoice);
}

describe('exclusive pricing', () => {
  it('mixed rates on one invoice (Québec: GST + QST) next to an explicitly taxed line; a line added to the draft is taxed too', async () => {
    const { key } = await taxTenant();
    await registerCustomer(ledger, key, 'qc-1', { country: 'CA', region: 'QC' });
    const created = requireData(
      await ledger.graphql<{ createInvoice: SettledPayload }>(
        settledMutationDocument('createInvoice', 'CreateInvoiceInput'),
        { input: { customerId: 'qc-1', currency: 'CAD', lines: [line('Fibre', '3', '19.99'), line('Router rental', '1', '10.00', '20')] } },
        key,
      ),
      'createInvoice',
    ).createInvoice;
    // Fibre 3 x 19.99 = 59.97: GST 2.9985 -> 3.00, QST 5.9820075 -> 5.98. Router 10.00 at its own 20% = 2.00.
    expect(created.invoice).toMatchObject({ subtotal: cad('69.97'), taxTotal: cad('10.98'), total: cad('80.95') });
    const added = requireData(
      await ledger.graphql<{ addInvoiceLine: SettledPayload }>(
        settledMutationDocument('addInvoiceLine', 'AddInvoiceLineInput'),
        { input: { invoiceId: created.invoice.id, line: line('Static IP', '2', '12.50') } },
        key,
      ),
      'addInvoiceLine',
    ).addInvoiceLine;
    // Static IP 2 x 12.50 = 25.00: GST 1.25, QST 2.49375 -> 2.49.
    // Subtotal 59.97 + 10.00 + 25.00 = 94.97; tax 3.00 + 5.98 + 2.00 + 1.25 + 2.49 = 14.72; total 109.69.
    expect(added.invoice).toMatchObject({ subtotal: cad('94.97'), taxTotal: cad('14.72'), total: cad('109.69') });
    const issued = requireData(
      await ledger.graphql<{ issueInvoice: SettledPayload }>(settledMutationDocument('issueInvoice', 'IssueInvoiceInput'), { input: { invoiceId: created.invoice.id } }, key),
      'issueInvoice',
    ).issueInvoice;
    expect(issued.invoice).toMatchObject({
      status: 'OPEN',
      subtotal: cad('94.97'),
      taxTotal: cad('14.72'),
      total: cad('109.69'),
      // GST on 59.97 + 25.00 = 84.97: 3.00 + 1.25 = 4.25; QST 5.98 + 2.49 = 8.47; the explicit 20% on 10.00: 2.00.
      taxBreakdown: [gstEntry('84.97', '4.25'), qstEntry('84.97', '8.47'), { rateId: null, name: '20%', rate: '20', jurisdiction: null, taxableAmount: cad('10.00'), taxAmount: cad('2.00') }],
      reportingTotal: cad('109.69'),
    });
    expect(issued.invoice.lines.map((taxed) => ({ net: taxed.netAmount.amount, tax: taxed.taxAmount.amount, taxes: taxed.taxes.map((tax) => `${tax.name}:${tax.amount.amount}`) }))).toEqual([
      { net: '59.97', tax: '8.98', taxes: ['GST:3.00', 'QST:5.98'] },
      { net: '10.00', tax: '2.00', taxes: ['20%:2.00'] },
      { net: '25.00', tax: '3.74', taxes: ['GST:1.25', 'QST:2.49'] },
    ]);
    await expectReadModelAgrees(key, issued);
  });

  it('a compound rate (Prince Edward Island PST on GST) taxes the net plus the GST', async () => {
    const { key } = await taxTenant();
    await registerCustomer(ledger, key, 'pe-1', { country: 'CA', region: 'PE' });
    // 1 x 100.00: GST 5.00; PEI PST 10% of (100.00 + 5.00) = 10.50; tax 15.50, total 115.50.
    const { issued } = await createAndIssue(ledger, key, { customerId: 'pe-1', currency: 'CAD', lines: [line('Fibre', '1', '100.00')] });
    expect(issued.invoice).toMatchObject({
      subtotal: cad('100.00'),
      taxTotal: cad('15.50'),
      total: cad('115.50'),
      taxBreakdown: [gstEntry('100.00', '5.00'), { rateId: 'pe-pst', name: 'PEI PST', rate: '10', jurisdiction: 'CA-PE', taxableAmount: cad('100.00'), taxAmount: cad('10.50') }],
    });
    expect(issued.invoice.lines[0]?.taxes.map((tax) => [tax.rateId, tax.compound])).toEqual([
      ['gst', false],
      ['pe-pst', true],
    ]);
    await expectReadModelAgrees(key, issued);
  });

  it('the billing address decides the jurisdiction: Ontario pays GST only; a tax-exempt Québec customer pays none', async () => {
    const { key } = await taxTenant();
    await registerCustomer(ledger, key, 'on-1', { country: 'CA', region: 'ON' });
    await registerCustomer(ledger, key, 'qc-exempt', { country: 'CA', region: 'QC' }, true);
    // 59.97 x 5% = 2.9985 -> 3.00; total 62.97.
    const ontario = await createAndIssue(ledger, key, { customerId: 'on-1', currency: 'CAD', lines: [line('Fibre', '3', '19.99')] });
    expect(ontario.issued.invoice).toMatchObject({ taxTotal: cad('3.00'), total: cad('62.97'), taxBreakdown: [gstEntry('59.97', '3.00')] });
    const exempt = await createAndIssue(ledger, key, { customerId: 'qc-exempt', currency: 'CAD', lines: [line('Fibre', '3', '19.99')] });
    expect(exempt.issued.invoice).toMatchObject({ subtotal: cad('59.97'), taxTotal: cad('0.00'), total: cad('59.97'), taxBreakdown: [] });
    await expectReadModelAgrees(key, exempt.issued);
  });

  it('a customer id never registered has no address: no automatic tax (documented rule), explicit rates still apply', async () => {
    const { key } = await taxTenant();
    const { issued } = await createAndIssue(ledger, key, { customerId: 'nobody', currency: 'CAD', lines: [line('Fibre', '3', '19.99'), line('Router', '1', '10.00', '20')] });
    expect(issued.invoice).toMatchObject({ subtotal: cad('69.97'), taxTotal: cad('2.00'), total: cad('71.97') });
  });

  it('registering the customer before the issue taxes the draft at issue', async () => {
    const { key } = await taxTenant();
    const draft = requireData(
      await ledger.graphql<{ createInvoice: SettledPayload }>(settledMutationDocument('createInvoice', 'CreateInvoiceInput'), { input: { customerId: 'later-qc', currency: 'CAD', lines: [line('Fibre', '3', '19.99')] } }, key),
      'createInvoice',
    ).createInvoice;
    expect(draft.invoice.taxTotal).toEqual(cad('0.00'));
    await registerCustomer(ledger, key, 'later-qc', { country: 'CA', region: 'QC' });
    const issued = requireData(
      await ledger.graphql<{ issueInvoice: SettledPayload }>(settledMutationDocument('issueInvoice', 'IssueInvoiceInput'), { input: { invoiceId: draft.invoice.id } }, key),
      'issueInvoice',
    ).issueInvoice;
    expect(issued.invoice).toMatchObject({ taxTotal: cad('8.98'), total: cad('68.95') });
    await expectReadModelAgrees(key, issued);
  });
});

describe('inclusive pricing', () => {
  it('prices contain GST and QST: the net is the price less the taxes in it and the subtotal is the net', async () => {
    const { key } = await taxTenant({ pricesIncludeTax: true });
    await registerCustomer(ledger, key, 'qc-incl', { country: 'CA', region: 'QC' });
    // 115.00 / 1.14975 = 100.0217... -> net 100.02; GST 100.02 x 5% = 5.001 -> 5.00; QST 100.02 x 9.975% = 9.976995 -> 9.98;
    //   100.02 + 5.00 + 9.98 = 115.00.
    // 57.49 / 1.14975 = 50.0021... -> net 50.00; GST 2.50; QST 50.00 x 9.975% = 4.9875 -> 4.99; 50.00 + 2.50 + 4.99 = 57.49.
    // Subtotal 150.02, tax 22.47, total 172.49 = 115.00 + 57.49: the customer pays the prices.
    const { issued } = await createAndIssue(ledger, key, { customerId: 'qc-incl', currency: 'CAD', lines: [line('Fibre', '1', '115.00'), line('TV', '1', '57.49')] });
    expect(issued.invoice).toMatchObject({
      subtotal: cad('150.02'),
      taxTotal: cad('22.47'),
      total: cad('172.49'),
      taxBreakdown: [gstEntry('150.02', '7.50'), qstEntry('150.02', '14.97')],
    });
    expect(issued.invoice.lines.map((taxed) => [taxed.amount.amount, taxed.netAmount.amount, taxed.taxAmount.amount, taxed.taxes.every((tax) => tax.inclusive)])).toEqual([
      ['115.00', '100.02', '14.98', true],
      ['57.49', '50.00', '7.49', true],
    ]);
    await expectReadModelAgrees(key, issued);
  });
});

describe('currencies with other minor units', () => {
  it('JPY (0 decimals): 1 x 1234 at 8% = 98.72 -> 99; 1.5 x 101 = 151.5 -> 152 at 8% = 12.16 -> 12', async () => {
    const { key } = await taxTenant();
    await registerCustomer(ledger, key, 'jp-1', { country: 'JP' });
    const { issued } = await createAndIssue(ledger, key, { customerId: 'jp-1', currency: 'JPY', lines: [line('Fibre', '1', '1234'), line('Voice minutes', '1.5', '101')] });
    const jpy = (amount: string) => ({ amount, currency: 'JPY' });
    // Subtotal 1234 + 152 = 1386; tax 99 + 12 = 111; total 1497. No CAD rate recorded: no reporting total.
    expect(issued.invoice).toMatchObject({
      subtotal: jpy('1386'),
      taxTotal: jpy('111'),
      total: jpy('1497'),
      taxBreakdown: [{ rateId: 'jp-ct', rate: '8', taxableAmount: jpy('1386'), taxAmount: jpy('111') }],
      exchangeRate: null,
      reportingTotal: null,
    });
    await expectReadModelAgrees(key, issued);
  });

  it('KWD (3 decimals): 3 x 0.3335 = 1.0005 -> 1.001 at 5% = 0.05005 -> 0.050; 1 x 1.2345 -> 1.235 at 5% = 0.06175 -> 0.062', async () => {
    const { key } = await taxTenant();
    await registerCustomer(ledger, key, 'kw-1', { country: 'KW' });
    const { issued } = await createAndIssue(ledger, key, { customerId: 'kw-1', currency: 'KWD', lines: [line('Video add-on', '3', '0.3335'), line('Static IP', '1', '1.2345')] });
    const kwd = (amount: string) => ({ amount, currency: 'KWD' });
    // Subtotal 1.001 + 1.235 = 2.236; tax 0.050 + 0.062 = 0.112; total 2.348.
    expect(issued.invoice).toMatchObject({ subtotal: kwd('2.236'), taxTotal: kwd('0.112'), total: kwd('2.348'), taxBreakdown: [{ rateId: 'kw-vat', taxableAmount: kwd('2.236'), taxAmount: kwd('0.112') }] });
    await expectReadModelAgrees(key, issued);
  });
});

describe('rounding per invoice', () => {
  it('each rate is rounded once over the invoice and split back over the lines', async () => {
    const { tenantId, key } = await taxTenant();
    await updateSettings(ledger, tenantId, 'tax', { rounding: 'per_invoice' });
    await registerCustomer(ledger, key, 'on-dimes', { country: 'CA', region: 'ON' });
    // Three lines of 0.10 at GST 5% owe 0.005 each: 0.015 -> 0.02 for the invoice, split 0.01, 0.01, 0.00 (per line it
    // would be 0.03). Subtotal 0.30, total 0.32.
    const dime = line('Dime', '1', '0.10');
    const { issued } = await createAndIssue(ledger, key, { customerId: 'on-dimes', currency: 'CAD', lines: [dime, dime, dime] });
    expect(issued.invoice).toMatchObject({ subtotal: cad('0.30'), taxTotal: cad('0.02'), total: cad('0.32'), taxBreakdown: [gstEntry('0.30', '0.02')] });
    expect(issued.invoice.lines.map((taxed) => taxed.taxAmount.amount)).toEqual(['0.01', '0.01', '0.00']);
    await expectReadModelAgrees(key, issued);
  });
});
