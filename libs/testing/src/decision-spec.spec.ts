import { describe, expect, it } from '@jest/globals';
import { DecisionSpecification } from './decision-spec.js';

/** A tiny transfer between two counters, enough to show what each assertion accepts and rejects. */
class TransferError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Given = { from: number[]; to: number[] };
type States = { from: number; to: number };
type Decision = { from: number[]; to: Map<string, number[]> };

const spec = DecisionSpecification.for(
  (given: Given): States => ({ from: given.from.reduce((sum, amount) => sum + amount, 0), to: given.to.reduce((sum, amount) => sum + amount, 0) }),
  (states, when: { amount: number }): Decision => {
    if (when.amount <= 0) throw new TransferError('VALIDATION_FAILED', 'amount must be positive');
    if (when.amount > states.from) throw new TransferError('INSUFFICIENT', `only ${states.from} to move`);
    return { from: [-when.amount], to: new Map([['to', [when.amount]]]) };
  },
);

describe('DecisionSpecification', () => {
  it('then: passes when the decision on the folded states is the one expected, Maps included', () => {
    spec.given({ from: [4, 6], to: [] }).when({ amount: 7 }).then({ from: [-7], to: new Map([['to', [7]]]) });
  });

  it('then: fails on another decision, and when the decision throws', () => {
    expect(() => spec.given({ from: [10], to: [] }).when({ amount: 7 }).then({ from: [-7], to: new Map([['to', [8]]]) })).toThrow();
    expect(() => spec.given({ from: [10], to: [] }).when({ amount: 0 }).then({ from: [], to: new Map() })).toThrow(/VALIDATION_FAILED.*amount must be positive/);
  });

  it('thenThrows: checks the code, and the message when a pattern is given', () => {
    spec.given({ from: [3], to: [] }).when({ amount: 5 }).thenThrows('INSUFFICIENT');
    spec.given({ from: [3], to: [] }).when({ amount: 5 }).thenThrows('INSUFFICIENT', /only 3/);
    expect(() => spec.given({ from: [3], to: [] }).when({ amount: 5 }).thenThrows('VALIDATION_FAILED')).toThrow();
    expect(() => spec.given({ from: [3], to: [] }).when({ amount: 5 }).thenThrows('INSUFFICIENT', /only 4/)).toThrow();
    expect(() => spec.given({ from: [3], to: [] }).when({ amount: 1 }).thenThrows('INSUFFICIENT')).toThrow(/expected an error/);
  });
});
