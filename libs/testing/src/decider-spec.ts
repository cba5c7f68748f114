import { expect } from '@jest/globals';

/**
 * Given / When / Then for deciders (docs/architecture.md, Conventions 7), in the style of Emmett's
 * DeciderSpecification:
 *
 *   const spec = DeciderSpecification.for(invoiceDecider);
 *   spec.given([invoiceDrafted]).when(issueInvoice).then([invoiceIssued]);
 *   spec.given([]).when(issueInvoice).thenThrows('NOT_FOUND', /does not exist/);
 *
 * `given` events are folded with `evolve` from `initialState`; `when` runs `decide` on the result. `then` also
 * evolves the new events, so an event that `decide` can emit but `evolve` cannot apply fails the spec too.
 * The decider is described structurally, so this helper depends on no domain code.
 */
export interface SpecifiedDecider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState: State;
}

export interface DeciderThen<Event> {
  /** decide returns exactly these events, in this order. */
  then(expectedEvents: Event[]): void;
  /** decide throws an error whose `code` is `code` (and whose message matches `messageMatch`, when given). */
  thenThrows(code: string, messageMatch?: RegExp): void;
  /** decide returns no events (an idempotent no-op) and does not throw. */
  thenNothing(): void;
}

export interface DeciderWhen<Command, Event> {
  when(command: Command): DeciderThen<Event>;
}

export interface DeciderGiven<Command, Event> {
  given(events: Event[]): DeciderWhen<Command, Event>;
}

type Outcome<Event> = { kind: 'events'; events: Event[] } | { kind: 'error'; error: unknown };

function describeOutcome<Event>(outcome: Outcome<Event>): string {
  if (outcome.kind === 'events') return `events ${JSON.stringify(outcome.events)}`;
  const error = outcome.error;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code === undefined ? '' : ` [${String(code)}]`}: ${error.message}`;
  }
  return `a thrown ${typeof error}: ${String(error)}`;
}

export const DeciderSpecification = {
  for<Command, Event, State>(decider: SpecifiedDecider<Command, Event, State>): DeciderGiven<Command, Event> {
    return {
      given(events) {
        return {
          when(command) {
            const run = (): Outcome<Event> => {
              let state = decider.initialState;
              for (const event of events) state = decider.evolve(state, event);
              let produced: Event[];
              try {
                produced = decider.decide(command, state);
              } catch (error) {
                return { kind: 'error', error };
              }
              // Applying what was decided must work: this catches evolve cases missing for new events.
              for (const event of produced) state = decider.evolve(state, event);
              return { kind: 'events', events: produced };
            };
            return {
              then(expectedEvents) {
                const outcome = run();
                if (outcome.kind === 'error') throw new Error(`expected events but decide threw ${describeOutcome(outcome)}`, { cause: outcome.error });
                expect(outcome.events).toEqual(expectedEvents);
              },
              thenThrows(code, messageMatch) {
                const outcome = run();
                if (outcome.kind === 'events') throw new Error(`expected an error with code ${code} but got ${describeOutcome(outcome)}`);
                expect(outcome.error).toBeInstanceOf(Error);
                const error = outcome.error as Error & { code?: unknown };
                expect({ code: error.code, message: error.message }).toEqual({
                  code,
                  message: messageMatch === undefined ? expect.any(String) : expect.stringMatching(messageMatch),
                });
              },
              thenNothing() {
                const outcome = run();
                if (outcome.kind === 'error') throw new Error(`expected no events but decide threw ${describeOutcome(outcome)}`, { cause: outcome.error });
                expect(outcome.events).toEqual([]);
              },
            };
          },
        };
      },
    };
  },
};
