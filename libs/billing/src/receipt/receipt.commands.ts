import type { DomainCommand } from '../common/command.js';

export interface ReceiptPayerInput {
  customerId: string;
  /** The customer's name as it should read on the receipt; absent when unknown. */
  name?: string | null;
}

/** An invoice the payment paid, with the part of the payment applied to it (in the receipt's currency). */
export interface ReceiptInvoicePaidInput {
  invoiceId: string;
  /** The invoice's document number ("INV-2024-000001"). */
  number: string;
  amount: string;
}

/** The issuing company as the settings describe it (docs/domain.md, "Settings": company). */
export interface ReceiptCompanyInput {
  name: string;
  legalName?: string | null;
  taxId?: string | null;
  registrationNumber?: string | null;
  /** The postal address, one printed line each ("1 Main Street", "Springfield, IL 62701", "US"). */
  addressLines?: string[];
  email?: string | null;
  phone?: string | null;
  website?: string | null;
}

/**
 * Issues the receipt of a payment (docs/domain.md, "Receipts"). Everything the receipt shows is in the command, so it
 * can never change: the process manager derives `receiptId` from the payment id and takes `issuedAt` from the payment's
 * success, so a redelivered PaymentSucceeded sends the very same command, which is acknowledged without an event.
 * The number comes from the receipt number sequence, assigned in the same append.
 */
export type IssueReceipt = DomainCommand<
  'IssueReceipt',
  {
    receiptId: string;
    paymentId: string;
    number: string;
    /** The instant the receipt is dated; never after the command's `metadata.now`. */
    issuedAt: string;
    /** The tenant's calendar date of `issuedAt` (see calendarDateInZone): the date printed. */
    issueDate: string;
    payer: ReceiptPayerInput;
    amount: string;
    currency: string;
    /** How the payment was made, as printed: "visa ****4242" (describePaymentMethod), "wire transfer". */
    methodDescription: string;
    /** The payment's external reference (check number, transfer reference), printed when given. */
    paymentReference?: string | null;
    invoicesPaid: ReceiptInvoicePaidInput[];
    company: ReceiptCompanyInput;
  }
>;

export type ReceiptCommand = IssueReceipt;
