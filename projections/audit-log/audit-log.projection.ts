import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { insertRows, type Row } from '../common/batch-rows.js';
import { documentIdsOf, streamParts } from './audit-log-documents.js';
import { logKeyOf } from './log-key.js';
import { createAuditLogIndexes, createAuditLogTables } from './audit-log.tables.js';

/**
 * Every event type the ledger stores, from the stream registry: the audit log follows all of them, and an aggregate
 * added to the registry is followed without a change here.
 */
export const auditedEventTypes: readonly string[] = [...new Set(Object.values(aggregates).flatMap((registered) => Object.keys(registered.schemas)))].sort();

/**
 * `audit_log`: who did what. One row per event, with the metadata its command recorded (the actor's id, name and
 * role, the command, correlation and causation ids), its stream, type, position and recording time, and one
 * `audit_log_documents` row per document it touches. Events are written once and never change, so a batch is two
 * multi-row INSERTs whatever its size. Nothing comes from the clock, so a rebuild gives identical rows.
 */
export const auditLogProjection: Projection = {
  name: 'audit_log',
  version: 1,
  eventTypes: auditedEventTypes,
  tables: ['audit_log', 'audit_log_documents'],
  // Its rows are positional already (an append-only log / tree): a row history would only double the writes.
  history: false,
  createTables: createAuditLogTables,
  createIndexes: createAuditLogIndexes,
  applyBatch: applyAuditLogBatch,
};

async function applyAuditLogBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const entries: Row[] = [];
  const documents: Row[] = [];
  for (const recorded of events) {
    const tenantId = tenantOfStream(recorded.streamId);
    const logKey = logKeyOf(recorded.position);
    entries.push(auditLogRow(tenantId, recorded));
    for (const documentId of documentIdsOf(recorded.streamId, recorded.data)) documents.push({ tenant_id: tenantId, document_id: documentId, log_key: logKey });
  }
  await insertRows(context, 'audit_log', entries);
  await insertRows(context, 'audit_log_documents', documents);
}

/** The event's row: its metadata as recorded, a field an older event lacks (or holds as a non-string) left null. */
export function auditLogRow(tenantId: string, recorded: RecordedEvent): Row {
  const { metadata } = recorded;
  return {
    tenant_id: tenantId,
    log_key: logKeyOf(recorded.position),
    commit_position: recorded.position.commit.toString(),
    prepare_position: recorded.position.prepare.toString(),
    position: encodePosition(recorded.position),
    event_id: recorded.eventId,
    stream_id: recorded.streamId,
    category: streamParts(recorded.streamId).category,
    revision: recorded.revision.toString(),
    type: recorded.type,
    actor_id: textOrNull(metadata.actor),
    actor_name: textOrNull(metadata.actorName),
    actor_role: textOrNull(metadata.actorRole),
    command_id: textOrNull(metadata.commandId),
    correlation_id: textOrNull(metadata.correlationId),
    causation_id: textOrNull(metadata.causationId),
    recorded_at: recorded.recordedAt.toISOString(),
    recorded_key: recorded.recordedAt.toISOString(),
  };
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
