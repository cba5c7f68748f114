import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from './decider-spec.js';

/** A tiny counter decider, enough to show what each assertion accepts and rejects. */
type Command = { type: 'Add'; amount: number } | { type: 'Reset' };
type Event = { type: 'Added'; amount: number } | { type: 'WasReset' };
type State = { total: number };

class CounterError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const counter = {
  initialState: { total: 0 } as State,
  decide(command: Command, state: State): Event[] {
    switch (command.type) {
      case 'Add':
        if (command.amount <= 0) throw new CounterError('VALIDATION_FAILED', 'amount must be positive');
        if (state.total + command.amount > 10) throw new CounterError('LIMIT', `total would exceed 10 (is ${state.total})`);
        return [{ type: 'Added', amount: command.amount }];
      case 'Reset':
        return state.total === 0 ? [] : [{ type: 'WasReset' }];
    }
  },
  evolve(state: State, event: Event): State {
    return event.type === 'Added' ? { total: state.total + event.amount } : { total: 0 };
  },
};

const spec = DeciderSpecification.for(counter);

describe('DeciderSpecification', () => {
  it('then: passes when decide returns the expected events after folding the given events', () => {
    spec.given([{ type: 'Added', amount: 4 }]).when({ type: 'Add', amount: 6 }).then([{ type: 'Added', amount: 6 }]);
  });

  it('then: fails on different events, and when decide throws', () => {
    expect(() => spec.given([]).when({ type: 'Add', amount: 1 }).then([{ type: 'Added', amount: 2 }])).toThrow();
    expect(() => spec.given([]).when({ type: 'Add', amount: 0 }).then([])).toThrow(/VALIDATION_FAILED.*amount must be positive/);
  });

  it('thenThrows: checks the code, and the message when a pattern is given', () => {
    spec.given([{ type: 'Added', amount: 9 }]).when({ type: 'Add', amount: 2 }).thenThrows('LIMIT');
    spec.given([{ type: 'Added', amount: 9 }]).when({ type: 'Add', amount: 2 }).thenThrows('LIMIT', /is 9/);
    expect(() => spec.given([]).when({ type: 'Add', amount: 0 }).thenThrows('LIMIT')).toThrow();
    expect(() => spec.given([]).when({ type: 'Add', amount: 0 }).thenThrows('VALIDATION_FAILED', /negative/)).toThrow();
    expect(() => spec.given([]).when({ type: 'Add', amount: 1 }).thenThrows('VALIDATION_FAILED')).toThrow(/expected an error/);
  });

  it('thenNothing: passes on no events, fails on events', () => {
    spec.given([]).when({ type: 'Reset' }).thenNothing();
    expect(() => spec.given([{ type: 'Added', amount: 1 }]).when({ type: 'Reset' }).thenNothing()).toThrow();
  });

  it('then: fails when evolve cannot apply a decided event', () => {
    const broken = {
      ...counter,
      evolve(state: State, event: Event): State {
        if (event.type === 'WasReset') throw new Error('evolve forgot WasReset');
        return counter.evolve(state, event);
      },
    };
    expect(() =>
      DeciderSpecification.for(broken).given([{ type: 'Added', amount: 1 }]).when({ type: 'Reset' }).then([{ type: 'WasReset' }]),
    ).toThrow(/evolve forgot WasReset/);
  });
});
