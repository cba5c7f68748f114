import type { z } from 'zod';

/**
 * An event as the domain sees it: a stored, past-tense type name and its data. The schema version is not part of
 * the value: it lives next to the zod schema (see `EventSchema`) and travels in the stored event's metadata.
 */
export type DomainEvent<Type extends string, Data> = { type: Type; data: Data };

/**
 * The contract of one event type (docs/architecture.md, Conventions 4): its stored name, the version of its data shape,
 * and the zod schema of its data. A changed shape gets a new version and an upcaster; a changed meaning gets a new
 * type.
 */
export interface EventSchema<Type extends string, Data extends z.ZodType> {
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
}

export function defineEventSchema<Type extends string, Data extends z.ZodType>(
  type: Type,
  schemaVersion: number,
  data: Data,
): EventSchema<Type, Data> {
  return { type, schemaVersion, data };
}
