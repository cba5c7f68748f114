import type { InvoiceState } from '../../../../libs/billing/src/index.js';
import { money } from '../graphql/common.types.js';
import { effectiveInvoiceStatus } from '../../../../projections/invoices/invoices.queries.js';
import type { InvoiceStatus, InvoiceType, PaymentMethodType } from './invoice.types.js';

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
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      taxRate: line.taxRate,
      amount: money(line.amount, currency),
      taxAmount: money(line.taxAmount, currency),
    })),
    subtotal: money(state.subtotal, currency),
    taxTotal: money(state.taxTotal, currency),
    total: money(state.total, currency),
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
