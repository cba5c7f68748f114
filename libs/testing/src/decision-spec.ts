import { expect } from '@jest/globals';

/**
 * Given / When / Then for pure decisions over several aggregates (a refund over a payment, its invoices and the
 * customer's account; an allocation; a credit application), the counterpart of DeciderSpecification for the
 * functions that decide more than one stream at once:
 *
 *   const spec = DecisionSpecification.for(
 *     (given: { payment: PaymentEvent[]; account: CustomerAccountEvent[] }) => ({ payment: fold(paymentDecider, given.payment), ... }),
 *     (states, when: { amount: string }) => decideRefund({ ...states, command: { ...when }, ids, now }),
 *   );
 *   spec.given({ payment: [...], account: [...] }).when({ amount: '30.00' }).then({ payment: [...], invoices: new Map(), account: [...] });
 *   spec.given({ payment: [...], account: [] }).when({ amount: '30.00' }).thenThrows('INSUFFICIENT_CREDIT', /spent/);
 *
 * `given` describes each stream by its events, and the first function folds them into the states the decision
 * reads (as a handler loads them); `when` is the rest of the decision's input; `then` compares the whole decision
 * with toEqual (Maps included), `thenThrows` the error's stable `code` (and its message, when a pattern is given).
 * The decision is described structurally, so this helper depends on no domain code.
 */
export interface DecisionThen<Decision> {
  /** The decision is exactly this. */
  then(expected: Decision): void;
  /** The decision throws an error whose `code` is `code` (and whose message matches `messageMatch`, when given). */
  thenThrows(code: string, messageMatch?: RegExp): void;
}

export interface DecisionWhen<When, Decision> {
  when(when: When): DecisionThen<Decision>;
}

export interface DecisionGiven<Given, When, Decision> {
  given(given: Given): DecisionWhen<When, Decision>;
}

type Outcome<Decision> = { kind: 'decision'; decision: Decision } | { kind: 'error'; error: unknown };

function describeOutcome<Decision>(outcome: Outcome<Decision>): string {
  if (outcome.kind === 'decision') return `the decision ${JSON.stringify(outcome.decision, (_key, value: unknown) => (value instanceof Map ? Object.fromEntries(value) : value))}`;
  const error = outcome.error;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code === undefined ? '' : ` [${String(code)}]`}: ${error.message}`;
  }
  return `a thrown ${typeof error}: ${String(error)}`;
}

export const DecisionSpecification = {
  for<Given, States, When, Decision>(fold: (given: Given) => States, decide: (states: States, when: When) => Decision): DecisionGiven<Given, When, Decision> {
    return {
      given(given) {
        return {
          when(when) {
            const run = (): Outcome<Decision> => {
              const states = fold(given);
              try {
                return { kind: 'decision', decision: decide(states, when) };
              } catch (error) {
                return { kind: 'error', error };
              }
            };
            return {
              then(expected) {
                const outcome = run();
                if (outcome.kind === 'error') throw new Error(`expected a decision but it threw ${describeOutcome(outcome)}`, { cause: outcome.error });
                expect(outcome.decision).toEqual(expected);
              },
              thenThrows(code, messageMatch) {
                const outcome = run();
                if (outcome.kind === 'decision') throw new Error(`expected an error with code ${code} but got ${describeOutcome(outcome)}`);
                expect(outcome.error).toBeInstanceOf(Error);
                const error = outcome.error as Error & { code?: unknown };
                expect({ code: error.code, message: error.message }).toEqual({
                  code,
                  message: messageMatch === undefined ? expect.any(String) : expect.stringMatching(messageMatch),
                });
              },
            };
          },
        };
      },
    };
  },
};
