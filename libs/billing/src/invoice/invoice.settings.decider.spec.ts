import { describe, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import type { TaxRate } from '../tax/tax-rate.js';
import type {
  AddInvoiceLine,
  CreateInvoice,
  InvoiceCustomerContext,
  InvoiceSettingsContext,
  IssueInvoice,
  RecordInvoicePayment,
  RemoveInvoiceLine,
  VoidInvoice,
} from './invoice.commands.js';
import { invoiceDecider } from './invoice.decider.js';
import type { InvoiceDrafted, InvoiceEvent, InvoiceIssued, InvoiceLine, InvoiceTaxCalculated, LineTax } from './invoice.events.js';

/**
 * The invoice decider with the tenant's settings and the customer inside the commands: features, supported
 * currencies, enabled payment methods, default terms, automatic tax and the locked exchange rate. Every amount is
 * worked out by hand in the comments.
 */

const spec = DeciderSpecification.for(invoiceDecider);

const now = '2024-01-15T09:30:00.000Z';
const later = '2024-01-20T14:00:00.000Z';
const invoiceId = 'inv-1';
const customerId = 'cus-1';

const gst: TaxRate = { id: 'gst', name: 'GST', type: 'gst', rate: '5', jurisdiction: 'CA', inclusive: false, compound: false, active: true };
const qst: TaxRate = { id: 'qst', name: 'QST', type: 'pst', rate: '9.975', jurisdiction: 'CA-QC', inclusive: false, compound: false, active: true };
const compoundPst: TaxRate = { id: 'pst-c', name: 'PST on GST', type: 'pst', rate: '8', jurisdiction: 'CA-QC', inclusive: false, compound: true, active: true };
const germanVat: TaxRate = { id: 'de-vat', name: 'MwSt', type: 'vat', rate: '19', jurisdiction: 'DE', inclusive: false, compound: false, active: true };

function settings(overrides: Partial<InvoiceSettingsContext> = {}, tax: Partial<InvoiceSettingsContext['tax']> = {}): InvoiceSettingsContext {
  return {
    invoicingEnabled: true,
    paymentsEnabled: true,
    supportedCurrencies: ['CAD', 'USD', 'EUR'],
    enabledPaymentMethods: ['card', 'bank_account'],
    defaultDueDays: 14,
    reportingCurrency: 'CAD',
    tax: { calculateAutomatically: true, pricesIncludeTax: false, rounding: 'per_line', rates: [gst, qst, germanVat], ...tax },
    ...overrides,
  };
}

const quebec: InvoiceCustomerContext = { taxExempt: false, billingAddress: { country: 'CA', region: 'QC' } };
const ontario: InvoiceCustomerContext = { taxExempt: false, billingAddress: { country: 'CA', region: 'ON' } };

function create(data: Partial<CreateInvoice['data']> = {}): CreateInvoice {
  return {
    type: 'CreateInvoice',
    data: {
      invoiceId,
      customerId,
      currency: 'CAD',
      lines: [{ lineId: 'L1', description: 'Fibre 1 Gbit/s', quantity: '3', unitPrice: '19.99' }],
      settings: settings(),
      customer: quebec,
      ...data,
    },
    metadata: { now },
  };
}
function addLine(line: AddInvoiceLine['data']['line'], data: Partial<AddInvoiceLine['data']> = {}): AddInvoiceLine {
  return { type: 'AddInvoiceLine', data: { invoiceId, line, settings: settings(), customer: quebec, ...data }, metadata: { now } };
}
function removeLine(lineId: string, data: Partial<RemoveInvoiceLine['data']> = {}): RemoveInvoiceLine {
  return { type: 'RemoveInvoiceLine', data: { invoiceId, lineId, settings: settings(), customer: quebec, ...data }, metadata: { now } };
}
function issue(data: Partial<IssueInvoice['data']> = {}): IssueInvoice {
  return { type: 'IssueInvoice', data: { invoiceId, number: 'INV-2024-000001', issueDate: '2024-01-15', settings: settings(), customer: quebec, ...data }, metadata: { now } };
}
function pay(data: Partial<RecordInvoicePayment['data']> = {}): RecordInvoicePayment {
  return {
    type: 'RecordInvoicePayment',
    data: { invoiceId, paymentId: 'pay-1', amount: '10.00', currency: 'CAD', method: 'card', reference: 'ch_1', settings: settings(), ...data },
    metadata: { now: later },
  };
}
function voidIt(data: Partial<VoidInvoice['data']> = {}): VoidInvoice {
  return { type: 'VoidInvoice', data: { invoiceId, reason: 'Wrong customer', settings: settings(), ...data }, metadata: { now: later } };
}

function line(lineId: string, quantity: string, unitPrice: string, amount: string, taxRate: string | null = null, taxAmount = '0.00'): InvoiceLine {
  return { lineId, description: lineId === 'L1' ? 'Fibre 1 Gbit/s' : `Line ${lineId}`, quantity, unitPrice, taxRate, amount, taxAmount };
}
function tax(rate: TaxRate, amount: string, inclusive = false): LineTax {
  return { rateId: rate.id, name: rate.name, rate: rate.rate, jurisdiction: rate.jurisdiction, compound: rate.compound, inclusive, amount };
}
function drafted(lines: InvoiceLine[], data: Partial<InvoiceDrafted['data']> = {}): InvoiceDrafted {
  return { type: 'InvoiceDrafted', data: { invoiceId, customerId, currency: 'CAD', lines, dueDate: null, paymentTermsDays: 14, draftedAt: now, ...data } };
}
function taxCalculated(data: Omit<InvoiceTaxCalculated['data'], 'invoiceId' | 'calculatedAt' | 'pricesIncludeTax' | 'rounding' | 'taxExempt'> & Partial<InvoiceTaxCalculated['data']>): InvoiceTaxCalculated {
  return { type: 'InvoiceTaxCalculated', data: { invoiceId, pricesIncludeTax: false, rounding: 'per_line', taxExempt: false, calculatedAt: now, ...data } };
}

// 3 x 19.99 = 59.97 CAD for a customer in Québec: GST 5% = 2.9985 -> 3.00; QST 9.975% = 5.9820075 -> 5.98;
// tax 8.98, total 68.95. (The German VAT rate's jurisdiction does not match: it is left out.)
const fibre = line('L1', '3', '19.99', '59.97');
const fibreTaxed = taxCalculated({
  lines: [{ lineId: 'L1', netAmount: '59.97', taxAmount: '8.98', taxes: [tax(gst, '3.00'), tax(qst, '5.98')] }],
  breakdown: [
    { rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '3.00' },
    { rateId: 'qst', name: 'QST', rate: '9.975', jurisdiction: 'CA-QC', compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '5.98' },
  ],
  subtotal: '59.97',
  taxTotal: '8.98',
  total: '68.95',
});
const taxedDraft: InvoiceEvent[] = [drafted([fibre]), fibreTaxed];

describe('no invoice, with settings', () => {
  it('CreateInvoice drafts with the default terms of the settings and taxes lines without a rate automatically', () => {
    spec.given([]).when(create()).then([drafted([fibre]), fibreTaxed]);
  });

  it('CreateInvoice with explicit terms keeps them', () => {
    spec.given([]).when(create({ paymentTermsDays: 45 })).then([drafted([fibre], { paymentTermsDays: 45 }), fibreTaxed]);
  });

  it('CreateInvoice fails FEATURE_DISABLED when invoicing is off, before anything else is checked', () => {
    spec.given([]).when(create({ currency: 'nope', settings: settings({ invoicingEnabled: false }) })).thenThrows('FEATURE_DISABLED', /Invoicing is turned off/);
  });

  it('CreateInvoice in a currency the tenant does not support fails CURRENCY_NOT_SUPPORTED', () => {
    spec.given([]).when(create({ currency: 'JPY' })).thenThrows('CURRENCY_NOT_SUPPORTED', /JPY is not among this tenant's supported currencies \(CAD, USD, EUR\)/);
  });

  it('CreateInvoice in something that is no currency stays VALIDATION_FAILED', () => {
    spec.given([]).when(create({ currency: 'XYZ' })).thenThrows('VALIDATION_FAILED', /currency/);
  });

  it('without automatic calculation a line without a rate is untaxed: no tax event', () => {
    spec.given([]).when(create({ settings: settings({}, { calculateAutomatically: false }) })).then([drafted([fibre])]);
  });

  it('a customer never registered (no address) gets no automatic tax', () => {
    const { customer: _customer, ...data } = create().data;
    spec.given([]).when({ ...create(), data }).then([drafted([fibre])]);
  });

  it('a tax-exempt customer gets no automatic tax, even with a matching address', () => {
    spec.given([]).when(create({ customer: { ...quebec, taxExempt: true } })).then([drafted([fibre])]);
  });

  it('only rates whose jurisdiction matches the address apply: Ontario pays GST, not QST', () => {
    // 59.97 x 5% = 2.9985 -> 3.00; total 62.97.
    spec
      .given([])
      .when(create({ customer: ontario }))
      .then([
        drafted([fibre]),
        taxCalculated({
          lines: [{ lineId: 'L1', netAmount: '59.97', taxAmount: '3.00', taxes: [tax(gst, '3.00')] }],
          breakdown: [{ rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '3.00' }],
          subtotal: '59.97',
          taxTotal: '3.00',
          total: '62.97',
        }),
      ]);
  });

  it('a compound rate taxes the net plus the taxes before it', () => {
    // 1 x 100.00: GST 5% = 5.00; PST on GST 8% of (100.00 + 5.00) = 8.40; tax 13.40, total 113.40.
    spec
      .given([])
      .when(create({ lines: [{ lineId: 'L1', description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice: '100.00' }], settings: settings({}, { rates: [compoundPst, gst] }) }))
      .then([
        drafted([line('L1', '1', '100.00', '100.00')]),
        taxCalculated({
          lines: [{ lineId: 'L1', netAmount: '100.00', taxAmount: '13.40', taxes: [tax(gst, '5.00'), tax(compoundPst, '8.40')] }],
          breakdown: [
            { rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', compound: false, inclusive: false, taxableAmount: '100.00', taxAmount: '5.00' },
            { rateId: 'pst-c', name: 'PST on GST', rate: '8', jurisdiction: 'CA-QC', compound: true, inclusive: false, taxableAmount: '100.00', taxAmount: '8.40' },
          ],
          subtotal: '100.00',
          taxTotal: '13.40',
          total: '113.40',
        }),
      ]);
  });

  it('with tax-inclusive prices the net is the price less the taxes inside it, and the subtotal is the net', () => {
    // 1 x 115.00 with GST 5% and QST 9.975% inside: net = 115.00 / 1.14975 = 100.0217... -> 100.02;
    // GST 100.02 x 5% = 5.001 -> 5.00; QST 100.02 x 9.975% = 9.976995 -> 9.98; 100.02 + 5.00 + 9.98 = 115.00.
    spec
      .given([])
      .when(create({ lines: [{ lineId: 'L1', description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice: '115.00' }], settings: settings({}, { pricesIncludeTax: true }) }))
      .then([
        drafted([line('L1', '1', '115.00', '115.00')]),
        taxCalculated({
          pricesIncludeTax: true,
          lines: [{ lineId: 'L1', netAmount: '100.02', taxAmount: '14.98', taxes: [tax(gst, '5.00', true), tax(qst, '9.98', true)] }],
          breakdown: [
            { rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', compound: false, inclusive: true, taxableAmount: '100.02', taxAmount: '5.00' },
            { rateId: 'qst', name: 'QST', rate: '9.975', jurisdiction: 'CA-QC', compound: false, inclusive: true, taxableAmount: '100.02', taxAmount: '9.98' },
          ],
          subtotal: '100.02',
          taxTotal: '14.98',
          total: '115.00',
        }),
      ]);
  });

  it('an explicit line rate keeps its own per-line exclusive tax next to automatic lines, and both are in the breakdown', () => {
    // L1 as above (GST 3.00, QST 5.98); L2 1 x 10.00 at an explicit 20% = 2.00 (inclusive pricing does not touch it).
    // Subtotal 69.97, tax 10.98, total 80.95.
    const router = line('L2', '1', '10.00', '10.00', '20', '2.00');
    const explicit: LineTax = { rateId: null, name: '20%', rate: '20', jurisdiction: null, compound: false, inclusive: false, amount: '2.00' };
    spec
      .given([])
      .when(create({ lines: [{ lineId: 'L1', description: 'Fibre 1 Gbit/s', quantity: '3', unitPrice: '19.99' }, { lineId: 'L2', description: 'Line L2', quantity: '1', unitPrice: '10.00', taxRate: '20' }] }))
      .then([
        drafted([fibre, router]),
        taxCalculated({
          lines: [
            { lineId: 'L1', netAmount: '59.97', taxAmount: '8.98', taxes: [tax(gst, '3.00'), tax(qst, '5.98')] },
            { lineId: 'L2', netAmount: '10.00', taxAmount: '2.00', taxes: [explicit] },
          ],
          breakdown: [
            { rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '3.00' },
            { rateId: 'qst', name: 'QST', rate: '9.975', jurisdiction: 'CA-QC', compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '5.98' },
            { rateId: null, name: '20%', rate: '20', jurisdiction: null, compound: false, inclusive: false, taxableAmount: '10.00', taxAmount: '2.00' },
          ],
          subtotal: '69.97',
          taxTotal: '10.98',
          total: '80.95',
        }),
      ]);
  });

  it('a deactivated rate applies to no new line', () => {
    // Only GST is left: 59.97 x 5% = 3.00.
    spec
      .given([])
      .when(create({ settings: settings({}, { rates: [gst, { ...qst, active: false }] }) }))
      .then([
        drafted([fibre]),
        taxCalculated({
          lines: [{ lineId: 'L1', netAmount: '59.97', taxAmount: '3.00', taxes: [tax(gst, '3.00')] }],
          breakdown: [{ rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '3.00' }],
          subtotal: '59.97',
          taxTotal: '3.00',
          total: '62.97',
        }),
      ]);
  });
});

describe('draft, with settings', () => {
  const dime = (lineId: string) => ({ lineId, description: `Line ${lineId}`, quantity: '1', unitPrice: '0.10' });
  const gstOnly = settings({}, { rates: [gst], rounding: 'per_invoice' });
  const gstBreakdown = (taxable: string, amount: string) => [
    { rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', compound: false, inclusive: false, taxableAmount: taxable, taxAmount: amount },
  ];
  // Per-invoice rounding: two lines of 0.10 at GST 5% owe 0.005 each, 0.01 together, rounded once and split back by
  // largest remainder (a tie goes to the first line): 0.01 and 0.00. Per line it would be 0.01 + 0.01.
  const twoDimes: InvoiceEvent[] = [
    drafted([line('L1', '1', '0.10', '0.10'), line('L2', '1', '0.10', '0.10')].map((priced, index) => ({ ...priced, description: `Line L${index + 1}` }))),
    taxCalculated({
      rounding: 'per_invoice',
      lines: [
        { lineId: 'L1', netAmount: '0.10', taxAmount: '0.01', taxes: [tax(gst, '0.01')] },
        { lineId: 'L2', netAmount: '0.10', taxAmount: '0.00', taxes: [tax(gst, '0.00')] },
      ],
      breakdown: gstBreakdown('0.20', '0.01'),
      subtotal: '0.20',
      taxTotal: '0.01',
      total: '0.21',
    }),
  ];

  it('CreateInvoice with per-invoice rounding rounds each rate once over the invoice', () => {
    spec.given([]).when(create({ lines: [dime('L1'), dime('L2')], settings: gstOnly })).then(twoDimes);
  });

  it('RemoveInvoiceLine re-calculates the lines left: the remaining dime now carries the rounded 0.005 -> 0.01', () => {
    spec
      .given(twoDimes)
      .when(removeLine('L1', { settings: gstOnly }))
      .then([
        { type: 'InvoiceLineRemoved', data: { invoiceId, lineId: 'L1', removedAt: now } },
        taxCalculated({
          rounding: 'per_invoice',
          lines: [{ lineId: 'L2', netAmount: '0.10', taxAmount: '0.01', taxes: [tax(gst, '0.01')] }],
          breakdown: gstBreakdown('0.10', '0.01'),
          subtotal: '0.10',
          taxTotal: '0.01',
          total: '0.11',
        }),
      ]);
  });

  it('AddInvoiceLine appends the line and the new figures of every line', () => {
    // Three dimes: 0.015 together -> 0.02, split 0.01, 0.01, 0.00.
    spec
      .given(twoDimes)
      .when(addLine(dime('L3'), { settings: gstOnly }))
      .then([
        { type: 'InvoiceLineAdded', data: { invoiceId, line: { ...line('L3', '1', '0.10', '0.10'), description: 'Line L3' }, addedAt: now } },
        taxCalculated({
          rounding: 'per_invoice',
          lines: [
            { lineId: 'L1', netAmount: '0.10', taxAmount: '0.01', taxes: [tax(gst, '0.01')] },
            { lineId: 'L2', netAmount: '0.10', taxAmount: '0.01', taxes: [tax(gst, '0.01')] },
            { lineId: 'L3', netAmount: '0.10', taxAmount: '0.00', taxes: [tax(gst, '0.00')] },
          ],
          breakdown: gstBreakdown('0.30', '0.02'),
          subtotal: '0.30',
          taxTotal: '0.02',
          total: '0.32',
        }),
      ]);
  });

  it('AddInvoiceLine of an explicitly taxed line into an untaxed draft needs no tax event', () => {
    spec
      .given([drafted([fibre])])
      .when(addLine({ lineId: 'L2', description: 'Line L2', quantity: '1', unitPrice: '10.00', taxRate: '20' }, { customer: undefined }))
      .then([{ type: 'InvoiceLineAdded', data: { invoiceId, line: line('L2', '1', '10.00', '10.00', '20', '2.00'), addedAt: now } }]);
  });

  it.each([
    ['AddInvoiceLine', addLine(dime('L9'), { settings: settings({ invoicingEnabled: false }) })],
    ['RemoveInvoiceLine', removeLine('L1', { settings: settings({ invoicingEnabled: false }) })],
    ['IssueInvoice', issue({ settings: settings({ invoicingEnabled: false }) })],
    ['VoidInvoice', voidIt({ settings: settings({ invoicingEnabled: false }) })],
  ])('%s fails FEATURE_DISABLED when invoicing is off', (_name, command) => {
    spec.given(taxedDraft).when(command).thenThrows('FEATURE_DISABLED', /features\.invoicing/);
  });

  it('IssueInvoice freezes the figures with their breakdown; in the reporting currency no rate is needed', () => {
    // Issue date 2024-01-15 + the 14 days of terms the draft got from the settings = 2024-01-29.
    spec
      .given(taxedDraft)
      .when(issue())
      .then([issued({ reportingCurrency: 'CAD', exchangeRate: null, reportingTotal: '68.95' })]);
  });

  it('IssueInvoice re-calculates with the settings in effect at issue when they changed since the last edit', () => {
    // Ontario now: GST only, 3.00; total 62.97.
    spec
      .given(taxedDraft)
      .when(issue({ customer: ontario }))
      .then([
        taxCalculated({
          lines: [{ lineId: 'L1', netAmount: '59.97', taxAmount: '3.00', taxes: [tax(gst, '3.00')] }],
          breakdown: [{ rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '3.00' }],
          subtotal: '59.97',
          taxTotal: '3.00',
          total: '62.97',
        }),
        issued({
          taxTotal: '3.00',
          total: '62.97',
          taxBreakdown: [{ rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '3.00' }],
          reportingCurrency: 'CAD',
          exchangeRate: null,
          reportingTotal: '62.97',
        }),
      ]);
  });

  it('IssueInvoice without settings keeps the figures the draft has (commands of before settings)', () => {
    const { settings: _settings, customer: _customer, ...data } = issue().data;
    const plain = issued({});
    const { taxBreakdown: _b, reportingCurrency: _c, exchangeRate: _e, reportingTotal: _t, ...withoutSettings } = plain.data;
    spec.given(taxedDraft).when({ ...issue(), data }).then([{ type: 'InvoiceIssued', data: withoutSettings }]);
  });

  function issued(data: Partial<InvoiceIssued['data']>): InvoiceIssued {
    return {
      type: 'InvoiceIssued',
      data: {
        invoiceId,
        customerId,
        number: 'INV-2024-000001',
        currency: 'CAD',
        issueDate: '2024-01-15',
        issuedAt: now,
        dueDate: '2024-01-29',
        subtotal: '59.97',
        taxTotal: '8.98',
        total: '68.95',
        taxBreakdown: fibreTaxed.data.breakdown,
        ...data,
      },
    };
  }
});

describe('draft in another currency than the reporting one', () => {
  // 1 x 100.00 EUR at an explicit 20%: tax 20.00, total 120.00 EUR (a German customer: the automatic rates do not
  // apply to an explicitly taxed line).
  const euroDraft: InvoiceEvent[] = [drafted([line('L1', '1', '100.00', '100.00', '20', '20.00')], { currency: 'EUR' })];
  const explicitBreakdown = [{ rateId: null, name: '20%', rate: '20', jurisdiction: null, compound: false, inclusive: false, taxableAmount: '100.00', taxAmount: '20.00' }];
  const eurCad = { base: 'EUR', quote: 'CAD', rate: '1.4712', effectiveAt: '2024-01-10T00:00:00.000Z', source: 'ECB', inverted: false };
  const euroIssued = (data: Partial<InvoiceIssued['data']>): InvoiceIssued => ({
    type: 'InvoiceIssued',
    data: {
      invoiceId,
      customerId,
      number: 'INV-2024-000001',
      currency: 'EUR',
      issueDate: '2024-01-15',
      issuedAt: now,
      dueDate: '2024-01-29',
      subtotal: '100.00',
      taxTotal: '20.00',
      total: '120.00',
      taxBreakdown: explicitBreakdown,
      reportingCurrency: 'CAD',
      ...data,
    } as InvoiceIssued['data'],
  });

  it('IssueInvoice locks the rate in effect and converts the total half-up: 120.00 x 1.4712 = 176.544 -> 176.54 CAD', () => {
    spec.given(euroDraft).when(issue({ exchangeRate: eurCad })).then([euroIssued({ exchangeRate: eurCad, reportingTotal: '176.54' })]);
  });

  it('IssueInvoice without a recorded rate issues anyway, with no locked rate and no reporting total', () => {
    spec.given(euroDraft).when(issue({ exchangeRate: null })).then([euroIssued({ exchangeRate: null, reportingTotal: null })]);
  });

  it('IssueInvoice refuses a rate that takes effect after the issue instant', () => {
    spec.given(euroDraft).when(issue({ exchangeRate: { ...eurCad, effectiveAt: '2024-01-16T00:00:00.000Z' } })).thenThrows('VALIDATION_FAILED', /after the issue instant/);
  });
});

describe('open, with settings', () => {
  const openInvoice: InvoiceEvent[] = [
    drafted([line('L1', '1', '100.00', '100.00', '20', '20.00')]),
    {
      type: 'InvoiceIssued',
      data: { invoiceId, customerId, number: 'INV-2024-000001', currency: 'CAD', issueDate: '2024-01-15', issuedAt: now, dueDate: '2024-01-29', subtotal: '100.00', taxTotal: '20.00', total: '120.00' },
    },
  ];

  it('RecordInvoicePayment fails FEATURE_DISABLED when payments are off', () => {
    spec.given(openInvoice).when(pay({ settings: settings({ paymentsEnabled: false }) })).thenThrows('FEATURE_DISABLED', /Payments is turned off.*features\.payments/);
  });

  it('RecordInvoicePayment with a method the tenant has not enabled fails PAYMENT_METHOD_DISABLED', () => {
    spec.given(openInvoice).when(pay({ method: 'crypto' })).thenThrows('PAYMENT_METHOD_DISABLED', /Payment method crypto is not enabled for this tenant \(payment\.enabledMethods: card, bank_account\)/);
  });

  it('RecordInvoicePayment with an enabled method is recorded as before', () => {
    spec
      .given(openInvoice)
      .when(pay())
      .then([
        {
          type: 'InvoicePaymentRecorded',
          data: {
            invoiceId,
            customerId,
            paymentId: 'pay-1',
            method: 'card',
            reference: 'ch_1',
            currency: 'CAD',
            amount: '10.00',
            appliedAmount: '10.00',
            excessAmount: '0.00',
            balanceDueAfter: '110.00',
            recordedAt: later,
          },
        },
      ]);
  });

  it('VoidInvoice is refused while invoicing is off, and allowed when on', () => {
    spec.given(openInvoice).when(voidIt({ settings: settings({ invoicingEnabled: false }) })).thenThrows('FEATURE_DISABLED');
    spec.given(openInvoice).when(voidIt()).then([{ type: 'InvoiceVoided', data: { invoiceId, reason: 'Wrong customer', voidedAt: later } }]);
  });
});
