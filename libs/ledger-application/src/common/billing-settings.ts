import { calendarDateInZone, type BillingSettings } from '../../../billing/src/index.js';
import { BillingSettingsQueries } from '../../../../projections/billing-settings/billing-settings.queries.js';
import { load, aggregates } from '../../../application/src/index.js';
import type { ApplicationServices } from './application-services.js';

/**
 * A tenant's current billing settings, folded from its settings stream (the event store, not a read model, so a
 * command always decides on the settings as they are now). An empty stream gives `defaultBillingSettings`.
 */
export async function loadBillingSettings(services: Pick<ApplicationServices, 'store'>, tenantId: string): Promise<BillingSettings> {
  return (await load(services.store, aggregates.billingSettings, tenantId, tenantId)).state.settings;
}

/** Today's calendar date in the tenant's time zone (settings.tenant.timeZone), by the services' clock. */
export function tenantTodayIn(services: Pick<ApplicationServices, 'clock'>, settings: BillingSettings): string {
  return calendarDateInZone(services.clock().toISOString(), settings.tenant.timeZone);
}

/**
 * Today's calendar date for a tenant, in its time zone: what "overdue" is judged on. Queries read it from the
 * billing_settings read model (queries read read models only: docs/architecture.md, Conventions 5); commands use
 * tenantTodayIn with the settings they loaded from the stream.
 */
export async function tenantToday(services: Pick<ApplicationServices, 'db' | 'clock'>, tenantId: string): Promise<string> {
  const { settings } = await new BillingSettingsQueries(services.db).current(tenantId);
  return calendarDateInZone(services.clock().toISOString(), settings.tenant.timeZone);
}
