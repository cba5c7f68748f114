import { sql, type Kysely } from 'kysely';
import type { PaymentMethodStatus, PaymentMethodType, VerificationStatus } from '../../libs/billing/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor, isParsableTime } from '../common/opaque-cursor.js';
import { instantOrNull } from '../common/read-model-values.js';

/** A payment method as the read model holds it: never its gateway token. */
export interface PaymentMethodRecord {
  readonly id: string;
  readonly customerId: string;
  readonly type: PaymentMethodType;
  readonly status: PaymentMethodStatus;
  readonly verificationStatus: VerificationStatus | null;
  readonly verificationFailureReason: string | null;
  readonly brand: string | null;
  readonly last4: string | null;
  readonly expiryMonth: number | null;
  readonly expiryYear: number | null;
  readonly holderName: string | null;
  readonly addedAt: string;
  readonly verifiedAt: string | null;
  readonly expiredAt: string | null;
  readonly deactivatedAt: string | null;
  readonly deactivationReason: string | null;
}

export interface PaymentMethodListFilter {
  readonly customerId?: string | null;
  readonly status?: PaymentMethodStatus | null;
}

export const PAYMENT_METHOD_PAGE_SIZE_MAX = 100;

export class PaymentMethodQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async getPaymentMethod(tenantId: string, paymentMethodId: string): Promise<PaymentMethodRecord | undefined> {
    const row = await this.db
      .withSchema(this.schema)
      .selectFrom('payment_methods')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('payment_method_id', '=', paymentMethodId)
      .executeTakeFirst();
    return row ? paymentMethodRecord(row) : undefined;
  }

  /** Newest first, keyset-paginated on (added_at, id) with an opaque cursor. */
  async listPaymentMethods(tenantId: string, filter: PaymentMethodListFilter, first: number, after: string | null | undefined) {
    let query = this.db.withSchema(this.schema).selectFrom('payment_methods').selectAll().where('tenant_id', '=', tenantId);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (after) {
      const [, addedAt, id] = decodeCursor(after, 3, ([tag, time]) => tag === 'payment_method' && isParsableTime(time));
      query = query.where(sql<boolean>`(added_at, payment_method_id) < (${addedAt}::timestamptz, ${id})`);
    }
    const rows = await query.orderBy('added_at', 'desc').orderBy('payment_method_id', 'desc').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => {
      const node = paymentMethodRecord(row);
      return { cursor: encodeCursor(['payment_method', node.addedAt, node.id]), node };
    });
    return connectionOf(edges, rows.length > first);
  }
}

function paymentMethodRecord(row: Record<string, unknown>): PaymentMethodRecord {
  return {
    id: row.payment_method_id as string,
    customerId: row.customer_id as string,
    type: row.type as PaymentMethodType,
    status: row.status as PaymentMethodStatus,
    verificationStatus: row.verification_status as VerificationStatus | null,
    verificationFailureReason: row.verification_failure_reason as string | null,
    brand: row.brand as string | null,
    last4: row.last4 as string | null,
    expiryMonth: row.expiry_month as number | null,
    expiryYear: row.expiry_year as number | null,
    holderName: row.holder_name as string | null,
    addedAt: (row.added_at as Date).toISOString(),
    verifiedAt: instantOrNull(row.verified_at),
    expiredAt: instantOrNull(row.expired_at),
    deactivatedAt: instantOrNull(row.deactivated_at),
    deactivationReason: row.deactivation_reason as string | null,
  };
}
