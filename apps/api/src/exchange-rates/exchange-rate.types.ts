import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { MoneyType } from '../graphql/common.types.js';
import { Connection } from '../graphql/connection.types.js';
import { DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';

@ObjectType('ExchangeRate', { description: 'A recorded rate: 1 base = rate quote, from effectiveAt on' })
export class ExchangeRateType {
  @Field(() => String) base!: string;
  @Field(() => String) quote!: string;
  @Field(() => DecimalScalar, { description: 'Units of quote per unit of base' }) rate!: string;
  @Field(() => DateTimeScalar) effectiveAt!: string;
  @Field(() => String, { description: 'Where the rate comes from, e.g. ECB or manual' }) source!: string;
  @Field(() => DateTimeScalar) recordedAt!: string;
}

@ObjectType('ExchangeRateQuote', { description: 'The rate in effect at an instant, as a document would lock it' })
export class ExchangeRateQuoteType {
  @Field(() => String) base!: string;
  @Field(() => String) quote!: string;
  @Field(() => DecimalScalar) rate!: string;
  @Field(() => DateTimeScalar, { description: 'When the rate used took effect (never after the instant asked)' }) effectiveAt!: string;
  @Field(() => String) source!: string;
  @Field(() => Boolean, { description: 'True when only the opposite pair was recorded: rate is 1 / that rate, rounded half-up to 12 decimals' }) inverted!: boolean;
}

@ObjectType('ExchangeRatePayload')
export class ExchangeRatePayloadType {
  @Field(() => ExchangeRateType) exchangeRate!: ExchangeRateType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

export const ExchangeRateConnectionType = Connection(ExchangeRateType, 'ExchangeRate');

@ObjectType('CurrencyConversion')
export class CurrencyConversionType {
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => MoneyType, { description: 'amount x rate, rounded half-up to the minor unit of the target currency' }) converted!: MoneyType;
  @Field(() => ExchangeRateQuoteType) rate!: ExchangeRateQuoteType;
}

@InputType('RecordExchangeRateInput')
export class RecordExchangeRateInput {
  @Field(() => String, { description: 'ISO 4217, e.g. EUR' }) base!: string;
  @Field(() => String, { description: 'ISO 4217, e.g. USD' }) quote!: string;
  @Field(() => DecimalScalar, { description: 'Units of quote per unit of base, > 0, at most 12 decimals' }) rate!: string;
  @Field(() => DateTimeScalar, { description: 'The instant from which the rate applies' }) effectiveAt!: string;
  @Field(() => String, { description: 'e.g. ECB, manual' }) source!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}
