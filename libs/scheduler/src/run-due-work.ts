import { isInstant } from '../../billing/src/common/calendar-date.js';
import type { Position } from '../../event-store/src/index.js';
import { ProjectionLease, waitForEarlierTransactions } from '../../projection-runtime/src/index.js';
import { describeError, dispatch, retryBackoffMs, type DispatchResult } from './dispatch.js';
import type { DueWork } from './due-work.types.js';
import { schedulerParts, type SchedulerOptions } from './scheduler-options.js';

export const runDueWorkLimits = {
  /** Pieces of work one run may do: a year of daily work for hundreds of items fits; a runaway schedule does not. */
  stepsMax: 100_000,
  /** How long a run waits for another run on the same tenant to finish. */
  lockWaitMs: 30_000,
  /** A progress line every this many steps. */
  progressEvery: 1_000,
} as const;

export interface RunDueWorkOptions {
  readonly stepsMax?: number;
  /**
   * Wait for the due-work projections to reach this position before the first step (default: the head of the log), so
   * that work stated just before the run (a subscription created a moment ago, the clock's own advance) is seen.
   */
  readonly after?: Position;
  readonly lockWaitMs?: number;
  readonly progressEvery?: number;
  /** Called after each step (tests, progress reporting). */
  readonly onStep?: (step: DueWorkStep) => void;
}

export interface DueWorkStep {
  readonly step: number;
  readonly item: DueWork;
  readonly outcome: 'done' | 'parked' | 'dropped';
}

export interface RunDueWorkResult {
  readonly steps: number;
  readonly done: number;
  readonly parked: number;
  readonly dropped: number;
  /** The due instant of the last piece of work run, or null when nothing was due. */
  readonly lastDueAt: string | null;
}

export type DueWorkRunFailure = 'step_limit' | 'retry_later' | 'failed' | 'no_handler' | 'projection_timeout' | 'busy';

/**
 * Why a run stopped before everything due was done. The work done until then stays done; the item named (if any)
 * stays in the table with its attempt recorded, and the next run starts with it, so the order is kept.
 */
export class DueWorkRunError extends Error {
  override readonly name = 'DueWorkRunError';

  constructor(
    readonly reason: DueWorkRunFailure,
    message: string,
    readonly steps: number,
    readonly item?: DueWork,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Runs a test-clock tenant's due work up to `until`, in order, each piece at its own due instant: repeatedly take the
 * tenant's earliest work due at or before `until` (by due_at, work_key), run it with `now` = its due instant, wait until
 * the due-work projections have seen what it appended (so its successor, the next period, is in the table), and go on
 * until nothing is due at or before `until`. A year in one call is just more steps.
 *
 * This is what advanceTestClock runs after moving the clock (see README.md): the clock is at `until` already, and each
 * command still decides at its due instant, so the March renewal is issued on March 1. The scheduler runner leaves
 * test-clock tenants alone, and one run per tenant at a time holds a per-tenant lease, so nothing else acts on the
 * tenant's work meanwhile. A refusal is handled by its handler's policy (park, drop, or stop for a retry); a
 * failure, a retry request or more than `stepsMax` steps stop the run with a DueWorkRunError naming the item.
 *
 * One piece at a time, unlike the runner's waves: a test-clock scenario must give the same result (the same invoice
 * numbers) every time it is run, so pieces due at the same instant run in key order, not in the order they commit.
 */
export async function runDueWork(options: SchedulerOptions & RunDueWorkOptions, tenantId: string, until: string): Promise<RunDueWorkResult> {
  if (!isInstant(until)) throw new Error(`runDueWork: until must be an ISO-8601 instant (got ${JSON.stringify(until)})`);
  const untilInstant = new Date(Date.parse(until)).toISOString();
  const parts = schedulerParts(options);
  const { workStore, waitForSources, log, realClock, projectionWaitMs } = parts;
  const stepsMax = options.stepsMax ?? runDueWorkLimits.stepsMax;
  const progressEvery = options.progressEvery ?? runDueWorkLimits.progressEvery;
  const lease = await tenantLease(options.connectionString, tenantId, options.lockWaitMs ?? runDueWorkLimits.lockWaitMs);
  const counts = { done: 0, parked: 0, dropped: 0 };
  let steps = 0;
  let lastDueAt: string | null = null;
  const fail = (reason: DueWorkRunFailure, message: string, item?: DueWork, cause?: unknown): DueWorkRunError =>
    new DueWorkRunError(reason, `runDueWork for tenant ${tenantId} until ${untilInstant}: ${message}`, steps, item, cause === undefined ? undefined : { cause });
  try {
    // Without a position to start from, work stated a moment ago must be seen: the store's head includes every event
    // committed before this call only once the transactions older than it have ended.
    if (options.after === undefined && !(await waitForEarlierTransactions(options.db, projectionWaitMs))) {
      throw fail('projection_timeout', `transactions older than this run were still open after ${projectionWaitMs} ms`);
    }
    const start = options.after ?? (await options.store.headPosition());
    if ((await waitForSources(start)) !== true) throw fail('projection_timeout', `the due-work projections did not reach the log's position within ${projectionWaitMs} ms`);
    for (;;) {
      const item = await workStore.earliestFor(tenantId, untilInstant);
      if (item === undefined) break;
      if (steps >= stepsMax) throw fail('step_limit', `more than ${stepsMax} pieces of work are due; stopped before ${item.workKey} due ${item.dueAt}`, item);
      steps += 1;
      const result = await dispatch(options.handlers, item, untilInstant);
      const outcome = await settle(item, result);
      if (outcome === 'done') counts.done += 1;
      else if (outcome === 'parked') counts.parked += 1;
      else counts.dropped += 1;
      lastDueAt = item.dueAt;
      options.onStep?.({ step: steps, item, outcome });
      if (steps % progressEvery === 0) log(`runDueWork for tenant ${tenantId}: ${steps} steps done, at ${item.dueAt} of ${untilInstant}`);
    }
    if (steps > 0) log(`runDueWork for tenant ${tenantId}: ${steps} steps done up to ${untilInstant} (${counts.done} done, ${counts.parked} parked, ${counts.dropped} dropped)`);
    return { steps, ...counts, lastDueAt };
  } finally {
    await lease.release();
  }

  async function settle(item: DueWork, result: DispatchResult): Promise<DueWorkStep['outcome']> {
    const retryAt = () => new Date(realClock().getTime() + retryBackoffMs(item.attempts + 1)).toISOString();
    switch (result.kind) {
      case 'done':
        if (result.position !== undefined && (await waitForSources(result.position)) !== true) {
          throw fail('projection_timeout', `${item.workKey} was done, but the due-work projections did not see its events within ${projectionWaitMs} ms`, item);
        }
        await workStore.finish(item);
        return 'done';
      case 'refused': {
        const message = describeError(result.error);
        if (result.policy === 'done') {
          log(`runDueWork for tenant ${tenantId}: ${item.workKey} refused and dropped: ${message}`);
          await workStore.finish(item);
          return 'dropped';
        }
        if (result.policy === 'park') {
          log(`runDueWork for tenant ${tenantId}: ${item.workKey} refused and parked: ${message}`);
          await workStore.park(item, message, realClock().toISOString());
          return 'parked';
        }
        await workStore.retryLater(item, message, retryAt());
        throw fail('retry_later', `${item.workKey} due ${item.dueAt} was refused and is to be retried later: ${message}`, item, result.error);
      }
      case 'retry_later':
        await workStore.retryLater(item, result.reason, result.notBefore ?? retryAt());
        throw fail('retry_later', `${item.workKey} due ${item.dueAt} asked to be retried later (${result.reason}); nothing after it ran`, item);
      case 'failed':
        await workStore.retryLater(item, describeError(result.error), retryAt());
        throw fail('failed', `${item.workKey} due ${item.dueAt} failed: ${describeError(result.error)}`, item, result.error);
      case 'no_handler':
        throw fail('no_handler', `no handler for kind ${item.kind} (work ${item.workKey})`, item);
      default: {
        const unexpected: never = result;
        throw new Error(`unexpected dispatch result ${JSON.stringify(unexpected)}`);
      }
    }
  }
}

const LOCK_RETRY_MS = 25;

/** The tenant's run lease (one run per tenant at a time, across processes), waiting for it up to `waitMs`. */
async function tenantLease(connectionString: string, tenantId: string, waitMs: number): Promise<ProjectionLease> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lease = await ProjectionLease.tryAcquire(connectionString, `scheduler:tenant:${tenantId}`);
    if (lease) return lease;
    if (Date.now() >= deadline) throw new DueWorkRunError('busy', `runDueWork for tenant ${tenantId}: another run holds the tenant's work for more than ${waitMs} ms`, 0);
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}
