import { Inject } from '@nestjs/common';
import { Args, Context, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import { priceItems } from '../../../../libs/ledger-application/src/pricing/index.js';
import {
  activateSubscription,
  cancelSubscription,
  changeSubscription,
  createSubscription,
  previewSubscriptionChange,
  resumeSubscription,
  suspendSubscription,
  upcomingInvoice,
  withdrawCancellation,
  type SubscriptionOutcome,
  type SubscriptionServices,
} from '../../../../libs/ledger-application/src/subscriptions/index.js';
import { SUBSCRIPTION_PAGE_SIZE_MAX, SubscriptionQueries, type SubscriptionChargeRecord, type SubscriptionRecord } from '../../../../projections/subscriptions/subscriptions.queries.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { selectsField } from '../as-of/selection.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import {
  CancelSubscriptionInput,
  ChangeSubscriptionInput,
  CreateSubscriptionInput,
  PreviewSubscriptionChangeInput,
  SubscriptionChangePreviewType,
  SubscriptionChargeType,
  SubscriptionConnectionType,
  SubscriptionFilterInput,
  SubscriptionIdInput,
  SubscriptionPayloadType,
  SubscriptionType,
  SuspendSubscriptionInput,
  UpcomingInvoiceType,
} from './subscription.types.js';
import { chargeLineView, chargeView, creditNotePreviewView, invoicePreviewView, subscriptionViewFromRecord, subscriptionViewFromState } from './subscription.view.js';

const READ_MODELS = ['subscriptions'] as const;
const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the read models include this position' } as const;
const AS_OF = { type: () => String, nullable: true, description: AS_OF_DESCRIPTION } as const;
const AS_OF_TIME = { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION } as const;

/**
 * The charges of a subscription read as of a position, keyed by the view the query returned: `charges` must not read
 * the live table after the as-of transaction has ended, so the query reads them inside it when they are selected.
 */
const chargesAsOf = new WeakMap<SubscriptionType, readonly SubscriptionChargeRecord[]>();

/** A mutation's answer: the subscription as its events left it, and the documents it issued. */
function subscriptionPayload({ state, position, documents }: SubscriptionOutcome): SubscriptionPayloadType {
  return {
    subscription: subscriptionViewFromState(state),
    position: encodePosition(position ?? START_POSITION),
    invoiceId: documents.find((document) => document.invoiceId !== null)?.invoiceId ?? null,
    creditNoteId: documents.find((document) => document.creditNoteId !== null)?.creditNoteId ?? null,
  };
}

/**
 * Subscriptions (docs/domain.md, "Subscriptions"). Mutations turn input into a command (the handlers read the catalog,
 * the settings and the tenant's clock); queries read the subscriptions read model; the two previews run the posting's
 * own code on the streams and store nothing. Resolvers only translate (Conventions 5).
 */
@Resolver(() => SubscriptionType)
export class SubscriptionsResolver {
  private readonly queries: SubscriptionQueries;
  /** The services with the pricing function: items are priced by the tenant's rules when they take their terms. */
  private readonly subscriptionServices: SubscriptionServices;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new SubscriptionQueries(services.db);
    this.subscriptionServices = { ...services, pricing: (tenantId, input) => priceItems(services, tenantId, input) };
  }

  @Mutation(() => SubscriptionPayloadType, { description: 'Subscribes a customer to a plan version (and add-ons), priced by the pricing rules; the scheduler bills each period as it falls due' })
  createSubscription(@Args('input', { type: () => CreateSubscriptionInput }) input: CreateSubscriptionInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'createSubscription', input, (context) => createSubscription(this.subscriptionServices, context, input).then(subscriptionPayload));
  }

  @Mutation(() => SubscriptionPayloadType, { description: 'Moves an item to another plan version and/or quantity, now or at the period end, with the proration behaviour asked' })
  changeSubscription(@Args('input', { type: () => ChangeSubscriptionInput }) input: ChangeSubscriptionInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'changeSubscription', input, (context) => changeSubscription(this.subscriptionServices, context, input).then(subscriptionPayload));
  }

  @Mutation(() => SubscriptionPayloadType, { description: 'Cancels now (its final lines invoiced and credited now) or at the end of the current period' })
  cancelSubscription(@Args('input', { type: () => CancelSubscriptionInput }) input: CancelSubscriptionInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'cancelSubscription', input, (context) => cancelSubscription(this.services, context, input).then(subscriptionPayload));
  }

  @Mutation(() => SubscriptionPayloadType, { description: 'Withdraws a scheduled cancellation before it takes effect' })
  withdrawSubscriptionCancellation(@Args('input', { type: () => SubscriptionIdInput }) input: SubscriptionIdInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'withdrawSubscriptionCancellation', input, (context) => withdrawCancellation(this.services, context, input).then(subscriptionPayload));
  }

  @Mutation(() => SubscriptionPayloadType, { description: "Suspends the service from today; billing continues or pauses as the tenant's policy says" })
  suspendSubscription(@Args('input', { type: () => SuspendSubscriptionInput }) input: SuspendSubscriptionInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'suspendSubscription', input, (context) => suspendSubscription(this.services, context, input).then(subscriptionPayload));
  }

  @Mutation(() => SubscriptionPayloadType, { description: 'Resumes a suspended subscription today' })
  resumeSubscription(@Args('input', { type: () => SubscriptionIdInput }) input: SubscriptionIdInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'resumeSubscription', input, (context) => resumeSubscription(this.services, context, input).then(subscriptionPayload));
  }

  @Mutation(() => SubscriptionPayloadType, { description: 'Activates a pending subscription today (before its start date: the service was delivered early)' })
  activateSubscription(@Args('input', { type: () => SubscriptionIdInput }) input: SubscriptionIdInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'activateSubscription', input, (context) => activateSubscription(this.services, context, input).then(subscriptionPayload));
  }

  @Query(() => SubscriptionType, { nullable: true })
  async subscription(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('asOf', AS_OF) asOf: string | null = null,
    @Args('asOfTime', AS_OF_TIME) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    return readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, async (db, schema) => {
      const queries = new SubscriptionQueries(db, schema);
      const record = await queries.getSubscription(principal.tenantId, id);
      if (!record) return null;
      return (await this.views(queries, principal.tenantId, [record], asOf !== null || asOfTime !== null, info))[0] ?? null;
    }, READ_MODELS);
  }

  @Query(() => SubscriptionConnectionType, { description: 'Subscriptions ordered by id (by next bill date, then id, with nextBillBefore)' })
  async subscriptions(
    @Args('filter', { type: () => SubscriptionFilterInput, nullable: true }) filter: SubscriptionFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('asOf', AS_OF) asOf: string | null = null,
    @Args('asOfTime', AS_OF_TIME) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, SUBSCRIPTION_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    return readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, async (db, schema) => {
      const queries = new SubscriptionQueries(db, schema);
      const page = await queries.listSubscriptions(principal.tenantId, filter ?? {}, first, after);
      const nodes = await this.views(queries, principal.tenantId, page.edges.map((edge) => edge.node), asOf !== null || asOfTime !== null, info);
      return { edges: page.edges.map((edge, index) => ({ cursor: edge.cursor, node: nodes[index] as SubscriptionType })), pageInfo: page.pageInfo };
    }, READ_MODELS);
  }

  /** The views of these records with their items; as of a position, with their charges too when selected (read in the same transaction). */
  private async views(queries: SubscriptionQueries, tenantId: string, records: readonly SubscriptionRecord[], asOf: boolean, info: GraphQLResolveInfo): Promise<SubscriptionType[]> {
    const items = await queries.itemsOf(tenantId, records.map((record) => record.id));
    const views = records.map((record) => subscriptionViewFromRecord(record, items.get(record.id) ?? []));
    if (asOf && selectsField(info, 'charges')) {
      for (const view of views) chargesAsOf.set(view, await queries.chargesOf(tenantId, view.id, view.currency));
    }
    return views;
  }

  @Query(() => UpcomingInvoiceType, { nullable: true, description: 'The next bill, decided by the renewal\'s own code on the same inputs and stored nowhere; null when no period is left to bill' })
  async upcomingInvoice(@Args('subscriptionId', { type: () => ID }) subscriptionId: string, @Context() request: GraphQLRequestContext): Promise<UpcomingInvoiceType | null> {
    const principal = requireReader(request);
    const upcoming = await upcomingInvoice(this.services, principal.tenantId, subscriptionId);
    if (upcoming === null) return null;
    return {
      subscriptionId: upcoming.subscriptionId,
      period: upcoming.period,
      billDate: upcoming.billDate,
      billAt: upcoming.billAt,
      lines: upcoming.lines.map((line) => chargeLineView(line, upcoming.currency)),
      total: { amount: upcoming.total, currency: upcoming.currency },
      invoice: upcoming.invoice === null ? null : invoicePreviewView(upcoming.invoice),
      creditNote: upcoming.creditNote === null ? null : creditNotePreviewView(upcoming.creditNote),
    };
  }

  @Query(() => SubscriptionChangePreviewType, { description: 'What changeSubscription with this input would do now, decided by the same code and stored nowhere' })
  async previewSubscriptionChange(@Args('input', { type: () => PreviewSubscriptionChangeInput }) input: PreviewSubscriptionChangeInput, @Context() request: GraphQLRequestContext): Promise<SubscriptionChangePreviewType> {
    const principal = requireReader(request);
    const preview = await previewSubscriptionChange(this.subscriptionServices, principal.tenantId, input);
    return {
      subscriptionId: preview.subscriptionId,
      effective: preview.effective,
      effectiveDate: preview.effectiveDate,
      direction: preview.direction,
      lines: preview.lines.map((line) => chargeLineView(line, preview.currency)),
      invoicedNow: preview.invoicedNow,
      invoice: preview.invoice === null ? null : invoicePreviewView(preview.invoice),
      creditNote: preview.creditNote === null ? null : creditNotePreviewView(preview.creditNote),
    };
  }

  @ResolveField('charges', () => [SubscriptionChargeType], { description: 'What each charge posted, oldest first (the latest 100), from the read model' })
  async charges(@Parent() subscription: SubscriptionType, @Context() request: GraphQLRequestContext): Promise<SubscriptionChargeType[]> {
    const principal = requireReader(request);
    return (chargesAsOf.get(subscription) ?? (await this.queries.chargesOf(principal.tenantId, subscription.id, subscription.currency))).map(chargeView);
  }
}
