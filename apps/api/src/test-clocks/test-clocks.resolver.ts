import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import { advanceTestClock, createTestClock, deleteTestClock, tenantTestClock, tenantTime } from '../../../../libs/ledger-application/src/index.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels } from '../settings/read-your-writes.js';
import { testClockPayload, testClockView } from './test-clock.view.js';
import {
  AdvanceTestClockInput,
  AdvanceTestClockPayloadType,
  CreateTestClockInput,
  DeleteTestClockInput,
  TenantTimeType,
  TestClockPayloadType,
  TestClockType,
} from './test-clock.types.js';

/**
 * Test clocks (one per tenant) and the tenant's time. The mutations are for sandbox tenants: a clock moves the whole
 * tenant's time, for good (admin only, see libs/access/src/operation-roles.ts). Resolvers only translate
 * (docs/architecture.md, Conventions 5).
 */
@Resolver(() => TestClockType)
export class TestClocksResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Mutation(() => TestClockPayloadType, { description: "Attaches a test clock to the tenant, frozen at frozenTime: the tenant's time is the clock's from now on (one clock per tenant, created once)" })
  createTestClock(@Args('input', { type: () => CreateTestClockInput }) input: CreateTestClockInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'createTestClock', input, (context) => createTestClock(this.services, context, input).then(testClockPayload));
  }

  @Mutation(() => AdvanceTestClockPayloadType, {
    description: "Moves the tenant's test clock forward to `to`, then runs all the tenant's work due up to it, in order, each piece at its own due instant",
  })
  advanceTestClock(@Args('input', { type: () => AdvanceTestClockInput }) input: AdvanceTestClockInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'advanceTestClock', input, (context) =>
      advanceTestClock(this.services, this.services.scheduler, context, input).then(
        ({ state, position, dueWork }): AdvanceTestClockPayloadType => ({ testClock: testClockView(state), dueWork, position: encodePosition(position ?? START_POSITION) }),
      ),
    );
  }

  @Mutation(() => TestClockPayloadType, { description: "Detaches the tenant's test clock for good: the tenant is on real time again" })
  deleteTestClock(@Args('input', { type: () => DeleteTestClockInput }) input: DeleteTestClockInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'deleteTestClock', input, (context) => deleteTestClock(this.services, context, input).then(testClockPayload));
  }

  @Query(() => TestClockType, { nullable: true, description: "The tenant's test clock (active or deleted), or null when it never had one" })
  async testClock(@Context() request: GraphQLRequestContext) {
    const principal = requireReader(request);
    const state = await tenantTestClock(this.services, principal.tenantId);
    return state === null ? null : testClockView(state);
  }

  @Query(() => TenantTimeType, { description: "The tenant's time: the now its next command will carry (real time or its test clock) and that day in its time zone" })
  async tenantTime(
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until the tenant profile includes this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
  ): Promise<TenantTimeType> {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, ['billing_settings']);
    const time = await tenantTime(this.services, principal.tenantId);
    return { now: time.now, today: time.today, timeZone: time.timeZone, testClockId: time.testClock?.clockId ?? null };
  }
}
