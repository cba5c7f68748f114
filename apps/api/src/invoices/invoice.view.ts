import type { InvoiceState, InvoiceTaxBreakdownEntry, LineTax } from '../../../../libs/billing/src/index.js';
import { money } from '../graphql/common.types.js';
import { effectiveInvoiceStatus, plainDecimal, reportingTotalIn, type InvoiceRecord } from '../../../../projections/invoices/invoices.queries.js';
import type { InvoiceLineTaxType, InvoiceStatus, InvoiceTaxBreakdownType, InvoiceType, PaymentMethodType } from './invoice.types.js';

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
    paymentTermsDays: state.paymentTermsDays,
    issueDate: state.issueDate,
    issuedAt: state.issuedAt,
    dueDate: state.status === 'draft' ? state.dueDate : state.dueDate,
    voidedAt: state.voidedAt,
    voidReason: state.voidReason,
  };
}

/** The Invoice as the API shows it, from the read model (queries). Amounts there are strings; the API shows Money. */
export function invoiceViewFromRecord(record: InvoiceRecord): InvoiceType {
  const currency = record.currency;
  return {
    ...record,
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
    balanceDue: money(record.balanceDue, currency),
    payments: record.payments.map((payment) => ({
      ...payment,
      method: payment.method as PaymentMethodType,
      amount: money(payment.amount, currency),
      appliedAmount: money(payment.appliedAmount, currency),
      excessAmount: money(payment.excessAmount, currency),
    })),
  };
}
