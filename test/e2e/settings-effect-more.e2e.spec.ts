import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SmtpTestServer } from '../../libs/mail/src/testing/smtp-test-server.js';
import { EMAIL_DOCUMENTS, EmailScenario } from '../email/email-scenario.js';
import { requireData } from '../support/graphql-http.client.js';
import { draftInput, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { pdfText } from '../support/pdf-text.js';
import { createAndIssue, createTaxRate, newTenant, registerCustomer, updateSettings } from '../support/settings-effect.support.js';
import { SubscriptionScenario } from '../support/subscription-api.js';

/**
 * The settings whose effect no other suite shows through the API (see test/contract/settings-effects.spec.ts): the
 * company address and the tenant name on a document, the receipt and credit-note numbering templates, automatic tax
 * switched off by its setting or its feature, the default tax rate of subscription plans, the reminder schedule, and
 * the company's logo URL and brand colour in the HTML of an email (a real SMTP server, as in test/email).
 */

const CREATE_NOTE = 'mutation ($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { position creditNote { id } } }';
const ISSUE_NOTE = 'mutation ($input: IssueCreditNoteInput!) { issueCreditNote(input: $input) { position creditNote { id number } } }';
const RECEIPTS = 'query ($paymentId: ID!) { receipts(filter: { paymentId: $paymentId }, first: 10) { edges { node { number } } } }';

const server = new SmtpTestServer();
let ledger: TestLedger;

beforeAll(async () => {
  await server.start();
  ledger = await startTestLedger({ environment: { LEDGER_SMTP_URL: server.url, LEDGER_MAIL_FROM: 'billing@fibre.example' } });
});

afterAll(async () => {
  await ledger?.stop();
  await server.stop();
});

async function invoicePdfText(invoiceId: string, key: string): Promise<string> {
  const response = await fetch(`${new URL(ledger.url).origin}/invoices/${invoiceId}.pdf`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  return pdfText(await response.arrayBuffer());
}

describe('the company block of a document', () => {
  it('prints every part of company.address: line1, line2, the city line with state and postal code, and the country', async () => {
    const { tenantId, key } = await newTenant(ledger, 'address');
    await updateSettings(ledger, tenantId, 'company', {
      name: 'Prairie Fibre Inc.',
      address: { line1: '500 Main Street', line2: 'Suite 1200', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
    });
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: (await ledger.mutateOk('createInvoice', draftInput(), key)).invoice.id }, key);
    const lines = (await invoicePdfText(issued.invoice.id, key)).split('\n').map((line) => line.trim());
    for (const expected of ['Prairie Fibre Inc.', '500 Main Street', 'Suite 1200', 'Springfield, IL 62701', 'US']) expect(lines).toContain(expected);
  });

  it('a company address without a country prints tenant.country; a company without an address prints no country', async () => {
    const { tenantId, key } = await newTenant(ledger, 'country');
    await updateSettings(ledger, tenantId, 'tenant', { country: 'AT' });
    await updateSettings(ledger, tenantId, 'company', { name: 'Alpen Fibre GmbH' });
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: (await ledger.mutateOk('createInvoice', draftInput(), key)).invoice.id }, key);
    const linesOf = async () => (await invoicePdfText(issued.invoice.id, key)).split('\n').map((line) => line.trim());
    expect(await linesOf()).not.toContain('AT');
    await updateSettings(ledger, tenantId, 'company', { address: { line1: 'Ringstrasse 1', line2: null, city: 'Wien', state: null, postalCode: '1010', country: null } });
    const lines = await linesOf();
    expect(lines).toContain('Ringstrasse 1');
    expect(lines).toContain('AT');
  });

  it('a tenant without a company name prints tenant.name, and its id only when that is unset too', async () => {
    const { tenantId, key } = await newTenant(ledger, 'profile-name');
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: (await ledger.mutateOk('createInvoice', draftInput(), key)).invoice.id }, key);
    expect(await invoicePdfText(issued.invoice.id, key)).toContain(tenantId);
    await updateSettings(ledger, tenantId, 'tenant', { name: 'Profile Networks Ltd' });
    const text = await invoicePdfText(issued.invoice.id, key);
    expect(text).toContain('Profile Networks Ltd');
    expect(text).not.toContain(tenantId);
  });
});

describe('numbering of receipts and credit notes', () => {
  it('a receipt is numbered by invoice.receiptNumberPrefix and invoice.receiptNumberFormat', async () => {
    const { tenantId, key } = await newTenant(ledger, 'receipt-numbers');
    await updateSettings(ledger, tenantId, 'invoice', { receiptNumberPrefix: 'QUITT', receiptNumberFormat: '{prefix}/{sequence:04d}' });
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: (await ledger.mutateOk('createInvoice', draftInput(), key)).invoice.id }, key);
    const paid = await ledger.mutateOk('recordPayment', { invoiceId: issued.invoice.id, amount: '1.00', currency: 'USD', method: 'CARD', reference: 'ch_receipt' }, key);
    const paymentId = paid.invoice.payments.find((payment) => payment.reference === 'ch_receipt')?.paymentId;
    const deadline = Date.now() + 10_000;
    let numbers: string[] = [];
    while (numbers.length === 0 && Date.now() < deadline) {
      const data = requireData(await ledger.graphql<{ receipts: { edges: { node: { number: string } }[] } }>(RECEIPTS, { paymentId }, key), 'receipts');
      numbers = data.receipts.edges.map((edge) => edge.node.number);
      if (numbers.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(numbers).toEqual(['QUITT/0001']);
  });

  it('a credit note is numbered by invoice.creditNoteNumberPrefix and invoice.creditNoteNumberFormat', async () => {
    const { tenantId, key } = await newTenant(ledger, 'credit-note-numbers');
    await updateSettings(ledger, tenantId, 'invoice', { creditNoteNumberPrefix: 'GS', creditNoteNumberFormat: '{prefix}-{sequence:05d}' });
    await registerCustomer(ledger, key, 'cust-cn', { country: 'US' });
    const input = { customerId: 'cust-cn', currency: 'USD', type: 'GOODWILL', reason: 'GOODWILL', lines: [{ description: 'Goodwill', quantity: '1', unitPrice: '5.00' }] };
    const created = requireData(await ledger.graphql<{ createCreditNote: { creditNote: { id: string } } }>(CREATE_NOTE, { input }, key), 'createCreditNote');
    const issued = requireData(
      await ledger.graphql<{ issueCreditNote: { creditNote: { number: string } } }>(ISSUE_NOTE, { input: { creditNoteId: created.createCreditNote.creditNote.id } }, key),
      'issueCreditNote',
    );
    expect(issued.issueCreditNote.creditNote.number).toBe('GS-00001');
  });
});

describe('automatic tax switched off', () => {
  /** A tenant with a 5% US rate and a registered US customer: an automatic line of 100.00 is taxed 5.00. */
  async function taxedTenant(prefix: string): Promise<{ tenantId: string; key: string }> {
    const tenant = await newTenant(ledger, prefix);
    await createTaxRate(ledger, tenant.tenantId, { taxRateId: 'us', name: 'Sales tax', type: 'sales_tax', rate: '5', jurisdiction: 'US' });
    await registerCustomer(ledger, tenant.key, 'cust-us', { country: 'US' });
    return tenant;
  }
  const automaticLine = { customerId: 'cust-us', currency: 'USD', lines: [{ description: 'Fibre', quantity: '1', unitPrice: '100.00', taxRate: null }] };

  it.each([
    ['tax.calculateAutomatically', 'tax' as const, { calculateAutomatically: false }],
    ['features.taxCalculation', 'features' as const, { taxCalculation: false }],
  ])('with %s off, a line without a rate is not taxed by the tenant rates', async (_field, section, off) => {
    const { tenantId, key } = await taxedTenant('tax-off');
    expect((await createAndIssue(ledger, key, automaticLine)).issued.invoice).toMatchObject({ taxTotal: { amount: '5.00' }, total: { amount: '105.00' } });
    await updateSettings(ledger, tenantId, section, off);
    expect((await createAndIssue(ledger, key, automaticLine)).issued.invoice).toMatchObject({ taxTotal: { amount: '0.00' }, total: { amount: '100.00' } });
  });
});

describe('the default tax rate', () => {
  it('a STANDARD plan is taxed at tax.defaultRate when automatic tax is off', async () => {
    const scenario = await SubscriptionScenario.start(ledger, 'default-rate', '2025-04-01T09:00:00Z');
    await scenario.customer('customer');
    await updateSettings(ledger, scenario.tenantId, 'tax', { calculateAutomatically: false, defaultRate: '10' });
    await scenario.plan({ planId: 'fibre', price: '100.00', taxTreatment: { kind: 'STANDARD' } });
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'fibre' });
    await scenario.advance('2025-04-01T10:00:00Z');
    const april = await scenario.invoice((await scenario.subscription('sub'))?.charges[0]?.invoiceId as string);
    expect([april.subtotal.amount, april.taxTotal.amount, april.total.amount]).toEqual(['100.00', '10.00', '110.00']);
  });
});

describe('the reminder schedule', () => {
  it('reminders fall due on the days of invoice.reminderScheduleDays before the due date, and on no other', async () => {
    const scenario = await SubscriptionScenario.start(ledger, 'reminder-days', '2025-03-03T09:00:00Z');
    await updateSettings(ledger, scenario.tenantId, 'invoice', { reminderScheduleDays: [10, 2] });
    await scenario.customer('customer');
    // Issued 2025-03-03 in UTC with 14 days: due 03-17; reminders on 03-07 (10 days before) and 03-15 (2 days before).
    const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'customer', paymentTermsDays: 14 }), scenario.key);
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, scenario.key);
    expect(issued.invoice.dueDate).toBe('2025-03-17');
    await scenario.advance('2025-03-17T12:00:00Z');
    const reminders = (await ledger.tenantEvents(scenario.tenantId))
      .filter((event) => event.type === 'InvoicePaymentReminderDue')
      .map((event) => {
        const data = event.data as { daysBeforeDue: number; dueAt: string };
        return [data.daysBeforeDue, data.dueAt];
      });
    expect(reminders).toEqual([
      [10, '2025-03-07T00:00:00.000Z'],
      [2, '2025-03-15T00:00:00.000Z'],
    ]);
  });
});

describe('the HTML of an email', () => {
  it('shows company.logoUrl as its image and is coloured in company.brandColor', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'email-branding');
    await scenario.ok('updateCompanySettings', EMAIL_DOCUMENTS.updateCompany, { input: { logoUrl: 'https://cdn.fibre.example/logo.png', brandColor: '#0A7B83' } });
    await scenario.customer('cus-brand');
    await scenario.issueInvoice('cus-brand');
    const [mail] = await scenario.receivedExactly(1);
    const html = mail?.parsed.html;
    expect(html).toContain('<img src="https://cdn.fibre.example/logo.png" alt="Fibre Networks GmbH"');
    expect(html).toContain('color:#0A7B83');
    expect(html).not.toContain('color:#1F2937');
  });
});
