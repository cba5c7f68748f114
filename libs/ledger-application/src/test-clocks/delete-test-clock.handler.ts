import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { TestClockIdInput } from './test-clock.inputs.js';
import { atRealTime, type TestClockOutcome } from './test-clock-outcome.js';

/**
 * Detaches the tenant's test clock for good: the tenant is on real time again from the next command on (and its
 * scheduled work goes back to the scheduler). A second delete changes nothing; a clock the tenant never had is NOT_FOUND.
 */
export function deleteTestClock(services: Pick<ApplicationServices, 'store' | 'clock'>, context: CommandContext, input: TestClockIdInput): Promise<TestClockOutcome> {
  return executeCommand(services.store, atRealTime(services, context), aggregates.testClock.on(context.tenantId, {
    command: () => ({ type: 'DeleteTestClock', data: { clockId: input.clockId } }),
  }));
}
