import type { TestClockState } from '../../../../libs/billing/src/index.js';
import { encodePosition, START_POSITION, type Position } from '../../../../libs/event-store/src/index.js';
import type { TestClockPayloadType, TestClockStatusValue, TestClockType } from './test-clock.types.js';

/** A clock the tenant has (or had) as the API shows it; a state without a clock is a broken invariant here. */
export function testClockView(state: TestClockState): TestClockType {
  const { clockId, name, frozenTime, createdAt, updatedAt, status } = state;
  if (status === 'none' || clockId === null || name === null || frozenTime === null || createdAt === null || updatedAt === null) {
    throw new Error(`a test clock was expected, got ${JSON.stringify(state)}`);
  }
  return { clockId, name, status: status satisfies TestClockStatusValue, frozenTime, createdAt, updatedAt };
}

export function testClockPayload({ state, position }: { readonly state: TestClockState; readonly position: Position | undefined }): TestClockPayloadType {
  return { testClock: testClockView(state), position: encodePosition(position ?? START_POSITION) };
}
