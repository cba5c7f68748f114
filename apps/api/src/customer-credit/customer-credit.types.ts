import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { MoneyType } from '../graphql/common.types.js';
import { DecimalScalar } from '../graphql/scalars.js';
import { InvoiceType } from '../invoices/invoice.types.js';

@ObjectType('CustomerAccount', { description: 'A customer credit account as a command just left it' })
export class CustomerAccountType {
  @Field(() => String) customerId!: string;
  @Field(() => Boolean, { description: 'Whether the credit pays new invoices in its currency automatically at issue' }) autoApplyCredit!: boolean;
  @Field(() => [MoneyType], { description: 'Credit the customer holds, per currency (currencies with credit ever recorded)' }) credit!: MoneyType[];
}

@ObjectType('CustomerAccountPayload')
export class CustomerAccountPayloadType {
  @Field(() => CustomerAccountType) account!: CustomerAccountType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

@ObjectType('ApplyCreditPayload')
export class ApplyCreditPayloadType {
  @Field(() => CustomerAccountType) account!: CustomerAccountType;
  @Field(() => InvoiceType, { description: 'The invoice the credit paid' }) invoice!: InvoiceType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

@InputType('ApplyCreditInput')
export class ApplyCreditInput {
  @Field(() => String) customerId!: string;
  @Field(() => ID, { description: "One of the customer's open invoices, in the credit's currency" }) invoiceId!: string;
  @Field(() => DecimalScalar, { description: "At most the customer's credit in that currency and the invoice balance due" }) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('SetAutoApplyCreditInput')
export class SetAutoApplyCreditInput {
  @Field(() => String) customerId!: string;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}
