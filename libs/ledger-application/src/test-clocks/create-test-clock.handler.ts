import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { CreateTestClockCommandInput } from './test-clock.inputs.js';
import { atRealTime, type TestClockOutcome } from './test-clock-outcome.js';

/**
 * Attaches a test clock to the tenant, frozen at `frozenTime`: from the next command on, the tenant's now is that
 * instant (TenantClock). One clock per tenant, created once (ALREADY_EXISTS for a second one, or after a delete);
 * the same create again is recognised and changes nothing.
 */
export function createTestClock(services: Pick<ApplicationServices, 'store' | 'clock'>, context: CommandContext, input: CreateTestClockCommandInput): Promise<TestClockOutcome> {
  return executeCommand(services.store, atRealTime(services, context), aggregates.testClock.on(context.tenantId, {
    command: () => ({ type: 'CreateTestClock', data: { clockId: input.clockId, name: input.name, frozenTime: input.frozenTime } }),
  }));
}
