import type { CommandContext } from '../../application/src/index.js';
import type { TestClockState } from '../../billing/src/test-clock/index.js';
import type { Position } from '../../event-store/src/index.js';
import { runDueWork, type RunDueWorkOptions, type RunDueWorkResult } from './run-due-work.js';
import type { SchedulerOptions } from './scheduler-options.js';
import { executeTestClockCommand } from './test-clock.stream.js';

export interface AdvanceTestClockInput {
  readonly clockId: string;
  readonly to: string;
}

export interface AdvanceTestClockResult {
  readonly clock: TestClockState;
  /** The position of the TestClockAdvanced event (of the first run, for a retry). */
  readonly position: Position | undefined;
  readonly dueWork: RunDueWorkResult;
}

/**
 * advanceTestClock(to): ONE TestClockAdvanced moves the tenant's clock to `to` (the clock stream stays as short as the
 * calls that moved it), then runDueWork runs everything that fell due up to it, in order, each piece at its own due
 * instant. A retry with the same command id finds its event and runs the due work again, which finishes whatever an
 * interrupted run left (a run that failed keeps its item first in line), so the call can simply be repeated.
 *
 * The application's handler for the mutation is this function with the tenant's CommandContext; it lives here until
 * the test-clock aggregate is registered (see test-clock.stream.ts).
 */
export async function advanceTestClock(options: SchedulerOptions & RunDueWorkOptions, context: CommandContext, input: AdvanceTestClockInput): Promise<AdvanceTestClockResult> {
  const { state, position } = await executeTestClockCommand(options.store, context, { type: 'AdvanceTestClock', data: { clockId: input.clockId, to: input.to } });
  if (state.frozenTime === null) throw new Error(`test clock ${input.clockId} of tenant ${context.tenantId} has no frozen time after an advance`);
  const dueWork = await runDueWork({ ...options, ...(position === undefined ? {} : { after: position }) }, context.tenantId, state.frozenTime);
  return { clock: state, position, dueWork };
}
