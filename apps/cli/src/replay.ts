import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { sql, type Kysely } from 'kysely';
import { canonicalEvent } from '../../../libs/audit/src/index.js';
import { aggregates, type Aggregate } from '../../../libs/application/src/aggregates.js';
import type { DomainEventLike } from '../../../libs/application/src/event-envelope.js';
import { comparePositions, encodePosition, type EventStore, type Position, type RecordedEvent } from '../../../libs/event-store/src/index.js';

/** Events read from the log per page: large enough for few round trips, small enough to hold nothing big. */
export const REPLAY_PAGE_SIZE = 1_000;
/** Schema failures named one by one on stderr; the rest are counted (the first is always named). */
export const REPLAY_FAILURES_LISTED = 100;

/** The contract of one registered event type: its aggregate (whose parser upcasts older versions) and its zod schema. */
interface RegisteredEventType {
  readonly aggregate: Aggregate<never, DomainEventLike, unknown>;
  readonly schemaVersion: number;
  readonly data: { parse(value: unknown): unknown };
}

/** Every event type the stream registry (libs/application aggregates) declares, with its contract. */
export function registeredEventTypes(): ReadonlyMap<string, RegisteredEventType> {
  const types = new Map<string, RegisteredEventType>();
  for (const aggregate of Object.values(aggregates) as Aggregate<never, DomainEventLike, unknown>[]) {
    for (const [type, schema] of Object.entries(aggregate.schemas)) if (!types.has(type)) types.set(type, { aggregate, schemaVersion: schema.schemaVersion, data: schema.data });
  }
  return types;
}

/**
 * Why today's code cannot read a stored event, or undefined when it can. Unlike a stream load (which takes an event
 * of its type's current version as stored, see recordedEventParser), every event goes through its zod schema here:
 * the point of a replay is to prove that the whole history still parses. An older version goes through its
 * aggregate's parser (upcaster, then schema), as a load would read it.
 */
export function schemaFailure(event: RecordedEvent, registry: ReadonlyMap<string, RegisteredEventType>): string | undefined {
  const registered = registry.get(event.type);
  if (!registered) return `no event schema is registered for type ${event.type}`;
  try {
    if (event.metadata.schemaVersion === registered.schemaVersion) registered.data.parse(event.data);
    else registered.aggregate.parse(event);
    return undefined;
  } catch (error) {
    return failureReason(error);
  }
}

/** A zod error as `path: message; ...` (its own message is a multi-line JSON dump); anything else as its message. */
function failureReason(error: unknown): string {
  const issues = (error as { issues?: unknown }).issues;
  if (Array.isArray(issues) && issues.length > 0) {
    return issues
      .map((issue: { path?: readonly PropertyKey[]; message?: string }) => `${issue.path && issue.path.length > 0 ? issue.path.map(String).join('.') : '(data)'}: ${issue.message ?? 'invalid'}`)
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

/** One line of a replay's output: the event with everything a reader needs to place it (who, when, where). */
export interface ReplayRecord {
  readonly position: string;
  readonly recordedAt: string;
  readonly stream: string;
  readonly revision: string;
  readonly type: string;
  readonly eventId: string;
  readonly data: unknown;
  /** As stored: tenant, actor (id, name, role), command, correlation and causation ids, schema version. */
  readonly metadata: unknown;
}

export function replayRecord(event: RecordedEvent): ReplayRecord {
  return {
    position: encodePosition(event.position),
    recordedAt: event.recordedAt.toISOString(),
    stream: event.streamId,
    revision: event.revision.toString(),
    type: event.type,
    eventId: event.eventId,
    data: event.data,
    metadata: event.metadata,
  };
}

export interface ReplayFailure {
  readonly eventId: string;
  readonly type: string;
  readonly position: string;
  readonly reason: string;
}

export interface ReplayRange {
  /** Exclusive. */
  readonly from: Position;
  /** Inclusive. */
  readonly to: Position;
  /** Only these types (all when omitted). */
  readonly types?: readonly string[];
  readonly pageSize?: number;
}

export interface ReplaySummary {
  readonly events: number;
  /** Events per type, in type-name order. */
  readonly types: Readonly<Record<string, number>>;
  /** SHA-256 (hex) over each replayed event's canonical text (libs/audit canonicalEvent) and a newline, in log order. */
  readonly digest: string;
  readonly failures: number;
  /** The first REPLAY_FAILURES_LISTED failures. */
  readonly failed: readonly ReplayFailure[];
}

export interface ReplaySink {
  /** Receives each event's record, in log order (omit to only check and digest). */
  readonly record?: (record: ReplayRecord) => Promise<void> | void;
  /** Each event that no longer parses, as it is met. */
  readonly failure?: (failure: ReplayFailure) => void;
  /** After each page: the events replayed so far. */
  readonly progress?: (eventsRead: number) => void;
}

/**
 * Reads the log in (from, to] in global order, a page at a time, in the caller's database scope (a tenant's scope
 * shows only its events: row-level security), checks each event against its registered schema, and digests the
 * canonical events in order, so that two replays of the same range can be compared by one string.
 */
export async function replayLog(store: EventStore, range: ReplayRange, sink: ReplaySink = {}): Promise<ReplaySummary> {
  const registry = registeredEventTypes();
  const pageSize = range.pageSize ?? REPLAY_PAGE_SIZE;
  const digest = createHash('sha256');
  const perType = new Map<string, number>();
  const failed: ReplayFailure[] = [];
  let failures = 0;
  let events = 0;
  let after = range.from;
  const filter = range.types === undefined ? undefined : { eventTypes: range.types };
  if (range.types?.length === 0 || comparePositions(range.from, range.to) >= 0) return summary();
  for (;;) {
    const page = await store.readAll({ fromPosition: after, maxCount: pageSize, filter });
    let reachedEnd = page.length < pageSize;
    for (const event of page) {
      if (comparePositions(event.position, range.to) > 0) {
        reachedEnd = true;
        break;
      }
      digest.update(canonicalEvent({ eventId: event.eventId, streamId: event.streamId, revision: event.revision.toString(), type: event.type, data: event.data, metadata: event.metadata }));
      digest.update('\n');
      perType.set(event.type, (perType.get(event.type) ?? 0) + 1);
      events += 1;
      const reason = schemaFailure(event, registry);
      if (reason !== undefined) {
        const failure = { eventId: event.eventId, type: event.type, position: encodePosition(event.position), reason };
        failures += 1;
        if (failed.length < REPLAY_FAILURES_LISTED) failed.push(failure);
        sink.failure?.(failure);
      }
      await sink.record?.(replayRecord(event));
      after = event.position;
    }
    sink.progress?.(events);
    if (reachedEnd) return summary();
  }

  function summary(): ReplaySummary {
    const types = Object.fromEntries([...perType.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
    return { events, types, digest: digest.digest('hex'), failures, failed };
  }
}

/** The events a replay of (from, to] will read, in the caller's scope: the 100 % of its progress bar. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function countReplayEvents(db: Kysely<any>, range: ReplayRange): Promise<number> {
  if (range.types?.length === 0 || comparePositions(range.from, range.to) >= 0) return 0;
  const types = range.types === undefined ? sql`` : sql`and type = any(${[...range.types]}::text[])`;
  const { rows } = await sql<{ events: string }>`
    select count(*)::text as events from event_store.events
     where (transaction_id, global_position) > (${range.from.commit.toString()}::text::xid8, ${range.from.prepare.toString()}::bigint)
       and (transaction_id, global_position) <= (${range.to.commit.toString()}::text::xid8, ${range.to.prepare.toString()}::bigint)
       ${types}`.execute(db);
  return Number(rows[0]?.events ?? 0);
}

/** Writes lines to a stream, waiting when it is full (a large replay piped into a slow reader holds one page, no more). */
export function lineWriter(stream: NodeJS.WritableStream): (line: string) => Promise<void> {
  return async (line) => {
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  };
}
