import type { DomainCommand } from '../shared/command.js';

/** PaymentMethodType of DOMAIN.md, as the API exposes it. */
export const paymentMethodTypes = ['card', 'bank_account', 'digital_wallet', 'crypto', 'check', 'wire_transfer', 'cash'] as const;
export type PaymentMethodType = (typeof paymentMethodTypes)[number];

/**
 * A line as the caller sends it. Amounts are decimal strings (never numbers); `taxRate` is a percentage such as
 * "20" or "8.875", and null or absent means the line is not taxed.
 */
export interface LineInput {
  lineId: string;
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate?: string | null;
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
    /** Days from the issue date to the due date when no explicit due date is given; defaults to 30. */
    paymentTermsDays?: number;
  }
>;

export type AddInvoiceLine = DomainCommand<'AddInvoiceLine', { invoiceId: string; line: LineInput }>;

export type RemoveInvoiceLine = DomainCommand<'RemoveInvoiceLine', { invoiceId: string; lineId: string }>;

/** The number comes from the number-sequence aggregate, assigned by the application in the same append. */
export type IssueInvoice = DomainCommand<'IssueInvoice', { invoiceId: string; number: string; issueDate: string }>;

export type RecordInvoicePayment = DomainCommand<
  'RecordInvoicePayment',
  {
    invoiceId: string;
    paymentId: string;
    amount: string;
    currency: string;
    method: PaymentMethodType;
    reference: string;
  }
>;

export type VoidInvoice = DomainCommand<'VoidInvoice', { invoiceId: string; reason: string }>;

export type InvoiceCommand =
  | CreateInvoice
  | AddInvoiceLine
  | RemoveInvoiceLine
  | IssueInvoice
  | RecordInvoicePayment
  | VoidInvoice;
