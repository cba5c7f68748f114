import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PAYMENT_PAGE_SIZE_MAX, PaymentQueries } from '../../../../projections/payments/payments.queries.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { cancelPayment, createPayment, markPaymentFailed, markPaymentProcessing, markPaymentSucceeded, refundPayment, retryPayment } from '../../../../libs/ledger-application/src/index.js';
import { paymentPayload } from './payment.payload.js';
import {
  CancelPaymentInput,
  CreatePaymentInput,
  MarkPaymentFailedInput,
  MarkPaymentProcessingInput,
  MarkPaymentSucceededInput,
  PaymentConnectionType,
  PaymentFilterInput,
  PaymentObjectType,
  PaymentPayloadType,
  RefundPaymentInput,
  RetryPaymentInput,
} from './payment.types.js';
import { paymentView } from './payment.view.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const READ_MODELS = ['payments'] as const;

/**
 * Resolvers only turn input into a command or a query (docs/architecture.md, Conventions 5): a mutation passes its
 * input to its handler in libs/ledger-application/src/payments/ and turns the outcome into its payload.
 */
@Resolver(() => PaymentObjectType)
export class PaymentsResolver {
  private readonly queries: PaymentQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new PaymentQueries(services.db);
  }

  @Mutation(() => PaymentPayloadType, {
    description: 'Records a payment (offline methods succeed at once and are allocated); the same reference and amount again answers the payment already recorded',
  })
  createPayment(@Args('input', { type: () => CreatePaymentInput }) input: CreatePaymentInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'createPayment', input, (context) => createPayment(this.services, context, input).then(paymentPayload));
  }

  @Mutation(() => PaymentPayloadType, { description: 'The gateway took the payment: pending -> processing' })
  markPaymentProcessing(@Args('input', { type: () => MarkPaymentProcessingInput }) input: MarkPaymentProcessingInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'markPaymentProcessing', input, (context) => markPaymentProcessing(this.services, context, input).then(paymentPayload));
  }

  @Mutation(() => PaymentPayloadType, { description: 'The gateway confirmed the payment: succeeded, then allocated' })
  markPaymentSucceeded(@Args('input', { type: () => MarkPaymentSucceededInput }) input: MarkPaymentSucceededInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'markPaymentSucceeded', input, (context) => markPaymentSucceeded(this.services, context, input).then(paymentPayload));
  }

  @Mutation(() => PaymentPayloadType, { description: 'The attempt failed; a retry is scheduled per the payment settings while any is left' })
  markPaymentFailed(@Args('input', { type: () => MarkPaymentFailedInput }) input: MarkPaymentFailedInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'markPaymentFailed', input, (context) => markPaymentFailed(this.services, context, input).then(paymentPayload));
  }

  @Mutation(() => PaymentPayloadType, { description: 'Starts the next attempt of a failed payment once it is due' })
  retryPayment(@Args('input', { type: () => RetryPaymentInput }) input: RetryPaymentInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'retryPayment', input, (context) => retryPayment(this.services, context, input).then(paymentPayload));
  }

  @Mutation(() => PaymentPayloadType, { description: 'Abandons a payment that has not succeeded' })
  cancelPayment(@Args('input', { type: () => CancelPaymentInput }) input: CancelPaymentInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'cancelPayment', input, (context) => cancelPayment(this.services, context, input).then(paymentPayload));
  }

  @Mutation(() => PaymentPayloadType, { description: "Refunds part or all of a payment; the invoices it paid reopen; STORE_CREDIT credits the customer's balance" })
  refundPayment(@Args('input', { type: () => RefundPaymentInput }) input: RefundPaymentInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'refundPayment', input, (context) => refundPayment(this.services, context, input).then(paymentPayload));
  }

  @Query(() => PaymentObjectType, { nullable: true })
  async payment(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until read models include this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const record = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new PaymentQueries(db, schema).getPayment(principal.tenantId, id), READ_MODELS);
    return record ? paymentView(record) : null;
  }

  @Query(() => PaymentConnectionType, { description: 'Payments, newest first' })
  async payments(
    @Args('filter', { type: () => PaymentFilterInput, nullable: true }) filter: PaymentFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', { type: () => String, nullable: true }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, PAYMENT_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new PaymentQueries(db, schema).listPayments(principal.tenantId, filter ?? {}, first, after), READ_MODELS);
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: paymentView(edge.node) })), pageInfo: page.pageInfo };
  }
}
