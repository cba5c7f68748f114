import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import type { Receipt } from '../../../../libs/billing/src/index.js';
import { money, MoneyType } from '../graphql/common.types.js';
import { Connection } from '../graphql/connection.types.js';
import { DateScalar, DateTimeScalar } from '../graphql/scalars.js';

@ObjectType('ReceiptPayer')
export class ReceiptPayerType {
  @Field(() => ID) customerId!: string;
  @Field(() => String, { nullable: true, description: 'The registered customer name at issue; null when the customer was never registered' }) name!: string | null;
}

@ObjectType('ReceiptInvoicePaid')
export class ReceiptInvoicePaidType {
  @Field(() => ID) invoiceId!: string;
  @Field(() => String, { description: 'The invoice document number' }) number!: string;
  @Field(() => MoneyType, { description: 'The part of the payment applied to this invoice' }) amount!: MoneyType;
}

@ObjectType('ReceiptCompany')
export class ReceiptCompanyType {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) legalName!: string | null;
  @Field(() => String, { nullable: true }) taxId!: string | null;
  @Field(() => String, { nullable: true }) registrationNumber!: string | null;
  @Field(() => [String]) addressLines!: string[];
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => String, { nullable: true }) website!: string | null;
}

@ObjectType('Receipt', { description: 'The receipt of a succeeded payment: issued automatically, numbered gaplessly, immutable' })
export class ReceiptType {
  @Field(() => ID) id!: string;
  @Field(() => String) number!: string;
  @Field(() => ID) paymentId!: string;
  @Field(() => DateTimeScalar) issuedAt!: string;
  @Field(() => DateScalar, { description: 'The issue date in the tenant time zone' }) issueDate!: string;
  @Field(() => ReceiptPayerType) payer!: ReceiptPayerType;
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => String, { description: 'How the payment was made, as printed ("card", "bank account")' }) methodDescription!: string;
  @Field(() => String, { nullable: true }) paymentReference!: string | null;
  @Field(() => [ReceiptInvoicePaidType]) invoicesPaid!: ReceiptInvoicePaidType[];
  @Field(() => MoneyType, { description: 'The part of the payment credited to the customer account' }) creditedAmount!: MoneyType;
  @Field(() => ReceiptCompanyType) company!: ReceiptCompanyType;
  @Field(() => String, { description: 'Where the PDF is served (same API key): GET /receipts/<id>.pdf' }) pdfPath!: string;
}

export const ReceiptConnectionType = Connection(ReceiptType, 'Receipt');

@InputType('ReceiptFilterInput')
export class ReceiptFilterInput {
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => ID, { nullable: true }) paymentId?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'Issue date from (inclusive)' }) issuedFrom?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'Issue date to (inclusive)' }) issuedTo?: string | null;
}

export function receiptPdfPath(receiptId: string): string {
  return `/receipts/${receiptId}.pdf`;
}

export function receiptView(receipt: Receipt): ReceiptType {
  const { currency } = receipt;
  return {
    id: receipt.receiptId,
    number: receipt.number,
    paymentId: receipt.paymentId,
    issuedAt: receipt.issuedAt,
    issueDate: receipt.issueDate,
    payer: receipt.payer,
    amount: money(receipt.amount, currency),
    methodDescription: receipt.methodDescription,
    paymentReference: receipt.paymentReference,
    invoicesPaid: receipt.invoicesPaid.map((invoice) => ({ invoiceId: invoice.invoiceId, number: invoice.number, amount: money(invoice.amount, currency) })),
    creditedAmount: money(receipt.creditedAmount, currency),
    company: receipt.company,
    pdfPath: receiptPdfPath(receipt.receiptId),
  };
}
