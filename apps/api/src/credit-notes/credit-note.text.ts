import type { ReceiptCompanyInput } from '../../../../libs/billing/src/index.js';
import { Money } from '../../../../libs/money/src/index.js';
import type { CreditNoteRecord } from '../../../../projections/credit-notes/credit-notes.queries.js';
import { plainDecimal } from '../../../../projections/invoices/invoices.queries.js';

/** What the note's text needs besides the note itself: looked up by the caller, so the layout stays pure. */
export interface CreditNoteTextContext {
  /** The issue date in the tenant's time zone; null for a draft. */
  readonly issueDate: string | null;
  readonly customerName: string | null;
  /** Invoice numbers by invoice id (the source invoice and the invoices credited), where known. */
  readonly invoiceNumbers: ReadonlyMap<string, string>;
  readonly company: ReceiptCompanyInput;
}

/**
 * The lines a credit note shows, in order: what the PDF prints and what tests read back from it. Amounts read
 * "12.50 USD" (exactly the currency's minor unit) and dates "2026-03-02", like a receipt's. Pure: the same note and
 * context always give the same lines; absent parts are left out, never printed as "null".
 */
export function creditNoteText(note: CreditNoteRecord, context: CreditNoteTextContext): string[] {
  const money = (amount: string): string => `${Money.parseComputed(amount, note.currency).toString()} ${note.currency}`;
  const invoiceName = (invoiceId: string): string => context.invoiceNumbers.get(invoiceId) ?? invoiceId;
  const words = (value: string): string => value.replaceAll('_', ' ');
  const lines = [note.status === 'draft' ? 'CREDIT NOTE (DRAFT)' : 'CREDIT NOTE'];
  lines.push(`Credit note number: ${note.number ?? 'not yet issued'}`);
  if (context.issueDate !== null) lines.push(`Date: ${context.issueDate}`);
  lines.push(`Status: ${words(note.status)}`);
  lines.push(`Customer: ${context.customerName === null ? note.customerId : `${context.customerName} (${note.customerId})`}`);
  if (note.sourceInvoiceId !== null) lines.push(`Credits invoice: ${invoiceName(note.sourceInvoiceId)}`);
  lines.push(`Type: ${words(note.type)}`, `Reason: ${words(note.reason)}`, 'Lines:');
  for (const line of note.lines) {
    const tax = line.taxRate === null ? '' : `, tax ${plainDecimal(line.taxRate)}%: ${money(line.taxAmount)}`;
    lines.push(`  ${line.description}: ${plainDecimal(line.quantity)} x ${plainDecimal(line.unitPrice)} = ${money(line.amount)}${tax}`);
  }
  lines.push(`Subtotal: ${money(note.subtotal)}`);
  for (const entry of note.taxBreakdown) lines.push(`Tax ${entry.name} on ${money(entry.taxableAmount)}: ${money(entry.taxAmount)}`);
  lines.push(`Tax total: ${money(note.taxTotal)}`, `Total credit: ${money(note.total)}`);
  if (note.applications.length > 0) {
    lines.push('Applied:');
    for (const application of note.applications) {
      const where =
        application.applicationType === 'invoice' && application.invoiceId !== null
          ? `to invoice ${invoiceName(application.invoiceId)}`
          : application.applicationType === 'customer_account'
            ? 'to the customer account'
            : 'refunded';
      lines.push(`  ${application.appliedAt.slice(0, 10)} ${where}: ${money(application.amount)}`);
    }
  }
  if (note.status !== 'draft') lines.push(`Remaining credit: ${money(note.remaining)}`);
  if (note.voidedAt !== null) lines.push(`Voided: ${note.voidedAt.slice(0, 10)}${note.voidReason === null ? '' : ` (${note.voidReason})`}`);
  const { company } = context;
  lines.push(`Issued by: ${company.name}`);
  if (company.legalName !== null) lines.push(`Legal name: ${company.legalName}`);
  if (company.taxId !== null) lines.push(`Tax ID: ${company.taxId}`);
  if (company.registrationNumber !== null) lines.push(`Registration number: ${company.registrationNumber}`);
  lines.push(...(company.addressLines ?? []));
  if (company.email !== null) lines.push(`Email: ${company.email}`);
  if (company.phone !== null) lines.push(`Phone: ${company.phone}`);
  if (company.website !== null) lines.push(`Website: ${company.website}`);
  return lines;
}
