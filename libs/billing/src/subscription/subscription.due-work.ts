import type { BillingPeriod } from '../billing-period/index.js';
import type { SubscriptionCommand } from './subscription.commands.js';
import { dueDateOf, liveView, nextUnbilledPeriod } from './subscription.guards.js';
import type { SubscriptionState } from './subscription.state.js';

/**
 * What a subscription needs next and when, for the scheduler and the read models. The scheduler runs the items due
 * by the tenant's today in this order, one command each, re-reading the subscription after each: items are sorted by
 * due date, then by this kind order, so on one day a subscription is activated, its trial ended and its pending
 * changes applied before the period that starts that day is billed, and a period billed in arrears that ends on the
 * day of a scheduled cancellation is billed before the termination.
 */
export const dueWorkKinds = ['activate', 'end_trial', 'apply_pending_change', 'bill_period', 'terminate'] as const;
export type DueWorkKind = (typeof dueWorkKinds)[number];

/**
 * One piece of due work. `key` is stable (`${kind}:${date}`: the period start for bill_period, the day otherwise), so
 * a command id derived from (subscriptionId, key) makes a retried or duplicated run of the scheduler act once.
 */
export interface DueWorkItem {
  subscriptionId: string;
  kind: DueWorkKind;
  /** The tenant's calendar date from which the work may run. */
  dueDate: string;
  key: string;
  /** The period to bill (bill_period only). */
  periodStart: string | null;
}

/** The work due next for each kind, ordered by due date then kind (empty for a terminated subscription). */
export function dueWork(state: SubscriptionState): DueWorkItem[] {
  if (state.status === 'none' || state.status === 'terminated') return [];
  const subscription = liveView(state);
  const { subscriptionId, cancellation, trial } = subscription;
  const items: DueWorkItem[] = [];
  const add = (kind: DueWorkKind, dueDate: string, date: string, periodStart: string | null = null): void => {
    items.push({ subscriptionId, kind, dueDate, key: `${kind}:${date}`, periodStart });
  };
  if (subscription.status === 'pending') add('activate', subscription.startDate, subscription.startDate);
  if (trial !== null && !trial.ended && (cancellation === null || cancellation.cancelAt > trial.end)) add('end_trial', trial.end, trial.end);
  const nextChange = subscription.pendingChanges.map((change) => change.effectiveDate).sort()[0];
  if (nextChange !== undefined) add('apply_pending_change', nextChange, nextChange);
  const next = nextUnbilledPeriod(subscription);
  if (cancellation === null || next.start < cancellation.cancelAt) add('bill_period', dueDateOf(subscription, next), next.start, next.start);
  if (cancellation !== null) add('terminate', cancellation.cancelAt, cancellation.cancelAt);
  return items.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : dueWorkKinds.indexOf(a.kind) - dueWorkKinds.indexOf(b.kind)));
}

/** The command that does `work`, decided on `today` (on or after its due date) at instant `now`. */
export function commandForDueWork(work: DueWorkItem, input: { today: string; now: string; invoiceId: string }): SubscriptionCommand {
  const metadata = { now: input.now };
  const base = { subscriptionId: work.subscriptionId, today: input.today };
  switch (work.kind) {
    case 'activate':
      return { type: 'ActivateSubscription', data: base, metadata };
    case 'end_trial':
      return { type: 'EndSubscriptionTrial', data: base, metadata };
    case 'apply_pending_change':
      return { type: 'ApplyPendingChange', data: base, metadata };
    case 'bill_period':
      return { type: 'BillSubscriptionPeriod', data: { ...base, periodStart: work.periodStart ?? work.dueDate, invoiceId: input.invoiceId }, metadata };
    case 'terminate':
      return { type: 'TerminateSubscription', data: { ...base, invoiceId: input.invoiceId }, metadata };
  }
}

/** The due date of the next period's bill, or null when no period is left to bill. */
export function nextBillDate(state: SubscriptionState): string | null {
  return dueWork(state).find((work) => work.kind === 'bill_period')?.dueDate ?? null;
}

/**
 * The period the subscription's billing is in, as far as its events know (no clock): in advance, the last billed
 * period (paid for ahead); in arrears, the period running up to its bill (the next unbilled one). Before the first
 * bill, the first period; null for a terminated subscription.
 */
export function currentPeriod(state: SubscriptionState): BillingPeriod | null {
  if (state.status === 'none' || state.status === 'terminated') return null;
  const subscription = liveView(state);
  if (subscription.timing === 'in_advance') return subscription.lastBilledPeriod ?? subscription.firstPeriod;
  const next = nextUnbilledPeriod(subscription);
  const { cancellation } = subscription;
  return cancellation !== null && next.start >= cancellation.cancelAt ? subscription.lastBilledPeriod : next;
}
