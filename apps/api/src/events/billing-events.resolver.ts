import { Inject } from '@nestjs/common';
import { Args, Context, Field, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLJSONObject } from './json.scalar.js';
import { tenantPrefix } from '../../../../libs/application/src/index.js';
import { decodePosition, encodePosition, type RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { ApplicationError } from '../graphql/application-error.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { requireReader, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { eventSubscription } from './event-subscription.js';
import { redactSecrets } from '../../../../projections/billing-settings/secret-redaction.js';
import { EventActorType, eventMetadataView } from './event-metadata.types.js';

@ObjectType('BillingEvent')
export class BillingEventType {
  @Field(() => String, { description: 'Pass it back as fromPosition to resume after this event' }) position!: string;
  @Field(() => String) type!: string;
  @Field(() => String) streamId!: string;
  @Field(() => String) eventId!: string;
  @Field(() => String) revision!: string;
  @Field(() => DateTimeScalar) recordedAt!: string;
  @Field(() => GraphQLJSONObject) data!: Record<string, unknown>;
  @Field(() => EventActorType, { nullable: true, description: 'Who ran the command that recorded the event; null only on events recorded without an actor' }) actor!: EventActorType | null;
  @Field(() => String, { nullable: true, description: 'The command that recorded the event' }) commandId!: string | null;
  @Field(() => String, { nullable: true, description: 'Shared by every event of one request and of what it set off' }) correlationId!: string | null;
  @Field(() => String, { nullable: true, description: 'What caused the command: a command id, or the id of the event a process manager reacted to' }) causationId!: string | null;
}

const MAX_TYPES = 50;
const MAX_STREAM_FILTERS = 100;
const CATEGORY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const STREAM_PATTERN = /^[a-z][a-z0-9_]{0,62}-[^\s:]{1,300}$/;

/**
 * The tenant's prefix, narrowed to the categories and streams asked for (never wider than the tenant), and which
 * delivered events to pass on: a prefix filter on "invoice-ab" would also pass "invoice-abc", so exact streams are
 * checked again on delivery.
 */
function streamFilterFor(tenantId: string, categories: string[] | null, streams: string[] | null): { streamPrefixes: string[]; wanted: (streamId: string) => boolean } {
  const prefix = tenantPrefix(tenantId);
  const filterCount = (categories?.length ?? 0) + (streams?.length ?? 0);
  if (filterCount > MAX_STREAM_FILTERS) throw new ApplicationError('VALIDATION_FAILED', `at most ${MAX_STREAM_FILTERS} categories and streams together`);
  for (const category of categories ?? []) {
    if (!CATEGORY_PATTERN.test(category)) throw new ApplicationError('VALIDATION_FAILED', `"${category.slice(0, 70)}" is not a stream category: use a name such as "invoice" or "billing_settings"`);
  }
  for (const stream of streams ?? []) {
    if (!STREAM_PATTERN.test(stream)) throw new ApplicationError('VALIDATION_FAILED', `"${stream.slice(0, 70)}" is not a stream: use streamId without the tenant, e.g. "invoice-<id>"`);
  }
  if (filterCount === 0) return { streamPrefixes: [prefix], wanted: () => true };
  const categoryPrefixes = (categories ?? []).map((category) => `${prefix}${category}-`);
  const streamIds = (streams ?? []).map((stream) => `${prefix}${stream}`);
  const exactStreams = new Set(streamIds);
  return {
    streamPrefixes: [...categoryPrefixes, ...streamIds],
    wanted: (streamId) => exactStreams.size === 0 || exactStreams.has(streamId) || categoryPrefixes.some((categoryPrefix) => streamId.startsWith(categoryPrefix)),
  };
}

function toMessage(event: RecordedEvent): BillingEventType {
  return {
    position: encodePosition(event.position),
    type: event.type,
    streamId: event.streamId,
    eventId: event.eventId,
    revision: event.revision.toString(),
    recordedAt: event.recordedAt.toISOString(),
    // Settings events carry webhook secrets (the domain replays them); no subscriber may see one. Every event is
    // walked, not only the settings types, so an event type added later cannot leak a `secret` either.
    data: maskGatewayTokens(redactSecrets(event.data)),
    // Only the actor and the command's ids of the metadata (which holds no secret): see eventMetadataView.
    ...eventMetadataView(event.metadata),
  };
}

const GATEWAY_TOKEN_MASK = '********';
const GATEWAY_TOKEN_DEPTH_MAX = 32;

/**
 * Payment-method events carry the gateway token (the decider needs it to recognise a re-sent add). A token charges
 * the customer's instrument, so no subscriber sees it: every `gatewayToken` string is masked whole, at any depth.
 */
function maskGatewayTokens<Value>(value: Value, depth = 0): Value {
  if (depth > GATEWAY_TOKEN_DEPTH_MAX) throw new Error(`maskGatewayTokens: value nested deeper than ${GATEWAY_TOKEN_DEPTH_MAX} levels`);
  if (Array.isArray(value)) return value.map((item: unknown) => maskGatewayTokens(item, depth + 1)) as Value;
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = key === 'gatewayToken' && typeof item === 'string' ? GATEWAY_TOKEN_MASK : maskGatewayTokens(item, depth + 1);
  }
  return copy as Value;
}

@Resolver(() => BillingEventType)
export class BillingEventsResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  /** Replays the tenant's events from a position (exclusive; the beginning when omitted), then stays live. */
  @Subscription(() => BillingEventType, { resolve: (payload: BillingEventType) => payload })
  billingEvents(
    @Args('fromPosition', { type: () => String, nullable: true }) fromPosition: string | null,
    @Args('types', { type: () => [String], nullable: true }) types: string[] | null,
    @Args('categories', { type: () => [String], nullable: true, description: 'Stream categories, e.g. "invoice", "receipt", "billing_settings", "subscription" (Subscription* and Service* events)' }) categories: string[] | null,
    @Args('streams', { type: () => [String], nullable: true, description: 'Exact streams, as streamId shows them without the tenant, e.g. "invoice-<id>"' }) streams: string[] | null,
    @Context() request: GraphQLRequestContext,
  ): AsyncIterableIterator<BillingEventType> {
    const principal = requireReader(request);
    if (types && types.length > MAX_TYPES) throw new ApplicationError('VALIDATION_FAILED', `at most ${MAX_TYPES} event types`);
    const { streamPrefixes, wanted } = streamFilterFor(principal.tenantId, categories, streams);
    return eventSubscription(
      this.services,
      { fromPosition: fromPosition ? decodePosition(fromPosition) : 'start', filter: { streamPrefixes, ...(types && types.length > 0 ? { eventTypes: types } : {}) } },
      (event) => (wanted(event.streamId) ? [toMessage(event)] : []),
    );
  }
}
