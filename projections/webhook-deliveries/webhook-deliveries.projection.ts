import {
  compareLogPositions,
  webhookEndpointFeedEventTypes,
  webhookMessageEventTypes,
  type WebhookEndpointFeedEvent,
  type WebhookMessageEvent,
} from '../../libs/billing/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { keyOf, loadRows, upsertRows, type Row, type RowKey } from '../common/batch-rows.js';
import { createWebhookDeliveryIndexes, createWebhookDeliveryTables } from './webhook-deliveries.tables.js';

export const WEBHOOK_DELIVERIES_PROJECTION = 'webhook_deliveries';

/** One attempt as the read model lists it (the row's `attempt_log`). */
export interface WebhookAttemptLogEntry {
  readonly attempt: number;
  readonly status: 'delivered' | 'failed' | 'gave_up';
  readonly responseStatus: number | null;
  readonly durationMs: number;
  readonly error: string | null;
  readonly attemptedAt: string;
  readonly nextAttemptAt: string | null;
}

/** A delivery's id: `<endpointId>:<messageId>:<round>` (the API's WebhookDelivery.id). */
export function webhookDeliveryRowId(endpointId: string, messageId: string, round: number): string {
  return `${endpointId}:${messageId}:${round}`;
}

const DELIVERY_KEY = ['tenant_id', 'delivery_id'];
const CURSOR_KEY = ['tenant_id', 'endpoint_id'];

/**
 * Webhook deliveries and endpoint cursors (webhook-deliveries.tables.ts), from the delivery records: every attempt and
 * abandon of a message (WebhookDeliveryAttempted, WebhookDeliveryAbandoned) and every start and replay of an endpoint's
 * feed. A feed's cursor is where it started (or was replayed from), moved to each source event whose first attempt of
 * the feed's round is recorded. Rows take their times from the events, so a rebuild gives the same rows.
 */
export const webhookDeliveriesProjection: Projection = {
  name: WEBHOOK_DELIVERIES_PROJECTION,
  version: 1,
  eventTypes: [...webhookMessageEventTypes, ...webhookEndpointFeedEventTypes],
  tables: ['webhook_deliveries', 'webhook_endpoint_cursors'],
  createTables: createWebhookDeliveryTables,
  createIndexes: createWebhookDeliveryIndexes,
  applyBatch: applyWebhookDeliveryBatch,
};

type Parsed = { readonly tenantId: string; readonly position: RecordedEvent['position'] } & (
  | { readonly kind: 'message'; readonly event: WebhookMessageEvent }
  | { readonly kind: 'feed'; readonly event: WebhookEndpointFeedEvent }
);

const messageTypes = new Set<string>(webhookMessageEventTypes);

/**
 * The batch folded in memory, four statements whatever its size: the deliveries and cursors it touches are loaded (one
 * statement each), every event applied in log order, and each touched row written once (one upsert each).
 */
async function applyWebhookDeliveryBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed: Parsed[] = events.map((recorded) => {
    const tenantId = tenantOfStream(recorded.streamId);
    return messageTypes.has(recorded.type)
      ? { kind: 'message', tenantId, position: recorded.position, event: aggregates.webhookMessage.parse(recorded) }
      : { kind: 'feed', tenantId, position: recorded.position, event: aggregates.webhookEndpointFeed.parse(recorded) };
  });
  const deliveryKeys: RowKey[] = [];
  const cursorKeys: RowKey[] = [];
  for (const entry of parsed) {
    cursorKeys.push([entry.tenantId, entry.event.data.endpointId]);
    if (entry.kind === 'message') deliveryKeys.push([entry.tenantId, webhookDeliveryRowId(entry.event.data.endpointId, entry.event.data.messageId, entry.event.data.round)]);
  }
  const deliveries = new Map<string, Row>();
  for (const row of await loadRows(context, 'webhook_deliveries', DELIVERY_KEY, deliveryKeys)) {
    deliveries.set(keyOf(row.tenant_id as string, row.delivery_id as string), row);
  }
  const cursors = new Map<string, Row>();
  for (const row of await loadRows(context, 'webhook_endpoint_cursors', CURSOR_KEY, cursorKeys)) cursors.set(keyOf(row.tenant_id as string, row.endpoint_id as string), row);
  const touchedDeliveries = new Set<string>();
  const touchedCursors = new Set<string>();
  for (const entry of parsed) {
    const cursorKey = keyOf(entry.tenantId, entry.event.data.endpointId);
    if (entry.kind === 'feed') {
      cursors.set(cursorKey, cursorAfterFeedEvent(entry.tenantId, entry.event, cursors.get(cursorKey)));
      touchedCursors.add(cursorKey);
      continue;
    }
    const event = entry.event;
    const key = keyOf(entry.tenantId, webhookDeliveryRowId(event.data.endpointId, event.data.messageId, event.data.round));
    deliveries.set(key, deliveryAfter(entry.tenantId, event, deliveries.get(key), entry.position));
    touchedDeliveries.add(key);
    const cursor = cursors.get(cursorKey);
    if (event.type === 'WebhookDeliveryAttempted' && event.data.attempt === 1 && cursor !== undefined && cursor.round === event.data.round) {
      if (compareLogPositions(event.data.source.position, cursor.position as string) > 0) {
        cursors.set(cursorKey, { ...cursor, position: event.data.source.position, updated_at: event.data.attemptedAt });
        touchedCursors.add(cursorKey);
      }
    }
  }
  await upsertRows(context, 'webhook_deliveries', DELIVERY_KEY, [...touchedDeliveries].map((key) => deliveries.get(key) as Row));
  await upsertRows(context, 'webhook_endpoint_cursors', CURSOR_KEY, [...touchedCursors].map((key) => cursors.get(key) as Row));
}

function cursorAfterFeedEvent(tenantId: string, event: WebhookEndpointFeedEvent, before: Row | undefined): Row {
  switch (event.type) {
    case 'WebhookFeedStarted': {
      const { endpointId, fromPosition, round, reason, startedAt } = event.data;
      return {
        tenant_id: tenantId,
        endpoint_id: endpointId,
        round,
        started_from: fromPosition,
        position: fromPosition,
        start_reason: reason,
        started_at: startedAt,
        replay_requested_at: before?.replay_requested_at ?? null,
        updated_at: startedAt,
      };
    }
    case 'WebhookReplayRequested': {
      const { endpointId, fromPosition, round, requestedAt } = event.data;
      return {
        tenant_id: tenantId,
        endpoint_id: endpointId,
        round,
        started_from: fromPosition,
        position: fromPosition,
        start_reason: 'replay',
        started_at: before?.started_at ?? requestedAt,
        replay_requested_at: requestedAt,
        updated_at: requestedAt,
      };
    }
  }
}

function deliveryAfter(tenantId: string, event: WebhookMessageEvent, before: Row | undefined, position: RecordedEvent['position']): Row {
  const base: Row = before ?? {
    tenant_id: tenantId,
    delivery_id: webhookDeliveryRowId(event.data.endpointId, event.data.messageId, event.data.round),
    endpoint_id: event.data.endpointId,
    message_id: event.data.messageId,
    round: event.data.round,
    event_type: event.data.eventType,
    source_event_id: event.data.source.eventId,
    source_position: event.data.source.position,
    status: 'failed',
    attempts: 0,
    response_status: null,
    duration_ms: null,
    error: null,
    next_attempt_at: null,
    abandon_reason: null,
    first_attempted_at: event.type === 'WebhookDeliveryAttempted' ? event.data.attemptedAt : event.data.abandonedAt,
    last_attempted_at: event.type === 'WebhookDeliveryAttempted' ? event.data.attemptedAt : event.data.abandonedAt,
    delivered_at: null,
    attempt_log: [],
    created_commit: position.commit.toString(),
    created_prepare: position.prepare.toString(),
  };
  switch (event.type) {
    case 'WebhookDeliveryAttempted': {
      const { attempt, status, responseStatus, durationMs, error, attemptedAt, nextAttemptAt } = event.data;
      const entry: WebhookAttemptLogEntry = { attempt, status, responseStatus, durationMs, error, attemptedAt, nextAttemptAt };
      return {
        ...base,
        status,
        attempts: attempt,
        response_status: responseStatus,
        duration_ms: durationMs,
        error,
        next_attempt_at: nextAttemptAt,
        last_attempted_at: attemptedAt,
        delivered_at: status === 'delivered' ? attemptedAt : base.delivered_at,
        attempt_log: [...(base.attempt_log as WebhookAttemptLogEntry[]), entry],
      };
    }
    case 'WebhookDeliveryAbandoned':
      return { ...base, status: 'gave_up', attempts: event.data.attempts, next_attempt_at: null, abandon_reason: event.data.reason };
  }
}
