import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { BillingSettingsQueries } from '../../../../projections/billing-settings/billing-settings.queries.js';
import { createTaxRate, deactivateTaxRate, updateTaxRate } from '../../../../libs/ledger-application/src/index.js';
import { taxRatePayload } from './tax-rate.payload.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels } from './read-your-writes.js';
import { CreateTaxRateInput, DeactivateTaxRateInput, TaxRatePayloadType, TaxRateType, UpdateTaxRateInput } from './billing-settings.types.js';
import { taxRateView } from './billing-settings.view.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

/** The tenant's tax rates (part of the tax settings, changed only by these mutations). */
@Resolver(() => TaxRateType)
export class TaxRatesResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Query(() => [TaxRateType])
  async taxRates(
    @Args('activeOnly', { type: () => Boolean, nullable: true, defaultValue: false }) activeOnly: boolean,
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until the read models include this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, ['billing_settings']);
    return (await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new BillingSettingsQueries(db, schema).taxRates(principal.tenantId, activeOnly), ['billing_settings'])).map(taxRateView);
  }

  @Mutation(() => TaxRatePayloadType, { description: 'A new, active tax rate' })
  createTaxRate(@Args('input', { type: () => CreateTaxRateInput }) input: CreateTaxRateInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'createTaxRate', input, (context) => createTaxRate(this.services, context, input).then(taxRatePayload));
  }

  @Mutation(() => TaxRatePayloadType, { description: 'Changes the given fields of an active tax rate' })
  updateTaxRate(@Args('input', { type: () => UpdateTaxRateInput }) input: UpdateTaxRateInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updateTaxRate', input, (context) => updateTaxRate(this.services, context, input).then(taxRatePayload));
  }

  @Mutation(() => TaxRatePayloadType, { description: 'Retires a tax rate: kept for the documents that used it, applied to nothing new' })
  deactivateTaxRate(@Args('input', { type: () => DeactivateTaxRateInput }) input: DeactivateTaxRateInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'deactivateTaxRate', input, (context) => deactivateTaxRate(this.services, context, input).then(taxRatePayload));
  }
}
