import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import { DomainError, requireIdentifier, type WebhookEndpointFeedState } from '../../../billing/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import type { ApplicationServices } from '../common/application-services.js';

export interface ReplayWebhookEndpointInput {
  readonly endpointId: string;
  /** A log position `<commit>.<prepare>` (a mutation's `position`), or `0` for the start of the log. Exclusive. */
  readonly fromPosition: string;
}

export interface ReplayWebhookEndpointOutcome {
  readonly state: WebhookEndpointFeedState;
  readonly position: Position | undefined;
}

/**
 * Replays a webhook endpoint (docs/webhooks.md, "Replay"): its feed goes back to `fromPosition` and, as a new round,
 * re-sends in order every message after it that the endpoint subscribes to now, with the same `webhook-id`s, then
 * joins the live flow. Refused for an endpoint the settings do not have (NOT_FOUND), one that is disabled
 * (INVALID_STATE_TRANSITION: enable it first) and while webhooks are off (FEATURE_DISABLED): nothing would be sent.
 */
export function replayWebhookEndpoint(services: Pick<ApplicationServices, 'store'>, context: CommandContext, input: ReplayWebhookEndpointInput): Promise<ReplayWebhookEndpointOutcome> {
  const endpointId = requireIdentifier(input.endpointId, 'endpointId');
  return executeCommand(
    services.store,
    context,
    aggregates.webhookEndpointFeed.on(endpointId, {
      read: () => loadBillingSettings(services, context.tenantId),
      command: (_state, settings) => {
        const endpoint = settings.notifications.webhooks.find((candidate) => candidate.id === endpointId);
        if (endpoint === undefined) throw new DomainError('NOT_FOUND', `webhook endpoint ${endpointId} does not exist in the notification settings`, { endpointId });
        if (!settings.features.webhooks) throw new DomainError('FEATURE_DISABLED', 'webhooks are turned off (features.webhooks): a replay would send nothing', { feature: 'webhooks' });
        if (!endpoint.enabled) throw new DomainError('INVALID_STATE_TRANSITION', `webhook endpoint ${endpointId} is disabled: enable it (updateNotificationSettings) before replaying it`, { endpointId });
        return { type: 'RequestWebhookReplay', data: { endpointId, fromPosition: input.fromPosition } };
      },
    }),
  );
}
