import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PAYMENT_METHOD_PAGE_SIZE_MAX, PaymentMethodQueries } from '../../../../projections/payment-methods/payment-methods.queries.js';
import { addPaymentMethod, deactivatePaymentMethod, expirePaymentMethod, failPaymentMethodVerification, verifyPaymentMethod } from '../../../../libs/ledger-application/src/index.js';
import { paymentMethodPayload } from './payment-method.payload.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import {
  AddPaymentMethodInput,
  DeactivatePaymentMethodInput,
  ExpirePaymentMethodInput,
  FailPaymentMethodVerificationInput,
  PaymentMethodConnectionType,
  PaymentMethodObjectType,
  PaymentMethodPayloadType,
  PaymentMethodStatus,
  VerifyPaymentMethodInput,
} from './payment-method.types.js';
import { paymentMethodViewFromRecord } from './payment-method.view.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const READ_MODELS = ['payment_methods'] as const;

/** Resolvers only turn input into a command or a query (docs/architecture.md, Conventions 5). */
@Resolver(() => PaymentMethodObjectType)
export class PaymentMethodsResolver {
  private readonly queries: PaymentMethodQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new PaymentMethodQueries(services.db);
  }

  @Mutation(() => PaymentMethodPayloadType, { description: 'Puts a payment method on file: a gateway token, brand, last 4 digits and expiry; never a full card number' })
  addPaymentMethod(@Args('input', { type: () => AddPaymentMethodInput }) input: AddPaymentMethodInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'addPaymentMethod', input, (context) => addPaymentMethod(this.services, context, input).then(paymentMethodPayload));
  }

  @Mutation(() => PaymentMethodPayloadType, { description: 'The verification succeeded: the method becomes active' })
  verifyPaymentMethod(@Args('input', { type: () => VerifyPaymentMethodInput }) input: VerifyPaymentMethodInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'verifyPaymentMethod', input, (context) => verifyPaymentMethod(this.services, context, input).then(paymentMethodPayload));
  }

  @Mutation(() => PaymentMethodPayloadType, { description: 'The verification failed: the method cannot be charged' })
  failPaymentMethodVerification(
    @Args('input', { type: () => FailPaymentMethodVerificationInput }) input: FailPaymentMethodVerificationInput,
    @Context() request: GraphQLRequestContext,
  ) {
    return runMutation(this.services, request, 'failPaymentMethodVerification', input, (context) => failPaymentMethodVerification(this.services, context, input).then(paymentMethodPayload));
  }

  @Mutation(() => PaymentMethodPayloadType, { description: 'Marks a method expired once its expiry month has passed' })
  expirePaymentMethod(@Args('input', { type: () => ExpirePaymentMethodInput }) input: ExpirePaymentMethodInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'expirePaymentMethod', input, (context) => expirePaymentMethod(this.services, context, input).then(paymentMethodPayload));
  }

  @Mutation(() => PaymentMethodPayloadType, { description: 'Takes a method out of use for good' })
  deactivatePaymentMethod(@Args('input', { type: () => DeactivatePaymentMethodInput }) input: DeactivatePaymentMethodInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'deactivatePaymentMethod', input, (context) => deactivatePaymentMethod(this.services, context, input).then(paymentMethodPayload));
  }

  @Query(() => PaymentMethodObjectType, { nullable: true })
  async paymentMethod(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until read models include this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const record = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new PaymentMethodQueries(db, schema).getPaymentMethod(principal.tenantId, id), READ_MODELS);
    return record ? paymentMethodViewFromRecord(record) : null;
  }

  @Query(() => PaymentMethodConnectionType, { description: 'Payment methods on file, newest first' })
  async paymentMethods(
    @Args('customerId', { type: () => String, nullable: true }) customerId: string | null,
    @Args('status', { type: () => PaymentMethodStatus, nullable: true }) status: PaymentMethodStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', { type: () => String, nullable: true }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, PAYMENT_METHOD_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new PaymentMethodQueries(db, schema).listPaymentMethods(principal.tenantId, { customerId, status }, first, after), READ_MODELS);
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: paymentMethodViewFromRecord(edge.node) })), pageInfo: page.pageInfo };
  }
}
