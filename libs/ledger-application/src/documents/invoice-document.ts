import { Money } from '../../../money/src/index.js';
import type { CustomerState, InvoiceState } from '../../../billing/src/index.js';
import type { DocumentModel, DocumentSection, DocumentTable, DocumentTotal } from '../../../documents/src/index.js';
import { companyParty, customerParty, type DocumentContext } from './document-context.js';
import { lineColumns, taxBreakdownColumns } from './document-tables.js';

/**
 * An invoice as a document (docs/documents.md, "Invoice"): its number and dates, the payment terms
 * (payment.defaultPaymentTerms) and due date, the company and the customer, the lines, the tax by rate, the totals
 * (and once issued what was paid, credited and written off, and the balance due), the locked exchange rate when it
 * has one, the payment instructions when invoice.paymentInstructions is enabled, the terms and the footer.
 *
 * A draft prints too, marked DRAFT across every page and without a number (a draft is for checking before it is
 * issued); a voided invoice is marked VOID. Pure: the same invoice, customer and context give the same model.
 */
export function invoiceDocumentModel(invoice: InvoiceState, customer: CustomerState, context: DocumentContext): DocumentModel {
  const { format, settings } = context;
  const currency = invoice.currency as string;
  const money = (amount: string): string => format.money(amount, currency);
  const draft = invoice.status === 'draft';
  const fields = [{ label: 'Invoice number', value: invoice.number ?? 'not yet issued (draft)' }];
  if (invoice.issueDate !== null) fields.push({ label: 'Issue date', value: format.date(invoice.issueDate) });
  else if (invoice.draftedAt !== null) fields.push({ label: 'Drafted', value: format.dateOf(invoice.draftedAt) });
  if (invoice.dueDate !== null) fields.push({ label: 'Due date', value: format.date(invoice.dueDate) });
  else fields.push({ label: 'Due date', value: `${invoice.paymentTermsDays} days after issue` });
  fields.push({ label: 'Payment terms', value: settings.payment.defaultPaymentTerms });
  if (invoice.voidedAt !== null) fields.push({ label: 'Voided', value: format.dateOf(invoice.voidedAt) });

  const lines: DocumentTable = {
    heading: null,
    columns: lineColumns,
    rows: invoice.lines.map((line) => [
      line.description,
      format.decimal(line.quantity),
      money(line.unitPrice),
      line.taxes.length === 0 ? '-' : line.taxes.map((tax) => format.percent(tax.rate)).join(' + '),
      money(line.amount),
    ]),
  };
  const tables: DocumentTable[] = [lines];
  if (invoice.taxBreakdown.length > 0) {
    tables.push({
      heading: 'Tax breakdown',
      columns: taxBreakdownColumns,
      rows: invoice.taxBreakdown.map((entry) => [
        `${entry.name}${entry.jurisdiction === null ? '' : ` (${entry.jurisdiction})`}${entry.inclusive ? ', included in the price' : ''}`,
        format.percent(entry.rate),
        money(entry.taxableAmount),
        money(entry.taxAmount),
      ]),
    });
  }

  const totals: DocumentTotal[] = [
    { label: 'Subtotal', value: money(invoice.subtotal), emphasis: false },
    { label: 'Tax', value: money(invoice.taxTotal), emphasis: false },
    { label: 'Total', value: money(invoice.total), emphasis: true },
  ];
  if (!draft && invoice.status !== 'void') {
    const amount = (value: string): Money => Money.of(value, currency);
    const paid = amount(invoice.amountPaid).minus(amount(invoice.amountRefunded));
    if (!paid.isZero()) totals.push({ label: 'Amount paid', value: money(paid.toString()), emphasis: false });
    if (!amount(invoice.amountCredited).isZero()) totals.push({ label: 'Credits applied', value: money(invoice.amountCredited), emphasis: false });
    if (!amount(invoice.amountWrittenOff).isZero()) totals.push({ label: 'Written off', value: money(invoice.amountWrittenOff), emphasis: false });
    totals.push({ label: 'Balance due', value: money(invoice.balanceDue), emphasis: true });
  }

  const sections: DocumentSection[] = [];
  if (invoice.exchangeRate !== null) {
    const rate = invoice.exchangeRate;
    const converted = invoice.reportingTotal === null ? '' : `\nTotal in ${rate.quote}: ${format.money(invoice.reportingTotal, rate.quote)}`;
    sections.push({ heading: 'Exchange rate', text: `1 ${rate.base} = ${format.decimal(rate.rate)} ${rate.quote} (${rate.source}, ${format.dateOf(rate.effectiveAt)})${converted}` });
  }
  const notes: string[] = [];
  if (invoice.taxCalculation?.pricesIncludeTax) notes.push('Prices include tax.');
  if (invoice.taxCalculation?.taxExempt) notes.push('The customer is exempt from tax.');
  if (invoice.status === 'void' && invoice.voidReason !== null) notes.push(`This invoice was voided: ${invoice.voidReason}`);
  if (notes.length > 0) sections.push({ heading: 'Notes', text: notes.join('\n') });
  const instructions = settings.invoice.paymentInstructions;
  if (instructions.enabled && instructions.text !== null && !draft && invoice.status !== 'void') sections.push({ heading: 'Payment instructions', text: instructions.text });

  return {
    title: 'INVOICE',
    watermark: draft ? 'DRAFT' : invoice.status === 'void' ? 'VOID' : null,
    createdAt: invoice.issuedAt ?? (invoice.draftedAt as string),
    fileTitle: invoice.number === null ? `Draft invoice ${invoice.invoiceId}` : `Invoice ${invoice.number}`,
    language: settings.tenant.locale,
    fields,
    seller: companyParty(context),
    buyer: customerParty('Bill to', invoice.customerId as string, customer),
    tables,
    totals,
    sections,
    termsAndConditions: context.termsAndConditions,
    footer: context.footer,
    branding: context.branding,
  };
}
