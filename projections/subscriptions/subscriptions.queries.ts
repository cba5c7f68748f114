import type { Kysely } from 'kysely';
import type { BillingCycle, BillingTiming, ChargeLine, PeriodAlignment, ServiceStatus, ServiceType, SubscriptionStatus, SuspensionPolicy } from '../../libs/billing/src/index.js';
import { Money, type CurrencyCode } from '../../libs/money/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor, type Connection } from '../common/opaque-cursor.js';

/** A pending change as the read model shows it: the item's next plan version and quantity, from the period end. */
export interface PendingChangeRecord {
  readonly itemId: string;
  readonly planId: string;
  readonly planVersion: number;
  readonly planName: string;
  readonly unitPrice: string;
  readonly quantity: string;
  readonly effectiveDate: string;
  readonly requestedOn: string;
}

/** A subscription as the read model holds it, without its items and charges (read separately). */
export interface SubscriptionRecord {
  readonly id: string;
  readonly customerId: string;
  readonly currency: string;
  readonly timeZone: string;
  readonly status: Exclude<SubscriptionStatus, 'none'>;
  readonly serviceStatus: ServiceStatus;
  readonly timing: BillingTiming;
  readonly alignment: PeriodAlignment;
  readonly anchorDay: number | null;
  readonly startDate: string;
  readonly trialEnd: string | null;
  readonly trialEnded: boolean;
  readonly cycle: BillingCycle;
  readonly currentPeriod: { readonly start: string; readonly end: string } | null;
  readonly nextBillDate: string | null;
  readonly pendingChanges: readonly PendingChangeRecord[];
  readonly cancellation: { readonly cancelAt: string; readonly requestedOn: string } | null;
  readonly suspension: { readonly since: string; readonly policy: SuspensionPolicy; readonly reason: string | null } | null;
  readonly terminatedOn: string | null;
  readonly terminationReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SubscriptionItemRecord {
  readonly itemId: string;
  readonly role: 'base' | 'addon';
  readonly planId: string;
  readonly planVersion: number;
  readonly productId: string;
  readonly planName: string;
  readonly serviceType: ServiceType;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly setupFee: string | null;
  readonly taxRate: string | null;
}

/** What one charge of the subscription posted. */
export interface SubscriptionChargeRecord {
  readonly chargeId: string;
  readonly sequence: number;
  readonly reason: 'period' | 'change' | 'cancellation' | 'termination';
  readonly invoiceId: string | null;
  readonly creditNoteId: string | null;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly currency: string;
  readonly charged: string;
  readonly credited: string;
  readonly total: string;
  readonly lines: readonly ChargeLine[];
  readonly billedOn: string;
  readonly billedAt: string;
}

export interface SubscriptionListFilter {
  readonly customerId?: string | null;
  readonly status?: Exclude<SubscriptionStatus, 'none'> | null;
  /** Subscriptions with an item on this plan. */
  readonly planId?: string | null;
  /** Subscriptions whose next bill is due before this date: listed by next bill date, then id. */
  readonly nextBillBefore?: string | null;
}

export const SUBSCRIPTION_PAGE_SIZE_MAX = 100;
/** The charges one subscription lists at most (the latest); a monthly subscription posts twelve a year. */
export const SUBSCRIPTION_CHARGES_MAX = 100;

/**
 * The subscriptions read model. Lists page in subscription id order (by next bill date, then id, with
 * `nextBillBefore`), keyset-paginated with an opaque cursor, each through an index in its order.
 */
export class SubscriptionQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async getSubscription(tenantId: string, subscriptionId: string): Promise<SubscriptionRecord | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('subscriptions').selectAll().where('tenant_id', '=', tenantId).where('subscription_id', '=', subscriptionId).executeTakeFirst();
    return row ? subscriptionRecord(row) : undefined;
  }

  async listSubscriptions(tenantId: string, filter: SubscriptionListFilter, first: number, after: string | null | undefined): Promise<Connection<SubscriptionRecord>> {
    const byNextBill = typeof filter.nextBillBefore === 'string';
    let query = filter.planId
      ? this.db
          .withSchema(this.schema)
          .selectFrom('subscription_items as i')
          .innerJoin('subscriptions as s', (join) => join.onRef('s.tenant_id', '=', 'i.tenant_id').onRef('s.subscription_id', '=', 'i.subscription_id'))
          .selectAll('s')
          .distinctOn(byNextBill ? ['s.next_bill_date', 's.subscription_id'] : ['s.subscription_id'])
          .where('i.tenant_id', '=', tenantId)
          .where('i.plan_id', '=', filter.planId)
      : this.db.withSchema(this.schema).selectFrom('subscriptions as s').selectAll('s').where('s.tenant_id', '=', tenantId);
    if (filter.customerId) query = query.where('s.customer_id', '=', filter.customerId);
    if (filter.status) query = query.where('s.status', '=', filter.status);
    if (byNextBill) query = query.where('s.next_bill_date', '<', filter.nextBillBefore as string);
    if (byNextBill) {
      if (after) {
        const [, date, id] = decodeCursor(after, 3, ([tag, day]) => tag === 'subscription-by-bill' && /^\d{4}-\d{2}-\d{2}$/.test(day));
        query = query.where((eb) => eb.or([eb('s.next_bill_date', '>', date), eb.and([eb('s.next_bill_date', '=', date), eb('s.subscription_id', '>', id)])]));
      }
      const rows = await query.orderBy('s.next_bill_date').orderBy('s.subscription_id').limit(first + 1).execute();
      const edges = rows.slice(0, first).map((row) => {
        const record = subscriptionRecord(row);
        return { cursor: encodeCursor(['subscription-by-bill', record.nextBillDate as string, record.id]), node: record };
      });
      return connectionOf(edges, rows.length > first);
    }
    if (after) query = query.where('s.subscription_id', '>', decodeCursor(after, 2, ([tag]) => tag === 'subscription')[1]);
    const rows = await query.orderBy('s.subscription_id').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(['subscription', row.subscription_id as string]), node: subscriptionRecord(row) }));
    return connectionOf(edges, rows.length > first);
  }

  /** The items of these subscriptions, in each one's order (the base item first). */
  async itemsOf(tenantId: string, subscriptionIds: readonly string[]): Promise<Map<string, SubscriptionItemRecord[]>> {
    const items = new Map<string, SubscriptionItemRecord[]>(subscriptionIds.map((id) => [id, []]));
    if (subscriptionIds.length === 0) return items;
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('subscription_items')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subscription_id', 'in', [...subscriptionIds])
      .orderBy('subscription_id')
      .orderBy('position')
      .execute();
    for (const row of rows) items.get(row.subscription_id as string)?.push(itemRecord(row));
    return items;
  }

  /** What the subscription's charges posted, oldest first (the latest SUBSCRIPTION_CHARGES_MAX). */
  async chargesOf(tenantId: string, subscriptionId: string, currency: string): Promise<SubscriptionChargeRecord[]> {
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('subscription_invoices')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subscription_id', '=', subscriptionId)
      .orderBy('sequence', 'desc')
      .limit(SUBSCRIPTION_CHARGES_MAX)
      .execute();
    return rows.reverse().map((row) => chargeRecord(row, currency));
  }
}

function subscriptionRecord(row: Record<string, unknown>): SubscriptionRecord {
  const periodStart = row.current_period_start as string | null;
  const cancelAt = row.cancel_at as string | null;
  const suspendedSince = row.suspended_since as string | null;
  return {
    id: row.subscription_id as string,
    customerId: row.customer_id as string,
    currency: (row.currency as string).trim(),
    timeZone: row.time_zone as string,
    status: row.status as SubscriptionRecord['status'],
    serviceStatus: row.service_status as ServiceStatus,
    timing: row.timing as BillingTiming,
    alignment: row.alignment as PeriodAlignment,
    anchorDay: (row.anchor_day as number | null) ?? null,
    startDate: row.start_date as string,
    trialEnd: (row.trial_end as string | null) ?? null,
    trialEnded: row.trial_ended as boolean,
    cycle: row.cycle as BillingCycle,
    currentPeriod: periodStart === null ? null : { start: periodStart, end: row.current_period_end as string },
    nextBillDate: (row.next_bill_date as string | null) ?? null,
    pendingChanges: row.pending_changes as PendingChangeRecord[],
    cancellation: cancelAt === null ? null : { cancelAt, requestedOn: row.cancellation_requested_on as string },
    suspension: suspendedSince === null ? null : { since: suspendedSince, policy: row.suspension_policy as SuspensionPolicy, reason: (row.suspension_reason as string | null) ?? null },
    terminatedOn: (row.terminated_on as string | null) ?? null,
    terminationReason: (row.termination_reason as string | null) ?? null,
    createdAt: (row.created_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
  };
}

function itemRecord(row: Record<string, unknown>): SubscriptionItemRecord {
  return {
    itemId: row.item_id as string,
    role: row.role as SubscriptionItemRecord['role'],
    planId: row.plan_id as string,
    planVersion: row.plan_version as number,
    productId: row.product_id as string,
    planName: row.plan_name as string,
    serviceType: row.service_type as ServiceType,
    quantity: row.quantity as string,
    unitPrice: row.unit_price as string,
    setupFee: (row.setup_fee as string | null) ?? null,
    taxRate: (row.tax_rate as string | null) ?? null,
  };
}

function chargeRecord(row: Record<string, unknown>, currency: string): SubscriptionChargeRecord {
  // Stored at numeric(38, 12): the figures were at the currency's scale when written, so this rounds nothing.
  const amount = (value: unknown) => Money.of(String(value), currency as CurrencyCode).toString();
  return {
    chargeId: row.charge_id as string,
    sequence: row.sequence as number,
    reason: row.reason as SubscriptionChargeRecord['reason'],
    invoiceId: (row.invoice_id as string | null) ?? null,
    creditNoteId: (row.credit_note_id as string | null) ?? null,
    periodStart: row.period_start as string,
    periodEnd: row.period_end as string,
    currency,
    charged: amount(row.charged),
    credited: amount(row.credited),
    total: amount(row.total),
    lines: row.lines as ChargeLine[],
    billedOn: row.billed_on as string,
    billedAt: (row.billed_at as Date).toISOString(),
  };
}
