import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MoneyType } from '../graphql/common.types.js';
import { Connection } from '../graphql/connection.types.js';
import { DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';

/**
 * GraphQL names are the upper-case domain values (docs/domain.md, "Credit notes and customer credit"); the server keeps
 * the domain's own.
 */
export enum CreditNoteStatus {
  DRAFT = 'draft',
  ISSUED = 'issued',
  PARTIALLY_APPLIED = 'partially_applied',
  APPLIED = 'applied',
  VOIDED = 'voided',
}
registerEnumType(CreditNoteStatus, { name: 'CreditNoteStatus' });

export enum CreditType {
  REFUND = 'refund',
  ADJUSTMENT = 'adjustment',
  WRITE_OFF = 'write_off',
  DISCOUNT = 'discount',
  ERROR_CORRECTION = 'error_correction',
  OVERPAYMENT = 'overpayment',
  GOODWILL = 'goodwill',
}
registerEnumType(CreditType, { name: 'CreditType' });

export enum CreditReason {
  CUSTOMER_REQUEST = 'customer_request',
  BILLING_ERROR = 'billing_error',
  PRODUCT_DEFECT = 'product_defect',
  SERVICE_ISSUE = 'service_issue',
  DUPLICATE_CHARGE = 'duplicate_charge',
  CANCELLATION = 'cancellation',
  GOODWILL = 'goodwill',
  OVERPAYMENT_REFUND = 'overpayment_refund',
  PRICE_ADJUSTMENT = 'price_adjustment',
  TAX_ADJUSTMENT = 'tax_adjustment',
  ORDER_CHANGE = 'order_change',
  OTHER = 'other',
}
registerEnumType(CreditReason, { name: 'CreditReason' });

export enum CreditApplicationType {
  INVOICE = 'invoice',
  CUSTOMER_ACCOUNT = 'customer_account',
  REFUND = 'refund',
}
registerEnumType(CreditApplicationType, { name: 'CreditApplicationType' });

@ObjectType('CreditNoteLine')
export class CreditNoteLineType {
  @Field(() => ID) id!: string;
  @Field(() => String) description!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar) unitPrice!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Percent, e.g. "20"; null when untaxed' }) taxRate!: string | null;
  @Field(() => MoneyType, { description: 'quantity x unit price, rounded half-up to the currency minor unit' }) amount!: MoneyType;
  @Field(() => MoneyType) taxAmount!: MoneyType;
}

@ObjectType('CreditNoteTaxBreakdown', { description: 'The note tax by rate; the entries add up to taxTotal' })
export class CreditNoteTaxBreakdownType {
  @Field(() => String) name!: string;
  @Field(() => DecimalScalar) rate!: string;
  @Field(() => MoneyType) taxableAmount!: MoneyType;
  @Field(() => MoneyType) taxAmount!: MoneyType;
}

@ObjectType('CreditNoteApplication', { description: 'One use of the note credit: on an invoice, to the customer account, or paid back' })
export class CreditNoteApplicationType {
  @Field(() => ID) id!: string;
  @Field(() => CreditApplicationType) applicationType!: CreditApplicationType;
  @Field(() => ID, { nullable: true, description: 'The invoice credited; null for the other application types' }) invoiceId!: string | null;
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => DateTimeScalar) appliedAt!: string;
}

@ObjectType('CreditNote')
export class CreditNoteType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'Assigned at issue, gapless per tenant (default CN-{year}-{sequence:06d}), never reused' }) number!: string | null;
  @Field(() => String) customerId!: string;
  @Field(() => CreditNoteStatus) status!: CreditNoteStatus;
  @Field(() => CreditType) type!: CreditType;
  @Field(() => CreditReason) reason!: CreditReason;
  @Field(() => String) currency!: string;
  @Field(() => ID, { nullable: true, description: 'The invoice this note credits' }) sourceInvoiceId!: string | null;
  @Field(() => [CreditNoteLineType]) lines!: CreditNoteLineType[];
  @Field(() => MoneyType) subtotal!: MoneyType;
  @Field(() => MoneyType) taxTotal!: MoneyType;
  @Field(() => MoneyType, { description: 'The credit the note grants: subtotal + taxTotal' }) total!: MoneyType;
  @Field(() => [CreditNoteTaxBreakdownType]) taxBreakdown!: CreditNoteTaxBreakdownType[];
  @Field(() => MoneyType, { description: 'The sum of the applications' }) amountApplied!: MoneyType;
  @Field(() => MoneyType, { description: 'Credit left to apply: total less applications once issued; zero while a draft and once voided' }) remaining!: MoneyType;
  @Field(() => [CreditNoteApplicationType]) applications!: CreditNoteApplicationType[];
  @Field(() => DateTimeScalar) draftedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) issuedAt!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) voidedAt!: string | null;
  @Field(() => String, { nullable: true }) voidReason!: string | null;
  @Field(() => String, { description: 'Where the PDF is served (same API key): GET /credit-notes/<id>.pdf' }) pdfPath!: string;
}

@ObjectType('CreditNotePayload')
export class CreditNotePayloadType {
  @Field(() => CreditNoteType) creditNote!: CreditNoteType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

export const CreditNoteConnectionType = Connection(CreditNoteType, 'CreditNote');

@InputType('CreditNoteLineInput')
export class CreditNoteLineInput {
  @Field(() => String) description!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar, { description: 'Positive: the note itself is the credit' }) unitPrice!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Percent, e.g. "20"; null or absent when untaxed' }) taxRate?: string | null;
}

@InputType('CreateCreditNoteInput')
export class CreateCreditNoteInput {
  @Field(() => String) customerId!: string;
  @Field(() => String, { description: 'ISO 4217 code; with a source invoice, the invoice currency' }) currency!: string;
  @Field(() => CreditType) type!: CreditType;
  @Field(() => CreditReason) reason!: CreditReason;
  @Field(() => [CreditNoteLineInput]) lines!: CreditNoteLineInput[];
  @Field(() => ID, { nullable: true, description: 'The issued invoice credited (same customer and currency); the note total may not exceed what is still creditable on it' })
  sourceInvoiceId?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('IssueCreditNoteInput')
export class IssueCreditNoteInput {
  @Field(() => ID) creditNoteId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ApplyCreditNoteInput')
export class ApplyCreditNoteInput {
  @Field(() => ID) creditNoteId!: string;
  @Field(() => CreditApplicationType) applicationType!: CreditApplicationType;
  @Field(() => ID, { nullable: true, description: 'Required for INVOICE (same customer and currency), refused for the other types' }) invoiceId?: string | null;
  @Field(() => DecimalScalar, { description: 'At most the note remaining credit (and, on an invoice, its balance due)' }) amount!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('VoidCreditNoteInput')
export class VoidCreditNoteInput {
  @Field(() => ID) creditNoteId!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('CreditNoteFilter')
export class CreditNoteFilterInput {
  @Field(() => String, { nullable: true }) customerId?: string | null;
  @Field(() => CreditNoteStatus, { nullable: true }) status?: CreditNoteStatus | null;
  @Field(() => ID, { nullable: true }) sourceInvoiceId?: string | null;
  @Field(() => CreditType, { nullable: true }) type?: CreditType | null;
}
