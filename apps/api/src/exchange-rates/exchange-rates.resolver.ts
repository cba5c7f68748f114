import { Inject } from '@nestjs/common';
import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { convert, translatingMoneyErrors } from '../../../../libs/billing/src/index.js';
import { Money } from '../../../../libs/money/src/index.js';
import { EXCHANGE_RATE_PAGE_SIZE_MAX, ExchangeRateQueries } from '../../../../projections/exchange-rates/exchange-rates.queries.js';
import { money } from '../graphql/common.types.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { recordExchangeRate } from '../../../../libs/ledger-application/src/index.js';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, KNOWN_AS_OF_DESCRIPTION, KNOWN_AS_OF_NAMES, KNOWN_AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { CurrencyConversionType, ExchangeRateConnectionType, ExchangeRatePayloadType, ExchangeRateQuoteType, ExchangeRateType, RecordExchangeRateInput } from './exchange-rate.types.js';

const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the read models include this position' } as const;
const AS_OF = { type: () => DateTimeScalar, nullable: true, description: "The instant (e.g. the document date); default the tenant's now (its test clock, if it has one)" } as const;
const READ_MODELS = ['exchange_rates'] as const;
/** exchangeRate and convertAmount had `asOf` (the instant a rate is in effect) first: the position is `knownAsOf` there. */
const KNOWN_AS_OF = { type: () => String, nullable: true, description: KNOWN_AS_OF_DESCRIPTION } as const;
const KNOWN_AS_OF_TIME = { type: () => DateTimeScalar, nullable: true, description: KNOWN_AS_OF_TIME_DESCRIPTION } as const;

/**
 * Exchange rates as recorded events (docs/domain.md, "Multi-currency and locale"); lookups never use a rate effective
 * after asOf.
 */
@Resolver(() => ExchangeRateType)
export class ExchangeRatesResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Mutation(() => ExchangeRatePayloadType, { description: 'Records a rate; the same rate for the same instant again changes nothing' })
  recordExchangeRate(@Args('input', { type: () => RecordExchangeRateInput }) input: RecordExchangeRateInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'recordExchangeRate', input, (context) =>
      recordExchangeRate(this.services, context, input).then(({ rate, position }): ExchangeRatePayloadType => ({ exchangeRate: rate, position: encodePosition(position ?? START_POSITION) })),
    );
  }

  @Query(() => ExchangeRateQuoteType, { description: 'The rate in effect at asOf (the pair, or 1 / its inverse); EXCHANGE_RATE_NOT_FOUND when none is' })
  async exchangeRate(
    @Args('base', { type: () => String }) base: string,
    @Args('quote', { type: () => String }) quote: string,
    @Args('asOf', AS_OF) asOf: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('knownAsOf', KNOWN_AS_OF) knownAsOf: string | null = null,
    @Args('knownAsOfTime', KNOWN_AS_OF_TIME) knownAsOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const at = asOf ?? (await this.services.tenantClock.now(principal.tenantId));
    return readModelsAt(this.services, principal.tenantId, { asOf: knownAsOf, asOfTime: knownAsOfTime, names: KNOWN_AS_OF_NAMES }, (db, schema) => new ExchangeRateQueries(db, schema).rateAsOf(principal.tenantId, base, quote, at), READ_MODELS);
  }

  @Query(() => ExchangeRateConnectionType, { description: "The pair's recorded rates, latest effective first" })
  async exchangeRates(
    @Args('base', { type: () => String }) base: string,
    @Args('quote', { type: () => String }) quote: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, EXCHANGE_RATE_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    return readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new ExchangeRateQueries(db, schema).history(principal.tenantId, base, quote, first, after ?? null), READ_MODELS);
  }

  @Query(() => CurrencyConversionType, { description: 'An amount in another currency at the rate in effect at asOf (e.g. a document date)' })
  async convertAmount(
    @Args('amount', { type: () => DecimalScalar, description: 'Must fit the currency (no more decimals than its minor unit)' }) amount: string,
    @Args('from', { type: () => String }) from: string,
    @Args('to', { type: () => String }) to: string,
    @Args('asOf', AS_OF) asOf: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('knownAsOf', KNOWN_AS_OF) knownAsOf: string | null = null,
    @Args('knownAsOfTime', KNOWN_AS_OF_TIME) knownAsOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    const source = translatingMoneyErrors(() => Money.parse(amount, from));
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const at = asOf ?? (await this.services.tenantClock.now(principal.tenantId));
    const rate = await readModelsAt(this.services, principal.tenantId, { asOf: knownAsOf, asOfTime: knownAsOfTime, names: KNOWN_AS_OF_NAMES }, (db, schema) => new ExchangeRateQueries(db, schema).rateAsOf(principal.tenantId, source.currency.code, to, at), READ_MODELS);
    const converted = convert(source, rate, rate.quote, 'half_up');
    return { amount: money(source.toString(), source.currency.code), converted: money(converted.toString(), converted.currency.code), rate };
  }
}
