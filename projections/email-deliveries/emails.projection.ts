import { assertNever, emailEventTypes } from '../../libs/billing/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { keyOf, loadRows, upsertRows, type Row } from '../common/batch-rows.js';
import { createEmailIndexes, createEmailTables } from './emails.tables.js';

/** Where an email stands, as the read model and the API show it. */
export const emailStatuses = ['pending', 'retrying', 'sent', 'failed'] as const;
export type EmailRecordStatus = (typeof emailStatuses)[number];

const KEY = ['tenant_id', 'email_id'] as const;

/**
 * The `emails` read model: one row per email, folded from its events (a batch in memory, each touched row written
 * once). `pending`: asked for, or a retry marked due, and not attempted yet; `retrying`: an attempt failed and another
 * is scheduled (`next_attempt_at`); `sent`; `failed`: given up (`last_error` says why). Times come from the events.
 */
export const emailsProjection: Projection = {
  name: 'emails',
  version: 1,
  eventTypes: emailEventTypes,
  tables: ['emails'],
  createTables: createEmailTables,
  createIndexes: createEmailIndexes,
  applyBatch: applyEmailBatch,
};

async function applyEmailBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const keys = events.map((recorded) => [tenantOfStream(recorded.streamId), (recorded.data as { emailId: string }).emailId] as const);
  const rows = new Map<string, Row>();
  for (const row of await loadRows(context, 'emails', KEY, keys)) rows.set(keyOf(row.tenant_id as string, row.email_id as string), row);
  const touched = new Set<string>();
  for (const recorded of events) {
    const tenantId = tenantOfStream(recorded.streamId);
    const event = aggregates.email.parse(recorded);
    const key = keyOf(tenantId, event.data.emailId);
    const row = rows.get(key);
    const next = emailRowAfter(row, tenantId, event);
    if (next === undefined) continue;
    rows.set(key, next);
    touched.add(key);
  }
  await upsertRows(context, 'emails', KEY, [...touched].map((key) => rows.get(key) as Row));
}

type EmailEvent = ReturnType<typeof aggregates.email.parse>;

/** The row after one event; undefined when the event changes nothing that exists (a retry mark for an unknown email). */
export function emailRowAfter(row: Row | undefined, tenantId: string, event: EmailEvent): Row | undefined {
  switch (event.type) {
    case 'EmailRequested': {
      const { emailId, kind, documentId, customerId, requestedAt } = event.data;
      return row ?? emptyRow(tenantId, emailId, kind, documentId, customerId, requestedAt);
    }
    case 'EmailSent': {
      const { emailId, kind, documentId, customerId, to, subject, messageId, attempt, sentAt } = event.data;
      const base = row ?? emptyRow(tenantId, emailId, kind, documentId, customerId, sentAt);
      return { ...base, status: 'sent', attempts: attempt, recipient: to, subject, message_id: messageId, next_attempt_at: null, sent_at: sentAt, updated_at: sentAt };
    }
    case 'EmailSendFailed': {
      const { emailId, kind, documentId, customerId, to, reason, attempt, nextAttemptAt, failedAt } = event.data;
      const base = row ?? emptyRow(tenantId, emailId, kind, documentId, customerId, failedAt);
      return { ...base, status: nextAttemptAt === null ? 'failed' : 'retrying', attempts: attempt, recipient: to, last_error: reason, next_attempt_at: nextAttemptAt, updated_at: failedAt };
    }
    case 'EmailRetryDue':
      return row === undefined ? undefined : { ...row, status: 'pending', updated_at: event.data.dueAt };
    default:
      return assertNever(event, 'email event');
  }
}

function emptyRow(tenantId: string, emailId: string, kind: string, documentId: string, customerId: string, createdAt: string): Row {
  return {
    tenant_id: tenantId,
    email_id: emailId,
    kind,
    document_id: documentId,
    customer_id: customerId,
    recipient: null,
    subject: null,
    status: 'pending',
    attempts: 0,
    message_id: null,
    last_error: null,
    next_attempt_at: null,
    sent_at: null,
    created_at: createdAt,
    updated_at: createdAt,
  };
}
