import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pngOf, SAMPLE_JPEG_BASE64 } from '../../libs/documents/src/logo-fixtures.test-helper.js';
import { requireData } from '../support/graphql-http.client.js';
import { launchChromium, type HeadlessBrowser } from '../support/headless-chromium.js';
import { DEV_TENANT_ID, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { pdfText } from '../support/pdf-text.js';
import { newTenant, recordExchangeRate, UPDATE_COMPANY_SETTINGS, UPDATE_PAYMENT_SETTINGS, UPSERT_CUSTOMER } from '../support/settings-effect.support.js';
import { inspectPdf, isGrey } from './pdf-inspection.js';
import { pagePixels } from './pdf-page-pixels.js';

/**
 * Invoices, receipts and credit notes as PDFs through the running API (docs/documents.md): GET /<documents>/<id>.pdf
 * with the GraphQL API key, in the tenant's locale (de-DE here: "1.234,50 €", "15.01.2024"), with every document
 * setting taking effect at once (branding, company block, registrations, payment terms, instructions, footer,
 * terms), the logo drawn when uploaded and invoice.showLogo is on, and the colour scheme deciding the colours.
 * Text is read back with pdfjs (test/support/pdf-text.ts); images and colours from pdfjs's operator list; one page is
 * drawn in headless Chromium and its pixels read.
 */

const UPDATE_TENANT_PROFILE = 'mutation ($input: UpdateTenantProfileInput!) { updateTenantProfile(input: $input) { position } }';
const UPDATE_INVOICE_SETTINGS = 'mutation ($input: UpdateInvoiceSettingsInput!) { updateInvoiceSettings(input: $input) { position } }';
const UPDATE_TAX_SETTINGS = 'mutation ($input: UpdateTaxSettingsInput!) { updateTaxSettings(input: $input) { position } }';
const UPLOAD_LOGO = 'mutation ($input: UploadCompanyLogoInput!) { uploadCompanyLogo(input: $input) { position companyLogo { contentType byteLength width height uploadedAt } } }';
const REMOVE_LOGO = 'mutation { removeCompanyLogo { position companyLogo { contentType } } }';
const COMPANY_LOGO = 'query ($minPosition: String) { companyLogo(minPosition: $minPosition) { contentType byteLength width height } }';
const CREATE_NOTE = 'mutation ($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { position creditNote { id } } }';
const ISSUE_NOTE = 'mutation ($input: IssueCreditNoteInput!) { issueCreditNote(input: $input) { position creditNote { id number } } }';
const RECEIPTS = 'query ($filter: ReceiptFilterInput) { receipts(filter: $filter, first: 10) { edges { node { id number } } } }';

const BRAND = '#0A7B83';
const clock = new TestClock('2024-01-15T09:00:00.000Z');
let ledger: TestLedger;
let origin: string;
let invoiceId: string;
let invoiceNumber: string;
let browser: HeadlessBrowser | undefined;

async function ok(query: string, variables: Record<string, unknown>, key?: string): Promise<Record<string, { position: string }>> {
  return requireData(await ledger.graphql<Record<string, { position: string }>>(query, variables, key), query.slice(0, 60));
}

async function fetchPdf(path: string, key: string = ledger.adminKey): Promise<Response> {
  return fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${key}` } });
}

async function invoicePdf(id: string = invoiceId): Promise<Buffer> {
  const response = await fetchPdf(`/invoices/${id}.pdf`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function invoiceText(id: string = invoiceId): Promise<string> {
  const response = await fetchPdf(`/invoices/${id}.pdf`);
  expect(response.status).toBe(200);
  return pdfText(await response.arrayBuffer());
}

async function uploadLogo(contentType: string, bytes: Buffer): Promise<string> {
  const { uploadCompanyLogo } = await ok(UPLOAD_LOGO, { input: { contentType, contentBase64: bytes.toString('base64') } });
  const position = (uploadCompanyLogo as { position: string }).position;
  // The documents draw the logo from its read model: wait until it holds the upload.
  requireData(await ledger.graphql(COMPANY_LOGO, { minPosition: position }), 'companyLogo');
  return position;
}

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
  origin = new URL(ledger.url).origin;
  await ok(UPDATE_TENANT_PROFILE, { input: { locale: 'de-DE', timeZone: 'Europe/Berlin', country: 'DE', name: 'Fibre Networks' } });
  await ok(UPDATE_PAYMENT_SETTINGS, { input: { defaultCurrency: 'EUR', supportedCurrencies: ['EUR'], defaultPaymentTerms: '30 Tage netto' } });
  await ok(UPDATE_COMPANY_SETTINGS, {
    input: {
      name: 'Fibre Networks GmbH',
      legalName: 'Fibre Networks Gesellschaft mbH',
      taxId: 'DE123456789',
      registrationNumber: 'HRB 12345',
      address: { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
      phone: '+49 30 1234567',
      email: 'billing@fibre.example',
      website: 'https://fibre.example',
      brandColor: BRAND,
    },
  });
  await ok(UPDATE_TAX_SETTINGS, { input: { registrations: [{ jurisdiction: 'DE', number: 'DE999999999' }, { jurisdiction: 'AT', number: 'ATU12345678' }] } });
  await ok(UPDATE_INVOICE_SETTINGS, {
    input: {
      paymentInstructions: { enabled: true, text: 'IBAN DE02 1203 0000 0000 2020 51' },
      footer: 'Geschäftsführer: A. Beispiel · Amtsgericht Berlin',
      termsAndConditions: 'Zahlbar innerhalb von 30 Tagen ohne Abzug.',
      showLogo: true,
      colorScheme: 'BRAND',
    },
  });
  requireData(
    await ledger.graphql(UPSERT_CUSTOMER, { input: { customerId: 'cust-de', name: 'Acme Fibre AG', email: 'ap@acme.example', billingAddress: { line1: 'Marktplatz 5', city: 'München', postalCode: '80331', country: 'DE' }, taxExempt: false } }),
    'upsertCustomer',
  );
  const draft = await ledger.mutateOk('createInvoice', { customerId: 'cust-de', currency: 'EUR', lines: [{ description: 'Glasfaser 1000, Januar', quantity: '1', unitPrice: '1234.50', taxRate: '19' }] });
  const issued = await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id });
  invoiceId = issued.invoice.id;
  invoiceNumber = issued.invoice.number as string;
});

afterAll(async () => {
  await browser?.close();
  await ledger?.stop();
});

describe('GET /invoices/:id.pdf', () => {
  it('answers the invoice as a PDF named by its number, with the headers of every PDF route', async () => {
    const response = await fetchPdf(`/invoices/${invoiceId}.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="${invoiceNumber}.pdf"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it("a de-DE tenant's invoice shows amounts and dates as the locale writes them: 1.234,50 € and 15.01.2024", async () => {
    const text = await invoiceText();
    for (const expected of ['1.234,50 €', '15.01.2024', 'Issue date: 15.01.2024', 'Due date: 14.02.2024', '234,56 €', '1.469,06 €', '19%']) expect(text).toContain(expected);
    expect(text).not.toContain('1,234.50');
    expect(text).not.toContain('2024-01-15');
  });

  it('shows the company block, the tax registrations, the customer, the lines, the tax breakdown, the totals, the payment terms, the instructions, the terms and the footer', async () => {
    const text = await invoiceText();
    for (const expected of [
      'INVOICE',
      `Invoice number: ${invoiceNumber}`,
      'Payment terms: 30 Tage netto',
      'Fibre Networks GmbH',
      'Fibre Networks Gesellschaft mbH',
      'Hauptstraße 1',
      'Berlin, 10115',
      'Phone: +49 30 1234567',
      'Email: billing@fibre.example',
      'Website: https://fibre.example',
      'Tax ID: DE123456789',
      'Registration number: HRB 12345',
      'Tax registration (DE): DE999999999',
      'Tax registration (AT): ATU12345678',
      'Acme Fibre AG',
      'Marktplatz 5',
      'Email: ap@acme.example',
      'Glasfaser 1000, Januar',
      'Tax breakdown',
      'Subtotal',
      'Balance due',
      'Payment instructions',
      'IBAN DE02 1203 0000 0000 2020 51',
      'Terms and conditions',
      'Zahlbar innerhalb von 30 Tagen ohne Abzug.',
      'Geschäftsführer: A. Beispiel · Amtsgericht Berlin',
      'Page 1 of 1',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('what is unset or disabled disappears: instructions off, no footer, no terms, no registrations, no company contact', async () => {
    await ok(UPDATE_INVOICE_SETTINGS, { input: { paymentInstructions: { enabled: false, text: 'IBAN DE02 1203 0000 0000 2020 51' }, footer: null, termsAndConditions: null } });
    await ok(UPDATE_TAX_SETTINGS, { input: { registrations: [] } });
    await ok(UPDATE_COMPANY_SETTINGS, { input: { phone: null, website: null, registrationNumber: null } });
    try {
      const text = await invoiceText();
      for (const absent of ['Payment instructions', 'IBAN', 'Terms and conditions', 'Zahlbar', 'Amtsgericht', 'Tax registration', 'Phone:', 'Website:', 'Registration number:']) expect(text).not.toContain(absent);
      for (const kept of ['Fibre Networks GmbH', 'Tax ID: DE123456789', '1.234,50 €', 'Page 1 of 1']) expect(text).toContain(kept);
    } finally {
      await ok(UPDATE_INVOICE_SETTINGS, {
        input: { paymentInstructions: { enabled: true, text: 'IBAN DE02 1203 0000 0000 2020 51' }, footer: 'Geschäftsführer: A. Beispiel · Amtsgericht Berlin', termsAndConditions: 'Zahlbar innerhalb von 30 Tagen ohne Abzug.' },
      });
      await ok(UPDATE_TAX_SETTINGS, { input: { registrations: [{ jurisdiction: 'DE', number: 'DE999999999' }, { jurisdiction: 'AT', number: 'ATU12345678' }] } });
      await ok(UPDATE_COMPANY_SETTINGS, { input: { phone: '+49 30 1234567', website: 'https://fibre.example', registrationNumber: 'HRB 12345' } });
    }
  });

  it('long terms and conditions wrap onto further pages, each numbered "Page n of m" with the footer', async () => {
    const terms = Array.from({ length: 150 }, (_, index) => `§ ${index + 1} Die Rechnung ist ohne Abzug zahlbar; bei Verzug werden Zinsen in gesetzlicher Höhe berechnet.`).join('\n');
    await ok(UPDATE_INVOICE_SETTINGS, { input: { termsAndConditions: terms } });
    try {
      const pdf = await inspectPdf(await invoicePdf());
      expect(pdf.pageCount).toBeGreaterThan(1);
      pdf.pages.forEach((page, index) => {
        expect(page).toContain(`Page ${index + 1} of ${pdf.pageCount}`);
        expect(page).toContain('Amtsgericht Berlin');
      });
      expect(pdf.text).toContain('§ 150 Die Rechnung');
    } finally {
      await ok(UPDATE_INVOICE_SETTINGS, { input: { termsAndConditions: 'Zahlbar innerhalb von 30 Tagen ohne Abzug.' } });
    }
  });

  it('the same invoice gives the same bytes every time (no clock in the PDF)', async () => {
    const [first, second] = [await invoicePdf(), await invoicePdf()];
    expect(second.equals(first)).toBe(true);
  });

  it('a draft prints too, marked DRAFT and without a number', async () => {
    const draft = await ledger.mutateOk('createInvoice', { customerId: 'cust-de', currency: 'EUR', lines: [{ description: 'Entwurf', quantity: '2', unitPrice: '10.00', taxRate: '19' }] });
    const response = await fetchPdf(`/invoices/${draft.invoice.id}.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="draft-invoice-${draft.invoice.id}.pdf"`);
    const text = await pdfText(await response.arrayBuffer());
    expect(text.split('\n')).toContain('DRAFT');
    expect(text).toContain('Invoice number: not yet issued (draft)');
    expect(text).toContain('23,80 €');
    expect(text).not.toContain('Balance due');
  });

  it("401 without a key or with a wrong one; 404 for an unknown invoice and for another tenant's; 400 for an id that is not text", async () => {
    expect((await fetch(`${origin}/invoices/${invoiceId}.pdf`)).status).toBe(401);
    expect((await fetchPdf(`/invoices/${invoiceId}.pdf`, 'wrong-key-wrong-key-wrong-key')).status).toBe(401);
    expect((await fetchPdf('/invoices/no-such-invoice.pdf')).status).toBe(404);
    expect((await fetchPdf(`/invoices/${invoiceId}`)).status).toBe(404);
    expect((await fetchPdf('/invoices/a%00b.pdf')).status).toBe(400);
    const other = await newTenant(ledger, 'documents-pdf');
    const foreign = await fetchPdf(`/invoices/${invoiceId}.pdf`, other.key);
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain('Fibre');
  });
});

describe('branding: the logo and the colour scheme', () => {
  const logo = pngOf({ width: 240, height: 80, colorType: 6, pixel: [10, 123, 131, 255] });

  it('an uploaded logo is drawn when invoice.showLogo is on, and not when it is off', async () => {
    await uploadLogo('image/png', logo);
    expect((await inspectPdf(await invoicePdf())).imagesPerPage).toEqual([1]);
    await ok(UPDATE_INVOICE_SETTINGS, { input: { showLogo: false } });
    const without = await inspectPdf(await invoicePdf());
    expect(without.imagesPerPage).toEqual([0]);
    await ok(UPDATE_INVOICE_SETTINGS, { input: { showLogo: true } });
    expect((await inspectPdf(await invoicePdf())).imagesPerPage).toEqual([1]);
  });

  it('a JPEG logo is drawn too; removing the logo draws none', async () => {
    await uploadLogo('image/jpeg', Buffer.from(SAMPLE_JPEG_BASE64, 'base64'));
    expect(requireData(await ledger.graphql<{ companyLogo: unknown }>(COMPANY_LOGO, {}), 'companyLogo').companyLogo).toEqual({ contentType: 'image/jpeg', byteLength: Buffer.from(SAMPLE_JPEG_BASE64, 'base64').length, width: 16, height: 8 });
    expect((await inspectPdf(await invoicePdf())).imagesPerPage).toEqual([1]);
    const removed = requireData(await ledger.graphql<{ removeCompanyLogo: { position: string; companyLogo: null } }>(REMOVE_LOGO, {}), 'removeCompanyLogo').removeCompanyLogo;
    expect(removed.companyLogo).toBeNull();
    expect(requireData(await ledger.graphql<{ companyLogo: unknown }>(COMPANY_LOGO, { minPosition: removed.position }), 'companyLogo').companyLogo).toBeNull();
    expect((await inspectPdf(await invoicePdf())).imagesPerPage).toEqual([0]);
    await uploadLogo('image/png', logo);
  });

  it('colorScheme decides the fill colours: BRAND uses the brand colour, DEFAULT does not, MONOCHROME only greys', async () => {
    const colors = async (colorScheme: string) => {
      await ok(UPDATE_INVOICE_SETTINGS, { input: { colorScheme } });
      return [...(await inspectPdf(await invoicePdf())).fillColors];
    };
    try {
      expect(await colors('BRAND')).toContain(BRAND.toLowerCase());
      const neutral = await colors('DEFAULT');
      expect(neutral).not.toContain(BRAND.toLowerCase());
      expect(neutral.filter((color) => !isGrey(color))).not.toEqual([]);
      expect((await colors('MONOCHROME')).filter((color) => !isGrey(color))).toEqual([]);
    } finally {
      await ok(UPDATE_INVOICE_SETTINGS, { input: { colorScheme: 'BRAND' } });
    }
  });

  it('page 1 drawn in headless Chromium has ink, and the logo\'s area is painted in the logo\'s colour', async () => {
    browser = await launchChromium();
    // The logo is scaled into a 170 x 64 pt box at the top-left margin (50, 50): 240 x 80 px becomes 170 x 56.7 pt.
    const pixels = await pagePixels(browser, await invoicePdf(), { x: 52, y: 52, width: 166, height: 52 });
    expect(pixels.inked).toBeGreaterThan(20_000);
    expect(pixels.inkedInBox).toBeGreaterThan(0.95 * 166 * 52 * 4);
    expect(pixels.boxColors[0]?.color).toBe('#0a7b83');
    await ok(UPDATE_INVOICE_SETTINGS, { input: { showLogo: false } });
    try {
      const withoutLogo = await pagePixels(browser, await invoicePdf(), { x: 52, y: 52, width: 166, height: 52 });
      // The company name stands where the logo was: some ink, far less than a filled logo.
      expect(withoutLogo.inkedInBox).toBeLessThan(pixels.inkedInBox / 3);
    } finally {
      await ok(UPDATE_INVOICE_SETTINGS, { input: { showLogo: true } });
    }
  });
});

describe('uploadCompanyLogo refuses what is not an acceptable PNG or JPEG, with LOGO_INVALID and its reason, appending nothing', () => {
  const png = pngOf({ width: 40, height: 20 });
  const zipTail = Buffer.from('PK\u0003\u0004 pretend zip archive', 'latin1');
  const withCrc = (bytes: Buffer, at: number, value: number): Buffer => {
    const copy = Buffer.from(bytes);
    copy[at] = value;
    return copy;
  };
  const cases: readonly [string, string, string, string][] = [
    ['a GIF content type', 'image/gif', Buffer.from('GIF89a....').toString('base64'), 'unsupported_type'],
    ['an SVG content type', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64'), 'unsupported_type'],
    ['text that is not base64', 'image/png', 'this is not base64!', 'bad_base64'],
    ['a data: URL', 'image/png', `data:image/png;base64,${png.toString('base64')}`, 'bad_base64'],
    ['nothing', 'image/png', '', 'empty'],
    ['garbage bytes', 'image/png', Buffer.from('just some garbage bytes, not an image').toString('base64'), 'type_mismatch'],
    ['a JPEG declared as a PNG', 'image/png', SAMPLE_JPEG_BASE64, 'type_mismatch'],
    ['a truncated PNG', 'image/png', png.subarray(0, png.length - 30).toString('base64'), 'truncated'],
    ['a PNG with a broken CRC', 'image/png', withCrc(png, 29, 0).toString('base64'), 'corrupt'],
    ['a PNG with a ZIP appended (a polyglot)', 'image/png', Buffer.concat([png, zipTail]).toString('base64'), 'trailing_data'],
    ['a PNG of 5000 x 10 pixels', 'image/png', pngOf({ width: 5000, height: 10, colorType: 0, bitDepth: 1 }).toString('base64'), 'dimensions_out_of_range'],
    ['a PNG whose data inflates to more than its size (a zlib bomb)', 'image/png', pngOf({ width: 10, height: 10, rawImageData: Buffer.alloc(2_000_000) }).toString('base64'), 'corrupt'],
    ['a truncated JPEG', 'image/jpeg', Buffer.from(SAMPLE_JPEG_BASE64, 'base64').subarray(0, 300).toString('base64'), 'truncated'],    // Over the 64 KB bound, yet small enough to pass the 100 KB HTTP body limit: refused by the bound itself.
    ['a PNG over 64 KB', 'image/png', Buffer.concat([png, Buffer.alloc(66_000)]).toString('base64'), 'too_large'],
  ];

  it.each(cases)('%s', async (_case, contentType, contentBase64, reason) => {
    const before = (await ledger.tenantEvents(DEV_TENANT_ID)).length;
    const answer = await ledger.graphql(UPLOAD_LOGO, { input: { contentType, contentBase64 } });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'LOGO_INVALID', reason });
    expect((await ledger.tenantEvents(DEV_TENANT_ID)).length).toBe(before);
    // The logo in use is unchanged: documents still draw the last accepted one.
    expect((await inspectPdf(await invoicePdf())).imagesPerPage).toEqual([1]);
  });

  it('a logo over the HTTP body limit never reaches the handler (413 DOCUMENT_TOO_LARGE)', async () => {
    const big = Buffer.alloc(120_000, 0x41).toString('base64');
    const answer = await ledger.graphql(UPLOAD_LOGO, { input: { contentType: 'image/png', contentBase64: big } });
    expect(answer.errors?.[0]?.extensions?.code).toBe('DOCUMENT_TOO_LARGE');
  });

  it('the same logo again appends nothing', async () => {
    const logo = pngOf({ width: 240, height: 80, colorType: 6, pixel: [10, 123, 131, 255] });
    const before = (await ledger.tenantEvents(DEV_TENANT_ID)).length;
    await ok(UPLOAD_LOGO, { input: { contentType: 'image/png', contentBase64: logo.toString('base64') } });
    expect((await ledger.tenantEvents(DEV_TENANT_ID)).length).toBe(before);
  });

  it('an auditor may not upload a logo (FORBIDDEN); a finance key may', async () => {
    const auditor = await ledger.createKey(DEV_TENANT_ID, 'auditor');
    const refused = await ledger.graphql(UPLOAD_LOGO, { input: { contentType: 'image/png', contentBase64: png.toString('base64') } }, auditor);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const finance = await ledger.createKey(DEV_TENANT_ID, 'finance');
    const logo = pngOf({ width: 240, height: 80, colorType: 6, pixel: [10, 123, 131, 255] });
    requireData(await ledger.graphql(UPLOAD_LOGO, { input: { contentType: 'image/png', contentBase64: logo.toString('base64') } }, finance), 'uploadCompanyLogo');
  });
});

describe('receipts and credit notes get the same branding, locale and settings', () => {
  it('a credit note shows its amounts and date in de-DE, the registrations, the footer and the terms, and the logo', async () => {
    const created = (await ok(CREATE_NOTE, { input: { customerId: 'cust-de', currency: 'EUR', type: 'ADJUSTMENT', reason: 'SERVICE_ISSUE', sourceInvoiceId: invoiceId, lines: [{ description: 'Gutschrift Ausfall', quantity: '1', unitPrice: '1000.00', taxRate: '19' }] } })) as unknown as {
      createCreditNote: { creditNote: { id: string } };
    };
    const noteId = created.createCreditNote.creditNote.id;
    const issued = (await ok(ISSUE_NOTE, { input: { creditNoteId: noteId } })) as unknown as { issueCreditNote: { creditNote: { number: string } } };
    const response = await fetchPdf(`/credit-notes/${noteId}.pdf`);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const pdf = await inspectPdf(bytes);
    for (const expected of [
      'CREDIT NOTE',
      `Credit note number: ${issued.issueCreditNote.creditNote.number}`,
      'Date: 15.01.2024',
      `Credits invoice: ${invoiceNumber}`,
      'Reason: service issue',
      'Gutschrift Ausfall',
      '1.000,00 €',
      '190,00 €',
      '1.190,00 €',
      'Total credit',
      'Remaining credit',
      'Tax registration (DE): DE999999999',
      'Zahlbar innerhalb von 30 Tagen ohne Abzug.',
      'Amtsgericht Berlin',
      'Acme Fibre AG',
    ]) {
      expect(pdf.text).toContain(expected);
    }
    expect(pdf.text).not.toContain('Payment instructions');
    expect(pdf.imagesPerPage).toEqual([1]);
  });

  it('a receipt shows the amount paid in de-DE, the invoice paid, the registrations and the footer', async () => {
    const paid = requireData(
      await ledger.mutate('recordPayment', { invoiceId, amount: '279.06', currency: 'EUR', method: 'BANK_ACCOUNT', reference: 'SEPA-2024-01' }),
      'recordPayment',
    );
    expect(paid).toBeDefined();
    const deadline = Date.now() + 15_000;
    let receipt: { id: string; number: string } | undefined;
    while (receipt === undefined) {
      const page = requireData(await ledger.graphql<{ receipts: { edges: { node: { id: string; number: string } }[] } }>(RECEIPTS, { filter: { customerId: 'cust-de' } }), 'receipts');
      receipt = page.receipts.edges[0]?.node;
      if (receipt === undefined) {
        if (Date.now() > deadline) throw new Error('no receipt within 15 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const response = await fetchPdf(`/receipts/${receipt.id}.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="${receipt.number}.pdf"`);
    const pdf = await inspectPdf(Buffer.from(await response.arrayBuffer()));
    for (const expected of ['RECEIPT', `Receipt number: ${receipt.number}`, 'Date: 15.01.2024', 'Amount paid', '279,06 €', invoiceNumber, 'SEPA-2024-01', 'Fibre Networks GmbH', 'Tax registration (DE): DE999999999', 'Amtsgericht Berlin', 'Acme Fibre AG']) {
      expect(pdf.text).toContain(expected);
    }
    expect(pdf.imagesPerPage).toEqual([1]);
  });
});

describe('the locked exchange rate', () => {
  it('a USD invoice of a EUR tenant shows the rate it locked at issue and its total in EUR, written in de-DE', async () => {
    await ok(UPDATE_PAYMENT_SETTINGS, { input: { supportedCurrencies: ['EUR', 'USD'] } });
    await recordExchangeRate(ledger, DEV_TENANT_ID, { base: 'USD', quote: 'EUR', rate: '0.9200', effectiveAt: '2024-01-01T00:00:00.000Z', source: 'ECB' });
    // 1,000.00 USD + 19% = 1,190.00 USD; x 0.92 = 1,094.80 EUR.
    const draft = await ledger.mutateOk('createInvoice', { customerId: 'cust-de', currency: 'USD', lines: [{ description: 'Support, Januar', quantity: '1', unitPrice: '1000.00', taxRate: '19' }] });
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id });
    const text = await invoiceText(issued.invoice.id);
    for (const expected of ['Exchange rate', '1 USD = 0,92 EUR (ECB, 01.01.2024)', 'Total in EUR: 1.094,80 €', '1.190,00 $']) expect(text).toContain(expected);
    // An invoice in the reporting currency itself has no rate to show.
    expect(await invoiceText()).not.toContain('Exchange rate');
  });
});
