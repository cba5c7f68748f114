import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CUSTOMER_PAGE_SIZE_MAX, CustomerQueries } from '../../../../projections/customers/customers.queries.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { setCustomerSegment, upsertCustomer } from '../../../../libs/ledger-application/src/index.js';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import { customerViewFromState } from './customer.view.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { CustomerConnectionType, CustomerPayloadType, CustomerType, SetCustomerSegmentInput, UpsertCustomerInput } from './customer.types.js';

/** Resolvers only turn input into a command or a query (docs/architecture.md, Conventions 5). */
@Resolver(() => CustomerType)
export class CustomersResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Mutation(() => CustomerPayloadType, { description: 'Registers a customer, or replaces the details of one already registered' })
  upsertCustomer(@Args('input', { type: () => UpsertCustomerInput }) input: UpsertCustomerInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'upsertCustomer', input, (context) =>
      upsertCustomer(this.services, context, input).then(({ state, position }): CustomerPayloadType => ({ customer: customerViewFromState(state), position: encodePosition(position ?? START_POSITION) })),
    );
  }

  @Mutation(() => CustomerPayloadType, { description: "Puts a registered customer in a pricing segment, or takes it out of any (segment null); the customer's other details stay" })
  setCustomerSegment(@Args('input', { type: () => SetCustomerSegmentInput }) input: SetCustomerSegmentInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'setCustomerSegment', input, (context) =>
      setCustomerSegment(this.services, context, input).then(({ state, position }): CustomerPayloadType => ({ customer: customerViewFromState(state), position: encodePosition(position ?? START_POSITION) })),
    );
  }

  @Query(() => CustomerType, { nullable: true })
  async customer(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until read models include this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, ['customers']);
    return readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, async (db, schema) => (await new CustomerQueries(db, schema).getCustomer(principal.tenantId, id)) ?? null, ['customers']);
  }

  @Query(() => CustomerConnectionType, { description: 'Registered customers ordered by id' })
  async customers(
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', { type: () => String, nullable: true }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, CUSTOMER_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, ['customers']);
    return readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new CustomerQueries(db, schema).listCustomers(principal.tenantId, first, after), ['customers']);
  }
}
