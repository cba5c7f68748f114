export * from './test-clock.commands.js';
export * from './test-clock.events.js';
export { evolveTestClock, initialTestClockState, type TestClockState, type TestClockStatus } from './test-clock.state.js';
export { canonicalInstant, decideTestClock, testClockDecider, testClockLimits } from './test-clock.decider.js';
