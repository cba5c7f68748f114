import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { formatDate, formatMoney } from '../../../../libs/billing/src/index.js';
import { MoneyType } from './common.types.js';
import { requireReader, type GraphQLRequestContext } from './request-context.js';
import { DateScalar } from './scalars.js';

/**
 * Amounts and dates for people (docs/domain.md, "Multi-currency and locale"): every Money anywhere in the schema gets
 * `formatted(locale)`, done by the domain without floats. A locale that is not canonical BCP-47 is VALIDATION_FAILED.
 */
@Resolver(() => MoneyType)
export class MoneyFormatResolver {
  @ResolveField(() => String, { description: 'The amount written for a locale, e.g. "1.234,50 €" for de-DE; never rounded' })
  formatted(@Parent() money: MoneyType, @Args('locale', { type: () => String, description: 'BCP-47, e.g. en-US, de-DE, ja-JP' }) locale: string): string {
    return formatMoney(money.amount, money.currency, locale);
  }

  @Query(() => String, { description: 'A calendar date written for a locale: 01/15/2024 (en-US), 15.01.2024 (de-DE)' })
  formatDate(
    @Args('date', { type: () => DateScalar }) date: string,
    @Args('locale', { type: () => String, description: 'BCP-47, e.g. en-GB' }) locale: string,
    @Context() request: GraphQLRequestContext,
  ): string {
    requireReader(request);
    return formatDate(date, locale);
  }
}
