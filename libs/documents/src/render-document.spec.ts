import { describe, expect, it } from '@jest/globals';
import { inspectPdf, isGrey } from '../../../test/documents/pdf-inspection.js';
import type { DocumentModel } from './document-model.js';
import { pngOf, SAMPLE_JPEG_BASE64 } from './logo-fixtures.test-helper.js';
import { renderDocumentPdf } from './render-document.js';

/** A complete invoice model, as libs/ledger-application would word it for a de-DE tenant. */
function sampleModel(overrides: Partial<DocumentModel> = {}): DocumentModel {
  return {
    title: 'INVOICE',
    watermark: null,
    createdAt: '2024-01-15T09:30:00.000Z',
    fileTitle: 'Invoice INV-2024-000001',
    language: 'de-DE',
    fields: [
      { label: 'Invoice number', value: 'INV-2024-000001' },
      { label: 'Issue date', value: '15.01.2024' },
      { label: 'Due date', value: '14.02.2024' },
      { label: 'Payment terms', value: 'Net 30' },
    ],
    seller: { heading: 'From', name: 'Fibre Networks GmbH', lines: ['Hauptstraße 1', '10115 Berlin', 'DE', 'Tax ID: DE123456789', 'VAT registration (DE): DE999999999'] },
    buyer: { heading: 'Bill to', name: 'Acme Fibre Inc.', lines: ['1 Main Street', 'Springfield, 62701', 'US'] },
    tables: [
      {
        heading: null,
        columns: [
          { header: 'Description', align: 'left', weight: 4 },
          { header: 'Quantity', align: 'right', weight: 1.2 },
          { header: 'Unit price', align: 'right', weight: 1.6 },
          { header: 'Tax', align: 'right', weight: 1.2 },
          { header: 'Amount', align: 'right', weight: 1.6 },
        ],
        rows: [['Fibre 1000, January', '1', '1.234,50\u00a0€', '19 %', '1.234,50\u00a0€']],
      },
      {
        heading: 'Tax breakdown',
        columns: [
          { header: 'Tax', align: 'left', weight: 3 },
          { header: 'Rate', align: 'right', weight: 1 },
          { header: 'Taxable amount', align: 'right', weight: 2 },
          { header: 'Tax amount', align: 'right', weight: 2 },
        ],
        rows: [['USt', '19 %', '1.234,50\u00a0€', '234,56\u00a0€']],
      },
    ],
    totals: [
      { label: 'Subtotal', value: '1.234,50\u00a0€', emphasis: false },
      { label: 'Tax', value: '234,56\u00a0€', emphasis: false },
      { label: 'Total', value: '1.469,06\u00a0€', emphasis: true },
    ],
    sections: [{ heading: 'Payment instructions', text: 'IBAN DE02 1203 0000 0000 2020 51\nBIC BYLADEM1001' }],
    termsAndConditions: 'Payment is due within 30 days.',
    footer: 'Fibre Networks GmbH · Amtsgericht Berlin HRB 12345',
    branding: { brandColor: '#0A7B83', colorScheme: 'default', logo: null },
    ...overrides,
  };
}

const pngLogo = { contentType: 'image/png' as const, bytes: pngOf({ width: 120, height: 40, colorType: 6, pixel: [10, 123, 131, 255] }) };

describe('renderDocumentPdf', () => {
  it('prints every part of the model: title, fields, both parties, the tables, the totals, the sections, the terms, the footer and the page number', async () => {
    const rendered = await renderDocumentPdf(sampleModel());
    const pdf = await inspectPdf(rendered.bytes);
    expect(rendered.pageCount).toBe(1);
    for (const expected of [
      'INVOICE',
      'Invoice number: INV-2024-000001',
      'Issue date: 15.01.2024',
      'Due date: 14.02.2024',
      'Payment terms: Net 30',
      'FROM',
      'Fibre Networks GmbH',
      'Hauptstraße 1',
      'VAT registration (DE): DE999999999',
      'BILL TO',
      'Acme Fibre Inc.',
      'Fibre 1000, January',
      'Tax breakdown',
      'Taxable amount',
      'Subtotal',
      'Total',
      '1.469,06 €',
      'Payment instructions',
      'IBAN DE02 1203 0000 0000 2020 51',
      'BIC BYLADEM1001',
      'Terms and conditions',
      'Payment is due within 30 days.',
      'Fibre Networks GmbH · Amtsgericht Berlin HRB 12345',
      'Page 1 of 1',
    ]) {
      expect(pdf.text).toContain(expected);
    }
  });

  it('writes plain spaces where the locale wrote no-break spaces, so "1.234,50 €" is found as typed', async () => {
    const pdf = await inspectPdf((await renderDocumentPdf(sampleModel())).bytes);
    expect(pdf.text).toContain('1.234,50 €');
    expect(pdf.text).not.toContain('\u00a0');
  });

  it('gives the same bytes for the same model, and the creation date is the document\'s own', async () => {
    const first = await renderDocumentPdf(sampleModel());
    const second = await renderDocumentPdf(sampleModel());
    expect(second.bytes.equals(first.bytes)).toBe(true);
    const later = await renderDocumentPdf(sampleModel({ createdAt: '2024-02-01T00:00:00.000Z' }));
    expect(later.bytes.equals(first.bytes)).toBe(false);
    expect((await inspectPdf(first.bytes)).creationDate).toMatch(/^D:20240115093000/);
  });

  it('leaves out what the model does not have: no sections, terms, footer or buyer', async () => {
    const pdf = await inspectPdf((await renderDocumentPdf(sampleModel({ sections: [], termsAndConditions: null, footer: null, buyer: null }))).bytes);
    for (const absent of ['Payment instructions', 'IBAN', 'Terms and conditions', 'Amtsgericht', 'BILL TO', 'Acme Fibre Inc.']) expect(pdf.text).not.toContain(absent);
    expect(pdf.text).toContain('Page 1 of 1');
  });

  it('wraps long terms and conditions onto further pages, numbering every page "Page n of m" and repeating the footer on each', async () => {
    const clause = (n: number): string => `Clause ${n}. The customer shall pay every invoice in full by its due date; late payments accrue interest as the law allows. `;
    const terms = Array.from({ length: 160 }, (_, index) => clause(index + 1)).join('\n').slice(0, 20_000);
    const rendered = await renderDocumentPdf(sampleModel({ termsAndConditions: terms }));
    const pdf = await inspectPdf(rendered.bytes);
    expect(rendered.pageCount).toBeGreaterThanOrEqual(3);
    expect(pdf.pageCount).toBe(rendered.pageCount);
    pdf.pages.forEach((page, index) => {
      expect(page).toContain(`Page ${index + 1} of ${rendered.pageCount}`);
      expect(page).toContain('Amtsgericht Berlin HRB 12345');
    });
    expect(pdf.text).toContain('Clause 1.');
    expect(pdf.text.replace(/\n/g, ' ')).toContain('Clause 160.');
  });

  it('continues a long table on the next page with its header repeated', async () => {
    const base = sampleModel();
    const lines = base.tables[0] as DocumentModel['tables'][number];
    const rows = Array.from({ length: 90 }, (_, index) => [`Service line ${index + 1}`, '1', '10,00 €', '19 %', '10,00 €']);
    const rendered = await renderDocumentPdf(sampleModel({ tables: [{ ...lines, rows }] }));
    const pdf = await inspectPdf(rendered.bytes);
    expect(rendered.pageCount).toBeGreaterThanOrEqual(2);
    for (const page of pdf.pages) expect(page).toContain('Description');
    expect(pdf.text).toContain('Service line 90');
  });

  it('prints characters the standard fonts lack as "?" and counts them, without failing; Latin letters lose only their accent', async () => {
    const rendered = await renderDocumentPdf(sampleModel({ buyer: { heading: 'Bill to', name: 'Иван Петров 株式会社', lines: ['Łódź, Kraków ul. Żółkiewskiego'] } }));
    const pdf = await inspectPdf(rendered.bytes);
    expect(rendered.unsupportedCharacters).toBe(14);
    expect(pdf.text).toContain('???? ?????? ????');
    expect(pdf.text).toContain('Lódz, Kraków ul. Zólkiewskiego');
  });

  it('draws the logo as an image when the model has one, and no image without', async () => {
    const withPng = await inspectPdf((await renderDocumentPdf(sampleModel({ branding: { brandColor: '#0A7B83', colorScheme: 'default', logo: pngLogo } }))).bytes);
    const withJpeg = await inspectPdf(
      (await renderDocumentPdf(sampleModel({ branding: { brandColor: '#0A7B83', colorScheme: 'default', logo: { contentType: 'image/jpeg', bytes: Buffer.from(SAMPLE_JPEG_BASE64, 'base64') } } }))).bytes,
    );
    const without = await inspectPdf((await renderDocumentPdf(sampleModel())).bytes);
    expect(withPng.imagesPerPage).toEqual([1]);
    expect(withJpeg.imagesPerPage).toEqual([1]);
    expect(without.imagesPerPage).toEqual([0]);
    // Without a logo the company name stands in its place.
    expect(without.pages[0]?.split('\n').filter((line) => line === 'Fibre Networks GmbH')).toHaveLength(2);
  });

  it('never draws a logo it cannot validate: a corrupt one is refused with LOGO_INVALID, before any PDF exists', async () => {
    const truncated = { contentType: 'image/png' as const, bytes: pngLogo.bytes.subarray(0, pngLogo.bytes.length - 20) };
    await expect(renderDocumentPdf(sampleModel({ branding: { brandColor: '#0A7B83', colorScheme: 'default', logo: truncated } }))).rejects.toMatchObject({ code: 'LOGO_INVALID' });
  });

  it.each([
    ['default', (colors: ReadonlySet<string>) => expect([...colors]).not.toContain('#0a7b83')],
    ['brand', (colors: ReadonlySet<string>) => expect([...colors]).toContain('#0a7b83')],
    ['monochrome', (colors: ReadonlySet<string>) => expect([...colors].filter((color) => !isGrey(color))).toEqual([])],
  ] as const)('colorScheme %s decides the fill colours', async (colorScheme, check) => {
    const pdf = await inspectPdf((await renderDocumentPdf(sampleModel({ watermark: 'DRAFT', branding: { brandColor: '#0A7B83', colorScheme, logo: null } }))).bytes);
    expect(pdf.fillColors.size).toBeGreaterThan(1);
    check(pdf.fillColors);
  });

  it('the default and brand schemes differ from monochrome: colours that are not grey', async () => {
    const colors = async (colorScheme: 'default' | 'brand') =>
      [...(await inspectPdf((await renderDocumentPdf(sampleModel({ branding: { brandColor: '#0A7B83', colorScheme, logo: null } }))).bytes)).fillColors].filter((color) => !isGrey(color));
    expect(await colors('default')).not.toEqual([]);
    expect(await colors('brand')).toContain('#0a7b83');
  });

  it('prints the watermark on every page when there is one', async () => {
    const terms = 'Long terms. '.repeat(1500);
    const rendered = await renderDocumentPdf(sampleModel({ watermark: 'DRAFT', termsAndConditions: terms }));
    const pdf = await inspectPdf(rendered.bytes);
    expect(rendered.pageCount).toBeGreaterThan(1);
    for (const page of pdf.pages) expect(page.split('\n')).toContain('DRAFT');
    expect((await inspectPdf((await renderDocumentPdf(sampleModel())).bytes)).text.split('\n')).not.toContain('DRAFT');
  });
});
