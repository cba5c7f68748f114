import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PRICING_RULE_PAGE_SIZE_MAX, PricingRuleQueries } from '../../../../projections/pricing-rules/pricing-rules.queries.js';
import { createPricingRule, deactivatePricingRule, reactivatePricingRule, updatePricingRule } from '../../../../libs/ledger-application/src/pricing/index.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { pricingRulePayload } from './pricing.payload.js';
import {
  CreatePricingRuleInput,
  DeactivatePricingRuleInput,
  PricingRuleConnectionType,
  PricingRuleFilterInput,
  PricingRulePayloadType,
  PricingRuleType,
  ReactivatePricingRuleInput,
  UpdatePricingRuleInput,
} from './pricing.types.js';
import { pricingRuleViewFromRecord } from './pricing.view.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const READ_MODELS = ['pricing_rules'] as const;
const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the read models include this position' } as const;

/** Pricing rules (docs/domain.md, "Catalog and pricing rules"). Resolvers only translate (Conventions 5). */
@Resolver(() => PricingRuleType)
export class PricingRulesResolver {
  private readonly queries: PricingRuleQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new PricingRuleQueries(services.db);
  }

  @Mutation(() => PricingRulePayloadType, { description: 'Creates a rule (revision 1, active); the same rule again changes nothing, another one under its id is ALREADY_EXISTS' })
  createPricingRule(@Args('input', { type: () => CreatePricingRuleInput }) input: CreatePricingRuleInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'createPricingRule', input, (context) => createPricingRule(this.services, context, input).then(pricingRulePayload));
  }

  @Mutation(() => PricingRulePayloadType, { description: "Replaces an active rule's whole definition: a new revision" })
  updatePricingRule(@Args('input', { type: () => UpdatePricingRuleInput }) input: UpdatePricingRuleInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updatePricingRule', input, (context) => updatePricingRule(this.services, context, input).then(pricingRulePayload));
  }

  @Mutation(() => PricingRulePayloadType, { description: 'Stops a rule applying; it keeps its definition' })
  deactivatePricingRule(@Args('input', { type: () => DeactivatePricingRuleInput }) input: DeactivatePricingRuleInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'deactivatePricingRule', input, (context) => deactivatePricingRule(this.services, context, input).then(pricingRulePayload));
  }

  @Mutation(() => PricingRulePayloadType, { description: 'Makes a deactivated rule apply again, with the revision it had' })
  reactivatePricingRule(@Args('input', { type: () => ReactivatePricingRuleInput }) input: ReactivatePricingRuleInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'reactivatePricingRule', input, (context) => reactivatePricingRule(this.services, context, input).then(pricingRulePayload));
  }

  @Query(() => PricingRuleType, { nullable: true })
  async pricingRule(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const record = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new PricingRuleQueries(db, schema).getPricingRule(principal.tenantId, id), READ_MODELS);
    return record ? pricingRuleViewFromRecord(record) : null;
  }

  @Query(() => PricingRuleConnectionType, { description: 'Pricing rules in the order the engine judges them: priority, then rule id' })
  async pricingRules(
    @Args('filter', { type: () => PricingRuleFilterInput, nullable: true }) filter: PricingRuleFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, PRICING_RULE_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new PricingRuleQueries(db, schema).listPricingRules(principal.tenantId, filter ?? {}, first, after), READ_MODELS);
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: pricingRuleViewFromRecord(edge.node) })), pageInfo: page.pageInfo };
  }
}
