import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor, isLogPosition, type Connection } from '../common/opaque-cursor.js';
import type { WebhookAttemptLogEntry } from './webhook-deliveries.projection.js';

export type WebhookDeliveryStatus = 'delivered' | 'failed' | 'gave_up';

/** One delivery (a message to an endpoint in one round) as the read model holds it. */
export interface WebhookDeliveryRecord {
  /** `<endpointId>:<messageId>:<round>`. */
  readonly id: string;
  readonly endpointId: string;
  /** The public event id: the `webhook-id` header of every attempt. */
  readonly messageId: string;
  readonly round: number;
  readonly eventType: string;
  readonly sourceEventId: string;
  /** The log position of the internal event the message was made from. */
  readonly sourcePosition: string;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly responseStatus: number | null;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly nextAttemptAt: string | null;
  readonly abandonReason: string | null;
  readonly firstAttemptedAt: string;
  readonly lastAttemptedAt: string;
  readonly deliveredAt: string | null;
  readonly attemptLog: readonly WebhookAttemptLogEntry[];
}

/** An endpoint's feed as the read model holds it. */
export interface WebhookEndpointCursorRecord {
  readonly endpointId: string;
  readonly round: number;
  /** Where the feed (or its current round) started: messages come from the events after it. */
  readonly startedFrom: string;
  /** The source events through which the round's first attempts are recorded. */
  readonly position: string;
  readonly startReason: 'activated' | 'first_seen' | 'replay';
  readonly startedAt: string;
  readonly replayRequestedAt: string | null;
  readonly updatedAt: string;
}

export interface WebhookDeliveryFilter {
  readonly endpointId?: string | null;
  readonly status?: WebhookDeliveryStatus | null;
  readonly eventType?: string | null;
  readonly messageId?: string | null;
}

export const WEBHOOK_DELIVERY_PAGE_SIZE_MAX = 100;
/** Cursor rows read at once across tenants (a dispatcher resuming its endpoints after a start). */
export const WEBHOOK_CURSOR_SCAN_MAX = 10_000;

/** The webhook delivery read model: deliveries newest first, keyset-paginated, and the endpoints' cursors. */
export class WebhookDeliveryQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  /**
   * Deliveries newest first (by the position of their first record), filtered by any of endpoint, status, event type
   * and message id, each filter served by an index in the list's order.
   */
  async listDeliveries(tenantId: string, filter: WebhookDeliveryFilter, first: number, after: string | null | undefined): Promise<Connection<WebhookDeliveryRecord>> {
    let query = this.db.withSchema(this.schema).selectFrom('webhook_deliveries as d').selectAll('d').where('d.tenant_id', '=', tenantId);
    if (filter.endpointId) query = query.where('d.endpoint_id', '=', filter.endpointId);
    if (filter.status) query = query.where('d.status', '=', filter.status);
    if (filter.eventType) query = query.where('d.event_type', '=', filter.eventType);
    if (filter.messageId) query = query.where('d.message_id', '=', filter.messageId);
    if (after) {
      const [, commit, prepare] = decodeCursor(after, 3, ([tag, c, p]) => tag === 'webhook-delivery' && isLogPosition(c) && isLogPosition(p));
      query = query.where(sql<boolean>`(d.created_commit, d.created_prepare) < (${commit}::numeric, ${prepare}::numeric)`);
    }
    const rows = await query.orderBy('d.created_commit', 'desc').orderBy('d.created_prepare', 'desc').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => ({
      cursor: encodeCursor(['webhook-delivery', String(row.created_commit), String(row.created_prepare)]),
      node: deliveryRecord(row),
    }));
    return connectionOf(edges, rows.length > first);
  }

  async cursorOf(tenantId: string, endpointId: string): Promise<WebhookEndpointCursorRecord | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('webhook_endpoint_cursors').selectAll().where('tenant_id', '=', tenantId).where('endpoint_id', '=', endpointId).executeTakeFirst();
    return row ? cursorRecord(row) : undefined;
  }

  /** Every endpoint feed of every tenant (bounded): what a dispatcher resumes after a start. Needs the system role. */
  async allCursors(): Promise<(WebhookEndpointCursorRecord & { readonly tenantId: string })[]> {
    const rows = await this.db.withSchema(this.schema).selectFrom('webhook_endpoint_cursors').selectAll().orderBy('tenant_id').orderBy('endpoint_id').limit(WEBHOOK_CURSOR_SCAN_MAX).execute();
    return rows.map((row) => ({ ...cursorRecord(row), tenantId: row.tenant_id as string }));
  }
}

function instant(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(value as string).toISOString();
}

function optionalInstant(value: unknown): string | null {
  return value === null || value === undefined ? null : instant(value);
}

function deliveryRecord(row: Record<string, unknown>): WebhookDeliveryRecord {
  return {
    id: row.delivery_id as string,
    endpointId: row.endpoint_id as string,
    messageId: row.message_id as string,
    round: row.round as number,
    eventType: row.event_type as string,
    sourceEventId: row.source_event_id as string,
    sourcePosition: row.source_position as string,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts as number,
    responseStatus: (row.response_status as number | null) ?? null,
    durationMs: (row.duration_ms as number | null) ?? null,
    error: (row.error as string | null) ?? null,
    nextAttemptAt: optionalInstant(row.next_attempt_at),
    abandonReason: (row.abandon_reason as string | null) ?? null,
    firstAttemptedAt: instant(row.first_attempted_at),
    lastAttemptedAt: instant(row.last_attempted_at),
    deliveredAt: optionalInstant(row.delivered_at),
    attemptLog: row.attempt_log as WebhookAttemptLogEntry[],
  };
}

function cursorRecord(row: Record<string, unknown>): WebhookEndpointCursorRecord {
  return {
    endpointId: row.endpoint_id as string,
    round: row.round as number,
    startedFrom: row.started_from as string,
    position: row.position as string,
    startReason: row.start_reason as WebhookEndpointCursorRecord['startReason'],
    startedAt: instant(row.started_at),
    replayRequestedAt: optionalInstant(row.replay_requested_at),
    updatedAt: instant(row.updated_at),
  };
}
