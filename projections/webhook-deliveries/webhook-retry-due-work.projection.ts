import { webhookMessageEventTypes, type WebhookMessageSource } from '../../libs/billing/src/index.js';
import { aggregates } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { dueWorkProjection, type DueWorkChanges, type DueWorkProjection } from '../../libs/scheduler/src/index.js';

/** The due-work kind of a webhook retry (its handler: libs/ledger-application/src/webhooks/webhook-retry.handlers.ts). */
export const WEBHOOK_RETRY_WORK_KIND = 'webhook.retry';

/** What a retry carries to its handler: which attempt of which message to which endpoint, and where the message comes from. */
export interface WebhookRetryPayload {
  readonly endpointId: string;
  readonly messageId: string;
  readonly eventType: string;
  readonly round: number;
  /** The attempt to make (the one after the failure that stated it). */
  readonly attempt: number;
  readonly source: WebhookMessageSource;
}

/** `webhook:<endpoint>:<message>:<round>:<attempt>`: each attempt its own obligation (and its own command id). */
export function webhookRetryWorkKey(endpointId: string, messageId: string, round: number, attempt: number): string {
  return `webhook:${endpointId}:${messageId}:${round}:${attempt}`;
}

/**
 * Webhook retries as due work (libs/scheduler/README.md, "Due work"), so they run on the TENANT's clock (a test clock's
 * advance runs them; real-time tenants get them in real time): a failed attempt states the next one at its
 * `nextAttemptAt`; every attempt record withdraws the obligation it fulfilled, and an abandon withdraws the pending
 * one. An endpoint's retries share the lane `webhook:<endpointId>`, so they reach it one at a time, in due order;
 * other endpoints' retries run beside them.
 */
export const webhookRetryDueWorkProjection: DueWorkProjection = dueWorkProjection({
  name: 'webhook_retry_due_work',
  version: 1,
  eventTypes: webhookMessageEventTypes,
  plan: webhookRetryPlan,
});

export function webhookRetryPlan(recorded: RecordedEvent): DueWorkChanges {
  const event = aggregates.webhookMessage.parse(recorded);
  const { endpointId, messageId, round, source, eventType } = event.data;
  switch (event.type) {
    case 'WebhookDeliveryAttempted': {
      const { attempt, status, nextAttemptAt } = event.data;
      const remove = [webhookRetryWorkKey(endpointId, messageId, round, attempt)];
      if (status !== 'failed' || nextAttemptAt === null) return { remove };
      const payload: WebhookRetryPayload = { endpointId, messageId, eventType, round, attempt: attempt + 1, source };
      return {
        remove,
        upsert: [{ workKey: webhookRetryWorkKey(endpointId, messageId, round, attempt + 1), kind: WEBHOOK_RETRY_WORK_KIND, dueAt: nextAttemptAt, payload: { ...payload, source: { ...source } }, lane: `webhook:${endpointId}` }],
      };
    }
    case 'WebhookDeliveryAbandoned':
      return { remove: [webhookRetryWorkKey(endpointId, messageId, round, event.data.attempts + 1)] };
  }
}
