import { sql, type Kysely } from 'kysely';
import type { PaymentMethodType, PaymentStatus, RefundMethodType } from '../../libs/billing/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor, isParsableTime } from '../common/opaque-cursor.js';
import { instantOrNull } from '../common/read-model-values.js';

/** One invoice's part of a payment. */
export interface PaymentAllocationRecord {
  readonly invoiceId: string;
  readonly amount: string;
}

export interface PaymentRefundRecordView {
  readonly refundId: string;
  readonly amount: string;
  readonly method: RefundMethodType;
  readonly reason: string;
  readonly refundedAt: string;
}

/** A payment as the API shows it; the same shape is built from the decider's state for mutation answers. */
export interface PaymentRecord {
  readonly id: string;
  readonly customerId: string;
  readonly status: PaymentStatus;
  readonly amount: string;
  readonly currency: string;
  readonly method: PaymentMethodType;
  readonly reference: string;
  readonly paymentMethodId: string | null;
  readonly bankAccountId: string | null;
  readonly allocationKind: 'explicit' | 'oldest_due_first';
  readonly requestedAllocations: readonly PaymentAllocationRecord[];
  readonly attempt: number;
  readonly nextRetryAt: string | null;
  readonly lastFailureReason: string | null;
  readonly gatewayReference: string | null;
  readonly recordedAt: string;
  readonly succeededAt: string | null;
  readonly cancelledAt: string | null;
  readonly cancellationReason: string | null;
  readonly allocations: readonly PaymentAllocationRecord[];
  /** Null until the payment is allocated. */
  readonly creditAmount: string | null;
  readonly allocatedAt: string | null;
  readonly refundedTotal: string;
  readonly refundable: string;
  readonly refunds: readonly PaymentRefundRecordView[];
}

export interface PaymentListFilter {
  readonly customerId?: string | null;
  readonly status?: PaymentStatus | null;
  readonly method?: PaymentMethodType | null;
  readonly currency?: string | null;
}

export const PAYMENT_PAGE_SIZE_MAX = 100;

export class PaymentQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async getPayment(tenantId: string, paymentId: string): Promise<PaymentRecord | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('payment_id', '=', paymentId).executeTakeFirst();
    return row ? paymentRecord(row) : undefined;
  }

  /** Newest first (recorded instant, then id), keyset-paginated with an opaque cursor; always within one tenant. */
  async listPayments(tenantId: string, filter: PaymentListFilter, first: number, after: string | null | undefined) {
    let query = this.db.withSchema(this.schema).selectFrom('payments').selectAll().where('tenant_id', '=', tenantId);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.method) query = query.where('method', '=', filter.method);
    if (filter.currency) query = query.where('currency', '=', filter.currency);
    if (after) {
      const [, recordedAt, paymentId] = decodeCursor(after, 3, ([tag, time]) => tag === 'payment' && isParsableTime(time));
      query = query.where(sql<boolean>`(recorded_at, payment_id) < (${recordedAt}::timestamptz, ${paymentId})`);
    }
    const rows = await query.orderBy('recorded_at', 'desc').orderBy('payment_id', 'desc').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row: Record<string, unknown>) => {
      const node = paymentRecord(row);
      return { cursor: encodeCursor(['payment', node.recordedAt, node.id]), node };
    });
    return connectionOf(edges, rows.length > first);
  }
}

function paymentRecord(row: Record<string, unknown>): PaymentRecord {
  return {
    id: row.payment_id as string,
    customerId: row.customer_id as string,
    status: row.status as PaymentStatus,
    amount: row.amount as string,
    currency: row.currency as string,
    method: row.method as PaymentMethodType,
    reference: row.reference as string,
    paymentMethodId: row.payment_method_id as string | null,
    bankAccountId: (row.bank_account_id as string | null | undefined) ?? null,
    allocationKind: row.allocation_kind as PaymentRecord['allocationKind'],
    requestedAllocations: row.requested_allocations as PaymentAllocationRecord[],
    attempt: row.attempt as number,
    nextRetryAt: instantOrNull(row.next_retry_at),
    lastFailureReason: row.last_failure_reason as string | null,
    gatewayReference: row.gateway_reference as string | null,
    recordedAt: (row.recorded_at as Date).toISOString(),
    succeededAt: instantOrNull(row.succeeded_at),
    cancelledAt: instantOrNull(row.cancelled_at),
    cancellationReason: row.cancellation_reason as string | null,
    allocations: row.allocations as PaymentAllocationRecord[],
    creditAmount: row.credit_amount as string | null,
    allocatedAt: instantOrNull(row.allocated_at),
    refundedTotal: row.refunded_total as string,
    refundable: row.refundable as string,
    refunds: row.refunds as PaymentRefundRecordView[],
  };
}
