import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import { replayWebhookEndpoint, webhookEndpointStatus } from '../../../../libs/ledger-application/src/webhooks/index.js';
import { WEBHOOK_DELIVERIES_PROJECTION } from '../../../../projections/webhook-deliveries/webhook-deliveries.projection.js';
import { WEBHOOK_DELIVERY_PAGE_SIZE_MAX, WebhookDeliveryQueries } from '../../../../projections/webhook-deliveries/webhook-deliveries.queries.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import {
  ReplayWebhookEndpointInput,
  ReplayWebhookEndpointPayloadType,
  WebhookDeliveryConnectionType,
  WebhookDeliveryFilterInput,
  WebhookDeliveryType,
  WebhookEndpointStatusType,
} from './webhook.types.js';
import { webhookDeliveryView, webhookEndpointStatusView } from './webhook.view.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const READ_MODELS = [WEBHOOK_DELIVERIES_PROJECTION] as const;
const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the read models include this position' } as const;

/**
 * Webhook deliveries and replays (docs/webhooks.md). Deliveries are read from the webhook_deliveries read model; a replay
 * is a command on the endpoint's feed, which the dispatcher follows. Resolvers only translate (Conventions 5).
 */
@Resolver(() => WebhookDeliveryType)
export class WebhooksResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Query(() => WebhookDeliveryConnectionType, { description: 'Webhook deliveries, newest first: one per message, endpoint and round, with every attempt' })
  async webhookDeliveries(
    @Args('filter', { type: () => WebhookDeliveryFilterInput, nullable: true }) filter: WebhookDeliveryFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, WEBHOOK_DELIVERY_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new WebhookDeliveryQueries(db, schema).listDeliveries(principal.tenantId, filter ?? {}, first, after), READ_MODELS);
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: webhookDeliveryView(edge.node) })), pageInfo: page.pageInfo };
  }

  @Query(() => WebhookEndpointStatusType, { nullable: true, description: "An endpoint's feed: its round and how far its first attempts have got; null when the settings have no such endpoint" })
  async webhookEndpointStatus(
    @Args('endpointId', { type: () => ID }) endpointId: string,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ): Promise<WebhookEndpointStatusType | null> {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, [...READ_MODELS, 'billing_settings']);
    const status = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => webhookEndpointStatus({ db }, principal.tenantId, endpointId, schema), [...READ_MODELS, 'billing_settings']);
    return status === null ? null : webhookEndpointStatusView(status);
  }

  @Mutation(() => ReplayWebhookEndpointPayloadType, {
    description: 'Re-sends, in order, every message after fromPosition that the endpoint subscribes to, with the same webhook-ids, as a new round; then the endpoint carries on with new events',
  })
  replayWebhookEndpoint(@Args('input', { type: () => ReplayWebhookEndpointInput }) input: ReplayWebhookEndpointInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'replayWebhookEndpoint', input, (context) =>
      replayWebhookEndpoint(this.services, context, input).then(
        ({ state, position }): ReplayWebhookEndpointPayloadType => ({
          endpointId: input.endpointId,
          round: state.round,
          fromPosition: state.fromPosition ?? '0.0',
          position: encodePosition(position ?? START_POSITION),
        }),
      ),
    );
  }
}
