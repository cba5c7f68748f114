import { periodAfter, periodContaining, type BillingPeriod, type BillingSchedule, type PeriodAlignment } from '../billing-period/index.js';
import type { BillingTiming } from '../catalog/plan-terms.js';
import { requireCalendarDate } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import { requireIdentifier, validationFailed } from '../common/validation.js';
import { chargeLinesOf, withoutZeroProrations, type ChargeLineDraft } from './subscription.charges.js';
import type { SubscriptionCommandData } from './subscription.commands.js';
import type { SubscriptionService } from './subscription.events.js';
import type { SubscriptionState } from './subscription.state.js';
import { clipPieces, currentConfig, piecesOf, samePieces, type Pause, type SubscriptionItemState } from './subscription.timeline.js';

/** A subscription that exists and is not terminated: the fields SubscriptionCreated set are there. */
export interface LiveSubscription extends SubscriptionState {
  status: 'pending' | 'active' | 'suspended';
  subscriptionId: string;
  customerId: string;
  currency: string;
  timing: BillingTiming;
  alignment: PeriodAlignment;
  startDate: string;
  schedule: BillingSchedule;
  firstPeriod: BillingPeriod;
}

/**
 * The checks every command on an existing subscription starts with, in this order: it exists (NOT_FOUND), the command
 * is for this stream (an assertion), it is not terminated (SUBSCRIPTION_TERMINATED), and `today` is a calendar date not
 * before the latest day the subscription acted on (VALIDATION_FAILED).
 */
export function requireLiveSubscription(state: SubscriptionState, data: SubscriptionCommandData): { subscription: LiveSubscription; today: string } {
  const subscriptionId = requireIdentifier(data?.subscriptionId, 'subscriptionId');
  if (state.status === 'none') {
    throw new DomainError('NOT_FOUND', `Subscription ${subscriptionId} does not exist`, { subscriptionId });
  }
  assertDecidedOnOwnStream('subscription', subscriptionId, state.subscriptionId);
  if (state.status === 'terminated') {
    throw new DomainError('SUBSCRIPTION_TERMINATED', `Subscription ${subscriptionId} was terminated on ${state.terminatedOn}: it accepts no more commands`, {
      subscriptionId,
      terminatedOn: state.terminatedOn,
    });
  }
  const subscription = liveView(state);
  const today = requireToday(data.today, state.lastActedOn);
  return { subscription, today };
}

export function requireToday(value: unknown, lastActedOn: string | null): string {
  const today = requireCalendarDate(value, 'today');
  if (lastActedOn !== null && today < lastActedOn) {
    throw validationFailed(`today ${today} is before ${lastActedOn}, the latest day this subscription acted on: its days only move forward`, {
      field: 'today',
      lastActedOn,
    });
  }
  return today;
}

export function liveView(state: SubscriptionState): LiveSubscription {
  const { status, subscriptionId, customerId, currency, timing, alignment, startDate, schedule, firstPeriod } = state;
  if (status === 'none' || status === 'terminated' || subscriptionId === null || customerId === null || currency === null || timing === null) {
    throw new Error(`subscription invariant broken: ${status} is not a live subscription`);
  }
  if (alignment === null || startDate === null || schedule === null || firstPeriod === null) {
    throw new Error('subscription invariant broken: created without a schedule');
  }
  return { ...state, status, subscriptionId, customerId, currency, timing, alignment, startDate, schedule, firstPeriod };
}

export function requireNotPending(subscription: LiveSubscription, what: string): void {
  if (subscription.status === 'pending') {
    const message = `Subscription ${subscription.subscriptionId} starts on ${subscription.startDate}: it cannot ${what} before it is active`;
    throw new DomainError('SUBSCRIPTION_NOT_ACTIVE', message, {
      subscriptionId: subscription.subscriptionId,
      status: subscription.status,
    });
  }
}

export function requireNoCancellationScheduled(subscription: LiveSubscription, what: string): void {
  if (subscription.cancellation !== null) {
    throw new DomainError(
      'SUBSCRIPTION_CANCELLATION_SCHEDULED',
      `Subscription ${subscription.subscriptionId} is cancelled from ${subscription.cancellation.cancelAt}: withdraw the cancellation to ${what}`,
      { subscriptionId: subscription.subscriptionId, cancelAt: subscription.cancellation.cancelAt },
    );
  }
}

export function invalidTransition(subscription: LiveSubscription, message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('INVALID_STATE_TRANSITION', `Subscription ${subscription.subscriptionId}: ${message}`, {
    subscriptionId: subscription.subscriptionId,
    status: subscription.status,
    ...details,
  });
}

/** The first day billed: the start date, or the day after the trial. */
export function billingStartOf(subscription: LiveSubscription): string {
  return subscription.firstPeriod.start;
}

/** The next period to bill: periods are billed strictly in order. */
export function nextUnbilledPeriod(subscription: LiveSubscription): BillingPeriod {
  const last = subscription.lastBilledPeriod;
  return last === null ? subscription.firstPeriod : periodAfter(subscription.schedule, last);
}

/** The day a period is due: its start in advance, its end in arrears. */
export function dueDateOf(subscription: LiveSubscription, period: BillingPeriod): string {
  return subscription.timing === 'in_advance' ? period.start : period.end;
}

/** The end of the period `today` is in; before billing starts (pending, trial), the day billing starts. */
export function currentPeriodEnd(subscription: LiveSubscription, today: string): string {
  const billingStart = billingStartOf(subscription);
  return today < billingStart ? billingStart : periodContaining(subscription.schedule, today).end;
}

/** The days from `today` to the end of the last billed period, when it is billed in advance and contains today; else null. */
export function billedRemainder(subscription: LiveSubscription, today: string): BillingPeriod | null {
  const period = subscription.lastBilledPeriod;
  if (subscription.timing !== 'in_advance' || period === null || today < period.start || today >= period.end) return null;
  return { start: today, end: period.end };
}

/**
 * The proration of a change of the timeline from `today` on, for `itemIds`: for each item whose billed days from today
 * to the end of the last billed in-advance period are not what the new timeline says, a credit for what was billed
 * for those days and a charge for what the new timeline says (each rounded once). Nothing when no billed day lies
 * ahead (in arrears, or billing behind): the period's own bill will follow the timeline.
 */
export function prorationLinesOf(
  subscription: LiveSubscription,
  today: string,
  itemIds: readonly string[],
  items: readonly SubscriptionItemState[],
  pauses: readonly Pause[],
): ChargeLineDraft[] {
  const remainder = billedRemainder(subscription, today);
  if (remainder === null) return [];
  const lines: ChargeLineDraft[] = [];
  for (const item of items) {
    if (!itemIds.includes(item.itemId)) continue;
    const billed = clipPieces(
      subscription.coverage.filter((piece) => piece.itemId === item.itemId),
      remainder.start,
      remainder.end,
    );
    const target = piecesOf(item, pauses, remainder);
    if (samePieces(billed, target)) continue;
    lines.push(...chargeLinesOf(billed, 'proration_credit', subscription.schedule), ...chargeLinesOf(target, 'proration_charge', subscription.schedule));
  }
  return withoutZeroProrations(lines);
}

/** The services of the items as they are now, for the Service* events. */
export function servicesOf(subscription: LiveSubscription): SubscriptionService[] {
  return subscription.items.map((item) => {
    const { terms, quantity } = currentConfig(item);
    return { itemId: item.itemId, productId: terms.productId, planId: terms.planId, planVersion: terms.planVersion, serviceType: terms.serviceType, quantity };
  });
}
