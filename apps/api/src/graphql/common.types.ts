import { Field, ObjectType } from '@nestjs/graphql';
import { DecimalScalar } from './scalars.js';

@ObjectType({ description: 'An amount in a currency. The amount is an exact decimal string, rounded to the currency minor unit.' })
export class MoneyType {
  @Field(() => DecimalScalar)
  amount!: string;

  @Field(() => String, { description: 'ISO 4217 code, e.g. USD' })
  currency!: string;
}

@ObjectType('PageInfo')
export class PageInfoType {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export function money(amount: string, currency: string): MoneyType {
  return { amount, currency };
}
