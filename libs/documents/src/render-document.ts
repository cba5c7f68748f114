import PDFDocument from 'pdfkit';
import type { DocumentModel, DocumentParty, DocumentTable, RenderedPdf } from './document-model.js';
import { prepareLogo, type PreparedLogo } from './logo-image.js';
import { paletteOf, type DocumentPalette } from './palette.js';
import { toWinAnsi } from './win-ansi-text.js';

/**
 * A document model as an A4 PDF (pdfkit, in memory). Layout, top to bottom: the logo (or the company name) and the
 * title with the document's fields; the seller and buyer blocks; the tables (lines, tax breakdown, ...), a table
 * longer than a page going on with its header repeated; the totals; the sections (exchange rate, payment
 * instructions, ...); the terms and conditions, wrapped and running onto as many pages as they need. Every page ends
 * with the footer and "Page n of m", and carries the watermark when there is one.
 *
 * Deterministic: the creation date is the document's own instant and nothing else varies (standard fonts, which are
 * not embedded; zlib output is stable), so the same model always gives the same bytes.
 */

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN = 50;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const TITLE_SIZE = 22;
const NAME_SIZE = 11;
const BODY_SIZE = 9.5;
const SMALL_SIZE = 8;
const CELL_PADDING = 5;
/** The logo is scaled to fit this box, keeping its proportions. */
const LOGO_BOX = { width: 170, height: 64 } as const;
const HEADER_RIGHT_WIDTH = 270;
const FOOTER_GAP = 10;
const PAGE_NUMBER_HEIGHT = 12;
/** The footer is bounded by the settings (footerLengthMax), but never takes more than this much of a page. */
const FOOTER_HEIGHT_MAX = 200;

/** Writes the image XObjects itself (see logo-image.ts): the part of pdfkit's API this needs, typed. */
interface XObjectDocument {
  ref(data: Record<string, unknown>): { end(chunk?: Buffer): void };
  addContent(data: string): unknown;
  page: { xobjects: Record<string, unknown> };
}

export async function renderDocumentPdf(model: DocumentModel): Promise<RenderedPdf> {
  const palette = paletteOf(model.branding.colorScheme, model.branding.brandColor);
  const logo = model.branding.logo === null ? null : prepareLogo(model.branding.logo.contentType, model.branding.logo.bytes);
  let unsupportedCharacters = 0;
  const printable = (value: string): string => {
    const converted = toWinAnsi(value);
    unsupportedCharacters += converted.unsupported;
    return converted.text;
  };
  const footer = model.footer === null ? null : printable(model.footer);

  const document = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN },
    bufferPages: true,
    compress: true,
    lang: model.language,
    displayTitle: true,
    info: {
      Title: printable(model.fileTitle),
      Author: printable(model.seller.name),
      Creator: 'billing-ledger',
      Producer: 'billing-ledger (pdfkit)',
      CreationDate: new Date(Date.parse(model.createdAt)),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });

  // The foot of every page is kept for the footer and the page number: pages added later (by a long table or by
  // text that runs on) get the same bottom margin.
  const footerHeight = footer === null ? 0 : Math.min(FOOTER_HEIGHT_MAX, document.font(FONT).fontSize(SMALL_SIZE).heightOfString(footer, { width: CONTENT_WIDTH }));
  const margins = { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + PAGE_NUMBER_HEIGHT + (footer === null ? 0 : footerHeight + FOOTER_GAP) };
  document.options.margins = margins;
  document.page.margins = margins;

  const layout = new Layout(document, palette, printable);
  layout.header(model, logo);
  layout.parties(model.seller, model.buyer);
  for (const table of model.tables) layout.table(table);
  layout.totals(model);
  for (const section of model.sections) layout.paragraph(section.heading, section.text, BODY_SIZE);
  if (model.termsAndConditions !== null) layout.paragraph('Terms and conditions', model.termsAndConditions, SMALL_SIZE);
  const pageCount = layout.finishPages(model.watermark === null ? null : printable(model.watermark), footer, footerHeight);
  document.end();
  return { bytes: await done, pageCount, unsupportedCharacters };
}

class Layout {
  private y = MARGIN;

  constructor(
    private readonly document: PDFKit.PDFDocument,
    private readonly palette: DocumentPalette,
    private readonly printable: (value: string) => string,
  ) {}

  /** The logo (or the company name) at the top left; the title and the fields at the top right; a rule under both. */
  header(model: DocumentModel, logo: PreparedLogo | null): void {
    const { document, palette } = this;
    let leftBottom: number;
    if (logo !== null) {
      const scale = Math.min(LOGO_BOX.width / logo.width, LOGO_BOX.height / logo.height);
      const [width, height] = [logo.width * scale, logo.height * scale];
      drawLogo(document as unknown as XObjectDocument, logo, MARGIN, MARGIN, width, height);
      leftBottom = MARGIN + height;
    } else {
      document.font(BOLD).fontSize(16).fillColor(palette.accent);
      document.text(this.printable(model.seller.name), MARGIN, MARGIN, { width: CONTENT_WIDTH - HEADER_RIGHT_WIDTH - 20 });
      leftBottom = document.y;
    }
    const right = MARGIN + CONTENT_WIDTH - HEADER_RIGHT_WIDTH;
    document.font(BOLD).fontSize(TITLE_SIZE).fillColor(palette.accent);
    document.text(this.printable(model.title), right, MARGIN, { width: HEADER_RIGHT_WIDTH, align: 'right' });
    document.font(FONT).fontSize(BODY_SIZE).fillColor(palette.text);
    let rightBottom = document.y + 4;
    for (const field of model.fields) {
      document.text(this.printable(`${field.label}: ${field.value}`), right, rightBottom, { width: HEADER_RIGHT_WIDTH, align: 'right' });
      rightBottom = document.y + 1;
    }
    this.y = Math.max(leftBottom, rightBottom) + 12;
    document.moveTo(MARGIN, this.y).lineTo(MARGIN + CONTENT_WIDTH, this.y).lineWidth(1.5).strokeColor(palette.accent).stroke();
    this.y += 14;
  }

  /** The buyer on the right (drawn first: it is short), the seller on the left (it may be long: registrations). */
  parties(seller: DocumentParty, buyer: DocumentParty | null): void {
    const width = (CONTENT_WIDTH - 30) / 2;
    const top = this.y;
    const firstPage = this.pageCount();
    const buyerBottom = buyer === null ? top : this.party(buyer, MARGIN + width + 30, top, width);
    const sellerBottom = this.party(seller, MARGIN, top, width);
    this.y = (this.pageCount() === firstPage ? Math.max(sellerBottom, buyerBottom) : this.document.y) + 16;
  }

  private party(party: DocumentParty, x: number, y: number, width: number): number {
    const { document, palette } = this;
    document.font(BOLD).fontSize(SMALL_SIZE).fillColor(palette.muted).text(this.printable(party.heading.toUpperCase()), x, y, { width });
    document.font(BOLD).fontSize(NAME_SIZE).fillColor(palette.text).text(this.printable(party.name), x, document.y + 2, { width });
    document.font(FONT).fontSize(BODY_SIZE);
    for (const line of party.lines) document.text(this.printable(line), x, document.y + 1, { width });
    return document.y;
  }

  /** A table across the page: a filled header row, then the rows, each as tall as its tallest cell. */
  table(table: DocumentTable): void {
    const { document, palette } = this;
    const totalWeight = table.columns.reduce((sum, column) => sum + column.weight, 0);
    const widths = table.columns.map((column) => (CONTENT_WIDTH * column.weight) / totalWeight);
    const cellHeight = (texts: readonly string[], font: string): number =>
      Math.max(...texts.map((text, index) => document.font(font).fontSize(BODY_SIZE).heightOfString(text, { width: (widths[index] as number) - 2 * CELL_PADDING }))) + 2 * CELL_PADDING;
    const headers = table.columns.map((column) => this.printable(column.header));
    const headerHeight = cellHeight(headers, BOLD);
    const rows = table.rows.map((row) => row.map((cell) => this.printable(cell)));
    const headingHeight = table.heading === null ? 0 : 18;
    this.ensureSpace(headingHeight + headerHeight + (rows[0] === undefined ? 0 : cellHeight(rows[0], FONT)));
    if (table.heading !== null) {
      document.font(BOLD).fontSize(10).fillColor(palette.accent).text(this.printable(table.heading), MARGIN, this.y, { width: CONTENT_WIDTH });
      this.y = document.y + 4;
    }
    const drawRow = (cells: readonly string[], font: string, height: number, header: boolean): void => {
      if (header) document.rect(MARGIN, this.y, CONTENT_WIDTH, height).fill(palette.tableHeaderFill);
      let x = MARGIN;
      cells.forEach((cell, index) => {
        const width = widths[index] as number;
        const column = table.columns[index];
        document.font(font).fontSize(BODY_SIZE).fillColor(header ? palette.tableHeaderText : palette.text);
        document.text(cell, x + CELL_PADDING, this.y + CELL_PADDING, { width: width - 2 * CELL_PADDING, align: column?.align ?? 'left' });
        x += width;
      });
      this.y += height;
      if (!header) document.moveTo(MARGIN, this.y).lineTo(MARGIN + CONTENT_WIDTH, this.y).lineWidth(0.5).strokeColor(palette.rule).stroke();
    };
    drawRow(headers, BOLD, headerHeight, true);
    for (const row of rows) {
      const height = cellHeight(row, FONT);
      if (this.ensureSpace(height)) drawRow(headers, BOLD, headerHeight, true);
      drawRow(row, FONT, height, false);
    }
    this.y += 14;
  }

  /** The totals, right-aligned: a label and an amount per line; the emphasised ones bold, in the accent colour. */
  totals(model: DocumentModel): void {
    const { document, palette } = this;
    const width = 270;
    const labelWidth = 150;
    const x = MARGIN + CONTENT_WIDTH - width;
    for (const total of model.totals) {
      const size = total.emphasis ? NAME_SIZE : BODY_SIZE;
      const font = total.emphasis ? BOLD : FONT;
      const label = this.printable(total.label);
      const value = this.printable(total.value);
      const height = Math.max(document.font(font).fontSize(size).heightOfString(label, { width: labelWidth }), document.heightOfString(value, { width: width - labelWidth })) + 6;
      this.ensureSpace(height + 4);
      if (total.emphasis) {
        document.moveTo(x, this.y).lineTo(x + width, this.y).lineWidth(1).strokeColor(palette.accent).stroke();
        this.y += 3;
      }
      document.font(font).fontSize(size).fillColor(total.emphasis ? palette.accent : palette.text);
      document.text(label, x, this.y + 2, { width: labelWidth });
      document.text(value, x + labelWidth, this.y + 2, { width: width - labelWidth, align: 'right' });
      this.y += height;
    }
    this.y += 12;
  }

  /** A heading and its text (newlines kept), wrapped; a long text runs onto further pages. */
  paragraph(heading: string, text: string, size: number): void {
    const { document, palette } = this;
    const body = this.printable(text);
    this.ensureSpace(18 + Math.min(document.font(FONT).fontSize(size).heightOfString(body, { width: CONTENT_WIDTH }), 3 * size * 1.3));
    document.font(BOLD).fontSize(10).fillColor(palette.accent).text(this.printable(heading), MARGIN, this.y, { width: CONTENT_WIDTH });
    document.font(FONT).fontSize(size).fillColor(palette.text).text(body, MARGIN, document.y + 3, { width: CONTENT_WIDTH });
    this.y = document.y + 14;
  }

  /** The watermark, the footer and "Page n of m" on every page; returns the number of pages. */
  finishPages(watermark: string | null, footer: string | null, footerHeight: number): number {
    const { document, palette } = this;
    const { start, count } = document.bufferedPageRange();
    for (let index = 0; index < count; index += 1) {
      document.switchToPage(start + index);
      const { page } = document;
      const bottom = page.margins.bottom;
      // Text below the bottom margin would start a new page: the foot is written with the margin lifted.
      page.margins = { ...page.margins, bottom: 0 };
      if (watermark !== null) {
        document.save();
        document.rotate(-30, { origin: [PAGE_WIDTH / 2, PAGE_HEIGHT / 2] });
        document.font(BOLD).fontSize(110).fillColor(palette.watermark, 0.18);
        document.text(watermark, 0, PAGE_HEIGHT / 2 - 55, { width: PAGE_WIDTH, align: 'center', lineBreak: false });
        document.restore();
      }
      const pageNumberTop = PAGE_HEIGHT - MARGIN - PAGE_NUMBER_HEIGHT + 2;
      if (footer !== null) {
        const footerTop = pageNumberTop - FOOTER_GAP / 2 - footerHeight;
        document.moveTo(MARGIN, footerTop - FOOTER_GAP / 2).lineTo(MARGIN + CONTENT_WIDTH, footerTop - FOOTER_GAP / 2).lineWidth(0.5).strokeColor(palette.rule).stroke();
        document.font(FONT).fontSize(SMALL_SIZE).fillColor(palette.muted).text(footer, MARGIN, footerTop, { width: CONTENT_WIDTH, height: footerHeight, ellipsis: true });
      }
      document.font(FONT).fontSize(SMALL_SIZE).fillColor(palette.muted).text(`Page ${index + 1} of ${count}`, MARGIN, pageNumberTop, { width: CONTENT_WIDTH, align: 'right', lineBreak: false });
      page.margins = { ...page.margins, bottom };
    }
    return count;
  }

  /** Starts a new page when `height` does not fit on this one; true when it did. */
  private ensureSpace(height: number): boolean {
    const { page } = this.document;
    if (this.y + height <= page.height - page.margins.bottom) return false;
    this.document.addPage();
    this.y = MARGIN;
    return true;
  }

  private pageCount(): number {
    return this.document.bufferedPageRange().count;
  }
}

/** The logo as an image XObject (with its alpha as a soft mask), drawn into the box at (x, y). */
function drawLogo(document: XObjectDocument, logo: PreparedLogo, x: number, y: number, width: number, height: number): void {
  const image = { Type: 'XObject', Subtype: 'Image', Width: logo.width, Height: logo.height, BitsPerComponent: 8 };
  let reference: { end(chunk?: Buffer): void };
  if (logo.kind === 'raster') {
    let mask: { end(chunk?: Buffer): void } | null = null;
    if (logo.alpha !== null) {
      mask = document.ref({ ...image, ColorSpace: 'DeviceGray', Filter: 'FlateDecode' });
      mask.end(logo.alpha);
    }
    reference = document.ref({ ...image, ColorSpace: 'DeviceRGB', Filter: 'FlateDecode', ...(mask === null ? {} : { SMask: mask }) });
    reference.end(logo.rgb);
  } else {
    const colorSpace = logo.components === 1 ? 'DeviceGray' : logo.components === 3 ? 'DeviceRGB' : 'DeviceCMYK';
    // Adobe's CMYK JPEGs store their inks inverted (what pdfkit assumes for every CMYK JPEG).
    const decode = logo.components === 4 && logo.adobe ? { Decode: [1, 0, 1, 0, 1, 0, 1, 0] } : {};
    reference = document.ref({ ...image, ColorSpace: colorSpace, Filter: 'DCTDecode', ...decode });
    reference.end(logo.bytes);
  }
  document.page.xobjects.Logo = reference;
  const pdf = document as unknown as PDFKit.PDFDocument;
  pdf.save();
  pdf.transform(width, 0, 0, -height, x, y + height);
  document.addContent('/Logo Do');
  pdf.restore();
}
