import { z } from 'zod';
import { webhookEvents } from '../billing-settings/billing-settings.js';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';
import { isLogPosition } from './log-position.js';
import { webhookAbandonReasons, webhookAttemptStatuses, webhookDeliveryLimits } from './webhook-delivery.limits.js';

const { instant, identifier } = eventFields;
const logPosition = z.string().refine(isLogPosition, 'must be a log position <commit>.<prepare>');

/**
 * The internal event a message was made from, so that a retry (another process, days later) finds it and sends the
 * very same body: its id, its stream and revision (one indexed read), and its position in the log.
 */
export const webhookMessageSourceSchema = z.object({
  eventId: identifier,
  streamId: z.string().min(1),
  revision: z.string().regex(/^\d{1,20}$/, 'must be a stream revision'),
  position: logPosition,
});

/**
 * One attempt to deliver a message (a public event, `messageId` = its id = `webhook-id`) to one endpoint. Every attempt
 * is recorded, delivered or not: the number within its round (a replay starts a new round), what the receiver
 * answered and how long it took, a short error (never a whole body, never a secret) and, for a failure, when the next
 * attempt is due on the tenant's clock. `attemptedAt` is the tenant's time of the attempt (real time, or its test
 * clock). The endpoint's URL is not recorded: it may carry a token.
 */
export const webhookDeliveryAttemptedSchema = defineEventSchema(
  'WebhookDeliveryAttempted',
  1,
  z.object({
    endpointId: identifier,
    messageId: identifier,
    eventType: z.enum(webhookEvents),
    source: webhookMessageSourceSchema,
    round: z.number().int().min(0),
    attempt: z.number().int().min(1).max(webhookDeliveryLimits.attemptsMax),
    status: z.enum(webhookAttemptStatuses),
    responseStatus: z.number().int().min(100).max(599).nullable(),
    durationMs: z.number().int().min(0),
    error: z.string().max(webhookDeliveryLimits.errorLengthMax).nullable(),
    attemptedAt: instant,
    nextAttemptAt: instant.nullable(),
  }),
);

/**
 * A message waiting for a retry given up without one, because its endpoint can no longer receive it (removed,
 * disabled, webhooks off, or the type unsubscribed). `attempts` is how many were made in the round.
 */
export const webhookDeliveryAbandonedSchema = defineEventSchema(
  'WebhookDeliveryAbandoned',
  1,
  z.object({
    endpointId: identifier,
    messageId: identifier,
    eventType: z.enum(webhookEvents),
    source: webhookMessageSourceSchema,
    round: z.number().int().min(0),
    attempts: z.number().int().min(1).max(webhookDeliveryLimits.attemptsMax),
    reason: z.enum(webhookAbandonReasons),
    abandonedAt: instant,
  }),
);

/** Every webhook message event type, by its stored name. */
export const webhookMessageEventSchemas = {
  WebhookDeliveryAttempted: webhookDeliveryAttemptedSchema,
  WebhookDeliveryAbandoned: webhookDeliveryAbandonedSchema,
} as const;

export type WebhookMessageEventType = keyof typeof webhookMessageEventSchemas;
export const webhookMessageEventTypes = Object.keys(webhookMessageEventSchemas) as WebhookMessageEventType[];

export type WebhookMessageSource = z.infer<typeof webhookMessageSourceSchema>;
export type WebhookDeliveryAttempted = DomainEvent<'WebhookDeliveryAttempted', z.infer<typeof webhookDeliveryAttemptedSchema.data>>;
export type WebhookDeliveryAbandoned = DomainEvent<'WebhookDeliveryAbandoned', z.infer<typeof webhookDeliveryAbandonedSchema.data>>;
export type WebhookMessageEvent = WebhookDeliveryAttempted | WebhookDeliveryAbandoned;
