import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';
import { isLogPosition } from './log-position.js';
import { webhookFeedStartReasons } from './webhook-delivery.limits.js';

const { instant, identifier } = eventFields;
const logPosition = z.string().refine(isLogPosition, 'must be a log position <commit>.<prepare>');

/**
 * Where one endpoint's feed of messages starts: it receives the public events recorded after `fromPosition`. An
 * endpoint added or enabled (or webhooks turned on) starts at the settings event that did it, so it gets new events
 * only; one the dispatcher meets without a start (it was configured before webhooks were delivered) starts at the
 * head of the log as it then was. `round` is unchanged: a start moves the feed forward, only a replay goes back.
 */
export const webhookFeedStartedSchema = defineEventSchema(
  'WebhookFeedStarted',
  1,
  z.object({ endpointId: identifier, fromPosition: logPosition, round: z.number().int().min(0), reason: z.enum(webhookFeedStartReasons), startedAt: instant }),
);

/**
 * A replay: the endpoint's feed goes back to `fromPosition` and re-sends, in order, every message after it that the
 * endpoint subscribes to, with the same message ids, as a new `round` of attempts; then it carries on with new events.
 */
export const webhookReplayRequestedSchema = defineEventSchema(
  'WebhookReplayRequested',
  1,
  z.object({ endpointId: identifier, fromPosition: logPosition, round: z.number().int().min(1), requestedAt: instant }),
);

/** Every webhook endpoint feed event type, by its stored name. */
export const webhookEndpointFeedEventSchemas = {
  WebhookFeedStarted: webhookFeedStartedSchema,
  WebhookReplayRequested: webhookReplayRequestedSchema,
} as const;

export type WebhookEndpointFeedEventType = keyof typeof webhookEndpointFeedEventSchemas;
export const webhookEndpointFeedEventTypes = Object.keys(webhookEndpointFeedEventSchemas) as WebhookEndpointFeedEventType[];

export type WebhookFeedStarted = DomainEvent<'WebhookFeedStarted', z.infer<typeof webhookFeedStartedSchema.data>>;
export type WebhookReplayRequested = DomainEvent<'WebhookReplayRequested', z.infer<typeof webhookReplayRequestedSchema.data>>;
export type WebhookEndpointFeedEvent = WebhookFeedStarted | WebhookReplayRequested;
