import type { DomainCommand } from '../common/command.js';

/** CreditType (docs/domain.md, "Credit notes and customer credit"): why the credit exists, as the API exposes it. */
export const creditTypes = ['refund', 'adjustment', 'write_off', 'discount', 'error_correction', 'overpayment', 'goodwill'] as const;
export type CreditType = (typeof creditTypes)[number];

/** CreditReason (docs/domain.md, "Credit notes and customer credit"): the reason the customer or finance gave. */
export const creditReasons = [
  'customer_request',
  'billing_error',
  'product_defect',
  'service_issue',
  'duplicate_charge',
  'cancellation',
  'goodwill',
  'overpayment_refund',
  'price_adjustment',
  'tax_adjustment',
  'order_change',
  'other',
] as const;
export type CreditReason = (typeof creditReasons)[number];

/**
 * CreditApplicationType (docs/domain.md, "Credit notes and customer credit"): where credit goes. `invoice` reduces that
 * invoice's balance, `customer_account` becomes store credit on the customer's account, `refund` is money paid back to
 * the customer.
 */
export const creditApplicationTypes = ['invoice', 'customer_account', 'refund'] as const;
export type CreditApplicationType = (typeof creditApplicationTypes)[number];

/**
 * A line as the caller sends it, priced exactly like an invoice line: net = quantity x unit price rounded half-up to
 * the currency's minor unit, tax = net x taxRate / 100 rounded half-up, per line. Amounts are positive: the note
 * itself is the credit, so its lines are not written as negatives.
 */
export interface CreditNoteLineInput {
  lineId: string;
  description: string;
  quantity: string;
  unitPrice: string;
  /** Percentage ("20", "8.875"); null or absent when the line carries no tax. */
  taxRate?: string | null;
}

export type CreateCreditNote = DomainCommand<
  'CreateCreditNote',
  {
    creditNoteId: string;
    customerId: string;
    currency: string;
    type: CreditType;
    reason: CreditReason;
    lines: CreditNoteLineInput[];
    /** The invoice being credited; absent or null for a credit without a source (e.g. goodwill). */
    sourceInvoiceId?: string | null;
    /**
     * What is still creditable on the source invoice (its total less what earlier credit notes took), a decimal string
     * in the note's currency. The domain cannot read the invoice, so the application supplies it from the invoice's
     * state; it is required with a source invoice and refused without one.
     */
    creditableOnSource?: string | null;
  }
>;

/**
 * The number comes from the number-sequence aggregate (credit notes are numbered like invoices, at issue). When the
 * note has a source invoice the application should pass what is creditable on it now: another note may have credited
 * the invoice since this one was drafted, and the check is made again.
 */
export type IssueCreditNote = DomainCommand<
  'IssueCreditNote',
  { creditNoteId: string; number: string; creditableOnSource?: string | null }
>;

export type ApplyCreditNote = DomainCommand<
  'ApplyCreditNote',
  {
    creditNoteId: string;
    /** Chosen by the caller; the same id again is acknowledged without a second application. */
    applicationId: string;
    applicationType: CreditApplicationType;
    /** Required for an application to an invoice, refused for the other types. */
    invoiceId?: string | null;
    amount: string;
  }
>;

export type VoidCreditNote = DomainCommand<'VoidCreditNote', { creditNoteId: string; reason: string }>;

export type CreditNoteCommand = CreateCreditNote | IssueCreditNote | ApplyCreditNote | VoidCreditNote;
