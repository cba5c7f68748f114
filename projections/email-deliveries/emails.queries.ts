import { sql, type Kysely } from 'kysely';
import type { EmailKind } from '../../libs/billing/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { type Connection, connectionOf, decodeCursor, encodeCursor, isParsableTime } from '../common/opaque-cursor.js';
import type { EmailRecordStatus } from './emails.projection.js';

export const EMAIL_PAGE_SIZE_MAX = 100;
/** An invoice's emails (the issue email, copies sent again, overdue notices, reminders): the latest this many. */
export const INVOICE_EMAILS_MAX = 100;

/** An email as the read model holds it; instants as ISO strings. */
export interface EmailRecord {
  readonly emailId: string;
  readonly kind: EmailKind;
  readonly documentId: string;
  readonly customerId: string;
  readonly to: string | null;
  readonly subject: string | null;
  readonly status: EmailRecordStatus;
  readonly attempts: number;
  readonly messageId: string | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly sentAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface EmailFilter {
  readonly kind?: EmailKind | null;
  readonly status?: EmailRecordStatus | null;
  readonly customerId?: string | null;
  /** The invoice, receipt or payment the email is about. */
  readonly documentId?: string | null;
}

/** The kinds of email that are about an invoice. */
const invoiceKinds: readonly EmailKind[] = ['invoice', 'overdue_notice', 'payment_reminder'];

export class EmailQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  /** Newest first (creation instant, then id), keyset-paginated with an opaque cursor. */
  async listEmails(tenantId: string, filter: EmailFilter, first: number, after: string | null | undefined): Promise<Connection<EmailRecord>> {
    let query = this.db.withSchema(this.schema).selectFrom('emails').selectAll().where('tenant_id', '=', tenantId);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.documentId) query = query.where('document_id', '=', filter.documentId);
    if (after) {
      const [, createdAt, emailId] = decodeCursor(after, 3, ([tag, time]) => tag === 'email' && isParsableTime(time));
      query = query.where(sql<boolean>`(created_at, email_id) < (${createdAt}::timestamptz, ${emailId})`);
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('email_id', 'desc').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => {
      const record = emailRecordOf(row);
      return { cursor: encodeCursor(['email', record.createdAt, record.emailId]), node: record };
    });
    return connectionOf(edges, rows.length > first);
  }

  /** Every email about one invoice (issue, copies, overdue notices, reminders), newest first, at most INVOICE_EMAILS_MAX. */
  async invoiceEmails(tenantId: string, invoiceId: string): Promise<EmailRecord[]> {
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('emails')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('document_id', '=', invoiceId)
      .where('kind', 'in', invoiceKinds)
      .orderBy('created_at', 'desc')
      .orderBy('email_id', 'desc')
      .limit(INVOICE_EMAILS_MAX)
      .execute();
    return rows.map(emailRecordOf);
  }
}

/** A row as pg reads it: timestamps as Dates. */
interface EmailRow {
  readonly email_id: string;
  readonly kind: EmailKind;
  readonly document_id: string;
  readonly customer_id: string;
  readonly recipient: string | null;
  readonly subject: string | null;
  readonly status: EmailRecordStatus;
  readonly attempts: number;
  readonly message_id: string | null;
  readonly last_error: string | null;
  readonly next_attempt_at: Date | null;
  readonly sent_at: Date | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

function emailRecordOf(value: unknown): EmailRecord {
  const row = value as EmailRow;
  return {
    emailId: row.email_id,
    kind: row.kind,
    documentId: row.document_id,
    customerId: row.customer_id,
    to: row.recipient,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    messageId: row.message_id,
    lastError: row.last_error,
    nextAttemptAt: instantOf(row.next_attempt_at),
    sentAt: instantOf(row.sent_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function instantOf(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
