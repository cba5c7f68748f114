import { aggregates, executeCommand, load, uuidV5, type CommandContext } from '../../../application/src/index.js';
import { isAttemptMade } from '../../../billing/src/index.js';
import { isWebhookEvent } from '../../../billing/src/public-events/index.js';
import type { DueWork, DueWorkContext, DueWorkHandlers, DueWorkOutcome } from '../../../scheduler/src/index.js';
import { WEBHOOK_RETRY_WORK_KIND, type WebhookRetryPayload } from '../../../../projections/webhook-deliveries/webhook-retry-due-work.projection.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { attemptWebhookDelivery, webhookDeliveryId, WEBHOOK_RETRY_ACTOR } from './webhook-attempt.js';
import { notReceivingReason, tenantWebhooksOf } from './webhook-endpoints.js';
import type { WebhookServices } from './webhook-services.js';
import { messageFromSource } from './webhook-source.js';

/**
 * The scheduler's handler of webhook retries (projections/webhook-deliveries/webhook-retry-due-work.projection.ts), for
 * the SchedulerRunner and advanceTestClock alike: each retry runs at its due instant on the TENANT's clock (that
 * instant is the attempt's record time; the request is signed at real time). A refusal is dropped ('done'): it means
 * the record moved on (the attempt was made, or a replay replaced the round).
 */
export function webhookRetryHandlers(services: WebhookServices): DueWorkHandlers {
  return { [WEBHOOK_RETRY_WORK_KIND]: { handle: (item, context) => retryWebhook(services, item, context), onRefusal: 'done' } };
}

/**
 * One retry: nothing when the attempt was made already (a re-dispatch, a crash after the record); given up without a
 * request (WebhookDeliveryAbandoned) when the endpoint can no longer receive the message (removed, disabled, webhooks
 * off, type unsubscribed); otherwise the attempt, with the message rebuilt from its source event (same id, same body).
 */
export async function retryWebhook(services: WebhookServices, item: DueWork, context: DueWorkContext): Promise<DueWorkOutcome> {
  const payload = item.payload as unknown as WebhookRetryPayload;
  const { tenantId } = context;
  const deliveryId = webhookDeliveryId(payload.endpointId, payload.messageId);
  const loaded = await load(services.store, aggregates.webhookMessage, tenantId, deliveryId);
  if (isAttemptMade(loaded.state, payload.round, payload.attempt)) return { status: 'done', position: loaded.lastPosition };
  if (!isWebhookEvent(payload.eventType)) throw new Error(`webhook retry ${item.workKey}: ${payload.eventType} is not a webhook event type`);
  const webhooks = tenantWebhooksOf(await loadBillingSettings(services, tenantId));
  const causation = { correlationId: context.command.correlationId, causationId: context.commandId };
  const endpoint = webhooks.endpoints.get(payload.endpointId);
  const reason = notReceivingReason(webhooks, payload.endpointId, payload.eventType);
  if (reason !== null || endpoint === undefined) {
    const command: CommandContext = { ...context.command, actor: WEBHOOK_RETRY_ACTOR, commandId: uuidV5(`${context.commandId}:abandon`) };
    const { position } = await executeCommand(
      services.store,
      command,
      aggregates.webhookMessage.on(deliveryId, { command: () => ({ type: 'AbandonWebhookDelivery', data: { endpointId: payload.endpointId, messageId: payload.messageId, round: payload.round, reason: reason ?? 'endpoint_removed' } }) }),
    );
    services.log(`webhooks: message ${payload.messageId} to endpoint ${payload.endpointId} of tenant ${tenantId} given up: ${reason}`);
    return { status: 'done', position };
  }
  const message = await messageFromSource(services.store, payload.source, payload.messageId);
  if (message === undefined) throw new Error(`webhook retry ${item.workKey}: message ${payload.messageId} is not in its source event ${payload.source.eventId}`);
  const result = await attemptWebhookDelivery(services, {
    tenantId,
    endpoint,
    message,
    source: payload.source,
    round: payload.round,
    attempt: payload.attempt,
    now: context.now,
    actor: WEBHOOK_RETRY_ACTOR,
    causation,
  });
  if (result.kind === 'attempted' && result.outcome.status !== 'delivered') {
    const { status, error, nextAttemptAt } = result.outcome;
    services.log(`webhooks: ${message.type} ${message.id} to endpoint ${payload.endpointId} of tenant ${tenantId}: attempt ${payload.attempt} ${status}${error ? ` (${error})` : ''}${nextAttemptAt ? `; next attempt at ${nextAttemptAt}` : ''}`);
  }
  return { status: 'done', position: result.position };
}
