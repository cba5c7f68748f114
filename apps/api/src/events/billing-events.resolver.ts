import { Inject } from '@nestjs/common';
import { Args, Context, Field, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLJSONObject } from './json.scalar.js';
import { tenantPrefix } from '../../../../libs/application/src/index.js';
import { decodePosition, encodePosition, type RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { ApplicationError } from '../graphql/application-error.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { requireReader, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { redactSecrets } from '../../../../projections/billing-settings/secret-redaction.js';

@ObjectType('BillingEvent')
export class BillingEventType {
  @Field(() => String, { description: 'Pass it back as fromPosition to resume after this event' }) position!: string;
  @Field(() => String) type!: string;
  @Field(() => String) streamId!: string;
  @Field(() => String) eventId!: string;
  @Field(() => String) revision!: string;
  @Field(() => DateTimeScalar) recordedAt!: string;
  @Field(() => GraphQLJSONObject) data!: Record<string, unknown>;
}

const MAX_TYPES = 50;

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
    data: redactSecrets(event.data),
  };
}

@Resolver(() => BillingEventType)
export class BillingEventsResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  /** Replays the tenant's events from a position (exclusive; the beginning when omitted), then stays live. */
  @Subscription(() => BillingEventType, { resolve: (payload: BillingEventType) => payload })
  billingEvents(
    @Args('fromPosition', { type: () => String, nullable: true }) fromPosition: string | null,
    @Args('types', { type: () => [String], nullable: true }) types: string[] | null,
    @Context() request: GraphQLRequestContext,
  ): AsyncIterableIterator<BillingEventType> {
    const principal = requireReader(request);
    if (types && types.length > MAX_TYPES) throw new ApplicationError('VALIDATION_FAILED', `at most ${MAX_TYPES} event types`);
    const subscription = this.services.store.subscribeToAll({
      fromPosition: fromPosition ? decodePosition(fromPosition) : 'start',
      filter: { streamPrefixes: [tenantPrefix(principal.tenantId)], ...(types && types.length > 0 ? { eventTypes: types } : {}) },
    });
    const iterator = subscription[Symbol.asyncIterator]();
    const gauge = this.services.metrics.openSubscriptions;
    gauge.inc();
    let open = true;
    const closeOnce = async () => {
      if (!open) return;
      open = false;
      gauge.dec();
      await subscription.close();
    };
    const stream: AsyncIterableIterator<BillingEventType> = {
      [Symbol.asyncIterator]: () => stream,
      next: async () => {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return { done: true, value: undefined };
          if (next.value.kind === 'event') return { done: false, value: toMessage(next.value.event) };
        }
      },
      return: async () => {
        await closeOnce();
        return { done: true, value: undefined };
      },
    };
    return stream;
  }
}
