import type { CreditApplicationType, CreditReason, CreditType } from '../../../billing/src/index.js';

/** What the credit note commands take: plain data, structurally what the GraphQL inputs carry. */
export interface CreateCreditNoteCommandInput {
  readonly customerId: string;
  readonly currency: string;
  readonly type: CreditType;
  readonly reason: CreditReason;
  readonly lines: { description: string; quantity: string; unitPrice: string; taxRate?: string | null }[];
  readonly sourceInvoiceId?: string | null;
}

export interface CreditNoteIdInput {
  readonly creditNoteId: string;
}

export interface ApplyCreditNoteCommandInput extends CreditNoteIdInput {
  readonly applicationType: CreditApplicationType;
  readonly invoiceId?: string | null;
  readonly amount: string;
}

export interface VoidCreditNoteCommandInput extends CreditNoteIdInput {
  readonly reason: string;
}
