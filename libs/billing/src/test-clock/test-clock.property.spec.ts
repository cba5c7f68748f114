import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isDomainError } from '../common/domain-error.js';
import { fold } from '../common/decider.js';
import type { AdvanceTestClock } from './test-clock.commands.js';
import { testClockDecider } from './test-clock.decider.js';
import type { TestClockEvent } from './test-clock.events.js';

const clockId = 'clock-1';
const start = Date.parse('2025-01-01T00:00:00.000Z');
const hundredYearsLater = Date.parse('2125-01-01T00:00:00.000Z');
const created: TestClockEvent = {
  type: 'TestClockCreated',
  data: { clockId, name: 'Property', frozenTime: new Date(start).toISOString(), createdAt: '2026-01-01T00:00:00.000Z' },
};

/** Offsets in milliseconds from the current frozen time: backwards, standing still, small and very large steps. */
const offset = fc.oneof(
  fc.integer({ min: -86_400_000 * 400, max: 0 }),
  fc.integer({ min: 1, max: 86_400_000 * 40 }),
  fc.constantFrom(0, 1, -1, 86_400_000 * 365),
  fc.integer({ min: 0, max: 101 }).map((years) => years * 365.25 * 86_400_000),
);

describe('a test clock advanced at random', () => {
  it('only ever moves forward, each advance starting where the last ended, and refusals record nothing', () => {
    fc.assert(
      fc.property(fc.array(offset, { minLength: 1, maxLength: 40 }), (offsets) => {
        const events: TestClockEvent[] = [created];
        let frozen = start;
        for (const step of offsets) {
          const target = frozen + Math.round(step);
          const command: AdvanceTestClock = { type: 'AdvanceTestClock', data: { clockId, to: new Date(target).toISOString() }, metadata: { now: '2026-01-02T00:00:00.000Z' } };
          const state = fold(testClockDecider, events);
          const latest = new Date(frozen);
          latest.setUTCFullYear(latest.getUTCFullYear() + 100);
          let decided: TestClockEvent[] | undefined;
          let refusal: unknown;
          try {
            decided = testClockDecider.decide(command, state);
          } catch (error) {
            refusal = error;
          }
          if (target <= frozen) {
            expect(isDomainError(refusal) && refusal.code).toBe('TEST_CLOCK_CANNOT_GO_BACK');
          } else if (target > latest.getTime()) {
            expect(isDomainError(refusal) && refusal.code).toBe('VALIDATION_FAILED');
          } else {
            expect(decided).toEqual([{ type: 'TestClockAdvanced', data: { clockId, from: new Date(frozen).toISOString(), to: new Date(target).toISOString(), advancedAt: '2026-01-02T00:00:00.000Z' } }]);
            events.push(...(decided ?? []));
            frozen = target;
          }
          expect(fold(testClockDecider, events).frozenTime).toBe(new Date(frozen).toISOString());
        }
        // The history is a chain: each advance starts where the previous one ended, strictly later.
        const advances = events.filter((event) => event.type === 'TestClockAdvanced');
        let previous = new Date(start).toISOString();
        for (const event of advances) {
          expect(event.data.from).toBe(previous);
          expect(Date.parse(event.data.to)).toBeGreaterThan(Date.parse(event.data.from));
          previous = event.data.to;
        }
      }),
    );
  });

  it('accepts every instant up to exactly 100 years ahead in one step and none beyond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: hundredYearsLater - start + 1_000 }), (step) => {
        const to = new Date(start + step).toISOString();
        const state = fold(testClockDecider, [created]);
        const command: AdvanceTestClock = { type: 'AdvanceTestClock', data: { clockId, to }, metadata: { now: '2026-01-02T00:00:00.000Z' } };
        if (start + step <= hundredYearsLater) expect(testClockDecider.decide(command, state)).toHaveLength(1);
        else expect(() => testClockDecider.decide(command, state)).toThrow(/at most 100 years/);
      }),
    );
  });
});
