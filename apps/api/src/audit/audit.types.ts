import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection } from '../graphql/connection.types.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { EventActorType, type EventMetadataView } from '../events/event-metadata.types.js';

@ObjectType('AuditEntry', { description: 'One event of the log with who recorded it and why (its metadata); no event data' })
export class AuditEntryType implements EventMetadataView {
  @Field(() => String, { description: 'The event-log position: the order of the log' }) position!: string;
  @Field(() => String) eventId!: string;
  @Field(() => String, { description: 'The stream, as stored: "<tenant>:<category>-<id>"' }) streamId!: string;
  @Field(() => String, { description: 'The revision of the event in its stream, from 0' }) revision!: string;
  @Field(() => String) type!: string;
  @Field(() => EventActorType, { nullable: true, description: 'Null only on events recorded without an actor' }) actor!: EventActorType | null;
  @Field(() => String, { nullable: true }) commandId!: string | null;
  @Field(() => String, { nullable: true }) correlationId!: string | null;
  @Field(() => String, { nullable: true }) causationId!: string | null;
  @Field(() => DateTimeScalar) recordedAt!: string;
}

export const AuditEntryConnectionType = Connection(AuditEntryType, 'AuditEntry');

@InputType('AuditLogFilter', { description: 'Every field optional; they combine with AND' })
export class AuditLogFilterInput {
  @Field(() => [String], { nullable: true, description: 'Event types, e.g. "InvoiceIssued" (at most 50)' }) types?: string[] | null;
  @Field(() => String, { nullable: true, description: 'A stream category, e.g. "invoice", "payment", "billing_settings"' }) category?: string | null;
  @Field(() => String, { nullable: true, description: 'One stream without the tenant, e.g. "invoice-<id>"' }) streamId?: string | null;
  @Field(() => String, { nullable: true, description: 'An actor id as EventActor.id shows it, e.g. "api-key:<key id>" or "scheduler"' }) actorId?: string | null;
  @Field(() => String, { nullable: true, description: 'Every event of one request (or of what it set off)' }) correlationId?: string | null;
  @Field(() => String, { nullable: true, description: 'Events after this position (exclusive, like billingEvents fromPosition)' }) fromPosition?: string | null;
  @Field(() => String, { nullable: true, description: 'Events up to this position (inclusive)' }) toPosition?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded at or after this instant' }) from?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded before this instant' }) to?: string | null;
}
