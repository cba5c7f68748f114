import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { WebhookEvent } from '../../../../libs/billing/src/index.js';
import { Connection } from '../graphql/connection.types.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { WebhookEventEnum } from '../settings/settings.enums.js';

/**
 * Webhook deliveries (docs/webhooks.md): what was sent to each endpoint, attempt by attempt, and the replay of an
 * endpoint. Secrets never appear here: an attempt shows a status, a duration and a short error.
 */

export const WebhookDeliveryStatusEnum = { DELIVERED: 'delivered', FAILED: 'failed', GAVE_UP: 'gave_up' } as const;
export type WebhookDeliveryStatusValue = (typeof WebhookDeliveryStatusEnum)[keyof typeof WebhookDeliveryStatusEnum];
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description: 'DELIVERED: a 2xx answered; FAILED: the latest attempt failed and the next is scheduled (nextAttemptAt); GAVE_UP: ten attempts failed, the endpoint answered 410 Gone, or it could no longer receive the message',
});

@ObjectType('WebhookAttempt', { description: "One attempt of a delivery: the receiver's answer and how long it took" })
export class WebhookAttemptType {
  @Field(() => Int, { description: '1 to 10, within the round' }) attempt!: number;
  @Field(() => WebhookDeliveryStatusEnum) status!: WebhookDeliveryStatusValue;
  @Field(() => Int, { nullable: true, description: 'The HTTP status received; null when no response came (timeout, connection error)' }) responseStatus!: number | null;
  @Field(() => Int) durationMs!: number;
  @Field(() => String, { nullable: true, description: 'Why it failed, in at most 256 characters (never a whole response body, never a secret)' }) error!: string | null;
  @Field(() => DateTimeScalar, { description: "When it was made, on the tenant's clock" }) attemptedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true, description: "When the next attempt is due (on the tenant's clock); null when none is" }) nextAttemptAt!: string | null;
}

@ObjectType('WebhookDelivery', { description: 'A message (public event) delivered to one endpoint in one round: 0 for the live flow, one more per replay' })
export class WebhookDeliveryType {
  @Field(() => ID, { description: '<endpointId>:<messageId>:<round>' }) id!: string;
  @Field(() => ID) endpointId!: string;
  @Field(() => ID, { description: 'The public event id: the webhook-id header of every attempt and replay' }) messageId!: string;
  @Field(() => Int) round!: number;
  @Field(() => WebhookEventEnum) eventType!: WebhookEvent;
  @Field(() => String, { description: 'The event-log position of the event the message was made from' }) sourcePosition!: string;
  @Field(() => WebhookDeliveryStatusEnum) status!: WebhookDeliveryStatusValue;
  @Field(() => Int, { description: 'Attempts made in the round' }) attempts!: number;
  @Field(() => Int, { nullable: true, description: 'The latest attempt\'s HTTP status' }) responseStatus!: number | null;
  @Field(() => Int, { nullable: true, description: "The latest attempt's duration" }) durationMs!: number | null;
  @Field(() => String, { nullable: true, description: "The latest attempt's error" }) error!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) nextAttemptAt!: string | null;
  @Field(() => String, { nullable: true, description: 'Why a pending retry was given up without a request: ENDPOINT_REMOVED, ENDPOINT_DISABLED, FEATURE_DISABLED or NOT_SUBSCRIBED (lower case)' })
  abandonReason!: string | null;
  @Field(() => DateTimeScalar) firstAttemptedAt!: string;
  @Field(() => DateTimeScalar) lastAttemptedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) deliveredAt!: string | null;
  @Field(() => [WebhookAttemptType], { description: 'Every attempt of the round, first to last' }) attemptLog!: WebhookAttemptType[];
}

export const WebhookDeliveryConnectionType = Connection(WebhookDeliveryType, 'WebhookDelivery');

@InputType('WebhookDeliveryFilter')
export class WebhookDeliveryFilterInput {
  @Field(() => ID, { nullable: true }) endpointId?: string | null;
  @Field(() => WebhookDeliveryStatusEnum, { nullable: true }) status?: WebhookDeliveryStatusValue | null;
  @Field(() => WebhookEventEnum, { nullable: true }) eventType?: WebhookEvent | null;
  @Field(() => ID, { nullable: true, description: 'A public event id (webhook-id)' }) messageId?: string | null;
}

@InputType('ReplayWebhookEndpointInput')
export class ReplayWebhookEndpointInput {
  @Field(() => ID) endpointId!: string;
  @Field(() => String, { description: 'Re-send every message after this event-log position (a mutation\'s position), or "0" for the start of the log' }) fromPosition!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@ObjectType('WebhookEndpointFeed', { description: "Where an endpoint's messages come from, and how far its first attempts have got" })
export class WebhookEndpointFeedType {
  @Field(() => Int, { description: '0 for the live flow; each replay is the next round' }) round!: number;
  @Field(() => String, { description: 'The event-log position the feed (or its latest replay) started after' }) startedFrom!: string;
  @Field(() => String, { description: "The position through which the round's first attempts are recorded" }) cursor!: string;
  @Field(() => String, { description: 'ACTIVATED (added, enabled, webhooks turned on), FIRST_SEEN (configured before webhooks were delivered) or REPLAY (lower case)' })
  startReason!: string;
  @Field(() => DateTimeScalar) startedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) replayRequestedAt!: string | null;
  @Field(() => DateTimeScalar) updatedAt!: string;
}

@ObjectType('WebhookEndpointStatus')
export class WebhookEndpointStatusType {
  @Field(() => ID) endpointId!: string;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => Boolean, { description: 'features.webhooks: nothing is delivered while it is off' }) webhooksEnabled!: boolean;
  @Field(() => WebhookEndpointFeedType, { nullable: true, description: 'Null until the first event after the endpoint was added' }) feed!: WebhookEndpointFeedType | null;
}

@ObjectType('ReplayWebhookEndpointPayload')
export class ReplayWebhookEndpointPayloadType {
  @Field(() => ID) endpointId!: string;
  @Field(() => Int, { description: 'The round the replayed messages are delivered in' }) round!: number;
  @Field(() => String, { description: 'The position the replay starts after' }) fromPosition!: string;
  @Field(() => String, { description: 'The event-log position of the replay request: pass it as minPosition to read your write' }) position!: string;
}
