import type { InvoiceState, InvoiceTaxBreakdownEntry, LineTax } from '../../../../libs/billing/src/index.js';
import { money } from '../graphql/common.types.js';
import { effectiveInvoiceStatus, plainDecimal, reportingTotalIn, type InvoiceRecord } from '../../../../projections/invoices/invoices.queries.js';
import type { InvoiceCreditSource, InvoiceLineTaxType, InvoiceStatus, InvoiceTaxBreakdownType, InvoiceType, PaymentMethodType } from './invoice.types.js';

function lineTaxView(tax: LineTax, currency: string): InvoiceLineTaxType {
  return { ...tax, rate: plainDecimal(tax.rate), amount: money(tax.amount, currency) };
}

function breakdownView(entry: InvoiceTaxBreakdownEntry, currency: string): InvoiceTaxBreakdownType {
  return { ...entry, rate: plainDecimal(entry.rate), taxableAmount: money(entry.taxableAmount, currency), taxAmount: money(entry.taxAmount, currency) };
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
      id: line.lineId,
      description: line.description,
      // One canonical form in every response (mutation or query): no trailing zeros, e.g. "2.50" -> "2.5".
      quantity: plainDecimal(line.quantity),
      unitPrice: plainDecimal(line.unitPrice),
      taxRate: line.taxRate === null ? null : plainDecimal(line.taxRate),
      amount: money(line.amount, currency),
      netAmount: money(line.netAmount, currency),
      taxAmount: money(line.taxAmount, currency),
      taxes: line.taxes.map((tax) => lineTaxView(tax, currency)),
    })),
    subtotal: money(state.subtotal, currency),
    taxTotal: money(state.taxTotal, currency),
    total: money(state.total, currency),
    taxBreakdown: state.taxBreakdown.map((entry) => breakdownView(entry, currency)),
    exchangeRate: state.exchangeRate === null ? null : { ...state.exchangeRate, rate: plainDecimal(state.exchangeRate.rate) },
    reportingTotal: reportingTotalIn({ currency, total: state.total, reportingCurrency: state.reportingCurrency, lockedReportingTotal: state.reportingTotal }, null),
    amountPaid: money(state.amountPaid, currency),
    amountCredited: money(state.amountCredited, currency),
    amountRefunded: money(state.amountRefunded, currency),
    amountWrittenOff: money(state.amountWrittenOff, currency),
    creditableAmount: money(state.creditableAmount, currency),
    balanceDue: money(state.balanceDue, currency),
    payments: state.payments.map((payment) => ({
      paymentId: payment.paymentId,
      method: payment.method as PaymentMethodType,
      reference: payment.reference,
      amount: money(payment.amount, currency),
      appliedAmount: money(payment.appliedAmount, currency),
      excessAmount: money(payment.excessAmount, currency),
      recordedAt: payment.recordedAt,
    })),
    paymentApplications: state.paymentApplications.map((application) => ({
      paymentId: application.paymentId,
      appliedAmount: money(application.appliedAmount, currency),
      reopenedAmount: money(application.reopenedAmount, currency),
      appliedAt: application.appliedAt,
    })),
    creditApplications: state.creditApplications.map((application) => ({
      applicationId: application.applicationId,
      source: application.source as InvoiceCreditSource,
      sourceId: application.sourceId,
      amount: money(application.amount, currency),
      appliedAt: application.appliedAt,
    })),
    paymentTermsDays: state.paymentTermsDays,
    issueDate: state.issueDate,
    issuedAt: state.issuedAt,
    dueDate: state.status === 'draft' ? state.dueDate : state.dueDate,
    voidedAt: state.voidedAt,
    voidReason: state.voidReason,
    writtenOffAt: state.writtenOffAt,
    writeOffReason: state.writeOffReason,
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
    taxBreakdown: record.taxBreakdown.map((entry) => breakdownView(entry, currency)),
    exchangeRate: record.exchangeRate === null ? null : { ...record.exchangeRate, rate: plainDecimal(record.exchangeRate.rate) },
    amountPaid: money(record.amountPaid, currency),
    amountCredited: money(record.amountCredited, currency),
    amountRefunded: money(record.amountRefunded, currency),
    amountWrittenOff: money(record.amountWrittenOff, currency),
    creditableAmount: money(record.creditableAmount, currency),
    balanceDue: money(record.balanceDue, currency),
    payments: record.payments.map((payment) => ({
      ...payment,
      method: payment.method as PaymentMethodType,
      amount: money(payment.amount, currency),
      appliedAmount: money(payment.appliedAmount, currency),
      excessAmount: money(payment.excessAmount, currency),
    })),
    paymentApplications: record.paymentApplications.map((application) => ({
      ...application,
      appliedAmount: money(application.appliedAmount, currency),
      reopenedAmount: money(application.reopenedAmount, currency),
    })),
    creditApplications: record.creditApplications.map((application) => ({
      ...application,
      source: application.source as InvoiceCreditSource,
      amount: money(application.amount, currency),
    })),
  };
}
