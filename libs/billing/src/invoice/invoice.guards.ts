import { Money } from '../../../money/src/index.js';
import type { PaymentMethodType } from '../payment/payment.method-types.js';
import { assertNever } from '../common/assert-never.js';
import { assertDecidedOnOwnStream } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import { requireAmountWithinBound, requireCurrency } from '../common/validation.js';
import type { InvoiceSettingsContext } from './invoice.commands.js';
import type { InvoiceEvent } from './invoice.events.js';
import { evolveInvoice, invoiceBalanceOf, type InvoiceLifecycleStatus, type InvoiceState } from './invoice.state.js';

/*
 * The preconditions the invoice commands share: that the invoice exists and is in a status that accepts the command,
 * that the command's currency is the invoice's, that an amount fits the balance due or the ledger's bound on figures,
 * and that the tenant's settings allow the feature, the currency and the payment method.
 */

export type ExistingInvoice = InvoiceState & {
  status: Exclude<InvoiceLifecycleStatus, 'none'>;
  invoiceId: string;
  customerId: string;
  currency: string;
};

export function requireExisting(state: InvoiceState, invoiceId: unknown): ExistingInvoice {
  if (state.status === 'none' || state.invoiceId === null || state.customerId === null || state.currency === null) {
    throw new DomainError('NOT_FOUND', `Invoice ${JSON.stringify(invoiceId)} does not exist`, { invoiceId });
  }
  assertDecidedOnOwnStream('invoice', invoiceId, state.invoiceId);
  return state as ExistingInvoice;
}

export function requireDraft(state: InvoiceState, invoiceId: unknown, action: string): ExistingInvoice {
  const invoice = requireExisting(state, invoiceId);
  if (invoice.status !== 'draft') {
    throw new DomainError(
      'INVOICE_NOT_DRAFT',
      `Invoice ${invoice.invoiceId} is ${invoice.status}: only a draft invoice can ${action}`,
      { invoiceId: invoice.invoiceId, status: invoice.status },
    );
  }
  return invoice;
}

/** INVOICE_NOT_OPEN for a draft or a void invoice, saying `why` it must have been issued (and not voided). */
export function requireIssued(invoice: ExistingInvoice, why: string): void {
  if (invoice.status === 'draft' || invoice.status === 'void') {
    throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is ${invoice.status}: ${why}`, {
      invoiceId: invoice.invoiceId,
      status: invoice.status,
    });
  }
}

/** Payments and credit reduce the balance of an open or partially paid invoice only. */
export function requireOpenForMoney(invoice: ExistingInvoice, action: string): void {
  switch (invoice.status) {
    case 'open':
    case 'partially_paid':
      return;
    case 'draft':
      throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is a draft: issue it before it can ${action}`, {
        invoiceId: invoice.invoiceId,
        status: invoice.status,
      });
    case 'void':
    case 'paid':
    case 'written_off':
      throw new DomainError(
        'INVOICE_NOT_OPEN',
        `Invoice ${invoice.invoiceId} is ${invoice.status.replace('_', ' ')}: nothing is due on it, so it cannot ${action}`,
        { invoiceId: invoice.invoiceId, status: invoice.status },
      );
    default:
      return assertNever(invoice.status, 'invoice status');
  }
}

/**
 * INVOICE_NOT_OPEN unless the invoice is open or partially paid, saying why a draft, a void, a paid or a written-off
 * invoice takes no recorded payment (a paid one points the payer to the customer's account).
 */
export function requireOpenToRecordPayment(invoice: ExistingInvoice): void {
  switch (invoice.status) {
    case 'draft':
      throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is a draft: issue it before recording payments`, {
        invoiceId: invoice.invoiceId,
        status: invoice.status,
      });
    case 'void':
      throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is void: it takes no payments`, {
        invoiceId: invoice.invoiceId,
        status: invoice.status,
      });
    case 'paid':
      throw new DomainError(
        'INVOICE_NOT_OPEN',
        `Invoice ${invoice.invoiceId} is paid: nothing is due on it; record the extra payment to the customer's account instead`,
        { invoiceId: invoice.invoiceId, status: invoice.status },
      );
    case 'written_off':
      throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is written off: it takes no payments`, {
        invoiceId: invoice.invoiceId,
        status: invoice.status,
      });
    case 'open':
    case 'partially_paid':
      return;
    default:
      return assertNever(invoice.status, 'invoice status');
  }
}

export function requireMatchingCurrency(invoice: ExistingInvoice, value: unknown, what: string): string {
  const currency = requireCurrency(value, 'currency');
  if (currency !== invoice.currency) {
    throw new DomainError('CURRENCY_MISMATCH', `${what} is in ${currency} but invoice ${invoice.invoiceId} is in ${invoice.currency}`, {
      invoiceId: invoice.invoiceId,
      currency,
      invoiceCurrency: invoice.currency,
    });
  }
  return currency;
}

/** AMOUNT_EXCEEDS_BALANCE above the balance due; returns the balance due. */
export function requireWithinBalance(invoice: ExistingInvoice, amount: Money, what: string): Money {
  const balanceDue = invoiceBalanceOf(invoice);
  if (amount.greaterThan(balanceDue)) {
    throw new DomainError(
      'AMOUNT_EXCEEDS_BALANCE',
      `${what} of ${amount.toString()} ${invoice.currency} exceeds the ${balanceDue.toString()} ${invoice.currency} due on invoice ${invoice.invoiceId}`,
      { invoiceId: invoice.invoiceId, amount: amount.toString(), balanceDue: balanceDue.toString() },
    );
  }
  return balanceDue;
}

const featureNames = { invoicing: 'Invoicing', payments: 'Payments' } as const;

/** FEATURE_DISABLED when the settings turn the feature off; a command without settings is not restricted. */
export function requireFeature(settings: InvoiceSettingsContext | undefined, feature: keyof typeof featureNames): void {
  if (settings === undefined) return;
  const enabled = feature === 'invoicing' ? settings.invoicingEnabled : settings.paymentsEnabled;
  if (enabled !== true) {
    throw new DomainError('FEATURE_DISABLED', `${featureNames[feature]} is turned off in this tenant's billing settings (features.${feature})`, { feature });
  }
}

export function requireSupportedCurrency(currency: string, settings: InvoiceSettingsContext | undefined): void {
  if (settings === undefined || settings.supportedCurrencies.includes(currency)) return;
  throw new DomainError(
    'CURRENCY_NOT_SUPPORTED',
    `${currency} is not among this tenant's supported currencies (${settings.supportedCurrencies.join(', ')}): add it to payment.supportedCurrencies first`,
    { currency, supportedCurrencies: settings.supportedCurrencies.join(',') },
  );
}

export function requireEnabledPaymentMethod(method: PaymentMethodType, settings: InvoiceSettingsContext | undefined): void {
  if (settings === undefined || settings.enabledPaymentMethods.includes(method)) return;
  throw new DomainError(
    'PAYMENT_METHOD_DISABLED',
    `Payment method ${method} is not enabled for this tenant (payment.enabledMethods: ${settings.enabledPaymentMethods.join(', ') || 'none'})`,
    { method },
  );
}

/**
 * `events`, unless the invoice's total after them leaves the ledger's bound on figures (AMOUNT_OUT_OF_RANGE): a line
 * that would push the total over it is refused, so every total, and with it every balance of the invoice, fits.
 * Subtotal and tax total are never above the total (no figure of an invoice is negative).
 */
export function withTotalWithinBound(events: InvoiceEvent[], state: InvoiceState): InvoiceEvent[] {
  const after = events.reduce(evolveInvoice, state);
  if (after.currency !== null) requireTotalWithinBound(after.total, after.currency);
  return events;
}

export function requireTotalWithinBound(total: string, currency: string): void {
  requireAmountWithinBound(Money.parseComputed(total, currency), 'total', 'the invoice total');
}
