import { describe, expect, it } from '@jest/globals';
import {
  defaultBillingSettings,
  evolveCreditNote,
  evolveCustomer,
  evolveInvoice,
  initialCreditNoteState,
  initialCustomerState,
  initialInvoiceState,
  type BillingSettings,
  type CreditNoteEvent,
  type CustomerState,
  type InvoiceEvent,
  type InvoiceState,
  type Receipt,
} from '../../../billing/src/index.js';
import type { DocumentModel } from '../../../documents/src/index.js';
import { creditNoteDocumentModel } from './credit-note-document.js';
import { companyParty, type DocumentContext } from './document-context.js';
import { DocumentFormat } from './document-format.js';
import { invoiceDocumentModel } from './invoice-document.js';
import { receiptDocumentModel } from './receipt-document.js';

/** Which document settings drive which part (docs/documents.md): each model built from settings changed one at a time. */

function settingsWith(change: (settings: BillingSettings) => void): BillingSettings {
  const settings = structuredClone(defaultBillingSettings) as BillingSettings;
  settings.tenant.locale = 'de-DE';
  settings.tenant.timeZone = 'Europe/Berlin';
  settings.company.name = 'Fibre Networks GmbH';
  change(settings);
  return settings;
}

function contextOf(settings: BillingSettings): DocumentContext {
  return {
    tenantId: 'acme',
    settings,
    format: new DocumentFormat(settings.tenant.locale, settings.tenant.timeZone),
    branding: { brandColor: settings.company.brandColor, colorScheme: settings.invoice.colorScheme, logo: null },
    footer: settings.invoice.footer,
    termsAndConditions: settings.invoice.termsAndConditions,
  };
}

const drafted: InvoiceEvent = {
  type: 'InvoiceDrafted',
  data: {
    invoiceId: 'inv-1',
    customerId: 'cust-1',
    currency: 'EUR',
    lines: [{ lineId: 'l1', description: 'Glasfaser', quantity: '2', unitPrice: '617.25', taxRate: '19', amount: '1234.50', taxAmount: '234.56' }],
    dueDate: null,
    paymentTermsDays: 30,
    draftedAt: '2024-01-15T08:00:00.000Z',
  },
};
const issued: InvoiceEvent = {
  type: 'InvoiceIssued',
  data: { invoiceId: 'inv-1', customerId: 'cust-1', number: 'INV-2024-000001', currency: 'EUR', issueDate: '2024-01-15', issuedAt: '2024-01-15T09:00:00.000Z', dueDate: '2024-02-14', subtotal: '1234.50', taxTotal: '234.56', total: '1469.06' },
};

function invoiceOf(...events: InvoiceEvent[]): InvoiceState {
  return events.reduce(evolveInvoice, initialInvoiceState);
}

const customer: CustomerState = evolveCustomer(initialCustomerState, {
  type: 'CustomerRegistered',
  data: { customerId: 'cust-1', name: 'Acme AG', email: 'ap@acme.example', billingAddress: { line1: 'Marktplatz 5', line2: null, city: 'München', region: null, postalCode: '80331', country: 'DE' }, taxExempt: false, registeredAt: '2024-01-01T00:00:00.000Z' },
});

const text = (model: DocumentModel): string =>
  JSON.stringify([model.title, model.watermark, model.fields, model.seller, model.buyer, model.tables, model.totals, model.sections, model.termsAndConditions, model.footer]).replace(/[\u00a0\u202f]/g, ' ');

describe('invoiceDocumentModel', () => {
  const invoice = invoiceOf(drafted, issued);

  it('words an issued invoice in the locale: number, dates, payment terms, lines, tax, totals, balance', () => {
    const model = invoiceDocumentModel(invoice, customer, contextOf(settingsWith(() => {})));
    expect(model.fields).toEqual([
      { label: 'Invoice number', value: 'INV-2024-000001' },
      { label: 'Issue date', value: '15.01.2024' },
      { label: 'Due date', value: '14.02.2024' },
      { label: 'Payment terms', value: 'Net 30' },
    ]);
    expect(model.watermark).toBeNull();
    expect(model.createdAt).toBe('2024-01-15T09:00:00.000Z');
    expect(model.language).toBe('de-DE');
    const words = text(model);
    for (const expected of ['Glasfaser', '617,25 €', '1.234,50 €', '19%', '234,56 €', '1.469,06 €', 'Balance due', 'Acme AG', 'Marktplatz 5', 'München, 80331', 'Customer ID: cust-1']) expect(words).toContain(expected);
  });

  it.each<[string, (settings: BillingSettings) => void, string[], string[]]>([
    ['payment instructions enabled', (s) => (s.invoice.paymentInstructions = { enabled: true, text: 'IBAN DE02' }), ['Payment instructions', 'IBAN DE02'], []],
    ['payment instructions disabled (text kept)', (s) => (s.invoice.paymentInstructions = { enabled: false, text: 'IBAN DE02' }), [], ['Payment instructions', 'IBAN DE02']],
    ['a footer', (s) => (s.invoice.footer = 'Amtsgericht Berlin'), ['Amtsgericht Berlin'], []],
    ['terms', (s) => (s.invoice.termsAndConditions = 'Zahlbar sofort'), ['Zahlbar sofort'], []],
    ['other payment terms', (s) => (s.payment.defaultPaymentTerms = '14 Tage netto'), ['14 Tage netto'], ['Net 30']],
    ['tax registrations', (s) => (s.tax.registrations = [{ jurisdiction: 'DE', number: 'DE999' }]), ['Tax registration (DE): DE999'], []],
    ['company contact details', (s) => Object.assign(s.company, { phone: '+49 30 1', email: 'b@f.example', website: 'https://f.example', taxId: 'DE1', registrationNumber: 'HRB 1', legalName: 'Fibre mbH' }), ['Phone: +49 30 1', 'Email: b@f.example', 'Website: https://f.example', 'Tax ID: DE1', 'Registration number: HRB 1', 'Fibre mbH'], []],
    ['none of them', () => {}, [], ['Payment instructions', 'Tax registration', 'Phone:', 'Website:', 'Tax ID:', 'Registration number:']],
  ])('%s', (_case, change, present, absent) => {
    const model = invoiceDocumentModel(invoice, customer, contextOf(settingsWith(change)));
    const words = text(model);
    for (const expected of present) expect(words).toContain(expected);
    for (const unexpected of absent) expect(words).not.toContain(unexpected);
  });

  it('a draft is marked DRAFT, has no number and no balance, and no payment instructions', () => {
    const model = invoiceDocumentModel(invoiceOf(drafted), customer, contextOf(settingsWith((s) => (s.invoice.paymentInstructions = { enabled: true, text: 'IBAN' }))));
    expect(model.watermark).toBe('DRAFT');
    expect(model.fields).toContainEqual({ label: 'Invoice number', value: 'not yet issued (draft)' });
    expect(model.fields).toContainEqual({ label: 'Due date', value: '30 days after issue' });
    expect(model.createdAt).toBe('2024-01-15T08:00:00.000Z');
    expect(text(model)).not.toContain('Balance due');
    expect(text(model)).not.toContain('Payment instructions');
  });

  it('a voided invoice is marked VOID, with its reason', () => {
    const model = invoiceDocumentModel(invoiceOf(drafted, issued, { type: 'InvoiceVoided', data: { invoiceId: 'inv-1', reason: 'issued twice', voidedAt: '2024-01-16T10:00:00.000Z' } }), customer, contextOf(settingsWith(() => {})));
    expect(model.watermark).toBe('VOID');
    expect(model.fields).toContainEqual({ label: 'Voided', value: '16.01.2024' });
    expect(text(model)).toContain('This invoice was voided: issued twice');
  });

  it('the locked exchange rate and the total in the reporting currency, when the invoice has them', () => {
    const withRate: InvoiceEvent = {
      ...issued,
      data: {
        ...(issued.data as Extract<InvoiceEvent, { type: 'InvoiceIssued' }>['data']),
        reportingCurrency: 'USD',
        exchangeRate: { base: 'EUR', quote: 'USD', rate: '1.0850', effectiveAt: '2024-01-15T00:00:00.000Z', source: 'ECB', inverted: false },
        reportingTotal: '1593.93',
      },
    };
    const model = invoiceDocumentModel(invoiceOf(drafted, withRate), customer, contextOf(settingsWith(() => {})));
    expect(model.sections).toContainEqual({ heading: 'Exchange rate', text: expect.stringContaining('1 EUR = 1,085 USD (ECB, 15.01.2024)') });
    expect(text(model)).toContain('Total in USD: 1.593,93 $');
    expect(text(invoiceDocumentModel(invoice, customer, contextOf(settingsWith(() => {}))))).not.toContain('Exchange rate');
  });

  it('an unregistered customer prints as its id', () => {
    expect(invoiceDocumentModel(invoice, initialCustomerState, contextOf(settingsWith(() => {}))).buyer).toEqual({ heading: 'Bill to', name: 'cust-1', lines: ['Customer ID: cust-1'] });
  });
});

describe('companyParty', () => {
  it('a tenant without a company name prints its profile name, then its id', () => {
    expect(companyParty(contextOf(settingsWith((s) => ((s.company.name = null), (s.tenant.name = 'Fibre'))))).name).toBe('Fibre');
    expect(companyParty(contextOf(settingsWith((s) => ((s.company.name = null), (s.tenant.name = null))))).name).toBe('acme');
  });
});

describe('receiptDocumentModel', () => {
  const receipt: Receipt = {
    receiptId: 'rec-1',
    paymentId: 'pay-1',
    number: 'REC-2024-000001',
    issuedAt: '2024-01-15T09:00:00.000Z',
    issueDate: '2024-01-15',
    payer: { customerId: 'cust-1', name: 'Acme AG (as paid)' },
    amount: '1500.00',
    currency: 'EUR',
    methodDescription: 'bank account',
    paymentReference: 'SEPA-1',
    invoicesPaid: [{ invoiceId: 'inv-1', number: 'INV-2024-000001', amount: '1469.06' }],
    creditedAmount: '30.94',
    company: { name: 'Fibre (as issued)', legalName: null, taxId: 'DE1', registrationNumber: null, addressLines: ['Hauptstraße 1'], email: null, phone: null, website: null },
  };

  it('prints the company it was issued by, the payer as paid, the invoices paid, the amount and the credit, in the locale', () => {
    const model = receiptDocumentModel(receipt, customer, contextOf(settingsWith((s) => (s.tax.registrations = [{ jurisdiction: 'DE', number: 'DE999' }]))));
    expect(model.seller.name).toBe('Fibre (as issued)');
    expect(model.buyer?.name).toBe('Acme AG (as paid)');
    const words = text(model);
    for (const expected of ['REC-2024-000001', '15.01.2024', 'bank account', 'SEPA-1', 'INV-2024-000001', '1.469,06 €', '1.500,00 €', 'Credited to account', '30,94 €', 'Tax registration (DE): DE999', 'Tax ID: DE1']) expect(words).toContain(expected);
  });

  it('no credited line when nothing was credited', () => {
    expect(text(receiptDocumentModel({ ...receipt, creditedAmount: '0.00' }, customer, contextOf(settingsWith(() => {}))))).not.toContain('Credited to account');
  });
});

describe('creditNoteDocumentModel', () => {
  const events: CreditNoteEvent[] = [
    {
      type: 'CreditNoteDrafted',
      data: {
        creditNoteId: 'cn-1',
        customerId: 'cust-1',
        type: 'adjustment',
        reason: 'service_issue',
        lines: [{ lineId: 'l1', description: 'Ausfall', quantity: '1', unitPrice: '100.00', taxRate: '19', amount: '100.00', taxAmount: '19.00' }],
        currency: 'EUR',
        subtotal: '100.00',
        taxTotal: '19.00',
        total: '119.00',
        taxBreakdown: [{ rate: '19', name: '19%', taxableAmount: '100.00', taxAmount: '19.00' }],
        sourceInvoiceId: 'inv-1',
        creditableOnSource: '1469.06',
        draftedAt: '2024-01-16T08:00:00.000Z',
      },
    },
  ];
  const note = events.reduce(evolveCreditNote, initialCreditNoteState);

  it('a draft: DRAFT, the invoice it credits by number, type and reason in words, no remaining credit', () => {
    const model = creditNoteDocumentModel(note, customer, new Map([['inv-1', 'INV-2024-000001']]), contextOf(settingsWith(() => {})));
    expect(model.watermark).toBe('DRAFT');
    expect(model.fields).toEqual([
      { label: 'Credit note number', value: 'not yet issued (draft)' },
      { label: 'Drafted', value: '16.01.2024' },
      { label: 'Credits invoice', value: 'INV-2024-000001' },
      { label: 'Type', value: 'adjustment' },
      { label: 'Reason', value: 'service issue' },
    ]);
    const words = text(model);
    for (const expected of ['Ausfall', '119,00 €', 'Total credit']) expect(words).toContain(expected);
    expect(words).not.toContain('Remaining credit');
  });
});
