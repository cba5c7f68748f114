import type { EventData, JsonObject, RecordedEvent } from '../../event-store/src/index.js';
import { uuidV5 } from './deterministic-id.js';

/**
 * Who did what, recorded on every event (docs/architecture.md, "Commands: load, decide, append": tenant, actor, command
 * id, correlation and causation).
 */
export interface CommandContext {
  readonly tenantId: string;
  readonly actor: string;
  /** A readable name of the actor (an API key's name), recorded beside it; the actor id is what identifies. */
  readonly actorName?: string;
  /** The actor's role when it has one (an API key's role); system actors (scheduler, process managers) have none. */
  readonly actorRole?: string;
  /** Unique per command execution, or derived from an idempotency key so that retries produce the same event ids. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** The instant the command is handled: the domain never reads the clock itself. */
  readonly now: string;
}

export interface DomainEventLike {
  readonly type: string;
  readonly data: object;
}

export function toEventData(event: DomainEventLike, context: CommandContext, streamId: string, index: number, schemaVersion = 1): EventData {
  return {
    eventId: uuidV5(`${context.commandId}:${streamId}:${index}`),
    type: event.type,
    data: event.data as JsonObject,
    metadata: {
      tenantId: context.tenantId,
      actor: context.actor,
      ...(context.actorName === undefined ? {} : { actorName: context.actorName }),
      ...(context.actorRole === undefined ? {} : { actorRole: context.actorRole }),
      commandId: context.commandId,
      correlationId: context.correlationId,
      causationId: context.causationId,
      schemaVersion,
    },
  };
}

export function toDomainEvent<Event extends DomainEventLike>(recorded: RecordedEvent): Event {
  return { type: recorded.type, data: recorded.data } as unknown as Event;
}

/** The zod contract of each stored event type of one aggregate (its `<x>EventSchemas` map), with its current version. */
export type EventSchemaMap = Readonly<Record<string, { readonly schemaVersion?: number; readonly data: { parse(value: unknown): unknown } }>>;

/**
 * Under jest, parsed event data is deep-frozen, so that a consumer changing an event in place (which would change it
 * for every other consumer of the same read: projections share each page of the log) fails its test at once.
 */
const freezeParsedEvents = process.env.JEST_WORKER_ID !== undefined;

/**
 * A parser of one aggregate's stored events through their zod contracts. An event type the map does not know is a
 * broken invariant (the wrong stream, or a filter that lets the wrong events in), so it throws.
 *
 * An event stored at its type's current schema version was checked against that very schema when it was written
 * (storedEvents parses every event before it is appended), so it is taken as stored: reading it through zod again
 * cost about a tenth of a rebuild's CPU and of every stream load. Older versions (and events stored before versions
 * were recorded) go through the schema, which is where upcasting lives.
 */
export function recordedEventParser<Event extends DomainEventLike>(schemas: EventSchemaMap, aggregate: string): (recorded: RecordedEvent) => Event {
  return (recorded) => {
    const schema = Object.hasOwn(schemas, recorded.type) ? schemas[recorded.type] : undefined;
    if (!schema) throw new Error(`not a ${aggregate} event: ${recorded.type}`);
    return { type: recorded.type, data: storedEventData(schema, recorded) } as unknown as Event;
  };
}

/**
 * One stored event's data read through the contract of its type, for a reader that knows the type (a projection's
 * `case`): taken as stored at the schema's current version, parsed by the schema otherwise (see recordedEventParser).
 */
export function storedEventData<Data>(schema: { readonly schemaVersion?: number; readonly data: { parse(value: unknown): Data } }, recorded: RecordedEvent): Data {
  const current = schema.schemaVersion !== undefined && recorded.metadata.schemaVersion === schema.schemaVersion;
  const data = current ? (recorded.data as Data) : schema.data.parse(recorded.data);
  return freezeParsedEvents ? deepFreeze(data) : data;
}

function deepFreeze<Value>(value: Value): Value {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
