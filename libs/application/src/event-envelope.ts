import type { EventData, JsonObject, RecordedEvent } from '../../event-store/src/index.js';
import { uuidV5 } from './deterministic-id.js';

/** Who did what, recorded on every event (ARCHITECTURE.md: tenant, actor, command id, correlation and causation). */
export interface CommandContext {
  readonly tenantId: string;
  readonly actor: string;
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
