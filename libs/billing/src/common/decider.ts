/**
 * A decider is the whole behaviour of one aggregate as three pure parts (docs/architecture.md, Conventions 1): `decide`
 * turns a command and the current state into new events (or throws a DomainError), `evolve` applies one event to a
 * state, and `initialState` is the state of a stream that has no events yet. Time, ids and settings arrive in the
 * command.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState: State;
}

/** The state after `events`, replayed in order from `initialState` (or from `from`, e.g. a snapshot). */
export function fold<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  events: readonly Event[],
  from: State = decider.initialState,
): State {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/**
 * The application loads the stream named after the command's id, so a command carrying another id was decided on
 * the wrong stream: a bug, not input, hence an assertion rather than a DomainError. `streamId` null is a stream
 * with no events yet, which any id may start.
 */
export function assertDecidedOnOwnStream(what: string, commandId: unknown, streamId: string | null): void {
  if (streamId !== null && commandId !== streamId) {
    throw new Error(`${what} command for ${JSON.stringify(commandId)} was decided on the stream of ${streamId}`);
  }
}
