import { aggregates, load } from '../../../application/src/index.js';
import { renderDocumentPdf, type DocumentModel } from '../../../documents/src/index.js';
import { creditNoteDocumentModel } from './credit-note-document.js';
import { documentFileName, loadDocumentContext, type DocumentServices } from './document-context.js';
import { invoiceDocumentModel } from './invoice-document.js';
import { receiptDocumentModel } from './receipt-document.js';

/** A document as a PDF file: what the API serves and what an email attaches. */
export interface RenderedDocument {
  /** e.g. "INV-2026-000001.pdf"; letters, digits, ".", "_" and "-" only. */
  fileName: string;
  contentType: 'application/pdf';
  bytes: Buffer;
}

/**
 * Invoices, receipts and credit notes as PDFs (contract 5). Each loads its document from the event store, by its
 * stream (so a PDF rendered right after the document was issued, by the email process manager, never shows a state
 * older than that event, whatever the read models' lag), the customer from its stream, the settings as they are now
 * and the logo from its read model; undefined when the tenant has no such document (another tenant's id included:
 * streams are named by tenant).
 */
export async function renderInvoiceDocument(services: DocumentServices, tenantId: string, invoiceId: string): Promise<RenderedDocument | undefined> {
  const invoice = (await load(services.store, aggregates.invoice, tenantId, invoiceId)).state;
  if (invoice.status === 'none' || invoice.customerId === null) return undefined;
  const [customer, context] = await Promise.all([load(services.store, aggregates.customer, tenantId, invoice.customerId), loadDocumentContext(services, tenantId)]);
  const name = invoice.number ?? `draft-invoice-${invoiceId}`;
  return rendered(services, tenantId, name, invoiceDocumentModel(invoice, customer.state, context));
}

export async function renderReceiptDocument(services: DocumentServices, tenantId: string, receiptId: string): Promise<RenderedDocument | undefined> {
  const receipt = (await load(services.store, aggregates.receipt, tenantId, receiptId)).state;
  if (receipt.status !== 'issued' || receipt.receipt === null) return undefined;
  const issued = receipt.receipt;
  const [customer, context] = await Promise.all([load(services.store, aggregates.customer, tenantId, issued.payer.customerId), loadDocumentContext(services, tenantId)]);
  return rendered(services, tenantId, issued.number, receiptDocumentModel(issued, customer.state, context));
}

export async function renderCreditNoteDocument(services: DocumentServices, tenantId: string, creditNoteId: string): Promise<RenderedDocument | undefined> {
  const note = (await load(services.store, aggregates.creditNote, tenantId, creditNoteId)).state;
  if (note.status === 'none' || note.customerId === null) return undefined;
  const invoiceIds = new Set<string>();
  if (note.sourceInvoiceId !== null) invoiceIds.add(note.sourceInvoiceId);
  for (const application of note.applications) if (application.invoiceId !== null) invoiceIds.add(application.invoiceId);
  const [customer, context, invoices] = await Promise.all([
    load(services.store, aggregates.customer, tenantId, note.customerId),
    loadDocumentContext(services, tenantId),
    Promise.all([...invoiceIds].map((invoiceId) => load(services.store, aggregates.invoice, tenantId, invoiceId))),
  ]);
  const invoiceNumbers = new Map<string, string>();
  for (const { state } of invoices) if (state.invoiceId !== null && state.number !== null) invoiceNumbers.set(state.invoiceId, state.number);
  const name = note.number ?? `credit-note-${creditNoteId}`;
  return rendered(services, tenantId, name, creditNoteDocumentModel(note, customer.state, invoiceNumbers, context));
}

/** Renders the model; text the PDF fonts cannot show is printed as "?" and logged, never dropped silently. */
async function rendered(services: DocumentServices, tenantId: string, name: string, model: DocumentModel): Promise<RenderedDocument> {
  const pdf = await renderDocumentPdf(model);
  if (pdf.unsupportedCharacters > 0) {
    services.log.warn('document text outside the PDF fonts (WinAnsi) printed as "?"', { tenantId, document: name, characters: pdf.unsupportedCharacters });
  }
  return { fileName: documentFileName(name), contentType: 'application/pdf', bytes: pdf.bytes };
}
