import type { CommandContext, StreamOutcome } from '../../../application/src/index.js';
import type { TestClockState } from '../../../billing/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/** The tenant's clock as a command left it, and the position of its events. */
export type TestClockOutcome = StreamOutcome<TestClockState>;

/** What an advance ran: every piece of work due up to the clock's new time, in order, each at its own due instant. */
export interface DueWorkRunSummary {
  /** Pieces of work run. */
  readonly steps: number;
  /** Run to completion (their commands decided and appended). */
  readonly done: number;
  /** Refused by the domain and set aside for an operator (the handler's refusal policy). */
  readonly parked: number;
  /** Refused and dropped (the handler's refusal policy). */
  readonly dropped: number;
  /** The due instant of the last piece of work run, or null when nothing was due. */
  readonly lastDueAt: string | null;
}

export interface AdvanceTestClockOutcome extends TestClockOutcome {
  readonly dueWork: DueWorkRunSummary;
}

/**
 * A test-clock command stamped with the process's real time: its events record when, in real life, the tenant's
 * simulated time was created, moved or detached (`createdAt`, `advancedAt`, `deletedAt`). The tenant's own time would
 * be circular there (an advance would be stamped with the time it replaces), and a deleted clock's tenant is on real
 * time again anyway. Everything else about the command (its id, actor, correlation) is the mutation's.
 */
export function atRealTime(services: Pick<ApplicationServices, 'clock'>, context: CommandContext): CommandContext {
  return { ...context, now: services.clock().toISOString() };
}
