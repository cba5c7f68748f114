import type { WebhookMessageSource } from '../../../billing/src/index.js';
import { publicEventsOf, type PublicEvent, type PublicSourceEvent } from '../../../billing/src/public-events/index.js';
import { encodePosition, type EventStore, type RecordedEvent } from '../../../event-store/src/index.js';

/** A stored event as the public catalogue reads it (contract 3). */
export function publicSourceOf(recorded: RecordedEvent): PublicSourceEvent {
  const schemaVersion = recorded.metadata.schemaVersion;
  return {
    eventId: recorded.eventId,
    type: recorded.type,
    data: recorded.data,
    streamId: recorded.streamId,
    position: encodePosition(recorded.position),
    ...(typeof schemaVersion === 'number' ? { schemaVersion } : {}),
    recordedAt: recorded.recordedAt.toISOString(),
  };
}

/** Where a message comes from, as its delivery records it (so a retry re-reads the very same event). */
export function messageSourceOf(recorded: RecordedEvent): WebhookMessageSource {
  return { eventId: recorded.eventId, streamId: recorded.streamId, revision: recorded.revision.toString(), position: encodePosition(recorded.position) };
}

/** The messages (public events) of a stored event; none for an internal event with no public meaning. */
export function messagesOf(recorded: RecordedEvent): PublicEvent[] {
  return publicEventsOf(publicSourceOf(recorded));
}

/**
 * The message a delivery is about, rebuilt from its source event (one indexed read of one stream revision): the same
 * event gives the same public events, so a retry sends the same id and the same bytes as the first attempt. Undefined
 * when the source is not where the record says (a broken invariant the caller reports).
 */
export async function messageFromSource(store: EventStore, source: WebhookMessageSource, messageId: string): Promise<PublicEvent | undefined> {
  const [recorded] = await store.readStream(source.streamId, { fromRevision: BigInt(source.revision), maxCount: 1 });
  if (recorded === undefined || recorded.eventId !== source.eventId) return undefined;
  return messagesOf(recorded).find((message) => message.id === messageId);
}
