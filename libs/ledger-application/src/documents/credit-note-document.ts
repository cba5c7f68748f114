import { Money } from '../../../money/src/index.js';
import type { CreditNoteState, CustomerState } from '../../../billing/src/index.js';
import type { DocumentModel, DocumentSection, DocumentTable, DocumentTotal } from '../../../documents/src/index.js';
import { companyParty, customerParty, type DocumentContext } from './document-context.js';
import { lineColumns, taxBreakdownColumns } from './document-tables.js';

/**
 * A credit note as a document (docs/documents.md, "Credit note"): its number and date, the invoice it credits, its
 * type and reason, the company and the customer, the lines, the tax by rate, the total credit, where the credit went
 * (invoices, the customer's account, refunds) and what remains; the terms and the footer. A draft is marked DRAFT, a
 * voided note VOID. `invoiceNumbers` names the invoices it mentions (by id; an invoice without a number prints its id).
 */
export function creditNoteDocumentModel(note: CreditNoteState, customer: CustomerState, invoiceNumbers: ReadonlyMap<string, string>, context: DocumentContext): DocumentModel {
  const { format, settings } = context;
  const currency = note.currency as string;
  const money = (amount: string): string => format.money(amount, currency);
  const invoiceName = (invoiceId: string): string => invoiceNumbers.get(invoiceId) ?? invoiceId;
  const words = (value: string | null): string => (value ?? '').replaceAll('_', ' ');
  const draft = note.status === 'draft';
  const fields = [{ label: 'Credit note number', value: note.number ?? 'not yet issued (draft)' }];
  if (note.issuedAt !== null) fields.push({ label: 'Date', value: format.dateOf(note.issuedAt) });
  else if (note.draftedAt !== null) fields.push({ label: 'Drafted', value: format.dateOf(note.draftedAt) });
  if (note.sourceInvoiceId !== null) fields.push({ label: 'Credits invoice', value: invoiceName(note.sourceInvoiceId) });
  fields.push({ label: 'Type', value: words(note.type) }, { label: 'Reason', value: words(note.reason) });
  if (note.voidedAt !== null) fields.push({ label: 'Voided', value: format.dateOf(note.voidedAt) });

  const tables: DocumentTable[] = [
    {
      heading: null,
      columns: lineColumns,
      rows: note.lines.map((line) => [line.description, format.decimal(line.quantity), money(line.unitPrice), line.taxRate === null ? '-' : format.percent(line.taxRate), money(line.amount)]),
    },
  ];
  if (note.taxBreakdown.length > 0) {
    tables.push({ heading: 'Tax breakdown', columns: taxBreakdownColumns, rows: note.taxBreakdown.map((entry) => [entry.name, format.percent(entry.rate), money(entry.taxableAmount), money(entry.taxAmount)]) });
  }
  if (note.applications.length > 0) {
    tables.push({
      heading: 'Credit applied',
      columns: [
        { header: 'Date', align: 'left', weight: 1.4 },
        { header: 'Applied to', align: 'left', weight: 4 },
        { header: 'Amount', align: 'right', weight: 1.6 },
      ],
      rows: note.applications.map((application) => [
        format.dateOf(application.appliedAt),
        application.applicationType === 'invoice' && application.invoiceId !== null
          ? `Invoice ${invoiceName(application.invoiceId)}`
          : application.applicationType === 'customer_account'
            ? "The customer's account"
            : 'Refunded',
        money(application.amount),
      ]),
    });
  }

  const totals: DocumentTotal[] = [
    { label: 'Subtotal', value: money(note.subtotal), emphasis: false },
    { label: 'Tax', value: money(note.taxTotal), emphasis: false },
    { label: 'Total credit', value: money(note.total), emphasis: true },
  ];
  if (!draft) {
    if (!Money.of(note.amountApplied, currency).isZero()) totals.push({ label: 'Applied', value: money(note.amountApplied), emphasis: false });
    totals.push({ label: 'Remaining credit', value: money(note.remaining), emphasis: false });
  }
  const sections: DocumentSection[] = [];
  if (note.status === 'voided' && note.voidReason !== null) sections.push({ heading: 'Notes', text: `This credit note was voided: ${note.voidReason}` });

  return {
    title: 'CREDIT NOTE',
    watermark: draft ? 'DRAFT' : note.status === 'voided' ? 'VOID' : null,
    createdAt: note.issuedAt ?? (note.draftedAt as string),
    fileTitle: note.number === null ? `Draft credit note ${note.creditNoteId}` : `Credit note ${note.number}`,
    language: settings.tenant.locale,
    fields,
    seller: companyParty(context),
    buyer: customerParty('Credit to', note.customerId as string, customer),
    tables,
    totals,
    sections,
    termsAndConditions: context.termsAndConditions,
    footer: context.footer,
    branding: context.branding,
  };
}
