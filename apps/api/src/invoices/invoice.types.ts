import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MoneyType, PageInfoType } from '../graphql/common.types.js';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';

/** GraphQL names are the upper-case DOMAIN.md values; the values inside the server are the domain's own. */
export enum InvoiceStatus {
  DRAFT = 'draft',
  OPEN = 'open',
  PAID = 'paid',
  VOID = 'void',
  OVERDUE = 'overdue',
  PARTIALLY_PAID = 'partially_paid',
}
registerEnumType(InvoiceStatus, { name: 'InvoiceStatus' });

export enum PaymentMethodType {
  CARD = 'card',
  BANK_ACCOUNT = 'bank_account',
  DIGITAL_WALLET = 'digital_wallet',
  CRYPTO = 'crypto',
  CHECK = 'check',
  WIRE_TRANSFER = 'wire_transfer',
  CASH = 'cash',
}
registerEnumType(PaymentMethodType, { name: 'PaymentMethodType' });

@ObjectType('InvoiceLine')
export class InvoiceLineType {
  @Field(() => ID) id!: string;
  @Field(() => String) description!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar, { description: 'May carry more decimals than the currency (e.g. 0.0045 per MB)' }) unitPrice!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Percent, e.g. "20"; null when untaxed' }) taxRate!: string | null;
  @Field(() => MoneyType, { description: 'quantity x unit price, rounded half-up to the currency minor unit' }) amount!: MoneyType;
  @Field(() => MoneyType) taxAmount!: MoneyType;
}

@ObjectType('InvoicePayment')
export class InvoicePaymentType {
  @Field(() => ID) paymentId!: string;
  @Field(() => PaymentMethodType) method!: PaymentMethodType;
  @Field(() => String) reference!: string;
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => MoneyType, { description: 'The part that reduced this invoice balance' }) appliedAmount!: MoneyType;
  @Field(() => MoneyType, { description: 'The part beyond the balance, credited to the customer' }) excessAmount!: MoneyType;
  @Field(() => DateTimeScalar) recordedAt!: string;
}

@ObjectType('Invoice')
export class InvoiceType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'Assigned at issue, gapless per tenant, never reused' }) number!: string | null;
  @Field(() => String) customerId!: string;
  @Field(() => InvoiceStatus) status!: InvoiceStatus;
  @Field(() => String) currency!: string;
  @Field(() => [InvoiceLineType]) lines!: InvoiceLineType[];
  @Field(() => MoneyType) subtotal!: MoneyType;
  @Field(() => MoneyType) taxTotal!: MoneyType;
  @Field(() => MoneyType) total!: MoneyType;
  @Field(() => MoneyType) amountPaid!: MoneyType;
  @Field(() => MoneyType) balanceDue!: MoneyType;
  @Field(() => [InvoicePaymentType]) payments!: InvoicePaymentType[];
  @Field(() => Int) paymentTermsDays!: number;
  @Field(() => DateScalar, { nullable: true }) issueDate!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) issuedAt!: string | null;
  @Field(() => DateScalar, { nullable: true }) dueDate!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) voidedAt!: string | null;
  @Field(() => String, { nullable: true }) voidReason!: string | null;
}

@ObjectType('InvoicePayload')
export class InvoicePayloadType {
  @Field(() => InvoiceType) invoice!: InvoiceType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

@ObjectType('InvoiceEdge')
export class InvoiceEdgeType {
  @Field(() => String) cursor!: string;
  @Field(() => InvoiceType) node!: InvoiceType;
}

@ObjectType('InvoiceConnection')
export class InvoiceConnectionType {
  @Field(() => [InvoiceEdgeType]) edges!: InvoiceEdgeType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
}

@InputType('InvoiceLineInput')
export class InvoiceLineInput {
  @Field(() => String) description!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar) unitPrice!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Percent, e.g. "20"' }) taxRate?: string | null;
}

@InputType('CreateInvoiceInput')
export class CreateInvoiceInput {
  @Field(() => String) customerId!: string;
  @Field(() => String, { description: 'ISO 4217 code' }) currency!: string;
  @Field(() => [InvoiceLineInput]) lines!: InvoiceLineInput[];
  @Field(() => DateScalar, { nullable: true, description: 'Overrides the payment terms' }) dueDate?: string | null;
  @Field(() => Int, { nullable: true, description: 'Days from issue to due date; default 30' }) paymentTermsDays?: number | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('AddInvoiceLineInput')
export class AddInvoiceLineInput {
  @Field(() => ID) invoiceId!: string;
  @Field(() => InvoiceLineInput) line!: InvoiceLineInput;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('RemoveInvoiceLineInput')
export class RemoveInvoiceLineInput {
  @Field(() => ID) invoiceId!: string;
  @Field(() => ID) lineId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('IssueInvoiceInput')
export class IssueInvoiceInput {
  @Field(() => ID) invoiceId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('RecordPaymentInput')
export class RecordPaymentInput {
  @Field(() => ID) invoiceId!: string;
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => PaymentMethodType) method!: PaymentMethodType;
  @Field(() => String, { description: 'The gateway or bank reference' }) reference!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('VoidInvoiceInput')
export class VoidInvoiceInput {
  @Field(() => ID) invoiceId!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('InvoiceFilter')
export class InvoiceFilterInput {
  @Field(() => InvoiceStatus, { nullable: true }) status?: InvoiceStatus | null;
  @Field(() => String, { nullable: true }) customerId?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'Issue date on or after' }) issuedFrom?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'Issue date on or before' }) issuedTo?: string | null;
}

@ObjectType('CustomerBalance')
export class CustomerBalanceType {
  @Field(() => String) customerId!: string;
  @Field(() => [MoneyType], { description: 'Credit the customer holds, per currency' }) credit!: MoneyType[];
}
