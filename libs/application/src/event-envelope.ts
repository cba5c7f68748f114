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

/** The zod contract of each stored event type of one aggregate (its `<x>EventSchemas` map). */
export type EventSchemaMap = Readonly<Record<string, { readonly data: { parse(value: unknown): unknown } }>>;

/**
 * A parser of one aggregate's stored events through their zod contracts. An event type the map does not know is a
 * broken invariant (the wrong stream, or a filter that lets the wrong events in), so it throws.
 */
export function recordedEventParser<Event extends DomainEventLike>(schemas: EventSchemaMap, aggregate: string): (recorded: RecordedEvent) => Event {
  return (recorded) => {
    const schema = Object.hasOwn(schemas, recorded.type) ? schemas[recorded.type] : undefined;
    if (!schema) throw new Error(`not a ${aggregate} event: ${recorded.type}`);
    return { type: recorded.type, data: schema.data.parse(recorded.data) } as unknown as Event;
  };
}
