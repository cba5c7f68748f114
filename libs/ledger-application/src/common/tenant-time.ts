import { calendarDateInZone } from '../../../billing/src/index.js';
import { BillingSettingsQueries } from '../../../../projections/billing-settings/billing-settings.queries.js';
import type { TenantClock } from '../../../scheduler/src/index.js';
import type { ApplicationServices } from './application-services.js';

/** A tenant's time as a client sees it: the instant its next command will carry, and that instant's date in its zone. */
export interface TenantTimeView {
  /** The tenant's now (ISO 8601, UTC): real time, or its test clock's frozen time. */
  readonly now: string;
  /** `now` as a calendar date in the tenant's time zone: what issue dates, due dates and "overdue" use. */
  readonly today: string;
  readonly timeZone: string;
  /** The test clock the tenant's time comes from, or null on real time. */
  readonly testClock: { readonly clockId: string; readonly frozenTime: string } | null;
}

/**
 * The tenant's time, read through the same port every command takes its `now` from (TenantClock), so a client sees
 * exactly the time its next command will get. The zone comes from the billing_settings read model, like every query.
 */
export async function tenantTime(services: Pick<ApplicationServices, 'db' | 'tenantClock'>, tenantId: string): Promise<TenantTimeView> {
  const [{ settings }, time] = await Promise.all([new BillingSettingsQueries(services.db).current(tenantId), services.tenantClock.read(tenantId)]);
  const timeZone = settings.tenant.timeZone;
  return { now: time.now, today: calendarDateInZone(time.now, timeZone), timeZone, testClock: time.testClock };
}

/** What a process manager reads a tenant's time from: the tenants' clock, or (a test's own wiring) only the real clock. */
export interface TenantTimeSource {
  readonly clock: () => Date;
  /** The tenants' clock (ApplicationServices.tenantClock); without it, every tenant is taken to be on real time. */
  readonly tenantClock?: TenantClock;
}

/** The tenant's now for a command a process manager sends on its behalf (the tenant of the event that triggered it). */
export function tenantNowOf(services: TenantTimeSource, tenantId: string): Promise<string> {
  return services.tenantClock === undefined ? Promise.resolve(services.clock().toISOString()) : services.tenantClock.now(tenantId);
}
