import PDFDocument from 'pdfkit';
import { receiptText, type Receipt } from '../../../../libs/billing/src/index.js';

/**
 * The receipt as a one-page PDF: the lines receiptText gives, in order (the title larger). Built in memory: a
 * receipt is a few dozen lines. No creation date is written, so the same receipt always gives the same bytes.
 */
export function renderReceiptPdf(receipt: Receipt, options: { locale?: string } = {}): Promise<Buffer> {
  const [title, ...lines] = receiptText(receipt, options);
  const document = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `Receipt ${receipt.number}`, CreationDate: new Date(receipt.issuedAt) } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  document.font('Helvetica-Bold').fontSize(20).text(title ?? 'RECEIPT');
  document.moveDown();
  document.font('Helvetica').fontSize(11);
  for (const line of lines) document.text(line);
  document.end();
  return done;
}
