import type { ExchangeRateQuote } from '../exchange-rate/exchange-rate.lookup.js';
import type { PaymentMethodType } from '../payment/payment.method-types.js';
import type { DomainCommand } from '../common/command.js';
import type { TaxBillingAddress } from '../tax/invoice-tax.js';
import type { TaxRate, TaxRounding } from '../tax/tax-rate.js';

/**
 * A line as the caller sends it. Amounts are decimal strings (never numbers); `taxRate` is a percentage such as
 * "20" or "8.875" that the line keeps whatever the settings say. Null or absent means "no explicit rate": the line
 * is taxed by the tenant's tax rates when the command's settings calculate tax automatically, and untaxed otherwise
 * (and always untaxed for a command that carries no settings).
 */
export interface LineInput {
  lineId: string;
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate?: string | null;
}

/** How lines without an explicit rate are taxed: copied from the tenant's tax settings into each command. */
export interface InvoiceTaxPolicy {
  /** settings.tax.calculateAutomatically, and the tax-calculation feature on. */
  calculateAutomatically: boolean;
  /** Tax-inclusive pricing: unit prices of automatically taxed lines already contain the tax. */
  pricesIncludeTax: boolean;
  rounding: TaxRounding;
  /** Every rate of the tenant (deactivated ones included: the tax engine skips them). */
  rates: readonly TaxRate[];
}

/**
 * What the tenant's billing settings say about invoices, put into each command by the application (the domain
 * reads no settings store; see invoiceSettingsContextOf). A command without it is decided as before settings
 * existed: everything allowed, 30 days of terms, no automatic tax, no reporting currency. Replays of old
 * commands and the test seeds rely on that.
 */
export interface InvoiceSettingsContext {
  /** features.invoicing: create, edit, issue and void. */
  invoicingEnabled: boolean;
  /** features.payments: record payments. */
  paymentsEnabled: boolean;
  /** payment.supportedCurrencies: the currencies an invoice may be drafted in. */
  supportedCurrencies: readonly string[];
  /** payment.enabledMethods. */
  enabledPaymentMethods: readonly PaymentMethodType[];
  /** invoice.defaultDueDays: the payment terms of a draft that names none. */
  defaultDueDays: number;
  /** payment.defaultCurrency: the currency reports are kept in; an invoice in another currency locks a rate to it at issue. */
  reportingCurrency: string;
  tax: InvoiceTaxPolicy;
  /**
   * tenant.timeZone, recorded at issue (InvoiceIssued.timeZone) so that the invoice's due work knows when its days
   * begin. Optional: a command without it issues an invoice whose days are judged in the tenant's zone at run time.
   */
  timeZone?: string;
  /**
   * invoice.reminderScheduleDays, recorded at issue like timeZone (the days a reminder may fall due); empty when
   * invoice.sendPaymentReminders is off at issue.
   */
  reminderScheduleDays?: readonly number[];
}

/**
 * What automatic tax needs to know of the invoice's customer. A customer id that was never registered has no
 * billing address: no rate's jurisdiction can match it, so its lines get no automatic tax; it is not exempt.
 */
export interface InvoiceCustomerContext {
  taxExempt: boolean;
  billingAddress: TaxBillingAddress | null;
}

/** Settings and customer data, when the command brings them (both optional, see InvoiceSettingsContext). */
export interface InvoiceCommandContext {
  settings?: InvoiceSettingsContext;
  /** Used only with settings whose tax policy calculates automatically; absent means an unknown customer. */
  customer?: InvoiceCustomerContext;
}

export type CreateInvoice = DomainCommand<
  'CreateInvoice',
  {
    invoiceId: string;
    customerId: string;
    currency: string;
    lines: LineInput[];
    /** An explicit due date overrides the payment terms; it must not be before the issue date. */
    dueDate?: string | null;
    /** Days from the issue date to the due date when no explicit due date is given; defaults to the settings' invoice.defaultDueDays (30 without settings). */
    paymentTermsDays?: number;
  } & InvoiceCommandContext
>;

export type AddInvoiceLine = DomainCommand<'AddInvoiceLine', { invoiceId: string; line: LineInput } & InvoiceCommandContext>;

export type RemoveInvoiceLine = DomainCommand<'RemoveInvoiceLine', { invoiceId: string; lineId: string } & InvoiceCommandContext>;

/**
 * The number comes from the number-sequence aggregate, assigned by the application in the same append; the issue
 * date is the tenant's calendar date of the issue instant. `exchangeRate` is the rate from the invoice's currency to
 * the settings' reporting currency in effect at the issue instant (see rateAsOf), which the invoice locks; null or
 * absent when none was recorded (the invoice is issued without a locked rate) or the currencies are the same.
 */
export type IssueInvoice = DomainCommand<
  'IssueInvoice',
  { invoiceId: string; number: string; issueDate: string; exchangeRate?: ExchangeRateQuote | null } & InvoiceCommandContext
>;

export type RecordInvoicePayment = DomainCommand<
  'RecordInvoicePayment',
  {
    invoiceId: string;
    paymentId: string;
    amount: string;
    currency: string;
    method: PaymentMethodType;
    reference: string;
    settings?: InvoiceSettingsContext;
  }
>;

/**
 * Applies part of a succeeded Payment (allocated by the payment allocator): never more than the balance due.
 * `method`, `reference` and `paymentAmount` (the whole payment, at least `amount`) are the payment's, as recorded.
 */
export type ApplyPaymentToInvoice = DomainCommand<
  'ApplyPaymentToInvoice',
  { invoiceId: string; paymentId: string; amount: string; currency: string; method: PaymentMethodType; reference: string; paymentAmount: string }
>;

/**
 * Applies credit (an issued credit note's, or the customer's credit balance) to the invoice: never more than the
 * balance due (AMOUNT_EXCEEDS_BALANCE). The same applicationId again is acknowledged without an event.
 */
export type ApplyCreditToInvoice = DomainCommand<
  'ApplyCreditToInvoice',
  { invoiceId: string; applicationId: string; source: 'credit_note' | 'customer_credit'; sourceId: string; amount: string; currency: string }
>;

/**
 * Reopens the balance by the part of a refunded payment that had been applied here: never more than that payment
 * applied here less what earlier refunds already reopened. The same refundId again is acknowledged without an event.
 */
export type RefundInvoicePayment = DomainCommand<
  'RefundInvoicePayment',
  { invoiceId: string; paymentId: string; refundId: string; amount: string; currency: string }
>;

/** Writes the whole remaining balance off as uncollectable (open, partially paid or overdue invoices only). */
export type WriteOffInvoice = DomainCommand<'WriteOffInvoice', { invoiceId: string; reason: string; settings?: InvoiceSettingsContext }>;

/** A credit note with this invoice as source is being issued: `amount` (its total) must not exceed what is creditable. */
export type RegisterCreditNote = DomainCommand<'RegisterCreditNote', { invoiceId: string; creditNoteId: string; amount: string; currency: string }>;

/** An issued credit note on this invoice was voided: `amount` (its unapplied part) becomes creditable again. */
export type ReleaseCreditNote = DomainCommand<'ReleaseCreditNote', { invoiceId: string; creditNoteId: string; amount: string; currency: string }>;

export type VoidInvoice = DomainCommand<'VoidInvoice', { invoiceId: string; reason: string; settings?: InvoiceSettingsContext }>;

/**
 * The due date has passed: records InvoiceBecameOverdue once, on an issued invoice with a balance left. `today` is
 * the tenant's calendar date of `metadata.now` in the invoice's time zone; it must be after the due date
 * (NOT_DUE_YET otherwise). An invoice settled meanwhile (paid, void, written off) or already overdue is acknowledged
 * without an event, so the scheduler's work is simply done.
 */
export type MarkInvoiceOverdue = DomainCommand<'MarkInvoiceOverdue', { invoiceId: string; today: string }>;

/**
 * The reminder `daysBeforeDue` days before the due date falls due: records InvoicePaymentReminderDue once per number
 * of days, while a balance is left and the due date has not passed. `today` is as for MarkInvoiceOverdue and must be
 * on or after the reminder's day (NOT_DUE_YET otherwise).
 */
export type MarkPaymentReminderDue = DomainCommand<'MarkPaymentReminderDue', { invoiceId: string; daysBeforeDue: number; today: string }>;

export type InvoiceCommand =
  | CreateInvoice
  | AddInvoiceLine
  | RemoveInvoiceLine
  | IssueInvoice
  | RecordInvoicePayment
  | VoidInvoice
  | ApplyPaymentToInvoice
  | ApplyCreditToInvoice
  | RefundInvoicePayment
  | WriteOffInvoice
  | RegisterCreditNote
  | ReleaseCreditNote
  | MarkInvoiceOverdue
  | MarkPaymentReminderDue;
