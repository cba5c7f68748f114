/** Documents (contract 5): invoices, receipts and credit notes as PDFs, loaded and worded here, drawn by libs/documents. */
export { renderCreditNoteDocument, renderInvoiceDocument, renderReceiptDocument, type RenderedDocument } from './render-documents.js';
export { loadDocumentContext, type DocumentContext, type DocumentServices } from './document-context.js';
export { DocumentFormat } from './document-format.js';
export { invoiceDocumentModel } from './invoice-document.js';
export { receiptDocumentModel } from './receipt-document.js';
export { creditNoteDocumentModel } from './credit-note-document.js';
