import { isCurrencyCode, Money } from '../../../money/src/index.js';
import type { BillingSettings } from '../billing-settings/index.js';
import type { InvoiceState } from '../invoice/index.js';
import type { PaymentMethodState } from '../payment-method/index.js';
import type { PaymentState } from '../payment/index.js';
import { requirePaymentAllowed, requirePaymentsFeature } from '../settings-requirements/index.js';
import { DomainError } from '../common/domain-error.js';

/**
 * Whether an invoice can take money or credit now, judged on the states a command handler loaded. These rules span
 * aggregates (a payment and the invoices it names, a credit note and its source invoice), so no single decider holds
 * them; every handler that needs one calls the function here, and so does the model-based property test.
 */

/** An invoice as a handler read it: its id (the stream's) and its state. */
export interface InvoiceRead {
  readonly invoiceId: string;
  readonly state: InvoiceState;
}

/** An invoice a payment of this customer and currency may pay now: issued, not void or written off, something due. */
export function isPayableBy(invoice: InvoiceState, payment: Pick<PaymentState, 'customerId' | 'currency'>): boolean {
  return (
    (invoice.status === 'open' || invoice.status === 'partially_paid') &&
    invoice.customerId === payment.customerId &&
    invoice.currency === payment.currency &&
    Money.of(invoice.balanceDue, invoice.currency as string).isPositive()
  );
}

/**
 * An invoice an explicit allocation names (`field`, e.g. `allocations[0].invoiceId`) must exist (NOT_FOUND), be the
 * payer's (VALIDATION_FAILED), in the payment's currency (CURRENCY_MISMATCH) and open with something due
 * (INVOICE_NOT_OPEN) when the payment is recorded.
 */
export function requirePayable({ invoiceId, state }: InvoiceRead, payment: Pick<PaymentState, 'customerId' | 'currency'>, field: string): void {
  if (state.status === 'none') throw new DomainError('NOT_FOUND', `Invoice ${invoiceId} does not exist`, { field, invoiceId });
  if (state.customerId !== payment.customerId) {
    throw new DomainError('VALIDATION_FAILED', `Invoice ${invoiceId} belongs to another customer than ${String(payment.customerId)}`, { field, invoiceId });
  }
  if (state.currency !== payment.currency) {
    throw new DomainError('CURRENCY_MISMATCH', `Invoice ${invoiceId} is in ${String(state.currency)} but the payment is in ${String(payment.currency)}`, {
      field,
      invoiceId,
      invoiceCurrency: state.currency,
      paymentCurrency: payment.currency,
    });
  }
  if (!isPayableBy(state, payment)) {
    throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoiceId} is ${state.status}: nothing can be paid on it`, { field, invoiceId, status: state.status });
  }
}

/**
 * A method on file named by the payment must be the payer's (NOT_FOUND otherwise, as another customer's is not theirs
 * to see), of the payment's type (VALIDATION_FAILED) and active (PAYMENT_METHOD_INACTIVE).
 */
export function requireChargeableMethod(payment: PaymentState, method: PaymentMethodState): void {
  if (payment.paymentMethodId === null) return;
  const details = { field: 'paymentMethodId', paymentMethodId: payment.paymentMethodId };
  if (method.status === 'none' || method.customerId !== payment.customerId) {
    throw new DomainError('NOT_FOUND', `Customer ${String(payment.customerId)} has no payment method ${payment.paymentMethodId}`, details);
  }
  if (method.type !== payment.method) {
    throw new DomainError('VALIDATION_FAILED', `Payment method ${payment.paymentMethodId} is a ${String(method.type)}, not a ${String(payment.method)}`, details);
  }
  if (method.status !== 'active') {
    throw new DomainError('PAYMENT_METHOD_INACTIVE', `Payment method ${payment.paymentMethodId} is ${method.status}: only an active method can be charged`, { ...details, status: method.status });
  }
}

/**
 * A payment just decided (RecordPayment) may be taken, in this order: the method on file it names, when it names one
 * (`paymentMethod`, its state as read; requireChargeableMethod), then every invoice its explicit allocation names
 * (`invoices`, as read; requirePayable, `allocations[i].invoiceId`). The allocation checks the invoices again when it
 * runs: one may be paid meanwhile, and its part then goes to the customer's credit.
 */
export function requireAcceptablePayment({
  payment,
  paymentMethod,
  invoices,
}: {
  payment: PaymentState;
  paymentMethod: PaymentMethodState | null;
  invoices: readonly InvoiceRead[];
}): void {
  if (payment.paymentMethodId !== null) {
    if (paymentMethod === null) throw new Error(`payment ${String(payment.paymentId)} names method ${payment.paymentMethodId}, which was not read`);
    requireChargeableMethod(payment, paymentMethod);
  }
  const request = payment.allocationRequest;
  if (request?.kind !== 'explicit') return;
  request.invoices.forEach(({ invoiceId }, index) => {
    const invoice = invoices.find((candidate) => candidate.invoiceId === invoiceId);
    if (invoice === undefined) throw new Error(`payment ${String(payment.paymentId)} names invoice ${invoiceId}, which was not read`);
    requirePayable(invoice, payment, `allocations[${index}].invoiceId`);
  });
}

/**
 * Money received against one invoice, checked in this order: the payments feature; the invoice exists (NOT_FOUND),
 * takes payments (INVOICE_NOT_OPEN, saying why not); the payment's currency is an ISO code (VALIDATION_FAILED) and the
 * invoice's (CURRENCY_MISMATCH); then the settings allow the method and the invoice's currency. Returns the invoice.
 */
export function requirePaymentOnInvoice({
  settings,
  invoice,
  command,
}: {
  settings: BillingSettings;
  invoice: InvoiceState;
  command: { invoiceId: string; method: string; currency: string };
}): InvoiceState & { customerId: string; currency: string } {
  requirePaymentsFeature(settings);
  const { invoiceId, currency } = command;
  if (invoice.status === 'none') throw new DomainError('NOT_FOUND', `Invoice ${JSON.stringify(invoiceId)} does not exist`, { invoiceId });
  switch (invoice.status) {
    case 'open':
    case 'partially_paid':
      break;
    case 'draft':
      throw notOpen(invoice, 'is a draft: issue it before recording payments');
    case 'void':
      throw notOpen(invoice, 'is void: it takes no payments');
    case 'paid':
      throw notOpen(invoice, "is paid: nothing is due on it; record the extra payment to the customer's account instead");
    case 'written_off':
      throw notOpen(invoice, 'was written off: nothing is due on it');
    default: {
      const unexpected: never = invoice.status;
      throw new Error(`unknown invoice status ${String(unexpected)}`);
    }
  }
  if (!isCurrencyCode(currency)) {
    throw new DomainError('VALIDATION_FAILED', `currency must be a supported ISO 4217 currency code (got ${JSON.stringify(currency)})`, { field: 'currency' });
  }
  if (currency !== invoice.currency) {
    throw new DomainError('CURRENCY_MISMATCH', `The payment is in ${currency} but invoice ${String(invoice.invoiceId)} is in ${String(invoice.currency)}`, {
      invoiceId: invoice.invoiceId,
      paymentCurrency: currency,
      invoiceCurrency: invoice.currency,
    });
  }
  requirePaymentAllowed(settings, command.method, invoice.currency);
  return invoice as InvoiceState & { customerId: string; currency: string };
}

function notOpen(invoice: InvoiceState, why: string): DomainError {
  return new DomainError('INVOICE_NOT_OPEN', `Invoice ${String(invoice.invoiceId)} ${why}`, { invoiceId: invoice.invoiceId, status: invoice.status });
}

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
