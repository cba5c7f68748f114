/**
 * The event store port. It mirrors KurrentDB's semantics so that both adapters stay thin:
 * 0-based stream revisions, expected-revision checks, idempotent appends by event id, a global log read in a
 * stable order, and catch-up subscriptions that then go live with the same delivery.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** A place in the global log. Opaque to callers: compare with comparePositions, serialise with encodePosition. */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface EventData {
  /** Chosen by the caller (a UUID) so that a retried append is recognised and acknowledged without writing. */
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata?: JsonObject;
}

export interface RecordedEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly position: Position;
  readonly recordedAt: Date;
  /**
   * The event's link in its stream's hash chain, lowercase hex (SHA-256 of the previous event's hash and the event's
   * canonical text: libs/audit eventHash). Present when the store keeps the chain (PostgreSQL); the KurrentDB adapter
   * does not.
   */
  readonly hash?: string;
}

export interface AppendResult {
  readonly nextExpectedRevision: bigint;
  readonly position: Position;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly EventData[];
  readonly expectedRevision: ExpectedRevision;
}

export interface MultiStreamAppendResult {
  readonly results: readonly AppendResult[];
  /** The position of the last event written (or acknowledged) by the whole append. */
  readonly position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: Direction;
  /** Inclusive. Defaults to the first revision forwards and the last one backwards. */
  readonly fromRevision?: bigint | 'start' | 'end';
  readonly maxCount?: number;
}

export interface EventFilter {
  /** Exact event type names; an event passes if its type is one of them. */
  readonly eventTypes?: readonly string[];
  /** Stream name prefixes, e.g. `acme:` for one tenant or `acme:invoice-` for one category. */
  readonly streamPrefixes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: the event at this position is not returned. Defaults to the start (forwards) or end (backwards). */
  readonly fromPosition?: Position | 'start' | 'end';
  readonly direction?: Direction;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export type SubscriptionMessage =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  /**
   * Sent when the subscription has delivered everything committed up to `position` (events the filter skipped
   * included). It comes first when catch-up ends, then again each time the subscription reaches the end of the log
   * having moved on, so a consumer of a sparse filter can still move its checkpoint.
   */
  | { readonly kind: 'caught_up'; readonly position: Position };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  close(): Promise<void>;
}

export interface SubscribeToAllOptions {
  /** Exclusive start; defaults to the beginning of the log. */
  readonly fromPosition?: Position | 'start' | 'end';
  readonly filter?: EventFilter;
}

export interface SubscribeToStreamOptions {
  /** Exclusive start revision; defaults to the beginning of the stream. */
  readonly fromRevision?: bigint | 'start' | 'end';
}

export interface EventStore {
  appendToStream(streamId: string, events: readonly EventData[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /** Appends to several streams atomically: all are written, or none (a conflict on any rejects the whole). */
  appendToStreams(requests: readonly AppendRequest[]): Promise<MultiStreamAppendResult>;
  /** Events of one stream; an empty list when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): Subscription;
  subscribeToStream(streamId: string, options?: SubscribeToStreamOptions): Subscription;
  /** The position of the last event that a reader of $all can see now. */
  headPosition(): Promise<Position>;
  /**
   * For a store whose $all shows a commit only once older transactions have ended (PostgreSQL): waits, up to
   * `timeoutMs`, until the head has reached `position`, and answers false at once when `position` was never handed out
   * (beyond anything the store has assigned). A store whose head is its real end has no such wait and leaves it out.
   */
  waitForHead?(position: Position, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}
