/**
 * Pure mappings between the event store port and `@kurrent/kurrentdb-client` 1.x. Nothing here talks to a server, so
 * every rule the KurrentDB adapter relies on is unit-tested without one (kurrentdb-mapping.spec.ts).
 *
 * Decisions worth knowing (each is tested):
 * - Expected revisions map one to one onto the client's stream states (`any`, `no_stream`, `stream_exists`, a
 *   revision). Idempotency is KurrentDB's own: an append whose event ids were already written right after the
 *   expected revision is acknowledged without writing; a partial overlap is a WrongExpectedVersion.
 * - A conflict keeps the revision the caller asked for as `expected`: the client reports it in three encodings
 *   (v1 append response, batch-append status details with sentinel numbers, v2 revision-conflict details) and in two
 *   of them an unset field reads as a real value ('any', revision 0). The client's own field is decoded (negative
 *   sentinels -1/-2/-4 become no_stream/any/stream_exists) only when the caller's value is not known.
 *   `actual` is the client's current state: a revision, `no_stream` (also the sentinel -1), or `unknown` with a
 *   reason for a deleted (-5) or tombstoned (-6) stream.
 * - Reads: `$all` reads and subscriptions never surface system events (types starting with `$`), and the adapter
 *   refuses to append such types so that nothing it writes can vanish from `$all`.
 * - Filters: our event types are exact names, KurrentDB filters by regex or prefix, so the types become
 *   `^(?:a|b)$` with every name escaped. KurrentDB filters on one dimension only; when both are given the stream
 *   prefixes go to the server (a prefix names a tenant or category: few streams, many types) and the types are
 *   checked here. The complete filter is always re-checked here, so the server-side filter is only an optimisation.
 * - Positions are the same `{ commit, prepare }` pair as KurrentDB's; cursors are `encodePosition` strings.
 */
import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import type {
  AllStreamResolvedEvent,
  AppendStreamRequest,
  AppendStreamState,
  CaughtUp,
  AllStreamSubscription,
  CurrentStreamState,
  EventData as ClientEventData,
  Filter as ClientFilter,
  Position as ClientPosition,
  ReadPosition,
  ReadRevision,
  ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { InvalidAppendError, InvalidPositionError, WrongExpectedVersionError } from '../event-store.errors.js';
import type {
  AppendRequest,
  Direction,
  EventData,
  EventFilter,
  ExpectedRevision,
  JsonObject,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store.port.js';
import { comparePositions, encodePosition } from '../position.js';
import { readCount, validateAppend } from '../adapter-checks.js';

export { READ_COUNT_DEFAULT, READ_COUNT_MAX, readCount } from '../adapter-checks.js';

const UNSIGNED_64_MAX = (1n << 64n) - 1n;
/** KurrentDB's log positions and revisions are signed 64-bit inside the server; -1 travels as 2^64 - 1. */
const SIGNED_64_MAX = (1n << 63n) - 1n;

/** Something KurrentDB returned breaks an assumption the adapter relies on (a missing position, unreadable data). */
export class KurrentDbAssertionError extends Error {
  readonly code = 'EVENT_STORE_ASSERTION';
  constructor(message: string) {
    super(message);
    this.name = 'KurrentDbAssertionError';
  }
}

/** The server closed a subscription without an error; treated like a dropped connection (resubscribe). */
export class SubscriptionEndedError extends Error {
  constructor() {
    super('KurrentDB ended the subscription');
    this.name = 'SubscriptionEndedError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Expected revisions and conflicts
// ---------------------------------------------------------------------------------------------------------------

export function toClientStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (expected < 0n || expected > SIGNED_64_MAX) throw new InvalidAppendError(`expected revision must be between 0 and 2^63 - 1, got ${expected}`);
      return expected;
  }
}

/** Decodes the client's expected state, including the server's negative sentinels. `undefined` when unknowable. */
export function fromClientExpectedState(state: AppendStreamState | bigint | undefined): ExpectedRevision | undefined {
  if (state === ANY || state === NO_STREAM || state === STREAM_EXISTS) return state;
  if (typeof state !== 'bigint') return undefined;
  if (state >= 0n) return state;
  switch (state) {
    case -1n:
      return 'no_stream';
    case -2n:
      return 'any';
    case -4n:
      return 'stream_exists';
    default:
      return undefined;
  }
}

export function fromClientActualState(state: CurrentStreamState | bigint | undefined): {
  actual: bigint | 'no_stream' | 'unknown';
  reason?: string;
} {
  if (state === NO_STREAM) return { actual: 'no_stream' };
  if (typeof state !== 'bigint') return { actual: 'unknown' };
  if (state >= 0n) return { actual: state };
  switch (state) {
    case -1n:
      return { actual: 'no_stream' };
    case -5n:
      return { actual: 'unknown', reason: 'the stream is deleted' };
    case -6n:
      return { actual: 'unknown', reason: 'the stream is tombstoned' };
    default:
      return { actual: 'unknown' };
  }
}

/** The fields of the client's WrongExpectedVersionError that the mapping reads. */
export interface ClientWrongExpectedVersion {
  readonly streamName: string;
  readonly expectedState?: AppendStreamState | bigint;
  readonly actualState?: CurrentStreamState | bigint;
}

/**
 * The client's conflict as ours. `requested` is the expected revision the caller sent for that stream; when known it
 * is authoritative (see the module comment), otherwise the client's expected state is decoded.
 */
export function toWrongExpectedVersionError(error: ClientWrongExpectedVersion, requested?: ExpectedRevision): WrongExpectedVersionError {
  const expected = requested ?? fromClientExpectedState(error.expectedState) ?? 'any';
  const { actual, reason } = fromClientActualState(error.actualState);
  return new WrongExpectedVersionError(error.streamName, expected, actual, reason);
}

function errorType(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const type = (error as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

/**
 * Translates what an append threw: conflicts become our WrongExpectedVersionError (with the expected revision the
 * request carried for that stream), an unsupported multi-stream append becomes an InvalidAppendError naming the server
 * version it needs; anything else is returned unchanged. Classes are recognised by the client's `type` tag rather
 * than `instanceof`, so that a second copy of the client module cannot defeat the mapping.
 */
export function translateAppendError(error: unknown, requests: readonly AppendRequest[]): unknown {
  const requestedFor = (streamName: string): ExpectedRevision | undefined =>
    requests.find((request) => request.streamId === streamName)?.expectedRevision;
  switch (errorType(error)) {
    case ErrorType.WRONG_EXPECTED_VERSION: {
      const conflict = error as ClientWrongExpectedVersion;
      return toWrongExpectedVersionError(conflict, requestedFor(conflict.streamName));
    }
    case ErrorType.APPEND_CONSISTENCY_VIOLATION: {
      const [violation] = (error as { violations?: { streamName: string; expectedState: AppendStreamState; actualState: CurrentStreamState }[] })
        .violations ?? [];
      if (!violation) return error;
      return toWrongExpectedVersionError(
        { streamName: violation.streamName, expectedState: violation.expectedState, actualState: violation.actualState },
        requestedFor(violation.streamName),
      );
    }
    case ErrorType.UNSUPPORTED: {
      const { feature, minimumVersion } = error as { feature?: string; minimumVersion?: string };
      return new InvalidAppendError(multiStreamAppendUnsupportedMessage(requests.length, `${feature ?? 'the feature'} needs KurrentDB ${minimumVersion ?? '25.1'} or later`));
    }
    default:
      return error;
  }
}

export function multiStreamAppendUnsupportedMessage(streamCount: number, detail: string): string {
  return (
    `appending to ${streamCount} streams atomically needs the multi-stream append of KurrentDB 25.1 or later, ` +
    `which this server or client does not offer (${detail}); single-stream appends still work`
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Appends
// ---------------------------------------------------------------------------------------------------------------

/** The same checks as the PostgreSQL adapter, plus KurrentDB's reserved `$` names and its signed 64-bit revisions. */
export function validateAppendRequests(requests: readonly AppendRequest[]): void {
  validateAppend(requests, {
    streamId: (streamId) => {
      if (streamId.startsWith('$')) throw new InvalidAppendError(`stream ids starting with "$" are KurrentDB system streams: "${streamId}"`);
    },
    expectedRevision: toClientStreamState,
    eventType: (type) => {
      if (type.startsWith('$')) throw new InvalidAppendError(`event types starting with "$" are reserved for KurrentDB system events: "${type}"`);
    },
  });
}

/** Our event as the client's JSON event; the event id is the caller's (KurrentDB's idempotency key). */
export function toClientEventData(event: EventData): ClientEventData {
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: event.metadata });
}

/**
 * One stream of a multi-stream append. KurrentDB's multi-stream append carries metadata as a map of string
 * properties, so metadata with any other value is refused here, before anything is sent.
 */
export function toClientAppendStreamRequest(request: AppendRequest): AppendStreamRequest {
  if (request.events.length === 0) {
    throw new InvalidAppendError(
      `stream ${request.streamId} has no events: KurrentDB's multi-stream append writes to every stream it checks, ` +
        'so a stream can only be checked without writing in a single-stream append',
    );
  }
  for (const event of request.events) {
    for (const [key, value] of Object.entries(event.metadata ?? {})) {
      if (typeof value !== 'string') {
        throw new InvalidAppendError(
          `event ${event.eventId}: metadata "${key}" is not a string, and KurrentDB's multi-stream append only carries string metadata values`,
        );
      }
    }
  }
  return {
    streamName: request.streamId,
    events: request.events.map(toClientEventData),
    expectedState: toClientStreamState(request.expectedRevision),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Positions and revisions
// ---------------------------------------------------------------------------------------------------------------

export function toClientPosition(position: Position): ClientPosition {
  const valid = (value: bigint): boolean => value >= 0n && value <= UNSIGNED_64_MAX;
  if (!valid(position.commit) || !valid(position.prepare)) throw new InvalidPositionError(encodePosition(position));
  return { commit: position.commit, prepare: position.prepare };
}

export function fromClientPosition(position: ClientPosition): Position {
  return { commit: position.commit, prepare: position.prepare };
}

export function toClientReadPosition(position: Position | 'start' | 'end'): ReadPosition {
  if (position === 'start') return START;
  if (position === 'end') return END;
  return toClientPosition(position);
}

/**
 * A checkpoint or caught-up position from a subscription, or `undefined` when it is no real place in the log: the
 * server's "no position yet" (-1) arrives as 2^64 - 1, and resuming from it would skip every event.
 */
export function fromClientCheckpoint(position: ClientPosition | undefined): Position | undefined {
  if (!position) return undefined;
  if (position.commit < 0n || position.prepare < 0n || position.commit > SIGNED_64_MAX || position.prepare > SIGNED_64_MAX) return undefined;
  return fromClientPosition(position);
}

export function fromClientCaughtUp(info: CaughtUp): { position?: Position; revision?: bigint } {
  const position = fromClientCheckpoint(info.position);
  const revision = info.revision !== undefined && info.revision >= 0n && info.revision <= SIGNED_64_MAX ? info.revision : undefined;
  return { ...(position ? { position } : {}), ...(revision !== undefined ? { revision } : {}) };
}

export function toClientDirection(direction: Direction | undefined): typeof FORWARDS | typeof BACKWARDS {
  return direction === 'backwards' ? BACKWARDS : FORWARDS;
}

export function toClientReadRevision(revision: bigint | 'start' | 'end'): ReadRevision {
  if (revision === 'start') return START;
  if (revision === 'end') return END;
  if (revision < 0n || revision > UNSIGNED_64_MAX) throw new InvalidAppendError(`a revision must be >= 0, got ${revision}`);
  return revision;
}

/** The client's options for one readStream call: both ends are inclusive in KurrentDB, as in the port. */
export function toClientReadStreamOptions(options: ReadStreamOptions = {}): {
  direction: typeof FORWARDS | typeof BACKWARDS;
  fromRevision: ReadRevision;
  maxCount: number;
} {
  const direction = toClientDirection(options.direction);
  const fromRevision = options.fromRevision ?? (direction === FORWARDS ? 'start' : 'end');
  return { direction, fromRevision: toClientReadRevision(fromRevision), maxCount: readCount(options.maxCount) };
}

/**
 * Where a readAll starts. The port's `fromPosition` is exclusive; KurrentDB reads from a position inclusively, so
 * the read starts there and drops every event at or before (forwards) / at or after (backwards) `after`.
 * `nothing` is true when the read cannot return anything (forwards from the end, backwards from the start).
 */
export function toReadAllStart(options: ReadAllOptions = {}): {
  direction: typeof FORWARDS | typeof BACKWARDS;
  fromPosition: ReadPosition;
  after?: Position;
  maxCount: number;
  nothing: boolean;
} {
  const direction = toClientDirection(options.direction);
  const maxCount = readCount(options.maxCount);
  const from = options.fromPosition ?? (direction === FORWARDS ? 'start' : 'end');
  const nothing = (direction === FORWARDS && from === 'end') || (direction === BACKWARDS && from === 'start');
  if (from === 'start' || from === 'end') return { direction, fromPosition: toClientReadPosition(from), maxCount, nothing };
  return { direction, fromPosition: toClientPosition(from), after: fromClientPosition(from), maxCount, nothing };
}

/** True when `position` lies strictly beyond `boundary` in the reading direction (the boundary itself excluded). */
export function isBeyond(position: Position, boundary: Position | undefined, direction: typeof FORWARDS | typeof BACKWARDS): boolean {
  if (!boundary) return true;
  const order = comparePositions(position, boundary);
  return direction === FORWARDS ? order > 0 : order < 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Recorded events
// ---------------------------------------------------------------------------------------------------------------

type AnyResolvedEvent = ResolvedEvent | AllStreamResolvedEvent;

export function isSystemEventType(type: string): boolean {
  return type.startsWith('$');
}

/**
 * Where a resolved event sits in the log the reader is iterating: the link's position for a resolved link, the
 * event's own otherwise (KurrentDB's "original position").
 */
export function originalPosition(resolved: AnyResolvedEvent): Position | undefined {
  const position = resolved.link?.position ?? resolved.event?.position;
  return position ? fromClientPosition(position) : undefined;
}

/**
 * A resolved event as our RecordedEvent, or `undefined` for a link whose target is gone (nothing to deliver).
 * A resolved link maps to its target event (stream, revision, data) at the link's position, where the reader is.
 * Throws KurrentDbAssertionError when there is no position (servers before 22.6 omit it) or when the data or
 * metadata is not a JSON object (this adapter only ever writes JSON objects).
 */
export function toRecordedEvent(resolved: AnyResolvedEvent): RecordedEvent | undefined {
  const record = resolved.event;
  if (!record) {
    if (resolved.link) return undefined;
    throw new KurrentDbAssertionError('KurrentDB returned a resolved event with neither an event nor a link');
  }
  const position = originalPosition(resolved);
  const where = `event ${record.id} (${record.type}) at revision ${record.revision} of stream ${record.streamId}`;
  if (!position) {
    throw new KurrentDbAssertionError(`KurrentDB returned ${where} without a position: the adapter needs KurrentDB (or EventStoreDB 22.6 or later)`);
  }
  return {
    streamId: record.streamId,
    revision: record.revision,
    eventId: record.id.toLowerCase(),
    type: record.type,
    data: decodeJsonObject(record.data, `the data of ${where}`, false),
    metadata: decodeJsonObject(record.metadata, `the metadata of ${where}`, true),
    position,
    recordedAt: record.created,
  };
}

function decodeJsonObject(value: unknown, what: string, emptyAllowed: boolean): JsonObject {
  if (value === undefined || value === null) {
    if (emptyAllowed) return {};
    throw new KurrentDbAssertionError(`${what} is missing`);
  }
  let decoded: unknown = value;
  if (value instanceof Uint8Array) {
    if (value.length === 0 && emptyAllowed) return {};
    try {
      decoded = JSON.parse(Buffer.from(value).toString('utf8'));
    } catch {
      throw new KurrentDbAssertionError(`${what} is not JSON (the adapter reads only events written as JSON objects)`);
    }
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new KurrentDbAssertionError(`${what} is not a JSON object`);
  }
  return decoded as JsonObject;
}

/**
 * Collects a stream read, or an empty list when the stream does not exist (the client throws StreamNotFoundError
 * lazily, while iterating). Links whose target is gone are skipped.
 */
export async function collectStreamEvents(read: AsyncIterable<ResolvedEvent>): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const resolved of read) {
      const event = toRecordedEvent(resolved);
      if (event) events.push(event);
    }
  } catch (error) {
    if (errorType(error) === ErrorType.STREAM_NOT_FOUND) return [];
    throw error;
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------------------------

/** Escapes every character that is special in a .NET (server) or JavaScript regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** Exact names as one anchored alternation: `^(?:a|b)$`. */
export function exactNamesRegex(names: readonly string[]): string {
  return `^(?:${names.map(escapeRegex).join('|')})$`;
}

export interface FilterPlan {
  /** The filter KurrentDB applies; always present, because system events are excluded server-side when nothing else is. */
  readonly server: ClientFilter;
  readonly serverSide: 'stream_prefixes' | 'event_types' | 'exclude_system_events';
  /** The event types checked here because the server filtered on stream prefixes; empty when none. */
  readonly checkedHere: readonly string[];
  /** The complete predicate (types, prefixes, no system events), applied to every event the server sends. */
  readonly matches: (streamId: string, type: string) => boolean;
}

export interface FilterHooks {
  readonly checkpointReached?: (subscription: AllStreamSubscription, position: ClientPosition) => void | Promise<void>;
}

export function planFilter(filter: EventFilter | undefined, hooks: FilterHooks = {}): FilterPlan {
  const types = filter?.eventTypes && filter.eventTypes.length > 0 ? [...filter.eventTypes] : undefined;
  const prefixes = filter?.streamPrefixes && filter.streamPrefixes.length > 0 ? [...filter.streamPrefixes] : undefined;
  const typeSet = types ? new Set(types) : undefined;
  const matches = (streamId: string, type: string): boolean =>
    !isSystemEventType(type) && (!typeSet || typeSet.has(type)) && (!prefixes || prefixes.some((prefix) => streamId.startsWith(prefix)));
  const callback = hooks.checkpointReached ? { checkpointReached: hooks.checkpointReached } : {};
  if (prefixes) {
    return { server: streamNameFilter({ prefixes, ...callback }), serverSide: 'stream_prefixes', checkedHere: types ?? [], matches };
  }
  if (types) {
    return { server: eventTypeFilter({ regex: exactNamesRegex(types), ...callback }), serverSide: 'event_types', checkedHere: [], matches };
  }
  return { server: excludeSystemEvents(callback), serverSide: 'exclude_system_events', checkedHere: [], matches };
}

// ---------------------------------------------------------------------------------------------------------------
// Subscription drops
// ---------------------------------------------------------------------------------------------------------------

export interface RetryPolicy {
  /** Resubscription attempts in a row (without a message in between) before the error is surfaced. */
  readonly attemptsMax: number;
  readonly delayMsInitial: number;
  readonly delayMsMax: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ attemptsMax: 8, delayMsInitial: 100, delayMsMax: 5_000 });

/** Exponential backoff: initial, 2x, 4x, ... capped at the maximum. `attempt` counts from 1. */
export function retryDelayMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  return Math.min(policy.delayMsInitial * 2 ** exponent, policy.delayMsMax);
}

const TRANSIENT_ERROR_TYPES: ReadonlySet<string> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
  ErrorType.UNKNOWN,
]);

/**
 * Whether a subscription that failed with `error` may be resumed: connection-level failures (unavailable, deadline,
 * timeout, not leader, a server-side cancel, an unrecognised transport error) and a clean end of the server's stream.
 * Access denied, a deleted stream, bad arguments and unreadable events are surfaced at once.
 */
export function isTransientSubscriptionError(error: unknown): boolean {
  if (error instanceof SubscriptionEndedError) return true;
  const type = errorType(error);
  return type !== undefined && TRANSIENT_ERROR_TYPES.has(type);
}
