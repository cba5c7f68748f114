import type { EventStore, ExpectedRevision, Position, RecordedEvent } from '../../event-store/src/index.js';
import type { DomainEventLike } from './event-envelope.js';

export interface LoadedStream<State> {
  readonly state: State;
  readonly expectedRevision: ExpectedRevision;
  /** The position of the stream's last event, if it has any. */
  readonly lastPosition: Position | undefined;
  /**
   * When the stream already holds events of this command id (a retry after the first run's response was lost),
   * the position of the last of them: the caller returns the current state instead of deciding again.
   */
  readonly alreadyAppliedAt: Position | undefined;
}

export interface FoldingDecider<Event, State> {
  evolve(state: State, event: Event): State;
  readonly initialState: State;
}

const READ_PAGE = 1_000;

/** A state already folded from a stream's first events, up to and including `revision`: a load goes on from there. */
export interface FoldedPrefix<State> {
  readonly state: State;
  readonly revision: bigint;
  readonly lastPosition: Position | undefined;
}

/**
 * Reads a whole stream and folds it. Streams are short by design, so no snapshots are needed (docs/architecture.md,
 * "Commands: load, decide, append"). With `prefix`, only the events after it are read and folded onto its state (a
 * cache of a stream that every command reads; a command id is then looked for in those events only).
 */
export async function loadStream<Event extends DomainEventLike, State>(
  store: EventStore,
  streamId: string,
  decider: FoldingDecider<Event, State>,
  parse: (recorded: RecordedEvent) => Event,
  commandId?: string,
  prefix?: FoldedPrefix<State>,
): Promise<LoadedStream<State>> {
  let state = prefix ? prefix.state : decider.initialState;
  let last: RecordedEvent | undefined;
  let alreadyAppliedAt: Position | undefined;
  for (let from = prefix ? prefix.revision + 1n : 0n; ; ) {
    const page = await store.readStream(streamId, { fromRevision: from, maxCount: READ_PAGE });
    for (const recorded of page) {
      state = decider.evolve(state, parse(recorded));
      last = recorded;
      if (commandId !== undefined && recorded.metadata.commandId === commandId) alreadyAppliedAt = recorded.position;
    }
    if (page.length < READ_PAGE || !last) break;
    from = last.revision + 1n;
  }
  if (!last && prefix) return { state, expectedRevision: prefix.revision, lastPosition: prefix.lastPosition, alreadyAppliedAt };
  return { state, expectedRevision: last ? last.revision : 'no_stream', lastPosition: last?.position, alreadyAppliedAt };
}
