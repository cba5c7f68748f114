import { aggregates } from '../../../application/src/index.js';
import type { BillingSettings, WebhookEndpoint, WebhookEvent } from '../../../billing/src/index.js';
import { comparePositions, type EventStore, type Position } from '../../../event-store/src/index.js';
import { loadBillingSettings } from '../common/billing-settings.js';

/** A tenant's webhook configuration as delivery reads it. */
export interface TenantWebhooks {
  readonly settings: BillingSettings;
  /** features.webhooks: when off, nothing is delivered (first attempts skipped, pending retries abandoned). */
  readonly featureOn: boolean;
  /** Every endpoint by id, enabled or not. */
  readonly endpoints: ReadonlyMap<string, WebhookEndpoint>;
}

export function tenantWebhooksOf(settings: BillingSettings): TenantWebhooks {
  return { settings, featureOn: settings.features.webhooks, endpoints: new Map(settings.notifications.webhooks.map((endpoint) => [endpoint.id, endpoint])) };
}

/** An endpoint receives a message when webhooks are on, it is enabled and it subscribes to the message's type. */
export function receives(webhooks: TenantWebhooks, endpoint: WebhookEndpoint, type: WebhookEvent): boolean {
  return webhooks.featureOn && endpoint.enabled && endpoint.events.includes(type);
}

/** Why an endpoint would not receive a message of `type` now, or null when it would. */
export function notReceivingReason(webhooks: TenantWebhooks, endpointId: string, type: WebhookEvent): 'endpoint_removed' | 'endpoint_disabled' | 'feature_disabled' | 'not_subscribed' | null {
  const endpoint = webhooks.endpoints.get(endpointId);
  if (endpoint === undefined) return 'endpoint_removed';
  if (!endpoint.enabled) return 'endpoint_disabled';
  if (!webhooks.featureOn) return 'feature_disabled';
  if (!endpoint.events.includes(type)) return 'not_subscribed';
  return null;
}

const CACHED_TENANTS_MAX = 10_000;
const SETTINGS_PAGE = 500;

/**
 * Endpoint views per tenant. `asOf` is the dispatcher's: the settings as they stood at the log position it is at, loaded
 * once and kept until a settings event of the tenant passes the dispatcher (it handles every settings event, in log
 * order, and drops the tenant's entry), so endpoints are read per settings revision, never per event. It must not be
 * the current settings: a dispatcher behind the log would otherwise hand an endpoint added later the events recorded
 * before it was added. `latest` is what a lane checks before an attempt.
 */
export class WebhookEndpointCache {
  private readonly tenants = new Map<string, Promise<TenantWebhooks>>();

  constructor(private readonly services: { readonly store: EventStore }) {}

  /** The tenant's endpoints as of `position` (the event the dispatcher is at, or the settings event it just passed). */
  asOf(tenantId: string, position: Position): Promise<TenantWebhooks> {
    let entry = this.tenants.get(tenantId);
    if (entry === undefined) {
      if (this.tenants.size >= CACHED_TENANTS_MAX) this.tenants.clear();
      const loading = settingsAsOf(this.services.store, tenantId, position).then(tenantWebhooksOf);
      // A failed load is not kept: the next use tries again.
      loading.catch(() => {
        if (this.tenants.get(tenantId) === loading) this.tenants.delete(tenantId);
      });
      this.tenants.set(tenantId, loading);
      entry = loading;
    }
    return entry;
  }

  /**
   * What a lane checks before each attempt: the dispatcher's view when it has one (it has passed every event a lane
   * works on, so that view is never older than the event), else the settings as they are now (not kept).
   */
  async latest(tenantId: string): Promise<TenantWebhooks> {
    return (await this.tenants.get(tenantId)) ?? tenantWebhooksOf(await loadBillingSettings(this.services, tenantId));
  }

  invalidate(tenantId: string): void {
    this.tenants.delete(tenantId);
  }
}

/** The tenant's settings folded from its settings stream up to and including `position` (events after it are not yet seen). */
async function settingsAsOf(store: EventStore, tenantId: string, position: Position): Promise<BillingSettings> {
  const { decider, parse } = aggregates.billingSettings;
  let state = decider.initialState;
  for (let from = 0n; ; ) {
    const page = await store.readStream(aggregates.billingSettings.stream(tenantId, tenantId), { fromRevision: from, maxCount: SETTINGS_PAGE });
    for (const recorded of page) {
      if (comparePositions(recorded.position, position) > 0) return state.settings;
      state = decider.evolve(state, parse(recorded));
    }
    const last = page[page.length - 1];
    if (page.length < SETTINGS_PAGE || last === undefined) return state.settings;
    from = last.revision + 1n;
  }
}
