import type { TestClockState } from '../../../billing/src/index.js';
import { loadTestClock } from '../../../scheduler/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/**
 * The tenant's test clock (active, or deleted: a tenant's clock is created once, so a deleted one still says why no
 * other can be made), or null when the tenant never had one. Read from the clock's stream, the one short stream the
 * tenant's time itself comes from (TenantClock), so the answer is never behind the time commands get.
 */
export async function tenantTestClock(services: Pick<ApplicationServices, 'store'>, tenantId: string): Promise<TestClockState | null> {
  const { state } = await loadTestClock(services.store, tenantId);
  return state.status === 'none' ? null : state;
}
