import { assertNever } from '../common/assert-never.js';
import type { TestClockEvent } from './test-clock.events.js';

/**
 * 'none': the tenant has never had a test clock (it runs on real time). 'active': the tenant's now is `frozenTime`.
 * 'deleted': the clock was detached and the tenant runs on real time again; `frozenTime` keeps where it stood.
 */
export type TestClockStatus = 'none' | 'active' | 'deleted';

export interface TestClockState {
  status: TestClockStatus;
  clockId: string | null;
  name: string | null;
  frozenTime: string | null;
  createdAt: string | null;
  /** The real instant of the last change (creation, advance or deletion). */
  updatedAt: string | null;
}

export const initialTestClockState: TestClockState = { status: 'none', clockId: null, name: null, frozenTime: null, createdAt: null, updatedAt: null };

export function evolveTestClock(state: TestClockState, event: TestClockEvent): TestClockState {
  switch (event.type) {
    case 'TestClockCreated': {
      const { clockId, name, frozenTime, createdAt } = event.data;
      return { status: 'active', clockId, name, frozenTime, createdAt, updatedAt: createdAt };
    }
    case 'TestClockAdvanced':
      return { ...state, frozenTime: event.data.to, updatedAt: event.data.advancedAt };
    case 'TestClockDeleted':
      return { ...state, status: 'deleted', frozenTime: event.data.frozenTime, updatedAt: event.data.deletedAt };
    default:
      return assertNever(event, 'test clock event');
  }
}
