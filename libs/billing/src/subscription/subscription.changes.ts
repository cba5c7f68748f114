import { parseComputedDecimal } from '../../../money/src/index.js';
import { DomainError } from '../common/domain-error.js';
import { optionalIdentifier, requireIdentifier, requireOneOf, validationFailed } from '../common/validation.js';
import { numberedLines, totalOf, type ChargeLineDraft } from './subscription.charges.js';
import { changeEffectiveOptions, prorationBehaviors, type ApplyPendingChange, type ChangeSubscription } from './subscription.commands.js';
import type { ChargeLine, SubscriptionEvent } from './subscription.events.js';
import {
  billingStartOf,
  currentPeriodEnd,
  invalidTransition,
  prorationLinesOf,
  requireLiveSubscription,
  requireNoCancellationScheduled,
  type LiveSubscription,
} from './subscription.guards.js';
import { subscriptionLimits } from './subscription.limits.js';
import type { SubscriptionState } from './subscription.state.js';
import { currentConfig, sameConfig, withSegment, type ItemConfig } from './subscription.timeline.js';
import { periodAmountOf, requireCompatibleTerms, requirePlanTerms, requireQuantity } from './subscription.validation.js';

/**
 * Moves one item to other terms and/or another quantity.
 *
 * When: 'now', 'period_end', or 'default' (an upgrade, a strictly higher amount per period, now; anything else at the
 * end of the period today is in, as a pending change that ApplyPendingChange applies then). Before billing starts
 * (pending, or in trial) every change takes effect at once: there is no billed period to wait for.
 *
 * Money, for a change now: in a period billed in advance, the billed days from today (inclusive) to the period end are
 * credited at what they were billed (old amount x remaining days / period days, rounded once, negative) and charged at
 * the new terms (new amount x remaining days / period days, rounded once). 'create_prorations' adds the two lines to
 * the next billed period, 'always_invoice' asks for an invoice now (SubscriptionChangeInvoiced), 'none' leaves the
 * billed days as billed (no lines; the new terms bill from the next period). A period billed in arrears, or one not
 * billed yet, has no billed day to correct whatever the behaviour: its own bill splits at the change date into a
 * prorated line at each price.
 *
 * A change back to the current terms while a change is pending withdraws the pending change; otherwise a change that
 * changes nothing is refused. The new terms' trial days never start a trial, and their setup fee is billed only if
 * they are in force when billing starts (the setup fee is billed once, with the first invoice).
 */
export function changeSubscription({ data, metadata }: ChangeSubscription, state: SubscriptionState): SubscriptionEvent[] {
  const { subscription, today } = requireLiveSubscription(state, data);
  requireNoCancellationScheduled(subscription, 'change it');
  const itemId = requireIdentifier(data.itemId, 'itemId');
  const item = subscription.items.find((candidate) => candidate.itemId === itemId);
  if (item === undefined) {
    const { subscriptionId } = subscription;
    throw new DomainError('NOT_FOUND', `Subscription ${subscriptionId} has no item ${JSON.stringify(itemId)}`, { subscriptionId, itemId });
  }
  const effective = requireOneOf(data.effective, 'effective', changeEffectiveOptions);
  const prorationBehavior = requireOneOf(data.prorationBehavior, 'prorationBehavior', prorationBehaviors);
  const invoiceId = prorationBehavior === 'always_invoice' ? requireIdentifier(data.invoiceId, 'invoiceId') : optionalIdentifier(data.invoiceId, 'invoiceId');
  const previous = currentConfig(item);
  const newTerms = data.newTerms === undefined || data.newTerms === null ? null : requirePlanTerms(data.newTerms, 'newTerms');
  const billing = { currency: subscription.currency, cycle: subscription.schedule.cycle, timing: subscription.timing };
  if (newTerms !== null) requireCompatibleTerms(newTerms, billing, 'newTerms');
  const quantity = data.quantity === undefined || data.quantity === null ? null : requireQuantity(data.quantity, 'quantity');
  if (newTerms === null && quantity === null) throw validationFailed('A change needs newTerms, quantity or both', { field: 'newTerms' });
  const next: ItemConfig = { terms: newTerms ?? previous.terms, quantity: quantity ?? previous.quantity };
  const direction = directionOf(previous, next);
  const replacedPendingChange = subscription.pendingChanges.some((change) => change.itemId === itemId);
  if (sameConfig(previous, next) && !replacedPendingChange) {
    throw validationFailed(`The change leaves item ${itemId} as it is (the same terms and quantity)`, { field: 'newTerms', itemId });
  }
  const common = { subscriptionId: subscription.subscriptionId, itemId, previous, terms: next.terms, quantity: next.quantity, direction, replacedPendingChange };
  const waits = (effective === 'period_end' || (effective === 'default' && direction !== 'upgrade')) && !sameConfig(previous, next);
  if (waits && today >= billingStartOf(subscription)) {
    const effectiveDate = currentPeriodEnd(subscription, today);
    return [{ type: 'SubscriptionChangeScheduled', data: { ...common, effectiveDate, scheduledOn: today, scheduledAt: metadata.now } }];
  }
  const effectiveDate = today > subscription.startDate ? today : subscription.startDate;
  const items = withSegment(subscription.items, itemId, effectiveDate, next);
  const lines = prorationBehavior === 'none' ? [] : prorationLinesOf(subscription, today, [itemId], items, subscription.pauses);
  const pendingLines = prorationBehavior === 'create_prorations' ? pendingLinesAfter(subscription, lines) : [];
  const events: SubscriptionEvent[] = [
    { type: 'SubscriptionChanged', data: { ...common, effectiveDate, prorationBehavior, pendingLines, changedOn: today, changedAt: metadata.now } },
  ];
  if (prorationBehavior === 'always_invoice' && lines.length > 0 && invoiceId !== null) {
    events.push(changeInvoiced(subscription, invoiceId, 'change', lines, today, metadata.now));
  }
  return events;
}

/**
 * Applies every pending change due by today, each from its own effective date (the period end it waited for). The
 * scheduler sends it at that period end, before it bills the period that starts there, so that period bills the new
 * terms; a bill of that period is refused while the change is pending.
 */
export function applyPendingChange({ data, metadata }: ApplyPendingChange, state: SubscriptionState): SubscriptionEvent[] {
  const { subscription, today } = requireLiveSubscription(state, data);
  if (subscription.pendingChanges.length === 0) throw invalidTransition(subscription, 'it has no pending change');
  const event = pendingChangesApplied(subscription, today, metadata.now);
  if (event === null) {
    const nextDate = subscription.pendingChanges.map((change) => change.effectiveDate).sort()[0];
    const message = `Subscription ${subscription.subscriptionId}: the next pending change takes effect on ${nextDate}, not before (today is ${today})`;
    throw new DomainError('PERIOD_NOT_DUE', message, {
      subscriptionId: subscription.subscriptionId,
      effectiveDate: nextDate,
      today,
    });
  }
  return [event];
}

/** The event applying the pending changes due by `today`, or null when none is due. */
export function pendingChangesApplied(subscription: LiveSubscription, today: string, now: string): SubscriptionEvent | null {
  const due = subscription.pendingChanges.filter((change) => change.effectiveDate <= today);
  if (due.length === 0) return null;
  const changes = due.map((change) => {
    const item = subscription.items.find((candidate) => candidate.itemId === change.itemId);
    if (item === undefined) throw new Error(`subscription invariant broken: pending change for unknown item ${change.itemId}`);
    return { itemId: change.itemId, previous: currentConfig(item), terms: change.terms, quantity: change.quantity, effectiveDate: change.effectiveDate };
  });
  return { type: 'SubscriptionPendingChangesApplied', data: { subscriptionId: subscription.subscriptionId, changes, appliedOn: today, appliedAt: now } };
}

/** Lines for the pending list, numbered after those already waiting; refused beyond the limit. */
export function pendingLinesAfter(subscription: LiveSubscription, lines: readonly ChargeLineDraft[]): ChargeLine[] {
  const count = subscription.pendingLines.length + lines.length;
  if (count > subscriptionLimits.pendingLinesMax) {
    const limit = subscriptionLimits.pendingLinesMax;
    throw validationFailed(`At most ${limit} proration lines may wait for the next invoice (this would make ${count}): use always_invoice`, {
      field: 'prorationBehavior',
      count,
    });
  }
  return numberedLines(lines, 'P', subscription.pendingLines.length + 1);
}

export function changeInvoiced(
  subscription: LiveSubscription,
  invoiceId: string,
  reason: 'change' | 'cancellation' | 'termination',
  drafts: readonly ChargeLineDraft[],
  today: string,
  now: string,
): SubscriptionEvent {
  const lines = numberedLines(drafts, 'L');
  return {
    type: 'SubscriptionChangeInvoiced',
    data: {
      subscriptionId: subscription.subscriptionId,
      customerId: subscription.customerId,
      invoiceId,
      currency: subscription.currency,
      reason,
      lines,
      total: totalOf(lines, subscription.currency),
      invoicedOn: today,
      invoicedAt: now,
    },
  };
}

/** Upgrade: a strictly higher amount per period (unit price x quantity); downgrade: strictly lower. */
function directionOf(previous: ItemConfig, next: ItemConfig): 'upgrade' | 'downgrade' | 'unchanged' {
  const before = parseComputedDecimal(periodAmountOf(previous, 'quantity'));
  const after = parseComputedDecimal(periodAmountOf(next, 'quantity'));
  return after.gt(before) ? 'upgrade' : after.lt(before) ? 'downgrade' : 'unchanged';
}

