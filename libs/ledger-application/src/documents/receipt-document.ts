import { Money } from '../../../money/src/index.js';
import type { CustomerState, Receipt } from '../../../billing/src/index.js';
import type { DocumentModel, DocumentTable, DocumentTotal } from '../../../documents/src/index.js';
import { customerParty, sellerParty, type DocumentContext } from './document-context.js';

/**
 * A receipt as a document (docs/documents.md, "Receipt"): its number and date, the payment method and reference, the
 * company it was issued by (as recorded on the receipt: a receipt never changes) with the tenant's tax registrations,
 * the payer, the invoices the payment paid, the amount paid and what went to the customer's credit; the terms and
 * the footer. Pure.
 */
export function receiptDocumentModel(receipt: Receipt, customer: CustomerState, context: DocumentContext): DocumentModel {
  const { format, settings } = context;
  const money = (amount: string): string => format.money(amount, receipt.currency);
  const fields = [
    { label: 'Receipt number', value: receipt.number },
    { label: 'Date', value: format.date(receipt.issueDate) },
    { label: 'Payment method', value: receipt.methodDescription },
  ];
  if (receipt.paymentReference !== null) fields.push({ label: 'Payment reference', value: receipt.paymentReference });
  const tables: DocumentTable[] = [];
  if (receipt.invoicesPaid.length > 0) {
    tables.push({
      heading: 'Invoices paid',
      columns: [
        { header: 'Invoice', align: 'left', weight: 3 },
        { header: 'Amount paid', align: 'right', weight: 1 },
      ],
      rows: receipt.invoicesPaid.map((invoice) => [invoice.number, money(invoice.amount)]),
    });
  }
  const totals: DocumentTotal[] = [{ label: 'Amount paid', value: money(receipt.amount), emphasis: true }];
  if (!Money.parseComputed(receipt.creditedAmount, receipt.currency).isZero()) totals.push({ label: 'Credited to account', value: money(receipt.creditedAmount), emphasis: false });
  return {
    title: 'RECEIPT',
    watermark: null,
    createdAt: receipt.issuedAt,
    fileTitle: `Receipt ${receipt.number}`,
    language: settings.tenant.locale,
    fields,
    seller: sellerParty(context, receipt.company),
    buyer: customerParty('Received from', receipt.payer.customerId, customer, receipt.payer.name),
    tables,
    totals,
    sections: [],
    termsAndConditions: context.termsAndConditions,
    footer: context.footer,
    branding: context.branding,
  };
}
