import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Connection } from '../graphql/connection.types.js';
import { DateTimeScalar } from '../graphql/scalars.js';

@ObjectType('BillingAddress')
export class BillingAddressType {
  @Field(() => String) line1!: string;
  @Field(() => String, { nullable: true }) line2!: string | null;
  @Field(() => String) city!: string;
  @Field(() => String, { nullable: true, description: 'ISO 3166-2 subdivision without the country, e.g. "QC": regional tax rates match on it' }) region!: string | null;
  @Field(() => String) postalCode!: string;
  @Field(() => String, { description: 'ISO 3166-1 alpha-2, e.g. "CA"' }) country!: string;
}

@ObjectType('Customer')
export class CustomerType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => BillingAddressType) billingAddress!: BillingAddressType;
  @Field(() => Boolean, { description: 'Pays no tax on automatically taxed invoice lines' }) taxExempt!: boolean;
  @Field(() => String, { nullable: true, description: 'The pricing segment: pricing rules conditioned on segments apply to it in quotes and subscriptions. Null: none' })
  segment!: string | null;
  @Field(() => DateTimeScalar) registeredAt!: string;
  @Field(() => DateTimeScalar) updatedAt!: string;
}

@ObjectType('CustomerPayload')
export class CustomerPayloadType {
  @Field(() => CustomerType) customer!: CustomerType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

export const CustomerConnectionType = Connection(CustomerType, 'Customer');

@InputType('BillingAddressInput')
export class BillingAddressInput {
  @Field(() => String) line1!: string;
  @Field(() => String, { nullable: true }) line2?: string | null;
  @Field(() => String) city!: string;
  @Field(() => String, { nullable: true, description: 'ISO 3166-2 subdivision without the country, e.g. "QC"' }) region?: string | null;
  @Field(() => String) postalCode!: string;
  @Field(() => String, { description: 'ISO 3166-1 alpha-2' }) country!: string;
}

@InputType('UpsertCustomerInput')
export class UpsertCustomerInput {
  @Field(() => ID, { description: 'Your id for the customer (the one invoices name)' }) customerId!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => BillingAddressInput) billingAddress!: BillingAddressInput;
  @Field(() => Boolean) taxExempt!: boolean;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('SetCustomerSegmentInput')
export class SetCustomerSegmentInput {
  @Field(() => ID, { description: 'A registered customer' }) customerId!: string;
  @Field(() => String, { nullable: true, description: 'Up to 64 ASCII letters, digits and "_ . : -", starting with a letter or a digit; null clears it' })
  segment?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}
