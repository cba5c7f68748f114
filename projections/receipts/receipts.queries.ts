import { sql, type Kysely } from 'kysely';
import type { Receipt } from '../../libs/billing/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { InvalidCursorError } from '../invoices/invoices.queries.js';

export const RECEIPT_PAGE_SIZE_MAX = 100;

export interface ReceiptFilter {
  readonly customerId?: string | null;
  readonly paymentId?: string | null;
  /** Calendar dates (YYYY-MM-DD), inclusive, on the receipt's issue date in the tenant's time zone. */
  readonly issuedFrom?: string | null;
  readonly issuedTo?: string | null;
}

export interface ReceiptPage {
  readonly edges: { cursor: string; node: Receipt }[];
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

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
      const [issuedAt, receiptId] = decodeCursor(after);
      query = query.where(sql<boolean>`(issued_at, receipt_id) < (${issuedAt}::timestamptz, ${receiptId})`);
    }
    const rows = await query.orderBy('issued_at', 'desc').orderBy('receipt_id', 'desc').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => {
      const document = row.document as Receipt;
      return { cursor: encodeCursor(document.issuedAt, document.receiptId), node: document };
    });
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

function encodeCursor(issuedAt: string, receiptId: string): string {
  return Buffer.from(JSON.stringify(['receipt', issuedAt, receiptId]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(decoded) && decoded.length === 3 && decoded[0] === 'receipt' && typeof decoded[1] === 'string' && !Number.isNaN(Date.parse(decoded[1])) && typeof decoded[2] === 'string') {
      return [decoded[1], decoded[2]];
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidCursorError(cursor);
}
