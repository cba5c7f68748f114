import type { InvoiceState, LineTax } from '../../../../libs/billing/src/index.js';
import { money } from '../graphql/common.types.js';
import { pricedLineView, taxBreakdownEntryView } from '../graphql/priced-document.view.js';
import { effectiveInvoiceStatus, plainDecimal, reportingTotalIn, type InvoiceRecord } from '../../../../projections/invoices/invoices.queries.js';
import type { InvoiceCreditSource, InvoiceLineTaxType, InvoiceStatus, InvoiceType, PaymentMethodType } from './invoice.types.js';

function lineTaxView(tax: LineTax, currency: string): InvoiceLineTaxType {
  return { ...tax, rate: plainDecimal(tax.rate), amount: money(tax.amount, currency) };
}

/** What the state and the read model share about the invoice's settlement: the figures, payments and credits. */
type InvoiceSettlement = Pick<
  InvoiceRecord,
  'amountPaid' | 'amountCredited' | 'amountRefunded' | 'amountWrittenOff' | 'creditableAmount' | 'balanceDue' | 'payments' | 'paymentApplications' | 'creditApplications'
>;

function settlementView(
  source: InvoiceSettlement,
  currency: string,
): Pick<InvoiceType, 'amountPaid' | 'amountCredited' | 'amountRefunded' | 'amountWrittenOff' | 'creditableAmount' | 'balanceDue' | 'payments' | 'paymentApplications' | 'creditApplications'> {
  return {
    amountPaid: money(source.amountPaid, currency),
    amountCredited: money(source.amountCredited, currency),
    amountRefunded: money(source.amountRefunded, currency),
    amountWrittenOff: money(source.amountWrittenOff, currency),
    creditableAmount: money(source.creditableAmount, currency),
    balanceDue: money(source.balanceDue, currency),
    payments: source.payments.map((payment) => ({
      paymentId: payment.paymentId,
      method: payment.method as PaymentMethodType,
      reference: payment.reference,
      amount: money(payment.amount, currency),
      appliedAmount: money(payment.appliedAmount, currency),
      excessAmount: money(payment.excessAmount, currency),
      recordedAt: payment.recordedAt,
    })),
    paymentApplications: source.paymentApplications.map((application) => ({
      paymentId: application.paymentId,
      appliedAmount: money(application.appliedAmount, currency),
      reopenedAmount: money(application.reopenedAmount, currency),
      appliedAt: application.appliedAt,
    })),
    creditApplications: source.creditApplications.map((application) => ({
      applicationId: application.applicationId,
      source: application.source as InvoiceCreditSource,
      sourceId: application.sourceId,
      amount: money(application.amount, currency),
      appliedAt: application.appliedAt,
    })),
  };
}

/** The Invoice as the API shows it, built from the decider's state right after a command (mutation payloads). */
export function invoiceViewFromState(state: InvoiceState, today: string): InvoiceType {
  const currency = state.currency as string;
  return {
    id: state.invoiceId as string,
    number: state.number,
    customerId: state.customerId as string,
    status: effectiveInvoiceStatus(state.status, state.status === 'draft' ? null : state.dueDate, state.balanceDue, today) as InvoiceStatus,
    currency,
    lines: state.lines.map((line) => ({
      ...pricedLineView(line, currency),
      netAmount: money(line.netAmount, currency),
      taxes: line.taxes.map((tax) => lineTaxView(tax, currency)),
    })),
    subtotal: money(state.subtotal, currency),
    taxTotal: money(state.taxTotal, currency),
    total: money(state.total, currency),
    taxBreakdown: state.taxBreakdown.map((entry) => taxBreakdownEntryView(entry, currency)),
    exchangeRate: state.exchangeRate === null ? null : { ...state.exchangeRate, rate: plainDecimal(state.exchangeRate.rate) },
    reportingTotal: reportingTotalIn({ currency, total: state.total, reportingCurrency: state.reportingCurrency, lockedReportingTotal: state.reportingTotal }, null),
    ...settlementView(state, currency),
    paymentTermsDays: state.paymentTermsDays,
    issueDate: state.issueDate,
    issuedAt: state.issuedAt,
    dueDate: state.dueDate,
    voidedAt: state.voidedAt,
    voidReason: state.voidReason,
    writtenOffAt: state.writtenOffAt,
    writeOffReason: state.writeOffReason,
    becameOverdueAt: state.overdue?.becameOverdueAt ?? null,
    paymentReminders: state.paymentReminders.map((reminder) => ({ daysBeforeDue: reminder.daysBeforeDue, dueAt: reminder.dueAt })),
  };
}

/** The Invoice as the API shows it, from the read model (queries). Amounts there are strings; the API shows Money. */
export function invoiceViewFromRecord(record: InvoiceRecord): InvoiceType {
  const currency = record.currency;
  // The locked reporting currency is read model detail (reportingTotal shows it): not a field of the Invoice type.
  const { reportingCurrency: _reportingCurrency, ...shown } = record;
  return {
    ...shown,
    status: record.status as InvoiceStatus,
    lines: record.lines.map((line) => ({
      ...line,
      amount: money(line.amount, currency),
      netAmount: money(line.netAmount, currency),
      taxAmount: money(line.taxAmount, currency),
      taxes: line.taxes.map((tax) => lineTaxView(tax, currency)),
    })),
    subtotal: money(record.subtotal, currency),
    taxTotal: money(record.taxTotal, currency),
    total: money(record.total, currency),
    taxBreakdown: record.taxBreakdown.map((entry) => taxBreakdownEntryView(entry, currency)),
    exchangeRate: record.exchangeRate === null ? null : { ...record.exchangeRate, rate: plainDecimal(record.exchangeRate.rate) },
    ...settlementView(record, currency),
  };
}
