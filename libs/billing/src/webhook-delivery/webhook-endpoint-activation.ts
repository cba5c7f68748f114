import type { BillingSettings } from '../billing-settings/billing-settings.js';
import type { BillingSettingsEvent } from '../billing-settings/billing-settings.events.js';

/** The endpoints that receive messages under these settings: enabled ones, and none while webhooks are off. */
export function activeWebhookEndpointIds(settings: BillingSettings): string[] {
  if (!settings.features.webhooks) return [];
  return settings.notifications.webhooks.filter((endpoint) => endpoint.enabled).map((endpoint) => endpoint.id);
}

/**
 * The endpoints a settings event makes active, read from the event itself (its values and the previous ones): an
 * endpoint added enabled or enabled again (notifications), or every enabled endpoint when webhooks are turned back on
 * (features, by an update or a reset to the defaults). `after` is the tenant's settings once the event is applied
 * (or later): an endpoint counts only if it is still active there. Each activated endpoint's feed starts at this
 * event, so it receives the events recorded after it and nothing from before, nor from while it was off.
 */
export function webhookEndpointsActivatedBy(event: BillingSettingsEvent, after: BillingSettings): string[] {
  const active = new Set(activeWebhookEndpointIds(after));
  const activated = new Set<string>();
  if (event.type === 'BillingSettingsSectionUpdated') {
    const { section, values, previous } = event.data;
    if (section === 'notifications') {
      const before = new Map(previous.webhooks.map((endpoint) => [endpoint.id, endpoint.enabled]));
      for (const endpoint of values.webhooks) if (endpoint.enabled && before.get(endpoint.id) !== true) activated.add(endpoint.id);
    }
    if (section === 'features' && values.webhooks && !previous.webhooks) for (const id of active) activated.add(id);
  } else if (event.type === 'BillingSettingsReset') {
    const { sections, previous } = event.data;
    if (sections.includes('features') && previous.features !== undefined && !previous.features.webhooks) for (const id of active) activated.add(id);
  }
  return [...activated].filter((id) => active.has(id));
}
