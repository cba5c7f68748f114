import type { WebhookEvent } from '../billing-settings/billing-settings.js';
import type { DomainCommand } from '../common/command.js';
import type { WebhookAbandonReason, WebhookAttemptStatus } from './webhook-delivery.limits.js';
import type { WebhookMessageSource } from './webhook-message.events.js';

/**
 * Records one attempt to deliver a message to an endpoint, as it went (the HTTP exchange happened before the command:
 * the domain records and guards, the delivery itself is I/O). Stream: one per (endpoint, message).
 */
export type RecordWebhookAttempt = DomainCommand<
  'RecordWebhookAttempt',
  {
    endpointId: string;
    messageId: string;
    eventType: WebhookEvent;
    source: WebhookMessageSource;
    /** 0 for the live feed; each replay of the endpoint is the next round. */
    round: number;
    /** 1-based within the round. */
    attempt: number;
    status: WebhookAttemptStatus;
    responseStatus: number | null;
    durationMs: number;
    error: string | null;
    /** Required when failed (a later instant than the command's now), null otherwise. */
    nextAttemptAt: string | null;
  }
>;

/** Gives up a message waiting for a retry, because its endpoint can no longer receive it. */
export type AbandonWebhookDelivery = DomainCommand<'AbandonWebhookDelivery', { endpointId: string; messageId: string; round: number; reason: WebhookAbandonReason }>;

export type WebhookMessageCommand = RecordWebhookAttempt | AbandonWebhookDelivery;
