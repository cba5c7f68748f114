import { InvalidAppendError } from './event-store.errors.js';
import type { AppendRequest, ExpectedRevision } from './event-store.port.js';

/** The limits every adapter applies, so that a caller sees the same page sizes and refusals from each. */
export const READ_COUNT_DEFAULT = 1_000;
export const READ_COUNT_MAX = 10_000;
export const EVENTS_PER_APPEND_MAX = 10_000;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readCount(maxCount: number | undefined): number {
  if (maxCount === undefined) return READ_COUNT_DEFAULT;
  if (!Number.isInteger(maxCount) || maxCount < 1) throw new InvalidAppendError(`maxCount must be a positive integer, got ${maxCount}`);
  return Math.min(maxCount, READ_COUNT_MAX);
}

/** What an adapter refuses beyond the shared checks; each throws InvalidAppendError. */
export interface AdapterAppendChecks {
  readonly streamId?: (streamId: string) => void;
  readonly expectedRevision: (revision: ExpectedRevision) => void;
  readonly eventType?: (type: string) => void;
}

/** The checks every adapter makes before it writes anything, with the adapter's own in between. */
export function validateAppend(requests: readonly AppendRequest[], adapter: AdapterAppendChecks): void {
  if (requests.length === 0) throw new InvalidAppendError('an append needs at least one stream');
  const streams = new Set<string>();
  let total = 0;
  for (const request of requests) {
    if (!request.streamId || request.streamId.length > 500) throw new InvalidAppendError(`invalid stream id "${request.streamId}"`);
    adapter.streamId?.(request.streamId);
    if (streams.has(request.streamId)) throw new InvalidAppendError(`stream ${request.streamId} appears twice in one append`);
    streams.add(request.streamId);
    adapter.expectedRevision(request.expectedRevision);
    const ids = new Set<string>();
    for (const event of request.events) {
      if (!UUID_PATTERN.test(event.eventId)) throw new InvalidAppendError(`event id "${event.eventId}" is not a UUID`);
      if (ids.has(event.eventId.toLowerCase())) throw new InvalidAppendError(`event id ${event.eventId} appears twice in one append`);
      ids.add(event.eventId.toLowerCase());
      if (!event.type) throw new InvalidAppendError('every event needs a type');
      adapter.eventType?.(event.type);
    }
    total += request.events.length;
  }
  if (total > EVENTS_PER_APPEND_MAX) throw new InvalidAppendError(`at most ${EVENTS_PER_APPEND_MAX} events per append, got ${total}`);
}
