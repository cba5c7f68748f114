import { calendarDateInZone, requireReportingFeature, type BillingSettings, type BillingSettingsState } from '../../../billing/src/index.js';
import { BillingSettingsQueries } from '../../../../projections/billing-settings/billing-settings.queries.js';
import { aggregates, load, type FoldedPrefix } from '../../../application/src/index.js';
import type { EventStore } from '../../../event-store/src/index.js';
import type { ApplicationServices } from './application-services.js';

/** Tenants whose folded settings are kept per store; past the bound the cache starts again (a cost, never an error). */
const CACHED_TENANTS_MAX = 10_000;
/** Per store, so that two stores (two databases, or a test's second instance) never share an entry. */
const cachedSettings = new WeakMap<EventStore, Map<string, FoldedPrefix<BillingSettingsState>>>();

/**
 * A tenant's current billing settings, folded from its settings stream (the event store, not a read model, so a
 * command always decides on the settings as they are now). An empty stream gives `defaultBillingSettings`.
 *
 * Every command reads them, and they rarely change: the folded state is kept with the revision it reached, and a
 * load reads only the events after that revision (one indexed query, which returns nothing in the common case), so
 * a change appended by any process, this one or another API node, is folded in by the very next load. Events are
 * never removed or rewritten, so what was folded stays true. The state is frozen, because it is shared by every
 * command of the tenant.
 */
export async function loadBillingSettings(services: Pick<ApplicationServices, 'store'>, tenantId: string): Promise<BillingSettings> {
  let byTenant = cachedSettings.get(services.store);
  if (!byTenant) cachedSettings.set(services.store, (byTenant = new Map()));
  const loaded = await load(services.store, aggregates.billingSettings, tenantId, tenantId, undefined, byTenant.get(tenantId));
  const { state } = loaded;
  const revision = loaded.expectedRevision === 'no_stream' ? -1n : (loaded.expectedRevision as bigint);
  // A concurrent load may have got further meanwhile: keep whichever saw more of the stream.
  const latest = byTenant.get(tenantId);
  if (revision >= 0n && (!latest || latest.revision < revision)) {
    if (!latest && byTenant.size >= CACHED_TENANTS_MAX) byTenant.clear();
    byTenant.set(tenantId, { revision, state: deepFreeze(state), lastPosition: loaded.lastPosition });
  }
  return state.settings;
}

function deepFreeze<Value>(value: Value): Value {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * The tenant's calendar date at the instant `now` (a command's `now`, which came from the tenant's clock), in its time
 * zone (settings.tenant.timeZone): what a mutation's answer judges "overdue" on, the same day its command decided on.
 */
export function tenantTodayIn(now: string, settings: BillingSettings): string {
  return calendarDateInZone(now, settings.tenant.timeZone);
}

/**
 * Today's calendar date for a tenant, in its time zone, by the tenant's clock (real time or its test clock): what
 * "overdue" is judged on. Queries read the zone from the billing_settings read model (queries read read models only:
 * docs/architecture.md, Conventions 5); commands use tenantTodayIn with their own `now` and the settings they loaded.
 */
export async function tenantToday(services: Pick<ApplicationServices, 'db' | 'tenantClock'>, tenantId: string): Promise<string> {
  const [{ settings }, now] = await Promise.all([new BillingSettingsQueries(services.db).current(tenantId), services.tenantClock.now(tenantId)]);
  return calendarDateInZone(now, settings.tenant.timeZone);
}

/** FEATURE_DISABLED while the tenant's reporting feature is off (features.reporting): every report query calls it first. */
export async function requireReporting(services: Pick<ApplicationServices, 'store'>, tenantId: string): Promise<void> {
  requireReportingFeature(await loadBillingSettings(services, tenantId));
}
