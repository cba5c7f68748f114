import type { WebhookEvent } from '../../../../libs/billing/src/index.js';
import type { WebhookEndpointStatusView } from '../../../../libs/ledger-application/src/webhooks/index.js';
import type { WebhookDeliveryRecord } from '../../../../projections/webhook-deliveries/webhook-deliveries.queries.js';
import type { WebhookDeliveryType, WebhookEndpointStatusType } from './webhook.types.js';

/** A delivery as the API shows it: field by field, so nothing the read model might hold besides slips into a response. */
export function webhookDeliveryView(record: WebhookDeliveryRecord): WebhookDeliveryType {
  return {
    id: record.id,
    endpointId: record.endpointId,
    messageId: record.messageId,
    round: record.round,
    eventType: record.eventType as WebhookEvent,
    sourcePosition: record.sourcePosition,
    status: record.status,
    attempts: record.attempts,
    responseStatus: record.responseStatus,
    durationMs: record.durationMs,
    error: record.error,
    nextAttemptAt: record.nextAttemptAt,
    abandonReason: record.abandonReason,
    firstAttemptedAt: record.firstAttemptedAt,
    lastAttemptedAt: record.lastAttemptedAt,
    deliveredAt: record.deliveredAt,
    attemptLog: record.attemptLog.map((entry) => ({
      attempt: entry.attempt,
      status: entry.status,
      responseStatus: entry.responseStatus,
      durationMs: entry.durationMs,
      error: entry.error,
      attemptedAt: entry.attemptedAt,
      nextAttemptAt: entry.nextAttemptAt,
    })),
  };
}

export function webhookEndpointStatusView(status: WebhookEndpointStatusView): WebhookEndpointStatusType {
  const { feed } = status;
  return {
    endpointId: status.endpointId,
    enabled: status.enabled,
    webhooksEnabled: status.webhooksEnabled,
    feed:
      feed === null
        ? null
        : {
            round: feed.round,
            startedFrom: feed.startedFrom,
            cursor: feed.position,
            startReason: feed.startReason,
            startedAt: feed.startedAt,
            replayRequestedAt: feed.replayRequestedAt,
            updatedAt: feed.updatedAt,
          },
  };
}
