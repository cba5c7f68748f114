import { sql, type Kysely } from 'kysely';
import type { CreditApplicationType, CreditNoteLine, CreditNoteStatus, CreditNoteTaxBreakdownEntry, CreditReason, CreditType } from '../../libs/billing/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { type Connection, connectionOf, decodeCursor, encodeCursor, isParsableTime } from '../common/opaque-cursor.js';
import { instantOrNull } from '../common/read-model-values.js';

export const CREDIT_NOTE_PAGE_SIZE_MAX = 100;

export interface CreditNoteFilter {
  readonly customerId?: string | null;
  readonly status?: CreditNoteStatus | null;
  readonly sourceInvoiceId?: string | null;
  readonly type?: CreditType | null;
}

export interface CreditNoteApplicationRecord {
  readonly applicationId: string;
  readonly applicationType: CreditApplicationType;
  readonly invoiceId: string | null;
  readonly amount: string;
  readonly remainingAfter: string;
  readonly appliedAt: string;
}

/** A credit note as the read model holds it; amounts are decimal strings in the note's currency. */
export interface CreditNoteRecord {
  readonly creditNoteId: string;
  readonly number: string | null;
  readonly customerId: string;
  readonly sourceInvoiceId: string | null;
  readonly type: CreditType;
  readonly reason: CreditReason;
  readonly status: CreditNoteStatus;
  readonly currency: string;
  readonly lines: CreditNoteLine[];
  readonly taxBreakdown: CreditNoteTaxBreakdownEntry[];
  readonly subtotal: string;
  readonly taxTotal: string;
  readonly total: string;
  readonly amountApplied: string;
  readonly remaining: string;
  readonly draftedAt: string;
  readonly issuedAt: string | null;
  readonly voidedAt: string | null;
  readonly voidReason: string | null;
  /** Oldest first. */
  readonly applications: CreditNoteApplicationRecord[];
}

export type CreditNotePage = Connection<CreditNoteRecord>;

const NOTE_COLUMNS = [
  'credit_note_id',
  'number',
  'customer_id',
  'source_invoice_id',
  'type',
  'reason',
  'status',
  'currency',
  'lines',
  'tax_breakdown',
  'subtotal',
  'tax_total',
  'total',
  'amount_applied',
  'remaining',
  'drafted_at',
  'issued_at',
  'voided_at',
  'void_reason',
] as const;

/** Every query names the tenant: a note of another tenant reads exactly like one that does not exist. */
export class CreditNoteQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async getCreditNote(tenantId: string, creditNoteId: string): Promise<CreditNoteRecord | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('credit_notes').select(NOTE_COLUMNS).where('tenant_id', '=', tenantId).where('credit_note_id', '=', creditNoteId).executeTakeFirst();
    if (!row) return undefined;
    return recordOf(row, (await this.applicationsOf(tenantId, [creditNoteId])).get(creditNoteId) ?? []);
  }

  /** Newest draft first (drafted instant, then id), keyset-paginated with an opaque cursor. */
  async listCreditNotes(tenantId: string, filter: CreditNoteFilter, first: number, after: string | null | undefined): Promise<CreditNotePage> {
    let query = this.db.withSchema(this.schema).selectFrom('credit_notes').select(NOTE_COLUMNS).where('tenant_id', '=', tenantId);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.sourceInvoiceId) query = query.where('source_invoice_id', '=', filter.sourceInvoiceId);
    if (filter.type) query = query.where('type', '=', filter.type);
    if (after) {
      const [, draftedAt, creditNoteId] = decodeCursor(after, 3, ([tag, time]) => tag === 'credit_note' && isParsableTime(time));
      query = query.where(sql<boolean>`(drafted_at, credit_note_id) < (${draftedAt}::timestamptz, ${creditNoteId})`);
    }
    const rows = await query.orderBy('drafted_at', 'desc').orderBy('credit_note_id', 'desc').limit(first + 1).execute();
    const pageRows = rows.slice(0, first);
    const applications = await this.applicationsOf(
      tenantId,
      pageRows.map((row) => row.credit_note_id as string),
    );
    const edges = pageRows.map((row) => {
      const node = recordOf(row, applications.get(row.credit_note_id as string) ?? []);
      return { cursor: encodeCursor(['credit_note', node.draftedAt, node.creditNoteId]), node };
    });
    return connectionOf(edges, rows.length > first);
  }

  private async applicationsOf(tenantId: string, creditNoteIds: string[]): Promise<Map<string, CreditNoteApplicationRecord[]>> {
    const byNote = new Map<string, CreditNoteApplicationRecord[]>();
    if (creditNoteIds.length === 0) return byNote;
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('credit_note_applications')
      .select(['credit_note_id', 'application_id', 'application_type', 'invoice_id', 'amount', 'remaining_after', 'applied_at'])
      .where('tenant_id', '=', tenantId)
      .where('credit_note_id', 'in', creditNoteIds)
      .orderBy('applied_at', 'asc')
      .orderBy('application_id', 'asc')
      .execute();
    for (const row of rows) {
      const list = byNote.get(row.credit_note_id as string) ?? [];
      list.push({
        applicationId: row.application_id as string,
        applicationType: row.application_type as CreditApplicationType,
        invoiceId: (row.invoice_id as string | null) ?? null,
        amount: row.amount as string,
        remainingAfter: row.remaining_after as string,
        appliedAt: (row.applied_at as Date).toISOString(),
      });
      byNote.set(row.credit_note_id as string, list);
    }
    return byNote;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function recordOf(row: Record<string, any>, applications: CreditNoteApplicationRecord[]): CreditNoteRecord {
  return {
    creditNoteId: row.credit_note_id,
    number: row.number ?? null,
    customerId: row.customer_id,
    sourceInvoiceId: row.source_invoice_id ?? null,
    type: row.type,
    reason: row.reason,
    status: row.status,
    currency: (row.currency as string).trim(),
    lines: row.lines,
    taxBreakdown: row.tax_breakdown,
    subtotal: row.subtotal,
    taxTotal: row.tax_total,
    total: row.total,
    amountApplied: row.amount_applied,
    remaining: row.remaining,
    draftedAt: (row.drafted_at as Date).toISOString(),
    issuedAt: instantOrNull(row.issued_at),
    voidedAt: instantOrNull(row.voided_at),
    voidReason: row.void_reason ?? null,
    applications,
  };
}
