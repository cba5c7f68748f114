import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import { DomainError } from '../../../billing/src/index.js';
import { DueWorkRunError, runDueWork, type DueWorkStep, type SchedulerOptions } from '../../../scheduler/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { AdvanceTestClockCommandInput } from './test-clock.inputs.js';
import { atRealTime, type AdvanceTestClockOutcome, type DueWorkRunSummary } from './test-clock-outcome.js';

/**
 * Moves the tenant's test clock forward to `to` (ONE TestClockAdvanced: the clock's stream stays as short as the calls
 * that moved it), then runs everything of the tenant that fell due up to it, in due order, each piece at its own due
 * instant (runDueWork with the process's scheduled work, the same handlers the scheduler runs): a year in one call is
 * a year of renewals, each decided on its own day. Backwards, or to where the clock already is, is refused
 * (TEST_CLOCK_CANNOT_GO_BACK) and runs nothing; another tenant's clock or none is NOT_FOUND.
 *
 * A run that stops before the end (a piece of work failed or asked to be retried later, more than the step limit was
 * due, another run held the tenant, the due-work projections fell behind) is DUE_WORK_INCOMPLETE, with what ran and
 * where it stopped in the details: the clock has moved, the work done stays done, and the stopped piece stays first in
 * line. The same request again with the same idempotency key (the same command id) finds its advance and runs the rest;
 * a later advance runs it too. It is an error rather than a partial answer so that the key is not spent on it.
 */
export async function advanceTestClock(
  services: Pick<ApplicationServices, 'store' | 'clock' | 'log'>,
  scheduler: SchedulerOptions,
  context: CommandContext,
  input: AdvanceTestClockCommandInput,
): Promise<AdvanceTestClockOutcome> {
  const { tenantId } = context;
  const { state, position } = await executeCommand(services.store, atRealTime(services, context), aggregates.testClock.on(tenantId, {
    command: () => ({ type: 'AdvanceTestClock', data: { clockId: input.clockId, to: input.to } }),
  }));
  // A retry answers with the clock as it now is: everything due up to its time runs (what an interrupted run left).
  const until = state.frozenTime;
  if (until === null) throw new Error(`test clock ${input.clockId} of tenant ${tenantId} has no frozen time after an advance`);
  const counts = { done: 0, parked: 0, dropped: 0 };
  let lastDueAt: string | null = null;
  const onStep = (step: DueWorkStep) => {
    counts[step.outcome] += 1;
    lastDueAt = step.item.dueAt;
  };
  const started = Date.now();
  try {
    const run = await runDueWork({ ...scheduler, ...(position === undefined ? {} : { after: position }), onStep }, tenantId, until);
    if (run.steps > 0) services.log(`test clock ${input.clockId} of tenant ${tenantId} advanced to ${until}: ${run.steps} pieces of due work run in ${Date.now() - started} ms`);
    const dueWork: DueWorkRunSummary = { steps: run.steps, done: run.done, parked: run.parked, dropped: run.dropped, lastDueAt: run.lastDueAt };
    return { state, position, dueWork };
  } catch (error) {
    if (!(error instanceof DueWorkRunError)) throw error;
    const summary: DueWorkRunSummary = { steps: counts.done + counts.parked + counts.dropped, ...counts, lastDueAt };
    throw incompleteRun(services, input.clockId, until, summary, error);
  }
}

/** DUE_WORK_INCOMPLETE for a run that stopped: what ran, and the piece of work it stopped at (never a handler's internal error). */
function incompleteRun(services: Pick<ApplicationServices, 'log'>, clockId: string, until: string, summary: DueWorkRunSummary, error: DueWorkRunError): DomainError {
  const item = error.item;
  const where = item === undefined ? '' : `${item.workKey} (${item.kind}) due ${item.dueAt}`;
  let reason: string;
  if (error.reason === 'failed') {
    // The handler's error is internal (a store, a bug): logged with its stack, not sent to the client.
    services.log.error(`advanceTestClock: ${error.message}`, { stack: error.cause instanceof Error ? error.cause.stack : String(error.cause) });
    reason = `${where} failed; the server log has the error`;
  } else {
    reason = error.message;
  }
  const message =
    `test clock ${clockId} is at ${until}, but its due work stopped after ${summary.steps} pieces (${error.reason}): ${reason}. ` +
    'The work done stays done and the rest waits, first in line: send the same request again with the same idempotencyKey, or advance further, to run it';
  return new DomainError('DUE_WORK_INCOMPLETE', message, {
    clockId,
    frozenTime: until,
    reason: error.reason,
    ...summary,
    workKey: item?.workKey ?? null,
    kind: item?.kind ?? null,
    dueAt: item?.dueAt ?? null,
  });
}
