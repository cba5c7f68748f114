import type { Kysely } from 'kysely';
import type { Position } from '../../libs/event-store/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor, isLogPosition, type Connection } from '../common/opaque-cursor.js';
import { logKeyOf } from './log-key.js';

/** One event of the log with the metadata its command recorded; null where an older event does not record it. */
export interface AuditEntryRecord {
  readonly position: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: string;
  readonly type: string;
  readonly actor: { readonly id: string; readonly name: string | null; readonly role: string | null } | null;
  readonly commandId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly recordedAt: string;
}

/**
 * What `auditLog` narrows the log to; every field is optional and they combine with AND. Positions bound the log
 * like billingEvents' fromPosition: `fromPosition` exclusive (pass the last position seen), `toPosition` inclusive;
 * times bound the recording time, `from` inclusive and `to` exclusive.
 */
export interface AuditLogFilter {
  readonly types?: readonly string[] | null;
  /** A stream category, e.g. `invoice`. */
  readonly category?: string | null;
  /** One stream, as stored (with its tenant). */
  readonly streamId?: string | null;
  readonly actorId?: string | null;
  readonly correlationId?: string | null;
  readonly fromPosition?: Position | null;
  readonly toPosition?: Position | null;
  readonly from?: string | null;
  readonly to?: string | null;
}

export const AUDIT_PAGE_SIZE_MAX = 200;
const CURSOR_TAG = 'audit';

/**
 * Reads of the audit log. Both lists are in log order, oldest first (the order the events happened and the order a
 * verifier replays them), keyset-paginated on the position with an opaque cursor; every query names its tenant.
 */
export class AuditLogQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async auditLog(tenantId: string, filter: AuditLogFilter, first: number, after: string | null | undefined): Promise<Connection<AuditEntryRecord>> {
    let query = this.db.withSchema(this.schema).selectFrom('audit_log as a').selectAll('a').where('a.tenant_id', '=', tenantId);
    if (filter.types && filter.types.length > 0) query = query.where('a.type', 'in', [...filter.types]);
    if (filter.category) query = query.where('a.category', '=', filter.category);
    if (filter.streamId) query = query.where('a.stream_id', '=', filter.streamId);
    if (filter.actorId) query = query.where('a.actor_id', '=', filter.actorId);
    if (filter.correlationId) query = query.where('a.correlation_id', '=', filter.correlationId);
    if (filter.fromPosition) query = query.where('a.log_key', '>', logKeyOf(filter.fromPosition));
    if (filter.toPosition) query = query.where('a.log_key', '<=', logKeyOf(filter.toPosition));
    if (filter.from) query = query.where('a.recorded_key', '>=', new Date(filter.from).toISOString());
    if (filter.to) query = query.where('a.recorded_key', '<', new Date(filter.to).toISOString());
    if (after) query = query.where('a.log_key', '>', afterCursor(after));
    const rows = await query.orderBy('a.log_key').limit(first + 1).execute();
    return page(rows, first);
  }

  /** Every event that touched the document, across its streams, in log order; with `toPosition`, those up to it (inclusive). */
  async auditTrail(tenantId: string, documentId: string, first: number, after: string | null | undefined, toPosition: Position | null = null): Promise<Connection<AuditEntryRecord>> {
    let query = this.db
      .withSchema(this.schema)
      .selectFrom('audit_log_documents as d')
      .innerJoin('audit_log as a', (join) =>
        // On the text key: its equality is leakproof, so under row-level security the join probes audit_log's primary key.
        join.onRef('a.tenant_id', '=', 'd.tenant_id').onRef('a.log_key', '=', 'd.log_key'),
      )
      .selectAll('a')
      .where('d.tenant_id', '=', tenantId)
      .where('d.document_id', '=', documentId);
    if (after) query = query.where('d.log_key', '>', afterCursor(after));
    if (toPosition) query = query.where('d.log_key', '<=', logKeyOf(toPosition));
    const rows = await query.orderBy('d.log_key').limit(first + 1).execute();
    return page(rows, first);
  }
}

/** The log key after which a page starts; a cursor that is not one of these lists' is VALIDATION_FAILED (InvalidCursorError). */
function afterCursor(after: string): string {
  const [, commit, prepare] = decodeCursor(after, 3, ([tag, c, p]) => tag === CURSOR_TAG && isLogPosition(c) && isLogPosition(p));
  return logKeyOf({ commit: BigInt(commit), prepare: BigInt(prepare) });
}

function page(rows: readonly Record<string, unknown>[], first: number): Connection<AuditEntryRecord> {
  const edges = rows.slice(0, first).map((row) => ({
    cursor: encodeCursor([CURSOR_TAG, String(row.commit_position), String(row.prepare_position)]),
    node: auditEntryRecord(row),
  }));
  return connectionOf(edges, rows.length > first);
}

function auditEntryRecord(row: Record<string, unknown>): AuditEntryRecord {
  const actorId = row.actor_id as string | null;
  return {
    position: row.position as string,
    eventId: row.event_id as string,
    streamId: row.stream_id as string,
    revision: String(row.revision),
    type: row.type as string,
    actor: actorId === null ? null : { id: actorId, name: (row.actor_name as string | null) ?? null, role: (row.actor_role as string | null) ?? null },
    commandId: (row.command_id as string | null) ?? null,
    correlationId: (row.correlation_id as string | null) ?? null,
    causationId: (row.causation_id as string | null) ?? null,
    recordedAt: (row.recorded_at as Date).toISOString(),
  };
}
