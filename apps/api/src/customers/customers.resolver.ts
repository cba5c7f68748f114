import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { decodePosition } from '../../../../libs/event-store/src/index.js';
import { waitForProjections } from '../../../../libs/projection-runtime/src/index.js';
import { CUSTOMER_PAGE_SIZE_MAX, CustomerQueries } from '../../../../projections/customers/customers.queries.js';
import { ApplicationError } from '../graphql/application-error.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { upsertCustomer } from './commands/upsert-customer.handler.js';
import { CustomerConnectionType, CustomerPayloadType, CustomerType, UpsertCustomerInput } from './customer.types.js';

/** Resolvers only turn input into a command or a query (house rule 5). */
@Resolver(() => CustomerType)
export class CustomersResolver {
  private readonly queries: CustomerQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new CustomerQueries(services.db);
  }

  @Mutation(() => CustomerPayloadType, { description: 'Registers a customer, or replaces the details of one already registered' })
  upsertCustomer(@Args('input', { type: () => UpsertCustomerInput }) input: UpsertCustomerInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'upsertCustomer', input, (context) => upsertCustomer(this.services, context, input));
  }

  @Query(() => CustomerType, { nullable: true })
  async customer(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until read models include this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
  ) {
    const principal = requireReader(request);
    await this.awaitPosition(minPosition);
    return (await this.queries.getCustomer(principal.tenantId, id)) ?? null;
  }

  @Query(() => CustomerConnectionType, { description: 'Registered customers ordered by id' })
  async customers(
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', { type: () => String, nullable: true }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
  ) {
    const principal = requireReader(request);
    if (!Number.isInteger(first) || first < 1 || first > CUSTOMER_PAGE_SIZE_MAX) throw new ApplicationError('VALIDATION_FAILED', `first must be from 1 to ${CUSTOMER_PAGE_SIZE_MAX}, got ${first}`);
    await this.awaitPosition(minPosition);
    return this.queries.listCustomers(principal.tenantId, first, after);
  }

  private async awaitPosition(minPosition: string | null): Promise<void> {
    if (!minPosition) return;
    const position = decodePosition(minPosition);
    const timeoutMs = this.services.config.readYourWritesTimeoutMs;
    if (!(await waitForProjections(this.services.db, ['customers'], position, timeoutMs))) {
      throw new ApplicationError('READ_MODEL_TIMEOUT', `the read models did not reach position ${minPosition} within ${timeoutMs} ms; retry, or check that projections are running`);
    }
  }
}
