import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { AdvanceTestClock, CreateTestClock, DeleteTestClock, TestClockCommand } from './test-clock.commands.js';
import { canonicalInstant, testClockDecider } from './test-clock.decider.js';
import { testClockEventSchemas, type TestClockAdvanced, type TestClockCreated, type TestClockDeleted, type TestClockEvent } from './test-clock.events.js';

const spec = DeciderSpecification.for(testClockDecider);

/** The real instants the commands are handled at: they have nothing to do with the clock's frozen time. */
const now = '2026-05-04T10:00:00.000Z';
const later = '2026-05-04T10:05:00.000Z';
const clockId = 'clock-1';
const start = '2025-01-01T00:00:00.000Z';

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

function create(data: Partial<CreateTestClock['data']> = {}, at = now): CreateTestClock {
  return { type: 'CreateTestClock', data: { clockId, name: 'Renewals scenario', frozenTime: start, ...data }, metadata: { now: at } };
}

function advance(to: string, data: Partial<AdvanceTestClock['data']> = {}, at = later): AdvanceTestClock {
  return { type: 'AdvanceTestClock', data: { clockId, to, ...data }, metadata: { now: at } };
}

function remove(data: Partial<DeleteTestClock['data']> = {}, at = later): DeleteTestClock {
  return { type: 'DeleteTestClock', data: { clockId, ...data }, metadata: { now: at } };
}

const created: TestClockCreated = { type: 'TestClockCreated', data: { clockId, name: 'Renewals scenario', frozenTime: start, createdAt: now } };

function advanced(from: string, to: string, at = later): TestClockAdvanced {
  return { type: 'TestClockAdvanced', data: { clockId, from, to, advancedAt: at } };
}

const deleted: TestClockDeleted = { type: 'TestClockDeleted', data: { clockId, frozenTime: '2025-03-01T00:00:00.000Z', deletedAt: later } };

describe('no test clock (the tenant runs on real time)', () => {
  it('CreateTestClock attaches a clock frozen at the given instant', () => {
    spec.given([]).when(create()).then([created]);
  });

  it('records the frozen time in canonical UTC form, whatever offset it was given in', () => {
    spec
      .given([])
      .when(create({ frozenTime: '2025-01-01T09:00+09:00' }))
      .then([{ ...created, data: { ...created.data, frozenTime: '2025-01-01T00:00:00.000Z' } }]);
  });

  it('a frozen time far from the real now is fine: scenarios start in the past or the future', () => {
    spec.given([]).when(create({ frozenTime: '1999-12-31T23:59:59.999Z' })).then([{ ...created, data: { ...created.data, frozenTime: '1999-12-31T23:59:59.999Z' } }]);
  });

  it.each([
    ['no clock id', { clockId: '' }, /clockId is required/],
    ['a clock id with a space', { clockId: 'clock 1' }, /clockId must start with a letter or a digit/],
    ['a blank name', { name: '   ' }, /name is required/],
    ['a name of 201 characters', { name: 'x'.repeat(201) }, /name must be at most 200 characters/],
    ['a calendar date instead of an instant', { frozenTime: '2025-01-01' }, /frozenTime must be an ISO-8601 instant/],
    ['an instant without a zone', { frozenTime: '2025-01-01T00:00:00' }, /frozenTime must be an ISO-8601 instant/],
    ['a frozen time that is a number', { frozenTime: unchecked<string>(1735689600000) }, /frozenTime must be an ISO-8601 instant/],
  ])('CreateTestClock with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(create(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('CreateTestClock without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...create(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });

  it('AdvanceTestClock fails NOT_FOUND', () => {
    spec.given([]).when(advance('2025-02-01T00:00:00Z')).thenThrows('NOT_FOUND', /the tenant has no test clock/);
  });

  it('DeleteTestClock fails NOT_FOUND', () => {
    spec.given([]).when(remove()).thenThrows('NOT_FOUND', /the tenant has no test clock/);
  });
});

describe('an active test clock', () => {
  it('folds to the frozen time and the instants of its changes', () => {
    expect(fold(testClockDecider, [created])).toEqual({ status: 'active', clockId, name: 'Renewals scenario', frozenTime: start, createdAt: now, updatedAt: now });
    expect(fold(testClockDecider, [created, advanced(start, '2025-02-01T00:00:00.000Z')])).toMatchObject({
      status: 'active',
      frozenTime: '2025-02-01T00:00:00.000Z',
      createdAt: now,
      updatedAt: later,
    });
  });

  it('AdvanceTestClock moves it forward, recording where it came from', () => {
    spec.given([created]).when(advance('2025-03-01T00:00:00Z')).then([advanced(start, '2025-03-01T00:00:00.000Z')]);
  });

  it('a year in one advance is one event', () => {
    spec.given([created]).when(advance('2026-01-01T00:00:00.000Z')).then([advanced(start, '2026-01-01T00:00:00.000Z')]);
  });

  it('one millisecond forward is enough', () => {
    spec.given([created]).when(advance('2025-01-01T00:00:00.001Z')).then([advanced(start, '2025-01-01T00:00:00.001Z')]);
  });

  it('a later advance starts from where the previous one ended', () => {
    const first = advanced(start, '2025-02-01T00:00:00.000Z');
    spec.given([created, first]).when(advance('2025-02-15T12:00:00.000Z')).then([advanced('2025-02-01T00:00:00.000Z', '2025-02-15T12:00:00.000Z')]);
  });

  it.each([
    ['an earlier instant', '2024-12-31T23:59:59.999Z', /is at 2025-01-01T00:00:00.000Z, after 2024-12-31T23:59:59.999Z/],
    ['the same instant', start, /is already at 2025-01-01T00:00:00.000Z/],
    ['the same instant written in another zone', '2024-12-31T19:00:00-05:00', /is already at 2025-01-01T00:00:00.000Z/],
  ])('AdvanceTestClock to %s fails TEST_CLOCK_CANNOT_GO_BACK', (_case, to, message) => {
    spec.given([created]).when(advance(to)).thenThrows('TEST_CLOCK_CANNOT_GO_BACK', message);
  });

  it('AdvanceTestClock back to an instant it has already passed fails TEST_CLOCK_CANNOT_GO_BACK', () => {
    spec.given([created, advanced(start, '2025-06-01T00:00:00.000Z')]).when(advance('2025-03-01T00:00:00.000Z')).thenThrows('TEST_CLOCK_CANNOT_GO_BACK', /is at 2025-06-01/);
  });

  it('AdvanceTestClock exactly 100 years ahead is accepted', () => {
    spec.given([created]).when(advance('2125-01-01T00:00:00.000Z')).then([advanced(start, '2125-01-01T00:00:00.000Z')]);
  });

  it('AdvanceTestClock more than 100 years ahead fails VALIDATION_FAILED, naming the latest accepted instant', () => {
    spec.given([created]).when(advance('2125-01-01T00:00:00.001Z')).thenThrows('VALIDATION_FAILED', /to must be at most 100 years after .* \(at most 2125-01-01T00:00:00.000Z/);
  });

  it('the 100 years count calendar years, leap days included', () => {
    const leap: TestClockCreated = { ...created, data: { ...created.data, frozenTime: '2024-02-29T12:00:00.000Z' } };
    // 2124 is a leap year too, so the latest instant is 2124-02-29T12:00Z.
    spec.given([leap]).when(advance('2124-02-29T12:00:00.000Z')).then([advanced('2024-02-29T12:00:00.000Z', '2124-02-29T12:00:00.000Z')]);
    spec.given([leap]).when(advance('2124-02-29T12:00:00.001Z')).thenThrows('VALIDATION_FAILED', /at most 2124-02-29T12:00:00.000Z/);
  });

  it.each([
    ['no instant', unchecked<string>(undefined), /to must be an ISO-8601 instant/],
    ['a calendar date', '2025-02-01', /to must be an ISO-8601 instant/],
    ['an impossible date', '2025-02-30T00:00:00Z', /to must be an ISO-8601 instant/],
  ])('AdvanceTestClock with %s fails VALIDATION_FAILED', (_case, to, message) => {
    spec.given([created]).when(advance(to)).thenThrows('VALIDATION_FAILED', message);
  });

  it('AdvanceTestClock for another clock id fails NOT_FOUND and names the tenant\'s clock', () => {
    spec.given([created]).when(advance('2025-02-01T00:00:00Z', { clockId: 'clock-2' })).thenThrows('NOT_FOUND', /test clock clock-2 does not exist: the tenant's clock is clock-1/);
  });

  it('the same CreateTestClock again decides nothing (a retry is harmless)', () => {
    spec.given([created]).when(create({}, later)).thenNothing();
    spec.given([created]).when(create({ frozenTime: '2025-01-01T01:00:00+01:00' }, later)).thenNothing();
  });

  it.each([
    ['another clock id', { clockId: 'clock-2' }],
    ['another name', { name: 'Other scenario' }],
    ['another frozen time', { frozenTime: '2025-02-01T00:00:00Z' }],
  ])('CreateTestClock with %s fails ALREADY_EXISTS: one clock per tenant', (_case, data) => {
    spec.given([created]).when(create(data)).thenThrows('ALREADY_EXISTS', /the tenant already has test clock clock-1, frozen at 2025-01-01T00:00:00.000Z/);
  });

  it('CreateTestClock checks its data before the state: an invalid retry is VALIDATION_FAILED', () => {
    spec.given([created]).when(create({ name: '' })).thenThrows('VALIDATION_FAILED', /name/);
  });

  it('DeleteTestClock detaches it, recording where it stood', () => {
    const at = advanced(start, '2025-03-01T00:00:00.000Z');
    spec.given([created, at]).when(remove()).then([deleted]);
    expect(fold(testClockDecider, [created, at, deleted])).toMatchObject({ status: 'deleted', clockId, frozenTime: '2025-03-01T00:00:00.000Z', updatedAt: later });
  });

  it('DeleteTestClock for another clock id fails NOT_FOUND', () => {
    spec.given([created]).when(remove({ clockId: 'clock-2' })).thenThrows('NOT_FOUND', /clock-2 does not exist/);
  });
});

describe('a deleted test clock', () => {
  const history: TestClockEvent[] = [created, advanced(start, '2025-03-01T00:00:00.000Z'), deleted];

  it('AdvanceTestClock fails NOT_FOUND', () => {
    spec.given(history).when(advance('2025-04-01T00:00:00Z')).thenThrows('NOT_FOUND', /test clock clock-1 was deleted/);
  });

  it('DeleteTestClock again decides nothing (a retry is harmless)', () => {
    spec.given(history).when(remove()).thenNothing();
  });

  it('DeleteTestClock of another clock id fails NOT_FOUND', () => {
    spec.given(history).when(remove({ clockId: 'clock-2' })).thenThrows('NOT_FOUND', /clock-2 does not exist/);
  });

  it.each([
    ['the same clock', {}],
    ['another clock', { clockId: 'clock-2', frozenTime: '2020-01-01T00:00:00Z' }],
  ])('CreateTestClock of %s fails ALREADY_EXISTS: a tenant\'s clock is created once', (_case, data) => {
    spec.given(history).when(create(data)).thenThrows('ALREADY_EXISTS', /was deleted: a tenant's clock is created once/);
  });
});

describe('canonicalInstant', () => {
  it.each([
    ['2025-01-01T00:00:00Z', '2025-01-01T00:00:00.000Z'],
    ['2025-01-01T00:00Z', '2025-01-01T00:00:00.000Z'],
    ['2025-01-01T05:30:00.5+05:30', '2025-01-01T00:00:00.500Z'],
    ['2024-12-31T23:00:00.123456789-01:00', '2025-01-01T00:00:00.123Z'],
  ])('%s is %s', (value, canonical) => {
    expect(canonicalInstant(value)).toBe(canonical);
  });
});

describe('event contracts', () => {
  it('every event the decider emits matches its zod schema (version 1)', () => {
    const commands: TestClockCommand[] = [create(), advance('2025-02-01T00:00:00Z'), advance('2026-02-01T00:00:00Z'), remove()];
    const events: TestClockEvent[] = [];
    for (const command of commands) events.push(...testClockDecider.decide(command, fold(testClockDecider, events)));
    expect(events.map((event) => event.type)).toEqual(['TestClockCreated', 'TestClockAdvanced', 'TestClockAdvanced', 'TestClockDeleted']);
    for (const event of events) {
      const schema = testClockEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(1);
      expect(schema.data.parse(event.data)).toEqual(event.data);
    }
  });

  it('the schemas refuse an event without its instants', () => {
    expect(() => testClockEventSchemas.TestClockAdvanced.data.parse({ clockId, from: start, to: 'tomorrow', advancedAt: later })).toThrow(/ISO-8601 instant/);
  });
});
