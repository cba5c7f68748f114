import type { DomainCommand } from '../common/command.js';

/**
 * A tenant's test clock (one per tenant: its stream is keyed by the tenant, see test-clock.decider.ts). Creating it
 * attaches it: from then on the tenant's "now" is the clock's frozen time instead of real time. `clockId` is the
 * caller's name for it, so that a retried create is recognised and a command meant for another clock is refused.
 */
export type CreateTestClock = DomainCommand<
  'CreateTestClock',
  {
    clockId: string;
    name: string;
    /** The instant the tenant's time starts at (ISO 8601), e.g. the first day of a scenario. */
    frozenTime: string;
  }
>;

/** Moves the clock forward to `to` (ISO 8601): strictly later than its frozen time, at most 100 years ahead of it. */
export type AdvanceTestClock = DomainCommand<'AdvanceTestClock', { clockId: string; to: string }>;

/** Detaches the clock: the tenant runs on real time again, for good (a tenant's clock is created once). */
export type DeleteTestClock = DomainCommand<'DeleteTestClock', { clockId: string }>;

export type TestClockCommand = CreateTestClock | AdvanceTestClock | DeleteTestClock;
