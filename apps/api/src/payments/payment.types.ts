import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MoneyType } from '../graphql/common.types.js';
import { Connection } from '../graphql/connection.types.js';
import { DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';
import { PaymentMethodType } from '../invoices/invoice.types.js';

/** PaymentStatus (docs/domain.md, "Payments"); GraphQL names are upper case, values the domain's. */
export enum PaymentStatus {
  PENDING = 'pending',
  PROCESSING = 'processing',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
  REFUNDED = 'refunded',
  PARTIALLY_REFUNDED = 'partially_refunded',
  CANCELLED = 'cancelled',
}
registerEnumType(PaymentStatus, { name: 'PaymentStatus' });

/**
 * RefundMethodType (docs/domain.md, "Refunds"): STORE_CREDIT credits the customer's account instead of returning money.
 */
export enum RefundMethodType {
  ORIGINAL_PAYMENT = 'original_payment',
  BANK_ACCOUNT = 'bank_account',
  CARD = 'card',
  STORE_CREDIT = 'store_credit',
  CHECK = 'check',
}
registerEnumType(RefundMethodType, { name: 'RefundMethodType' });

export enum PaymentAllocationKind {
  EXPLICIT = 'explicit',
  OLDEST_DUE_FIRST = 'oldest_due_first',
}
registerEnumType(PaymentAllocationKind, { name: 'PaymentAllocationKind' });

@ObjectType('PaymentAllocation', { description: 'The part of a payment applied to one invoice' })
export class PaymentAllocationType {
  @Field(() => ID) invoiceId!: string;
  @Field(() => MoneyType) amount!: MoneyType;
}

@ObjectType('PaymentRefund')
export class PaymentRefundType {
  @Field(() => ID) refundId!: string;
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => RefundMethodType) method!: RefundMethodType;
  @Field(() => String) reason!: string;
  @Field(() => DateTimeScalar) refundedAt!: string;
}

@ObjectType('Payment')
export class PaymentObjectType {
  @Field(() => ID) id!: string;
  @Field(() => String) customerId!: string;
  @Field(() => PaymentStatus) status!: PaymentStatus;
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => PaymentMethodType) method!: PaymentMethodType;
  @Field(() => String, { description: 'The external reference: gateway charge id, check number, transfer reference' }) reference!: string;
  @Field(() => ID, { nullable: true, description: 'The method on file that was charged' }) paymentMethodId!: string | null;
  @Field(() => ID, { nullable: true, description: 'The company bank account the money was deposited to (the one named, else the currency default); null when none' })
  bankAccountId!: string | null;
  @Field(() => PaymentAllocationKind, { description: 'How the payer asked for it to be applied' }) allocationKind!: PaymentAllocationKind;
  @Field(() => [PaymentAllocationType], { description: 'What the payer asked to pay per invoice (explicit allocations)' }) requestedAllocations!: PaymentAllocationType[];
  @Field(() => Int, { description: 'The attempt in flight or last made: 1 is the original, each retry adds one' }) attempt!: number;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the next retry is due; null unless failed with a retry left' }) nextRetryAt!: string | null;
  @Field(() => String, { nullable: true }) lastFailureReason!: string | null;
  @Field(() => String, { nullable: true, description: "The gateway's id of the successful charge" }) gatewayReference!: string | null;
  @Field(() => DateTimeScalar) recordedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) succeededAt!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) cancelledAt!: string | null;
  @Field(() => String, { nullable: true }) cancellationReason!: string | null;
  @Field(() => Boolean, { description: 'The split over invoices (and customer credit) has been made' }) allocated!: boolean;
  @Field(() => [PaymentAllocationType], { description: 'The split made at allocation; empty before' }) allocations!: PaymentAllocationType[];
  @Field(() => MoneyType, { nullable: true, description: "The part credited to the customer's balance; null before allocation" }) creditAmount!: MoneyType | null;
  @Field(() => DateTimeScalar, { nullable: true }) allocatedAt!: string | null;
  @Field(() => MoneyType) refundedTotal!: MoneyType;
  @Field(() => MoneyType, { description: 'What may still be refunded (zero unless succeeded or partially refunded)' }) refundable!: MoneyType;
  @Field(() => [PaymentRefundType]) refunds!: PaymentRefundType[];
}

@ObjectType('PaymentPayload')
export class PaymentPayloadType {
  @Field(() => PaymentObjectType) payment!: PaymentObjectType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
  @Field(() => Boolean, { description: 'The same payment (reference and amount) was already recorded: this is it, and nothing was appended' }) duplicate!: boolean;
}

export const PaymentConnectionType = Connection(PaymentObjectType, 'Payment');

@InputType('PaymentAllocationInput')
export class PaymentAllocationInput {
  @Field(() => ID) invoiceId!: string;
  @Field(() => DecimalScalar, { description: 'At most this much to this invoice (less when its balance is smaller)' }) amount!: string;
}

@InputType('CreatePaymentInput')
export class CreatePaymentInput {
  @Field(() => String) customerId!: string;
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String, { description: 'ISO 4217 code' }) currency!: string;
  @Field(() => PaymentMethodType, { description: 'Cash, check and wire transfer succeed at once; the others wait for the gateway' }) method!: PaymentMethodType;
  @Field(() => String, { description: 'The external reference; the same reference and amount again is the same payment' }) reference!: string;
  @Field(() => ID, { nullable: true }) paymentMethodId?: string | null;
  @Field(() => [PaymentAllocationInput], { nullable: true, description: "Absent: the customer's open invoices, oldest due first" }) allocations?: PaymentAllocationInput[] | null;
  @Field(() => ID, { nullable: true, description: "The company bank account it was deposited to; absent: the currency's default account" }) bankAccountId?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('MarkPaymentProcessingInput')
export class MarkPaymentProcessingInput {
  @Field(() => ID) paymentId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('MarkPaymentSucceededInput')
export class MarkPaymentSucceededInput {
  @Field(() => ID) paymentId!: string;
  @Field(() => String, { nullable: true }) gatewayReference?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('MarkPaymentFailedInput')
export class MarkPaymentFailedInput {
  @Field(() => ID) paymentId!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('RetryPaymentInput')
export class RetryPaymentInput {
  @Field(() => ID) paymentId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('CancelPaymentInput')
export class CancelPaymentInput {
  @Field(() => ID) paymentId!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('RefundPaymentInput')
export class RefundPaymentInput {
  @Field(() => ID) paymentId!: string;
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => RefundMethodType) method!: RefundMethodType;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('PaymentFilter')
export class PaymentFilterInput {
  @Field(() => String, { nullable: true }) customerId?: string | null;
  @Field(() => PaymentStatus, { nullable: true }) status?: PaymentStatus | null;
  @Field(() => PaymentMethodType, { nullable: true }) method?: PaymentMethodType | null;
  @Field(() => String, { nullable: true }) currency?: string | null;
}
