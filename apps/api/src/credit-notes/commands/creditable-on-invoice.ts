import { DomainError, type InvoiceState } from '../../../../../libs/billing/src/index.js';

/**
 * What credit notes may still take from an invoice (its total less the notes registered on it, plus those released
 * by a void). Only an issued invoice can be credited: a draft owes nothing yet and a void invoice is cancelled whole.
 */
export function creditableOnInvoice(invoice: InvoiceState, invoiceId: string): string {
  if (invoice.status === 'draft' || invoice.status === 'void' || invoice.status === 'none') {
    throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoiceId} is ${invoice.status}: only an issued invoice can be credited`, { invoiceId, status: invoice.status });
  }
  return invoice.creditableAmount;
}
