import { Inject } from '@nestjs/common';
import { Args, Context, Field, ID, Int, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import { publicEventSourceTypesOf, publicEventsOf, type PublicEvent, type WebhookEvent } from '../../../../libs/billing/src/index.js';
import { tenantPrefix } from '../../../../libs/application/src/index.js';
import { decodePosition } from '../../../../libs/event-store/src/index.js';
import { GraphQLJSONObject } from '../events/json.scalar.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { requireReader, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { eventSubscription } from '../events/event-subscription.js';
import { WebhookEventEnum } from '../settings/settings.enums.js';
import { publicSourceOf } from '../../../../libs/ledger-application/src/index.js';

@ObjectType('PublicEvent', { description: 'A public event (docs/public-events.md): the payload a webhook receives, with its envelope' })
export class PublicEventType {
  @Field(() => ID, { description: "The webhook-id a webhook delivery carries: the same on every delivery of this event" }) id!: string;
  @Field(() => WebhookEventEnum) type!: WebhookEvent;
  @Field(() => Int, { description: "The version of the type's payload schema (GET /events/schema)" }) version!: number;
  @Field(() => DateTimeScalar, { description: "When it happened on the tenant's clock" }) occurredAt!: string;
  @Field(() => String, { description: 'Pass it back as fromPosition to resume after this event (events of one internal event share it)' }) position!: string;
  @Field(() => GraphQLJSONObject, { description: 'The payload, as in the webhook body; amounts are decimal strings' }) data!: Record<string, unknown>;
}

function toMessage(event: PublicEvent): PublicEventType {
  return { id: event.id, type: event.type, version: event.version, occurredAt: event.occurredAt, position: event.position, data: event.data as Record<string, unknown> };
}

@Resolver(() => PublicEventType)
export class PublicEventsResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  /**
   * The tenant's public events from a position (exclusive; the beginning when omitted), then live: the same payloads
   * and ids as webhooks. Built on the event store's subscriptions like billingEvents: each reads its catch-up pages
   * and then attaches to the process's one reader of the log's live end, filtered to the internal event types that
   * can give the types asked for.
   */
  @Subscription(() => PublicEventType, { resolve: (payload: PublicEventType) => payload })
  publicEvents(
    @Args('types', { type: () => [WebhookEventEnum], nullable: true, description: 'Only these types (all when omitted or empty)' }) types: WebhookEvent[] | null,
    @Args('fromPosition', { type: () => String, nullable: true }) fromPosition: string | null,
    @Context() request: GraphQLRequestContext,
  ): AsyncIterableIterator<PublicEventType> {
    const principal = requireReader(request);
    const start = fromPosition ? decodePosition(fromPosition) : 'start';
    const wanted = new Set<WebhookEvent>(types ?? []);
    return eventSubscription(
      this.services,
      { fromPosition: start, filter: { streamPrefixes: [tenantPrefix(principal.tenantId)], eventTypes: publicEventSourceTypesOf([...wanted]) } },
      (recorded) =>
        publicEventsOf(publicSourceOf(recorded))
          .filter((event) => event.tenantId === principal.tenantId && (wanted.size === 0 || wanted.has(event.type)))
          .map(toMessage),
    );
  }
}
