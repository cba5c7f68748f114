/** What the invoice commands take: plain data, structurally what the GraphQL inputs carry. */
export interface InvoiceLineCommandInput {
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: string;
  /** Percent, e.g. "20"; without it the tenant's tax rates apply when the settings calculate tax automatically. */
  readonly taxRate?: string | null;
}

export interface CreateInvoiceCommandInput {
  readonly customerId: string;
  /** ISO 4217; absent or null: the tenant's payment.defaultCurrency. */
  readonly currency?: string | null;
  readonly lines: InvoiceLineCommandInput[];
  readonly dueDate?: string | null;
  readonly paymentTermsDays?: number | null;
}

export interface InvoiceIdInput {
  readonly invoiceId: string;
}

export interface AddInvoiceLineCommandInput extends InvoiceIdInput {
  readonly line: InvoiceLineCommandInput;
}

export interface RemoveInvoiceLineCommandInput extends InvoiceIdInput {
  readonly lineId: string;
}

export interface InvoiceWithReasonInput extends InvoiceIdInput {
  readonly reason: string;
}
