import { sql, type Kysely } from 'kysely';
import type { Receipt } from '../../libs/billing/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { type Connection, connectionOf, decodeCursor, encodeCursor, isParsableTime } from '../common/opaque-cursor.js';

export const RECEIPT_PAGE_SIZE_MAX = 100;

export interface ReceiptFilter {
  readonly customerId?: string | null;
  readonly paymentId?: string | null;
  /** Calendar dates (YYYY-MM-DD), inclusive, on the receipt's issue date in the tenant's time zone. */
  readonly issuedFrom?: string | null;
  readonly issuedTo?: string | null;
}

export type ReceiptPage = Connection<Receipt>;

export class ReceiptQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async getReceipt(tenantId: string, receiptId: string): Promise<Receipt | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('receipts').select('document').where('tenant_id', '=', tenantId).where('receipt_id', '=', receiptId).executeTakeFirst();
    return row ? (row.document as Receipt) : undefined;
  }

  /** Newest first (issue instant, then id), keyset-paginated with an opaque cursor. */
  async listReceipts(tenantId: string, filter: ReceiptFilter, first: number, after: string | null | undefined): Promise<ReceiptPage> {
    let query = this.db.withSchema(this.schema).selectFrom('receipts').select(['receipt_id', 'issued_at', 'document']).where('tenant_id', '=', tenantId);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.paymentId) query = query.where('payment_id', '=', filter.paymentId);
    if (filter.issuedFrom) query = query.where('issue_date', '>=', filter.issuedFrom);
    if (filter.issuedTo) query = query.where('issue_date', '<=', filter.issuedTo);
    if (after) {
      const [, issuedAt, receiptId] = decodeCursor(after, 3, ([tag, time]) => tag === 'receipt' && isParsableTime(time));
      query = query.where(sql<boolean>`(issued_at, receipt_id) < (${issuedAt}::timestamptz, ${receiptId})`);
    }
    const rows = await query.orderBy('issued_at', 'desc').orderBy('receipt_id', 'desc').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => {
      const document = row.document as Receipt;
      return { cursor: encodeCursor(['receipt', document.issuedAt, document.receiptId]), node: document };
    });
    return connectionOf(edges, rows.length > first);
  }
}
