import { Money } from '../../../money/src/index.js';
import { paymentMethodTypes } from '../payment/payment.method-types.js';
import { DomainError } from '../common/domain-error.js';
import { requireCurrency, requireIdentifier, requireOneOf, requirePositiveAmount, requireText, validationFailed } from '../common/validation.js';
import type { ApplyCreditToInvoice, ApplyPaymentToInvoice, RecordInvoicePayment, RefundInvoicePayment, WriteOffInvoice } from './invoice.commands.js';
import { invoiceCreditSources, type InvoiceEvent } from './invoice.events.js';
import {
  requireEnabledPaymentMethod,
  requireExisting,
  requireFeature,
  requireIssued,
  requireMatchingCurrency,
  requireOpenForMoney,
  requireOpenToRecordPayment,
  requireWithinBalance,
  type ExistingInvoice,
} from './invoice.guards.js';
import { invoiceLimits } from './invoice.limits.js';
import { invoiceBalanceOf, type InvoiceState } from './invoice.state.js';

export function recordInvoicePayment({ data, metadata }: RecordInvoicePayment, state: InvoiceState): InvoiceEvent[] {
  requireFeature(data?.settings, 'payments');
  const invoice = requireExisting(state, data.invoiceId);
  // A re-delivered command (same payment) is acknowledged without a second record, even once the invoice is paid.
  if (state.paymentIds.includes(data.paymentId)) return [];
  requireOpenToRecordPayment(invoice);
  const paymentId = requireIdentifier(data.paymentId, 'paymentId');
  const method = requireOneOf(data.method, 'method', paymentMethodTypes);
  requireEnabledPaymentMethod(method, data.settings);
  const reference = requireText(data.reference, 'reference', invoiceLimits.paymentReferenceLengthMax);
  const currency = requireRecordedPaymentCurrency(invoice, data.currency, paymentId);
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const balanceDue = Money.of(invoice.balanceDue, currency);
  const applied = Money.min(amount, balanceDue);
  return [
    {
      type: 'InvoicePaymentRecorded',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        paymentId,
        method,
        reference,
        currency,
        amount: amount.toString(),
        appliedAmount: applied.toString(),
        excessAmount: amount.minus(applied).toString(),
        balanceDueAfter: balanceDue.minus(applied).toString(),
        recordedAt: metadata.now,
      },
    },
  ];
}

/** CURRENCY_MISMATCH (naming the payment) unless the recorded payment is in the invoice's currency. */
function requireRecordedPaymentCurrency(invoice: ExistingInvoice, value: unknown, paymentId: string): string {
  const currency = requireCurrency(value, 'currency');
  if (currency !== invoice.currency) {
    throw new DomainError(
      'CURRENCY_MISMATCH',
      `Payment ${paymentId} is in ${currency} but invoice ${invoice.invoiceId} is in ${invoice.currency}`,
      { invoiceId: invoice.invoiceId, paymentId, paymentCurrency: currency, invoiceCurrency: invoice.currency },
    );
  }
  return currency;
}

/**
 * Applies part of a succeeded payment (the payment allocator's split). One application per payment: the same
 * payment and amount again is a redelivery (acknowledged, even once the invoice is paid); another amount is refused.
 * The payment's method, reference and whole amount travel along so that the invoice lists the payment (its
 * excess, paymentAmount - amount, is what went to other invoices or to the customer's credit).
 */
export function applyPaymentToInvoice({ data, metadata }: ApplyPaymentToInvoice, state: InvoiceState): InvoiceEvent[] {
  const invoice = requireExisting(state, data?.invoiceId);
  const paymentId = requireIdentifier(data.paymentId, 'paymentId');
  const currency = requireMatchingCurrency(invoice, data.currency, `Payment ${paymentId}`);
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const method = requireOneOf(data.method, 'method', paymentMethodTypes);
  const reference = requireText(data.reference, 'reference', invoiceLimits.paymentReferenceLengthMax);
  const paymentAmount = Money.parse(data.paymentAmount, currency, 'paymentAmount');
  if (paymentAmount.lessThan(amount)) {
    throw validationFailed(`paymentAmount ${paymentAmount.toString()} is less than the ${amount.toString()} applied from it`, { field: 'paymentAmount' });
  }
  const earlier = invoice.paymentApplications.find((application) => application.paymentId === paymentId);
  if (earlier !== undefined) {
    if (earlier.appliedAmount === amount.toString()) return [];
    throw new DomainError(
      'ALREADY_EXISTS',
      `Payment ${paymentId} was already applied to invoice ${invoice.invoiceId} with ${earlier.appliedAmount} ${currency}, not ${amount.toString()}`,
      { invoiceId: invoice.invoiceId, paymentId, appliedAmount: earlier.appliedAmount, amount: amount.toString() },
    );
  }
  requireOpenForMoney(invoice, 'take payments');
  const balanceDue = requireWithinBalance(invoice, amount, `Payment ${paymentId}`);
  return [
    {
      type: 'InvoicePaymentApplied',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        paymentId,
        method,
        reference,
        currency,
        amount: amount.toString(),
        paymentAmount: paymentAmount.toString(),
        balanceDueAfter: balanceDue.minus(amount).toString(),
        appliedAt: metadata.now,
      },
    },
  ];
}

/** Applies credit from a credit note or the customer's credit balance; never more than the balance due. */
export function applyCreditToInvoice({ data, metadata }: ApplyCreditToInvoice, state: InvoiceState): InvoiceEvent[] {
  const invoice = requireExisting(state, data?.invoiceId);
  const applicationId = requireIdentifier(data.applicationId, 'applicationId');
  const source = requireOneOf(data.source, 'source', invoiceCreditSources);
  const sourceId = requireIdentifier(data.sourceId, 'sourceId');
  const currency = requireMatchingCurrency(invoice, data.currency, `Credit application ${applicationId}`);
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const earlier = invoice.creditApplications.find((application) => application.applicationId === applicationId);
  if (earlier !== undefined) {
    if (earlier.amount === amount.toString() && earlier.source === source && earlier.sourceId === sourceId) return [];
    throw new DomainError(
      'ALREADY_EXISTS',
      `Credit application ${applicationId} was already made on invoice ${invoice.invoiceId} with ${earlier.amount} ${currency} from ${earlier.source} ${earlier.sourceId}`,
      { invoiceId: invoice.invoiceId, applicationId, appliedAmount: earlier.amount, amount: amount.toString() },
    );
  }
  requireOpenForMoney(invoice, 'take credit');
  const balanceDue = requireWithinBalance(invoice, amount, `Credit application ${applicationId}`);
  return [
    {
      type: 'InvoiceCreditApplied',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        applicationId,
        source,
        sourceId,
        currency,
        amount: amount.toString(),
        balanceDueAfter: balanceDue.minus(amount).toString(),
        appliedAt: metadata.now,
      },
    },
  ];
}

/**
 * A refund of a payment applied here reopens the balance by its part, whatever the invoice's status once
 * issued: a paid or written-off invoice owes that part again. Never more than the payment applied here less what
 * earlier refunds reopened.
 */
export function refundInvoicePayment({ data, metadata }: RefundInvoicePayment, state: InvoiceState): InvoiceEvent[] {
  const invoice = requireExisting(state, data?.invoiceId);
  const paymentId = requireIdentifier(data.paymentId, 'paymentId');
  const refundId = requireIdentifier(data.refundId, 'refundId');
  const currency = requireMatchingCurrency(invoice, data.currency, `Refund ${refundId}`);
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const earlier = invoice.refunds.find((refund) => refund.refundId === refundId);
  if (earlier !== undefined) {
    if (earlier.amount === amount.toString() && earlier.paymentId === paymentId) return [];
    throw new DomainError(
      'ALREADY_EXISTS',
      `Refund ${refundId} already reopened ${earlier.amount} ${currency} of payment ${earlier.paymentId} on invoice ${invoice.invoiceId}`,
      { invoiceId: invoice.invoiceId, refundId, paymentId: earlier.paymentId, reopenedAmount: earlier.amount, amount: amount.toString() },
    );
  }
  requireIssued(invoice, 'no payment was applied to it, so none can be refunded');
  const refundable = refundableOnInvoice(invoice, paymentId);
  if (amount.greaterThan(refundable)) {
    throw new DomainError(
      'AMOUNT_EXCEEDS_REFUNDABLE',
      `Refund ${refundId} would reopen ${amount.toString()} ${currency} of payment ${paymentId} on invoice ${invoice.invoiceId}, but only ${refundable.toString()} ${currency} of it is applied there and not yet refunded`,
      { invoiceId: invoice.invoiceId, paymentId, refundId, amount: amount.toString(), refundable: refundable.toString() },
    );
  }
  return [
    {
      type: 'InvoicePaymentRefunded',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        paymentId,
        refundId,
        currency,
        amount: amount.toString(),
        balanceDueAfter: invoiceBalanceOf(invoice).plus(amount).toString(),
        refundedAt: metadata.now,
      },
    },
  ];
}

/** What a refund of `paymentId` may still reopen here: what it applied less what earlier refunds reopened. */
function refundableOnInvoice(invoice: ExistingInvoice, paymentId: string): Money {
  const money = (amount: string): Money => Money.of(amount, invoice.currency);
  return Money.sum(
    invoice.paymentApplications
      .filter((application) => application.paymentId === paymentId)
      .map((application) => money(application.appliedAmount).minus(money(application.reopenedAmount))),
    invoice.currency,
  );
}

/** Writes off the whole balance due of an issued invoice that still has one. */
export function writeOffInvoice({ data, metadata }: WriteOffInvoice, state: InvoiceState): InvoiceEvent[] {
  requireFeature(data?.settings, 'invoicing');
  const invoice = requireExisting(state, data.invoiceId);
  if (invoice.status === 'draft' || invoice.status === 'void' || invoice.status === 'written_off') {
    throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is ${invoice.status === 'written_off' ? 'already written off' : invoice.status}: only an issued invoice with a balance due can be written off`, {
      invoiceId: invoice.invoiceId,
      status: invoice.status,
    });
  }
  const reason = requireText(data.reason, 'reason', invoiceLimits.voidReasonLengthMax);
  const balanceDue = invoiceBalanceOf(invoice);
  if (!balanceDue.isPositive()) {
    throw new DomainError('INVOICE_NOT_WRITABLE_OFF', `Invoice ${invoice.invoiceId} is ${invoice.status} with nothing due: there is nothing to write off`, {
      invoiceId: invoice.invoiceId,
      status: invoice.status,
      balanceDue: balanceDue.toString(),
    });
  }
  return [
    {
      type: 'InvoiceWrittenOff',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        currency: invoice.currency,
        amount: balanceDue.toString(),
        reason,
        writtenOffAt: metadata.now,
      },
    },
  ];
}
