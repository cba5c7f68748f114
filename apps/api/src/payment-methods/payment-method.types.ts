import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../graphql/connection.types.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { PaymentMethodType } from '../invoices/invoice.types.js';

/** PaymentMethodStatus (docs/domain.md, "Payments"); GraphQL names are upper case, values the domain's. */
export enum PaymentMethodStatus {
  ACTIVE = 'active',
  INACTIVE = 'inactive',
  EXPIRED = 'expired',
  REQUIRES_VERIFICATION = 'requires_verification',
  VERIFICATION_FAILED = 'verification_failed',
}
registerEnumType(PaymentMethodStatus, { name: 'PaymentMethodStatus' });

/** VerificationStatus (docs/domain.md, "Payments"). */
export enum VerificationStatus {
  PENDING = 'pending',
  VERIFIED = 'verified',
  FAILED = 'failed',
  EXPIRED = 'expired',
}
registerEnumType(VerificationStatus, { name: 'VerificationStatus' });

/** A method on file. Its gateway token is never returned: `hasGatewayToken` says one is held. */
@ObjectType('PaymentMethod')
export class PaymentMethodObjectType {
  @Field(() => ID) id!: string;
  @Field(() => String) customerId!: string;
  @Field(() => PaymentMethodType) type!: PaymentMethodType;
  @Field(() => PaymentMethodStatus) status!: PaymentMethodStatus;
  @Field(() => VerificationStatus, { nullable: true, description: 'null for methods that need no verification (cards, wallets)' }) verificationStatus!: VerificationStatus | null;
  @Field(() => String, { nullable: true }) verificationFailureReason!: string | null;
  @Field(() => String, { nullable: true, description: 'Lower case, e.g. "visa"' }) brand!: string | null;
  @Field(() => String, { nullable: true }) last4!: string | null;
  @Field(() => Int, { nullable: true }) expiryMonth!: number | null;
  @Field(() => Int, { nullable: true }) expiryYear!: number | null;
  @Field(() => String, { nullable: true }) holderName!: string | null;
  @Field(() => String, { description: 'How it reads on a receipt, e.g. "visa ****4242"' }) description!: string;
  @Field(() => Boolean, { description: 'The gateway token is held by the ledger but never returned' }) hasGatewayToken!: boolean;
  @Field(() => DateTimeScalar) addedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) verifiedAt!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiredAt!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) deactivatedAt!: string | null;
  @Field(() => String, { nullable: true }) deactivationReason!: string | null;
}

@ObjectType('PaymentMethodPayload')
export class PaymentMethodPayloadType {
  @Field(() => PaymentMethodObjectType) paymentMethod!: PaymentMethodObjectType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

export const PaymentMethodConnectionType = Connection(PaymentMethodObjectType, 'PaymentMethod');

@InputType('AddPaymentMethodInput', { description: 'Never a full card number or a security code: the gateway token, brand, last 4 digits and expiry only' })
export class AddPaymentMethodInput {
  @Field(() => String) customerId!: string;
  @Field(() => PaymentMethodType) type!: PaymentMethodType;
  @Field(() => String, { nullable: true, description: 'Required for cards, e.g. "visa"' }) brand?: string | null;
  @Field(() => String, { nullable: true, description: 'Exactly 4 digits; required for cards' }) last4?: string | null;
  @Field(() => Int, { nullable: true, description: '1..12; required for cards, with expiryYear' }) expiryMonth?: number | null;
  @Field(() => Int, { nullable: true, description: 'Four digits; required for cards, with expiryMonth' }) expiryYear?: number | null;
  @Field(() => String, { description: 'The gateway\'s reference to the stored instrument; never returned' }) gatewayToken!: string;
  @Field(() => String, { nullable: true }) holderName?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('VerifyPaymentMethodInput')
export class VerifyPaymentMethodInput {
  @Field(() => ID) paymentMethodId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('FailPaymentMethodVerificationInput')
export class FailPaymentMethodVerificationInput {
  @Field(() => ID) paymentMethodId!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ExpirePaymentMethodInput')
export class ExpirePaymentMethodInput {
  @Field(() => ID) paymentMethodId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('DeactivatePaymentMethodInput')
export class DeactivatePaymentMethodInput {
  @Field(() => ID) paymentMethodId!: string;
  @Field(() => String, { nullable: true }) reason?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}
