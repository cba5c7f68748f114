import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import type { Decider } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import { requireIdentifier, requireText, validationFailed } from '../common/validation.js';
import type { AdvanceTestClock, CreateTestClock, DeleteTestClock, TestClockCommand } from './test-clock.commands.js';
import type { TestClockEvent } from './test-clock.events.js';
import { evolveTestClock, initialTestClockState, type TestClockState } from './test-clock.state.js';

/** Bounds on a test clock (a limit on everything that grows: one advance may not ask for centuries of work). */
export const testClockLimits = {
  nameLengthMax: 200,
  /** Calendar years (UTC) one advance may move the clock ahead of its frozen time. */
  advanceYearsMax: 100,
} as const;

/**
 * One test clock per tenant. The application keeps it on a stream keyed by the tenant (`<tenant>:test_clock-<tenant>`),
 * so reading a tenant's now is one stream, and every piece of the tenant's due work runs against one clock. Creating the
 * clock attaches it to the tenant; deleting it detaches it for good: a tenant's clock is created once, because a new
 * clock (or real time followed by a frozen one) could move the tenant's time backwards, and nothing that was billed
 * may be billed again. A scenario that needs a fresh clock uses a fresh (sandbox) tenant.
 *
 * Order of checks: the metadata and the clock id; for a create, its data and then the state (a retry is recognised by
 * its data); for an advance or a delete, whether the clock exists and accepts the command, then the command's data,
 * then the rules relating the two. Retries are harmless: the same create again, or a second delete, decides nothing.
 */
export function decideTestClock(command: TestClockCommand, state: TestClockState): TestClockEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  switch (command.type) {
    case 'CreateTestClock':
      return createTestClock(command, state);
    case 'AdvanceTestClock':
      return advanceTestClock(command, state);
    case 'DeleteTestClock':
      return deleteTestClock(command, state);
    default:
      return assertNever(command, 'test clock command');
  }
}

export const testClockDecider: Decider<TestClockCommand, TestClockEvent, TestClockState> = {
  decide: decideTestClock,
  evolve: evolveTestClock,
  initialState: initialTestClockState,
};

/** The instant in its canonical form (UTC, milliseconds): the form every test-clock event records. */
export function canonicalInstant(value: string): string {
  return new Date(Date.parse(value)).toISOString();
}

function createTestClock({ data, metadata }: CreateTestClock, state: TestClockState): TestClockEvent[] {
  const clockId = requireIdentifier(data?.clockId, 'clockId');
  const name = requireText(data.name, 'name', testClockLimits.nameLengthMax);
  const frozenTime = canonicalInstant(requireInstant(data.frozenTime, 'frozenTime'));
  if (state.status === 'deleted') {
    throw new DomainError(
      'ALREADY_EXISTS',
      `the tenant's test clock ${state.clockId} was deleted: a tenant's clock is created once (a new one could move its time back); use a new tenant`,
      { clockId: state.clockId, status: state.status },
    );
  }
  if (state.status === 'active') {
    if (state.clockId === clockId && state.name === name && state.frozenTime === frozenTime) return [];
    throw new DomainError('ALREADY_EXISTS', `the tenant already has test clock ${state.clockId}, frozen at ${state.frozenTime}`, {
      clockId: state.clockId,
      frozenTime: state.frozenTime,
    });
  }
  return [{ type: 'TestClockCreated', data: { clockId, name, frozenTime, createdAt: metadata.now } }];
}

function advanceTestClock({ data, metadata }: AdvanceTestClock, state: TestClockState): TestClockEvent[] {
  const clockId = requireIdentifier(data?.clockId, 'clockId');
  const from = requireActiveClock(state, clockId);
  const to = canonicalInstant(requireInstant(data.to, 'to'));
  if (Date.parse(to) <= Date.parse(from)) {
    const how = to === from ? `is already at ${from}` : `is at ${from}, after ${to}`;
    throw new DomainError('TEST_CLOCK_CANNOT_GO_BACK', `test clock ${clockId} ${how}: a test clock only moves forward`, { clockId, frozenTime: from, to });
  }
  const latest = yearsLater(from, testClockLimits.advanceYearsMax);
  if (Date.parse(to) > Date.parse(latest)) {
    throw validationFailed(`to must be at most ${testClockLimits.advanceYearsMax} years after the clock's frozen time ${from} (at most ${latest}, got ${to})`, {
      field: 'to',
      latest,
    });
  }
  return [{ type: 'TestClockAdvanced', data: { clockId, from, to, advancedAt: metadata.now } }];
}

function deleteTestClock({ data, metadata }: DeleteTestClock, state: TestClockState): TestClockEvent[] {
  const clockId = requireIdentifier(data?.clockId, 'clockId');
  if (state.status === 'deleted' && state.clockId === clockId) return [];
  const frozenTime = requireActiveClock(state, clockId);
  return [{ type: 'TestClockDeleted', data: { clockId, frozenTime, deletedAt: metadata.now } }];
}

/** The frozen time of the tenant's active clock `clockId`; NOT_FOUND when the tenant has no such clock (any more). */
function requireActiveClock(state: TestClockState, clockId: string): string {
  if (state.status === 'none') throw new DomainError('NOT_FOUND', `the tenant has no test clock (asked for ${clockId})`, { clockId });
  if (state.clockId !== clockId) {
    throw new DomainError('NOT_FOUND', `test clock ${clockId} does not exist: the tenant's clock is ${state.clockId}`, { clockId, tenantClockId: state.clockId });
  }
  if (state.status === 'deleted' || state.frozenTime === null) throw new DomainError('NOT_FOUND', `test clock ${clockId} was deleted`, { clockId, status: state.status });
  return state.frozenTime;
}

/** `instant` moved `years` calendar years ahead in UTC (29 February lands on 1 March when the target year has none). */
function yearsLater(instant: string, years: number): string {
  const moved = new Date(Date.parse(instant));
  moved.setUTCFullYear(moved.getUTCFullYear() + years);
  return moved.toISOString();
}
