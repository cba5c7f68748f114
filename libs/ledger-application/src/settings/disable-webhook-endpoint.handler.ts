import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { BillingSettingsOutcome } from './settings-outcome.js';
import type { DisableWebhookEndpointCommandInput } from './settings.inputs.js';

/**
 * Switches a webhook endpoint off, with why: what the webhook sender does when an endpoint answers 410 Gone. An
 * endpoint already disabled appends nothing; an unknown one is NOT_FOUND.
 */
export function disableWebhookEndpoint(services: ApplicationServices, context: CommandContext, input: DisableWebhookEndpointCommandInput): Promise<BillingSettingsOutcome> {
  return executeCommand(services.store, context, aggregates.billingSettings.on(context.tenantId, {
    command: () => ({ type: 'DisableWebhookEndpoint', data: { endpointId: input.endpointId, reason: input.reason } }),
  }));
}
