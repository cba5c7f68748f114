import { Inject } from '@nestjs/common';
import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { priceQuote } from '../../../../libs/ledger-application/src/pricing/index.js';
import { requireReader, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels } from '../settings/read-your-writes.js';
import { PriceQuoteInput, PriceQuoteType } from './pricing.types.js';
import { priceQuoteView } from './pricing.view.js';

/** The read models a quote reads: the plans it prices, the rules it applies, the customer it names, the tenant's today. */
const READ_MODELS = ['plans', 'pricing_rules', 'customers', 'billing_settings'] as const;

/** The pricing simulator: a query, so it reads read models only and appends nothing. */
@Resolver(() => PriceQuoteType)
export class PriceQuoteResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Query(() => PriceQuoteType, { description: 'What the items would cost on a day for a segment, and which rules applied in what order and which did not and why. Writes nothing' })
  async priceQuote(
    @Args('input', { type: () => PriceQuoteInput }) input: PriceQuoteInput,
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until the plans, rules, customers and settings include this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    return priceQuoteView(await priceQuote(this.services, principal.tenantId, input));
  }
}
