import PDFDocument from 'pdfkit';
import type { CreditNoteRecord } from '../../../../projections/credit-notes/credit-notes.queries.js';
import { creditNoteText, type CreditNoteTextContext } from './credit-note.text.js';

/**
 * The credit note as a PDF: the lines creditNoteText gives, in order (the title larger). Built in memory: a note is a
 * few dozen lines. The creation date written is the note's own (drafted or issued), so the same note gives the same bytes.
 */
export function renderCreditNotePdf(note: CreditNoteRecord, context: CreditNoteTextContext): Promise<Buffer> {
  const [title, ...lines] = creditNoteText(note, context);
  const document = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: `Credit note ${note.number ?? note.creditNoteId}`, CreationDate: new Date(note.issuedAt ?? note.draftedAt) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  document.font('Helvetica-Bold').fontSize(20).text(title ?? 'CREDIT NOTE');
  document.moveDown();
  document.font('Helvetica').fontSize(11);
  for (const line of lines) document.text(line);
  document.end();
  return done;
}
