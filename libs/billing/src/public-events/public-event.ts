import { z } from 'zod';
import { webhookEvents, type WebhookEvent } from '../billing-settings/billing-settings.js';
import { derivedPublicEventId } from './public-event.id.js';
import { publicEventDefinitions } from './public-event.schemas.js';
import { publicEventSources } from './public-event.sources.js';

/**
 * Public events (docs/public-events.md): the stable, versioned messages the ledger offers outside itself, by webhook
 * and by the `publicEvents` GraphQL subscription. They are computed from the event log, never stored: the same
 * internal event always gives the same public events (same ids, same bytes), so a retry, a replay or a second node
 * sends exactly what the first did.
 */

export type PublicJsonValue = string | number | boolean | null | readonly PublicJsonValue[] | { readonly [key: string]: PublicJsonValue };

/** A public payload: a JSON object whose amounts are decimal strings. */
export type PublicEventData = { readonly [key: string]: PublicJsonValue };

export interface PublicEvent {
  /** The internal event's id for its first public event, a UUID derived from it and the type for any further one. */
  readonly id: string;
  readonly type: WebhookEvent;
  /** The version of this type's payload schema. */
  readonly version: number;
  /** When it happened on the tenant's clock (the internal event's own instant), UTC ISO 8601 with milliseconds. */
  readonly occurredAt: string;
  readonly tenantId: string;
  /** The internal event's position in the log (`<commit>.<prepare>`): every public event of one internal event shares it. */
  readonly position: string;
  readonly data: PublicEventData;
}

/** A stored event as the catalogue reads it: what a log reader has, without the event store's types. */
export interface PublicSourceEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  /** `<tenant>:<aggregate>-<id>`: the tenant is read from it. */
  readonly streamId: string;
  readonly position: string;
  /** The stored schema version (metadata.schemaVersion); absent on events stored before versions were recorded. */
  readonly schemaVersion?: number;
  readonly recordedAt: string;
}

/** The internal event types that can give a public event: a filter for log readers (eventTypes). */
export const publicEventSourceTypes: readonly string[] = Object.freeze(Object.keys(publicEventSources));

/** The internal event types that can give one of `types` (all of them for an empty list). */
export function publicEventSourceTypesOf(types: readonly WebhookEvent[]): string[] {
  if (types.length === 0) return [...publicEventSourceTypes];
  const wanted = new Set<string>(types);
  return publicEventSourceTypes.filter((type) => publicEventSources[type]?.publicTypes.some((publicType) => wanted.has(publicType)));
}

export function isWebhookEvent(value: unknown): value is WebhookEvent {
  return typeof value === 'string' && (webhookEvents as readonly string[]).includes(value);
}

/**
 * The public events one stored event stands for, in a fixed order; none for an event with no public meaning. The data
 * is read through the type's contract unless it is stored at the current version (older versions are upcast there,
 * like storedEventData), so an event of any version gives the current payloads.
 */
export function publicEventsOf(event: PublicSourceEvent): PublicEvent[] {
  const source = Object.hasOwn(publicEventSources, event.type) ? publicEventSources[event.type] : undefined;
  if (!source) return [];
  const data = event.schemaVersion === source.schema.schemaVersion ? event.data : source.schema.data.parse(event.data);
  const drafts = source.map(data);
  if (drafts.length === 0) return [];
  const tenantId = tenantOfStream(event.streamId);
  return drafts.map((draft, index) => ({
    id: index === 0 ? event.eventId : derivedPublicEventId(event.eventId, draft.type),
    type: draft.type,
    version: publicEventDefinitions[draft.type].version,
    occurredAt: draft.occurredAt,
    tenantId,
    position: event.position,
    data: draft.data as PublicEventData,
  }));
}

/**
 * The exact body a webhook sends (Standard Webhooks: `{"type", "timestamp", "data"}`), with the keys in this order and
 * the payload's keys in the catalogue's order, so the same event always gives the same bytes and the same signature.
 */
export function webhookBodyOf(event: PublicEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event.data });
}

function tenantOfStream(streamId: string): string {
  const separator = streamId.indexOf(':');
  if (separator <= 0) throw new Error(`stream ${streamId} carries no tenant`);
  return streamId.slice(0, separator);
}

/** The version of the catalogue document's own shape (GET /events/schema), not of any payload. */
export const PUBLIC_EVENT_CATALOGUE_FORMAT = 1;

export interface PublicEventSchemaEntry {
  readonly version: number;
  readonly description: string;
  /** JSON Schema (draft 2020-12) of the payload (`data`). Unknown properties are allowed: additions keep the version. */
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface PublicEventCatalogueDocument {
  readonly version: number;
  readonly events: Readonly<Record<WebhookEvent, PublicEventSchemaEntry>>;
}

let catalogueDocument: PublicEventCatalogueDocument | undefined;

/**
 * Every public event type with its payload's JSON Schema, generated from the zod schemas (computed once). The schemas
 * describe the input side (`io: 'input'`), which leaves `additionalProperties` open: a receiver validating against
 * them keeps accepting payloads after an additive change.
 */
export function publicEventCatalogue(): PublicEventCatalogueDocument {
  catalogueDocument ??= deepFrozen({
    version: PUBLIC_EVENT_CATALOGUE_FORMAT,
    events: Object.fromEntries(
      webhookEvents.map((type) => {
        const definition = publicEventDefinitions[type];
        const entry: PublicEventSchemaEntry = {
          version: definition.version,
          description: definition.description,
          schema: z.toJSONSchema(definition.schema, { io: 'input' }) as Record<string, unknown>,
        };
        return [type, entry];
      }),
    ) as Record<WebhookEvent, PublicEventSchemaEntry>,
  });
  return catalogueDocument;
}

function deepFrozen<Value>(value: Value): Value {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFrozen(child);
  }
  return value;
}
