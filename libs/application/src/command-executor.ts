import type { AppendRequest, EventStore, ExpectedRevision, Position } from '../../event-store/src/index.js';
import { WrongExpectedVersionError } from '../../event-store/src/index.js';
import { load, storedEvents, type TargetedCommand } from './aggregates.js';
import type { CommandContext, DomainEventLike } from './event-envelope.js';
import type { LoadedStream } from './stream-loader.js';

/** A conflict is retried this many times (re-reading and re-deciding each time) before it reaches the caller. */
export const CONFLICT_RETRIES_MAX = 25;

export interface Attempt<Result> {
  /** The streams to append, each with the revision it was read at. Empty means nothing to write. */
  readonly appends: readonly AppendRequest[];
  readonly result: (position: Position | undefined) => Result;
}

/**
 * The streams one attempt decided on, each at the revision it was read. An accepted decision is checked by the
 * append itself (every written stream at its revision read); a refusal writes nothing, so it is checked here: it
 * stands only if every stream it was decided on is still at the revision read, so that the states it saw were all
 * the current states at one moment. Otherwise it may have come from states that never existed together (one stream
 * read before another command's commit, the next one after it) and the attempt is re-read and re-decided.
 */
export class StreamReads {
  private readonly revisions = new Map<string, ExpectedRevision>();

  /** Records a stream as read at the revision it was loaded at; returns the loaded stream. */
  track<Loaded extends Pick<LoadedStream<unknown>, 'expectedRevision'>>(streamId: string, loaded: Loaded): Loaded {
    this.revisions.set(streamId, loaded.expectedRevision);
    return loaded;
  }

  get size(): number {
    return this.revisions.size;
  }

  /** True when some stream read has moved on since it was read. */
  async changedSince(store: EventStore): Promise<boolean> {
    const heads = await Promise.all(
      [...this.revisions].map(async ([streamId, revision]) => {
        const [last] = await store.readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
        return (last ? last.revision : 'no_stream') === revision;
      }),
    );
    return heads.includes(false);
  }
}

/**
 * Runs load-decide-append with a bounded retry on WrongExpectedVersion. The attempt function must re-read and
 * re-decide every time (it is given the attempt number); anything else it throws goes straight to the caller,
 * unless it tracked its reads in `reads` and one of those streams has moved since: then the refusal may rest on
 * an inconsistent read and the attempt is retried like a conflict (see StreamReads). If that check itself fails, the
 * attempt's own error is what the caller gets.
 */
export async function executeWithRetry<Result>(store: EventStore, attempt: (attemptNumber: number, reads: StreamReads) => Promise<Attempt<Result>>): Promise<Result> {
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    const reads = new StreamReads();
    let decided: Attempt<Result>;
    try {
      decided = await attempt(attemptNumber, reads);
    } catch (error) {
      if (reads.size === 0 || attemptNumber >= CONFLICT_RETRIES_MAX || !(await reads.changedSince(store).catch(() => false))) throw error;
      await conflictBackoff(attemptNumber);
      continue;
    }
    const { appends, result } = decided;
    const nonEmpty = appends.filter((request) => request.events.length > 0);
    if (nonEmpty.length === 0) return result(undefined);
    try {
      const appended = await store.appendToStreams(nonEmpty);
      return result(appended.position);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attemptNumber >= CONFLICT_RETRIES_MAX) throw error;
      await conflictBackoff(attemptNumber);
    }
  }
}

/** Jittered backoff spreads out writers racing for one stream (e.g. a hot number sequence). */
function conflictBackoff(attemptNumber: number): Promise<void> {
  const delayMs = Math.min(50, 2 ** Math.min(attemptNumber, 5)) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, delayMs));
}

/**
 * The one executor for a command on one aggregate of the stream registry (`aggregates.x.on(id, { ... })`): load the
 * stream with the command's id (and any extra read), build the command, decide, append at the revision read; a
 * conflict re-reads everything and re-decides (executeWithRetry). A retry of a command whose events are already on
 * the stream returns without deciding again. A decision over several streams uses executeWithRetry directly, with
 * the same registry.
 */
export function executeCommand<Event extends DomainEventLike, State, Read, Result>(
  store: EventStore,
  context: CommandContext,
  target: TargetedCommand<Event, State, Read, Result>,
): Promise<Result> {
  const { aggregate, id } = target;
  const streamId = aggregate.stream(context.tenantId, id);
  return executeWithRetry(store, async () => {
    const [loaded, read] = await Promise.all([load(store, aggregate, context.tenantId, id, context.commandId), target.read()]);
    const { alreadyAppliedAt } = loaded;
    if (alreadyAppliedAt) return { appends: [], result: () => target.result(loaded.state, alreadyAppliedAt, read) };
    const events = await target.decide(loaded.state, read, context.now);
    const next = events.reduce((state, event) => aggregate.decider.evolve(state, event), loaded.state);
    return {
      appends: [{ streamId, expectedRevision: loaded.expectedRevision, events: storedEvents(events, context, streamId) }],
      result: (position) => target.result(next, position ?? loaded.lastPosition, read),
    };
  });
}
