import {
  currentConfig,
  currentPeriod,
  evolveSubscription,
  initialSubscriptionState,
  nextBillDate,
  subscriptionEventTypes,
  type ChargeLine,
  type SubscriptionEvent,
  type SubscriptionState,
} from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import { Money, type CurrencyCode } from '../../libs/money/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { deleteRows, insertRows, keyOf, loadRows, upsertRows, type Row, type RowKey } from '../common/batch-rows.js';
import { chargeDocumentsOf, isCredit } from './subscription-documents.js';
import { createSubscriptionIndexes, createSubscriptionTables } from './subscriptions.tables.js';

/**
 * The `subscriptions` read model: each subscription as it now is (status, service status, items, current period, next
 * bill date, pending changes, scheduled cancellation, suspension), and what each of its charges posted. Every column
 * is derived from the aggregate's own folded state (evolveSubscription, kept in `state`) with the aggregate's own
 * readings of it (currentPeriod, nextBillDate), so the read model cannot disagree with the decider. Times come from
 * the events, never the clock, so a rebuild gives identical rows.
 */
export const subscriptionsProjection: Projection = {
  name: 'subscriptions',
  version: 1,
  eventTypes: subscriptionEventTypes,
  tables: ['subscriptions', 'subscription_items', 'subscription_invoices'],
  createTables: createSubscriptionTables,
  createIndexes: createSubscriptionIndexes,
  applyBatch: applySubscriptionBatch,
};

/** The registry's parser of the aggregate's stored events (libs/application/src/aggregates.ts). */
export const parseSubscriptionRecordedEvent = aggregates.subscription.parse;

const KEY = ['tenant_id', 'subscription_id'];

/**
 * The batch folded in memory, at most five statements whatever its size: the subscriptions it touches are loaded in
 * one statement and each event folded onto its state in log order; then each touched subscription is written once
 * (one upsert), its items replaced when they changed (one delete, one insert), and the charges posted inserted (one
 * insert: a charge is written once).
 */
async function applySubscriptionBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ tenantId: tenantOfStream(recorded.streamId), event: parseSubscriptionRecordedEvent(recorded) }));
  const rows = new Map<string, Row>();
  for (const row of await loadRows(context, 'subscriptions', KEY, parsed.map(({ tenantId, event }) => [tenantId, event.data.subscriptionId]))) {
    rows.set(keyOf(row.tenant_id as string, row.subscription_id as string), row);
  }
  const touched = new Set<string>();
  const itemsChanged = new Set<string>();
  const charges: Row[] = [];
  for (const { tenantId, event } of parsed) {
    const key = keyOf(tenantId, event.data.subscriptionId);
    const before = rows.get(key);
    if (event.type === 'SubscriptionCreated' && before !== undefined) throw new Error(`subscriptions: subscription ${event.data.subscriptionId} of ${tenantId} is created already`);
    if (event.type !== 'SubscriptionCreated' && before === undefined) throw new Error(`subscriptions: ${event.type} for subscription ${event.data.subscriptionId} of ${tenantId}, which was never created`);
    const previous = before === undefined ? initialSubscriptionState : (before.state as SubscriptionState);
    const state = evolveSubscription(previous, event);
    const at = instantOf(event);
    const chargeCount = before === undefined ? 0 : Number(before.charge_count);
    const charge = chargeRowOf(tenantId, event, chargeCount + 1);
    if (charge !== null) charges.push(charge);
    rows.set(key, {
      ...subscriptionRow(tenantId, state, before === undefined ? at : (before.created_at as string | Date), at),
      termination_reason: event.type === 'SubscriptionTerminated' ? event.data.reason : (before?.termination_reason ?? null),
      charge_count: chargeCount + (charge === null ? 0 : 1),
    });
    if (changesItems(event)) itemsChanged.add(key);
    touched.add(key);
  }
  const written = [...touched].map((key) => rows.get(key) as Row);
  const changedItems = [...itemsChanged].map((key) => rows.get(key) as Row);
  await deleteRows(context, 'subscription_items', KEY, changedItems.map((row): RowKey => [row.tenant_id as string, row.subscription_id as string]));
  await insertRows(context, 'subscription_items', changedItems.flatMap((row) => itemRowsOf(row.tenant_id as string, row.state as SubscriptionState)));
  await insertRows(context, 'subscription_invoices', charges);
  await upsertRows(context, 'subscriptions', KEY, written);
}

/** The subscription's row: every column read off its state. */
function subscriptionRow(tenantId: string, state: SubscriptionState, createdAt: string | Date, updatedAt: string): Row {
  const period = currentPeriod(state);
  const base = state.items.find((item) => item.role === 'base');
  return {
    tenant_id: tenantId,
    subscription_id: state.subscriptionId,
    customer_id: state.customerId,
    currency: state.currency,
    time_zone: state.timeZone,
    status: state.status,
    service_status: state.serviceStatus,
    timing: state.timing,
    alignment: state.alignment,
    anchor_day: state.anchorDay,
    start_date: state.startDate,
    trial_end: state.trial?.end ?? null,
    trial_ended: state.trial?.ended ?? false,
    cycle: state.schedule?.cycle ?? (base === undefined ? null : currentConfig(base).terms.cycle),
    current_period_start: period?.start ?? null,
    current_period_end: period?.end ?? null,
    last_billed_period_end: state.lastBilledPeriod?.end ?? null,
    next_bill_date: nextBillDate(state),
    pending_changes: state.pendingChanges.map((change) => ({
      itemId: change.itemId,
      planId: change.terms.planId,
      planVersion: change.terms.planVersion,
      planName: change.terms.name,
      unitPrice: change.terms.unitPrice,
      quantity: change.quantity,
      effectiveDate: change.effectiveDate,
      requestedOn: change.requestedOn,
    })),
    cancel_at: state.cancellation?.cancelAt ?? null,
    cancellation_requested_on: state.cancellation?.requestedOn ?? null,
    suspended_since: state.suspension?.since ?? null,
    suspension_policy: state.suspension?.policy ?? null,
    suspension_reason: state.suspension?.reason ?? null,
    terminated_on: state.terminatedOn,
    termination_reason: null,
    state,
    created_at: createdAt,
    updated_at: updatedAt,
  };
}

/** The items as they are now, in the subscription's order (the base item first). */
function itemRowsOf(tenantId: string, state: SubscriptionState): Row[] {
  return state.items.map((item, index) => {
    const { terms, quantity } = currentConfig(item);
    return {
      tenant_id: tenantId,
      subscription_id: state.subscriptionId,
      item_id: item.itemId,
      position: index,
      role: item.role,
      plan_id: terms.planId,
      plan_version: terms.planVersion,
      product_id: terms.productId,
      plan_name: terms.name,
      service_type: terms.serviceType,
      quantity,
      unit_price: terms.unitPrice,
      setup_fee: terms.setupFee,
      tax_rate: terms.taxRate,
    };
  });
}

/** Events after which the items in force may differ. */
function changesItems(event: SubscriptionEvent): boolean {
  return event.type === 'SubscriptionCreated' || event.type === 'SubscriptionChanged' || event.type === 'SubscriptionPendingChangesApplied' || event.type === 'SubscriptionActivated';
}

/** What a charge event posted, as the subscription's billing history shows it. */
function chargeRowOf(tenantId: string, event: SubscriptionEvent, sequence: number): Row | null {
  if (event.type !== 'SubscriptionPeriodBilled' && event.type !== 'SubscriptionChangeInvoiced') return null;
  const { data } = event;
  if (data.lines.length === 0) return null;
  const documents = chargeDocumentsOf(data.invoiceId, data.lines);
  const currency = data.currency as CurrencyCode;
  const sum = (lines: readonly ChargeLine[]) => Money.sum(lines.map((line) => Money.parseComputed(line.amount, currency)), currency);
  const isPeriod = event.type === 'SubscriptionPeriodBilled';
  return {
    tenant_id: tenantId,
    subscription_id: data.subscriptionId,
    charge_id: data.invoiceId,
    sequence,
    reason: isPeriod ? 'period' : event.data.reason,
    invoice_id: documents.invoiceId,
    credit_note_id: documents.creditNoteId,
    period_start: isPeriod ? event.data.period.start : data.lines.map((line) => line.periodStart).sort()[0],
    period_end: isPeriod ? event.data.period.end : data.lines.map((line) => line.periodEnd).sort().at(-1),
    charged: sum(data.lines.filter((line) => !isCredit(line))).toString(),
    credited: sum(data.lines.filter(isCredit)).negated().toString(),
    total: data.total,
    lines: data.lines,
    billed_on: isPeriod ? event.data.billedOn : event.data.invoicedOn,
    billed_at: isPeriod ? event.data.billedAt : event.data.invoicedAt,
  };
}

/** The instant an event records (its command's `now`). */
function instantOf(event: SubscriptionEvent): string {
  switch (event.type) {
    case 'SubscriptionCreated':
      return event.data.createdAt;
    case 'SubscriptionActivated':
      return event.data.activatedAt;
    case 'SubscriptionTrialEnded':
      return event.data.endedAt;
    case 'SubscriptionPeriodBilled':
      return event.data.billedAt;
    case 'SubscriptionChanged':
      return event.data.changedAt;
    case 'SubscriptionChangeScheduled':
      return event.data.scheduledAt;
    case 'SubscriptionPendingChangesApplied':
      return event.data.appliedAt;
    case 'SubscriptionChangeInvoiced':
      return event.data.invoicedAt;
    case 'SubscriptionSuspended':
      return event.data.suspendedAt;
    case 'SubscriptionResumed':
      return event.data.resumedAt;
    case 'SubscriptionCancellationScheduled':
      return event.data.scheduledAt;
    case 'SubscriptionCancellationWithdrawn':
      return event.data.withdrawnAt;
    case 'SubscriptionTerminated':
      return event.data.terminatedAt;
    case 'ServiceActivated':
    case 'ServiceSuspended':
    case 'ServiceResumed':
    case 'ServiceTerminated':
      return event.data.occurredAt;
    default:
      return assertNever(event, 'subscription event');
  }
}
