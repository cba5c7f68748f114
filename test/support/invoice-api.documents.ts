/**
 * The GraphQL documents end-to-end tests send, and the shapes they read back. Written out by hand (not generated)
 * so that a change to the public schema breaks a test on purpose.
 */

export interface MoneyView {
  readonly amount: string;
  readonly currency: string;
}

export interface InvoiceLineView {
  readonly id: string;
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly taxRate: string | null;
  readonly amount: MoneyView;
  readonly taxAmount: MoneyView;
}

export interface InvoicePaymentView {
  readonly paymentId: string;
  readonly method: string;
  readonly reference: string;
  readonly amount: MoneyView;
  readonly appliedAmount: MoneyView;
  readonly excessAmount: MoneyView;
  readonly recordedAt: string;
}

export interface InvoiceView {
  readonly id: string;
  readonly number: string | null;
  readonly customerId: string;
  readonly status: 'DRAFT' | 'OPEN' | 'PARTIALLY_PAID' | 'PAID' | 'VOID' | 'OVERDUE';
  readonly currency: string;
  readonly lines: readonly InvoiceLineView[];
  readonly subtotal: MoneyView;
  readonly taxTotal: MoneyView;
  readonly total: MoneyView;
  readonly amountPaid: MoneyView;
  readonly balanceDue: MoneyView;
  readonly payments: readonly InvoicePaymentView[];
  readonly paymentTermsDays: number;
  readonly issueDate: string | null;
  readonly issuedAt: string | null;
  readonly dueDate: string | null;
  readonly voidedAt: string | null;
  readonly voidReason: string | null;
}

export interface InvoicePayload {
  readonly invoice: InvoiceView;
  readonly position: string;
}

export interface InvoiceConnection {
  readonly edges: readonly { readonly cursor: string; readonly node: InvoiceView }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

export interface BillingEventMessage {
  readonly position: string;
  readonly type: string;
  readonly streamId: string;
  readonly eventId: string;
  readonly recordedAt: string;
  readonly data: Record<string, unknown>;
}

const MONEY = 'amount currency';

export const INVOICE_FIELDS = `
  fragment InvoiceFields on Invoice {
    id number customerId status currency
    lines { id description quantity unitPrice taxRate amount { ${MONEY} } taxAmount { ${MONEY} } }
    subtotal { ${MONEY} } taxTotal { ${MONEY} } total { ${MONEY} } amountPaid { ${MONEY} } balanceDue { ${MONEY} }
    payments { paymentId method reference amount { ${MONEY} } appliedAmount { ${MONEY} } excessAmount { ${MONEY} } recordedAt }
    paymentTermsDays issueDate issuedAt dueDate voidedAt voidReason
  }`;

/** Each mutation and the name of its input type. */
export const invoiceMutationInputTypes = {
  createInvoice: 'CreateInvoiceInput',
  addInvoiceLine: 'AddInvoiceLineInput',
  removeInvoiceLine: 'RemoveInvoiceLineInput',
  issueInvoice: 'IssueInvoiceInput',
  recordPayment: 'RecordPaymentInput',
  voidInvoice: 'VoidInvoiceInput',
} as const;

export type InvoiceMutationName = keyof typeof invoiceMutationInputTypes;

export function invoiceMutationDocument(name: InvoiceMutationName): string {
  return `mutation Run($input: ${invoiceMutationInputTypes[name]}!) { ${name}(input: $input) { invoice { ...InvoiceFields } position } } ${INVOICE_FIELDS}`;
}

export const INVOICE_QUERY = `query Invoice($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) { ...InvoiceFields } } ${INVOICE_FIELDS}`;

export const INVOICES_QUERY = `
  query Invoices($filter: InvoiceFilter, $first: Int, $after: String, $minPosition: String) {
    invoices(filter: $filter, first: $first, after: $after, minPosition: $minPosition) {
      edges { cursor node { ...InvoiceFields } }
      pageInfo { hasNextPage endCursor }
    }
  } ${INVOICE_FIELDS}`;

export const CUSTOMER_BALANCE_QUERY = `
  query CustomerBalance($customerId: String!, $minPosition: String) {
    customerBalance(customerId: $customerId, minPosition: $minPosition) { customerId credit { ${MONEY} } }
  }`;

export const BILLING_EVENTS_SUBSCRIPTION = `
  subscription BillingEvents($fromPosition: String, $types: [String!], $categories: [String!], $streams: [String!]) {
    billingEvents(fromPosition: $fromPosition, types: $types, categories: $categories, streams: $streams) { position type streamId eventId recordedAt data }
  }`;

/** A line as createInvoice and addInvoiceLine take it. */
export interface LineInput {
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly taxRate?: string | null;
}
