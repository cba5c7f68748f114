import { BillingSettingsQueries } from '../../../../projections/billing-settings/billing-settings.queries.js';
import { WebhookDeliveryQueries, type WebhookEndpointCursorRecord } from '../../../../projections/webhook-deliveries/webhook-deliveries.queries.js';
import type { ApplicationServices } from '../common/application-services.js';

/** An endpoint's delivery status, as the read models hold it. */
export interface WebhookEndpointStatusView {
  readonly endpointId: string;
  readonly enabled: boolean;
  /** features.webhooks: nothing is delivered while it is off. */
  readonly webhooksEnabled: boolean;
  /** Null until the endpoint's feed has started (the first event after it was added). */
  readonly feed: WebhookEndpointCursorRecord | null;
}

/** The status of one endpoint of the tenant's settings, or null when the settings have no such endpoint; `schema`: the read models' (an as-of read's), default the live one. */
export async function webhookEndpointStatus(services: Pick<ApplicationServices, 'db'>, tenantId: string, endpointId: string, schema?: string): Promise<WebhookEndpointStatusView | null> {
  const [{ settings }, feed] = await Promise.all([new BillingSettingsQueries(services.db, schema).current(tenantId), new WebhookDeliveryQueries(services.db, schema).cursorOf(tenantId, endpointId)]);
  const endpoint = settings.notifications.webhooks.find((candidate) => candidate.id === endpointId);
  if (endpoint === undefined) return null;
  return { endpointId, enabled: endpoint.enabled, webhooksEnabled: settings.features.webhooks, feed: feed ?? null };
}
