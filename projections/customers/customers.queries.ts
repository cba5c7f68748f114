import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor } from '../common/opaque-cursor.js';

export interface CustomerRecord {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly billingAddress: { line1: string; line2: string | null; city: string; region: string | null; postalCode: string; country: string };
  readonly taxExempt: boolean;
  /** The pricing segment, null for none. */
  readonly segment: string | null;
  readonly registeredAt: string;
  readonly updatedAt: string;
}

export const CUSTOMER_PAGE_SIZE_MAX = 100;

export class CustomerQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async getCustomer(tenantId: string, customerId: string): Promise<CustomerRecord | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('customers').selectAll().where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).executeTakeFirst();
    return row ? customerRecord(row) : undefined;
  }

  /** Ordered by id, keyset-paginated with an opaque cursor. */
  async listCustomers(tenantId: string, first: number, after: string | null | undefined) {
    let query = this.db.withSchema(this.schema).selectFrom('customers').selectAll().where('tenant_id', '=', tenantId);
    if (after) query = query.where('customer_id', '>', decodeCursor(after, 2, ([tag]) => tag === 'customer')[1]);
    const rows = await query.orderBy('customer_id').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(['customer', row.customer_id as string]), node: customerRecord(row) }));
    return connectionOf(edges, rows.length > first);
  }
}

function customerRecord(row: Record<string, unknown>): CustomerRecord {
  return {
    id: row.customer_id as string,
    name: row.name as string,
    email: row.email as string | null,
    billingAddress: {
      line1: row.line1 as string,
      line2: row.line2 as string | null,
      city: row.city as string,
      region: row.region as string | null,
      postalCode: row.postal_code as string,
      country: row.country as string,
    },
    taxExempt: row.tax_exempt as boolean,
    segment: row.segment as string | null,
    registeredAt: (row.registered_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
  };
}
