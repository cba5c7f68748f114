import { DomainError } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { BillingSettingsOutcome } from './settings-outcome.js';
import type { WebhookEndpointIdInput } from './settings.inputs.js';

/**
 * Switches a webhook endpoint on again (after it was disabled, by hand or on a 410): a notifications update that
 * changes only its `enabled`, every endpoint keeping its secret. One already enabled appends nothing.
 */
export function enableWebhookEndpoint(services: ApplicationServices, context: CommandContext, input: WebhookEndpointIdInput): Promise<BillingSettingsOutcome> {
  return executeCommand(services.store, context, aggregates.billingSettings.on(context.tenantId, {
    command: (state) => {
      const { email, webhooks } = state.settings.notifications;
      if (!webhooks.some((webhook) => webhook.id === input.endpointId)) {
        throw new DomainError('NOT_FOUND', `Webhook endpoint ${JSON.stringify(input.endpointId)} does not exist`, { endpointId: input.endpointId });
      }
      // A secret left out is kept (the endpoint keeps its auth type and URL).
      const values = { email, webhooks: webhooks.map(({ id, url, events, authType, enabled }) => ({ id, url, events, authType, enabled: id === input.endpointId ? true : enabled })) };
      return { type: 'UpdateBillingSettingsSection', data: { section: 'notifications', values } };
    },
  }));
}
