import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MoneyType } from '../graphql/common.types.js';
import { Connection } from '../graphql/connection.types.js';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';

/**
 * GraphQL names are the upper-case domain values (docs/domain.md, "Invoices"); the values inside the server are the
 * domain's own.
 */
export enum InvoiceStatus {
  DRAFT = 'draft',
  OPEN = 'open',
  PAID = 'paid',
  VOID = 'void',
  OVERDUE = 'overdue',
  PARTIALLY_PAID = 'partially_paid',
  WRITTEN_OFF = 'written_off',
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

@ObjectType('InvoiceLineTax', { description: 'One tax on one line: a tenant tax rate, or the line\'s explicit percentage (rateId null)' })
export class InvoiceLineTaxType {
  @Field(() => ID, { nullable: true, description: 'The tenant tax rate; null for an explicit line rate' }) rateId!: string | null;
  @Field(() => String) name!: string;
  @Field(() => DecimalScalar, { description: 'Percent, e.g. "9.975"' }) rate!: string;
  @Field(() => String, { nullable: true, description: 'e.g. "CA-QC"; null for an explicit line rate' }) jurisdiction!: string | null;
  @Field(() => Boolean, { description: 'Applied on the net plus the taxes before it' }) compound!: boolean;
  @Field(() => Boolean, { description: 'The tax was inside the price' }) inclusive!: boolean;
  @Field(() => MoneyType) amount!: MoneyType;
}

@ObjectType('InvoiceTaxBreakdown', { description: 'The invoice tax by rate; the entries add up to taxTotal' })
export class InvoiceTaxBreakdownType {
  @Field(() => ID, { nullable: true, description: 'The tenant tax rate; null for explicit line rates of this percentage' }) rateId!: string | null;
  @Field(() => String) name!: string;
  @Field(() => DecimalScalar) rate!: string;
  @Field(() => String, { nullable: true }) jurisdiction!: string | null;
  @Field(() => Boolean) compound!: boolean;
  @Field(() => Boolean) inclusive!: boolean;
  @Field(() => MoneyType, { description: 'Sum of the nets of the lines the rate applied to' }) taxableAmount!: MoneyType;
  @Field(() => MoneyType) taxAmount!: MoneyType;
}

@ObjectType('LockedExchangeRate', { description: 'The rate an invoice locked at issue: units of quote (the reporting currency) per unit of base' })
export class LockedExchangeRateType {
  @Field(() => String) base!: string;
  @Field(() => String) quote!: string;
  @Field(() => DecimalScalar) rate!: string;
  @Field(() => DateTimeScalar, { description: 'When the recorded rate took effect (never after the issue)' }) effectiveAt!: string;
  @Field(() => String) source!: string;
  @Field(() => Boolean, { description: 'Only the opposite pair was recorded; rate is its inverse' }) inverted!: boolean;
}

@ObjectType('InvoiceLine')
export class InvoiceLineType {
  @Field(() => ID) id!: string;
  @Field(() => String) description!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar, { description: 'May carry more decimals than the currency (e.g. 0.0045 per MB)' }) unitPrice!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Percent, e.g. "20"; null when untaxed' }) taxRate!: string | null;
  @Field(() => MoneyType, { description: 'quantity x unit price, rounded half-up to the currency minor unit' }) amount!: MoneyType;
  @Field(() => MoneyType, { description: 'amount less the tax included in it (tax-inclusive pricing); equals amount otherwise' }) netAmount!: MoneyType;
  @Field(() => MoneyType) taxAmount!: MoneyType;
  @Field(() => [InvoiceLineTaxType]) taxes!: InvoiceLineTaxType[];
}

@ObjectType('InvoicePayment')
export class InvoicePaymentType {
  @Field(() => ID) paymentId!: string;
  @Field(() => PaymentMethodType) method!: PaymentMethodType;
  @Field(() => String) reference!: string;
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => MoneyType, { description: 'The part that reduced this invoice balance' }) appliedAmount!: MoneyType;
  @Field(() => MoneyType, { description: 'The part of the payment not applied here: to other invoices or, beyond every balance, to the customer credit' }) excessAmount!: MoneyType;
  @Field(() => DateTimeScalar) recordedAt!: string;
}

export enum InvoiceCreditSource {
  CREDIT_NOTE = 'credit_note',
  CUSTOMER_CREDIT = 'customer_credit',
}
registerEnumType(InvoiceCreditSource, { name: 'InvoiceCreditSource', description: 'Where credit applied to an invoice came from' });

@ObjectType('InvoicePaymentApplication', { description: 'A payment applied to the invoice, and what refunds of it reopened' })
export class InvoicePaymentApplicationType {
  @Field(() => ID) paymentId!: string;
  @Field(() => MoneyType, { description: 'The part of the payment that reduced this invoice balance' }) appliedAmount!: MoneyType;
  @Field(() => MoneyType, { description: 'What refunds of this payment gave back to this invoice balance' }) reopenedAmount!: MoneyType;
  @Field(() => DateTimeScalar) appliedAt!: string;
}

@ObjectType('InvoiceCreditApplication', { description: 'Credit applied to the invoice: from a credit note or the customer credit balance' })
export class InvoiceCreditApplicationType {
  @Field(() => ID) applicationId!: string;
  @Field(() => InvoiceCreditSource) source!: InvoiceCreditSource;
  @Field(() => String, { description: 'The credit note id, or the customer id for customer credit' }) sourceId!: string;
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => DateTimeScalar) appliedAt!: string;
}

@ObjectType('InvoicePaymentReminder', { description: 'A payment reminder that fell due before the due date (the reminder e-mail is sent from it)' })
export class InvoicePaymentReminderType {
  @Field(() => Int, { description: 'Days before the due date, from the reminder schedule in force at issue' }) daysBeforeDue!: number;
  @Field(() => DateTimeScalar, { description: 'The start of that day in the invoice time zone' }) dueAt!: string;
}

@ObjectType('Invoice')
export class InvoiceType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'Assigned at issue, gapless per tenant, never reused' }) number!: string | null;
  @Field(() => String) customerId!: string;
  @Field(() => InvoiceStatus) status!: InvoiceStatus;
  @Field(() => String) currency!: string;
  @Field(() => [InvoiceLineType]) lines!: InvoiceLineType[];
  @Field(() => MoneyType, { description: 'Sum of the line nets' }) subtotal!: MoneyType;
  @Field(() => MoneyType) taxTotal!: MoneyType;
  @Field(() => MoneyType, { description: 'subtotal + taxTotal' }) total!: MoneyType;
  @Field(() => [InvoiceTaxBreakdownType]) taxBreakdown!: InvoiceTaxBreakdownType[];
  @Field(() => LockedExchangeRateType, { nullable: true, description: 'The rate to the reporting currency locked at issue' }) exchangeRate!: LockedExchangeRateType | null;
  @Field(() => MoneyType, {
    nullable: true,
    description: 'The total in the reporting currency (the one asked for, else the one locked at issue), at the rate locked at issue; null when there is none',
  })
  reportingTotal!: MoneyType | null;
  @Field(() => MoneyType, { description: 'Payments applied to this invoice (before any refund of them)' }) amountPaid!: MoneyType;
  @Field(() => MoneyType, { description: 'Credit applied to this invoice: credit notes and the customer credit balance' }) amountCredited!: MoneyType;
  @Field(() => MoneyType, { description: 'Refunds of payments applied here, which reopened the balance' }) amountRefunded!: MoneyType;
  @Field(() => MoneyType, { description: 'The balance written off as uncollectable' }) amountWrittenOff!: MoneyType;
  @Field(() => MoneyType, { description: 'What credit notes may still credit: the total less the issued notes on it (a voided note gives its unapplied part back)' })
  creditableAmount!: MoneyType;
  @Field(() => MoneyType, { description: 'total - amountPaid - amountCredited + amountRefunded - amountWrittenOff, never negative' }) balanceDue!: MoneyType;
  @Field(() => [InvoicePaymentType], { description: 'Every payment that paid this invoice, with its method and reference, oldest first; refunds are in paymentApplications' })
  payments!: InvoicePaymentType[];
  @Field(() => [InvoicePaymentApplicationType], { description: 'Every payment applied to this invoice, oldest first, with what refunds reopened' })
  paymentApplications!: InvoicePaymentApplicationType[];
  @Field(() => [InvoiceCreditApplicationType], { description: 'Credit applied to this invoice, oldest first' }) creditApplications!: InvoiceCreditApplicationType[];
  @Field(() => Int) paymentTermsDays!: number;
  @Field(() => DateScalar, { nullable: true }) issueDate!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) issuedAt!: string | null;
  @Field(() => DateScalar, { nullable: true }) dueDate!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) voidedAt!: string | null;
  @Field(() => String, { nullable: true }) voidReason!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the balance was written off (status WRITTEN_OFF)' }) writtenOffAt!: string | null;
  @Field(() => String, { nullable: true }) writeOffReason!: string | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the invoice became overdue (the start of the day after its due date in its time zone), recorded once; null while it was not recorded',
  })
  becameOverdueAt!: string | null;
  @Field(() => [InvoicePaymentReminderType], { description: 'The payment reminders that fell due, in order; at most one per schedule day' })
  paymentReminders!: InvoicePaymentReminderType[];
}

@ObjectType('InvoicePayload')
export class InvoicePayloadType {
  @Field(() => InvoiceType) invoice!: InvoiceType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

export const InvoiceConnectionType = Connection(InvoiceType, 'Invoice');

@InputType('InvoiceLineInput')
export class InvoiceLineInput {
  @Field(() => String) description!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar) unitPrice!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Percent, e.g. "20". Without it the tenant tax rates apply when the settings calculate tax automatically' })
  taxRate?: string | null;
}

@InputType('CreateInvoiceInput')
export class CreateInvoiceInput {
  @Field(() => String) customerId!: string;
  @Field(() => String, { nullable: true, description: 'ISO 4217 code; default: the settings payment.defaultCurrency' }) currency?: string | null;
  @Field(() => [InvoiceLineInput]) lines!: InvoiceLineInput[];
  @Field(() => DateScalar, { nullable: true, description: 'Overrides the payment terms' }) dueDate?: string | null;
  @Field(() => Int, { nullable: true, description: 'Days from issue to due date; default: the settings invoice.defaultDueDays' }) paymentTermsDays?: number | null;
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
  @Field(() => ID, { nullable: true, description: "The company bank account it was deposited to; absent: the currency's default account" }) bankAccountId?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('VoidInvoiceInput')
export class VoidInvoiceInput {
  @Field(() => ID) invoiceId!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('WriteOffInvoiceInput')
export class WriteOffInvoiceInput {
  @Field(() => ID) invoiceId!: string;
  @Field(() => String, { description: 'Why the balance is uncollectable' }) reason!: string;
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

@ObjectType('InvoiceTotals', { description: 'Issued invoices summed in one currency, each converted at the rate it locked at issue' })
export class InvoiceTotalsType {
  @Field(() => String) reportingCurrency!: string;
  @Field(() => MoneyType, { description: 'Sum of the converted totals' }) total!: MoneyType;
  @Field(() => Int) invoiceCount!: number;
  @Field(() => Int) convertedCount!: number;
  @Field(() => Int, { description: 'Invoices in another currency without a rate locked to this one, left out of total' }) unconverted!: number;
  @Field(() => [MoneyType], { description: 'The totals of the unconverted invoices, per currency' }) unconvertedTotals!: MoneyType[];
}
