import { Field, ObjectType } from '@nestjs/graphql';

/** Who ran the command that recorded an event, as its metadata says. */
@ObjectType('EventActor', { description: 'Who ran the command that recorded an event' })
export class EventActorType {
  @Field(() => String, { description: 'The actor: "api-key:<key id>" for an API key, or a system actor such as "scheduler" or "process-manager:<name>"' })
  id!: string;

  @Field(() => String, { nullable: true, description: "The API key's name (or the system actor's), as recorded with the event; null on events that did not record one" })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "The API key's role (admin, finance, auditor, service) when the event was recorded; null for system actors and older events" })
  role!: string | null;
}

/** The metadata fields an event shows (billingEvents and the audit log alike). */
export interface EventMetadataView {
  readonly actor: EventActorType | null;
  readonly commandId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
}

/**
 * The metadata of a stored event as the API shows it: actor, command, correlation and causation only. Metadata holds
 * no secret (tenant, actor, ids, schema version), and nothing else of it is passed on.
 */
export function eventMetadataView(metadata: Readonly<Record<string, unknown>>): EventMetadataView {
  const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
  const actorId = text(metadata.actor);
  return {
    actor: actorId === null ? null : { id: actorId, name: text(metadata.actorName), role: text(metadata.actorRole) },
    commandId: text(metadata.commandId),
    correlationId: text(metadata.correlationId),
    causationId: text(metadata.causationId),
  };
}
