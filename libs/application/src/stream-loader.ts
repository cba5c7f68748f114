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

/**
 * Reads a whole stream and folds it. Streams are short by design, so no snapshots are needed (docs/architecture.md,
 * "Commands: load, decide, append").
 */
export async function loadStream<Event extends DomainEventLike, State>(
  store: EventStore,
  streamId: string,
  decider: FoldingDecider<Event, State>,
  parse: (recorded: RecordedEvent) => Event,
  commandId?: string,
): Promise<LoadedStream<State>> {
  let state = decider.initialState;
  let last: RecordedEvent | undefined;
  let alreadyAppliedAt: Position | undefined;
  for (let from = 0n; ; ) {
    const page = await store.readStream(streamId, { fromRevision: from, maxCount: READ_PAGE });
    for (const recorded of page) {
      state = decider.evolve(state, parse(recorded));
      last = recorded;
      if (commandId !== undefined && recorded.metadata.commandId === commandId) alreadyAppliedAt = recorded.position;
    }
    if (page.length < READ_PAGE || !last) break;
    from = last.revision + 1n;
  }
  return { state, expectedRevision: last ? last.revision : 'no_stream', lastPosition: last?.position, alreadyAppliedAt };
}
