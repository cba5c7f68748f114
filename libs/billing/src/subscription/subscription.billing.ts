import { isPeriodBoundary, type BillingPeriod } from '../billing-period/index.js';
import { requireCalendarDate } from '../common/calendar-date.js';
import { DomainError } from '../common/domain-error.js';
import { requireIdentifier, validationFailed } from '../common/validation.js';
import { chargeLinesOf, numberedLines, setupFeeLinesOf, totalOf, type ChargeLineDraft } from './subscription.charges.js';
import type { BillSubscriptionPeriod } from './subscription.commands.js';
import type { SubscriptionEvent } from './subscription.events.js';
import { dueDateOf, invalidTransition, nextUnbilledPeriod, requireLiveSubscription, requireNotPending, type LiveSubscription } from './subscription.guards.js';
import type { SubscriptionState } from './subscription.state.js';
import { configAt, piecesOf } from './subscription.timeline.js';

/**
 * Bills exactly one period, the next unbilled one. Checks, in order: the subscription is active or suspended, its trial
 * is over, the period is not billed yet (PERIOD_ALREADY_BILLED), it is the next one (an earlier one unbilled is
 * PERIOD_NOT_DUE; a date that starts no period VALIDATION_FAILED), it starts before a scheduled cancellation, it is due
 * (in advance from its start, in arrears from its end: PERIOD_NOT_DUE), and no pending change is due within it (the
 * scheduler applies pending changes first, so the new period bills the new price).
 */
export function billSubscriptionPeriod({ data, metadata }: BillSubscriptionPeriod, state: SubscriptionState): SubscriptionEvent[] {
  const { subscription, today } = requireLiveSubscription(state, data);
  requireNotPending(subscription, 'be billed');
  const invoiceId = requireIdentifier(data.invoiceId, 'invoiceId');
  const periodStart = requireCalendarDate(data.periodStart, 'periodStart');
  if (subscription.trial !== null && !subscription.trial.ended) {
    const trialEnd = subscription.trial.end;
    throw invalidTransition(subscription, `its trial ends on ${trialEnd}: end the trial before billing the first period`, { trialEnd });
  }
  const period = requireNextPeriod(subscription, periodStart);
  const { cancellation } = subscription;
  if (cancellation !== null && period.start >= cancellation.cancelAt) {
    throw new DomainError(
      'SUBSCRIPTION_CANCELLATION_SCHEDULED',
      `Subscription ${subscription.subscriptionId} ends on ${cancellation.cancelAt}: the period from ${period.start} is not billed`,
      { subscriptionId: subscription.subscriptionId, cancelAt: cancellation.cancelAt, periodStart: period.start },
    );
  }
  const dueDate = dueDateOf(subscription, period);
  if (today < dueDate) {
    const timing = subscription.timing.replace('_', ' ');
    throw new DomainError('PERIOD_NOT_DUE', `The period ${period.start} to ${period.end} is billed ${timing}: not before ${dueDate} (today is ${today})`, {
      subscriptionId: subscription.subscriptionId,
      periodStart: period.start,
      dueDate,
      today,
    });
  }
  const dueChange = subscription.pendingChanges.find((change) => change.effectiveDate < period.end);
  if (dueChange !== undefined) {
    const { itemId, effectiveDate } = dueChange;
    throw invalidTransition(subscription, `the change of item ${itemId} due on ${effectiveDate} must be applied before the period from ${period.start} is billed`, {
      itemId,
      effectiveDate,
    });
  }
  const lines = numberedLines(periodLinesOf(subscription, period), 'L');
  return [
    {
      type: 'SubscriptionPeriodBilled',
      data: {
        subscriptionId: subscription.subscriptionId,
        customerId: subscription.customerId,
        invoiceId,
        currency: subscription.currency,
        timing: subscription.timing,
        period,
        lines,
        total: totalOf(lines, subscription.currency),
        billedOn: today,
        billedAt: metadata.now,
      },
    },
  ];
}

/**
 * The lines of a period's bill: each item's pieces of the period (whole, or prorated where a change or a pause cuts
 * it, or when it is a partial first period), then the setup fees on the first bill, then the pending proration lines.
 */
export function periodLinesOf(subscription: LiveSubscription, period: BillingPeriod): ChargeLineDraft[] {
  const recurring = subscription.items.flatMap((item) => chargeLinesOf(piecesOf(item, subscription.pauses, period), 'recurring', subscription.schedule));
  const setupFees = subscription.setupFeesBilled ? [] : setupFeesAt(subscription, period);
  const pending = subscription.pendingLines.map(({ lineId: _lineId, ...line }) => line);
  return [...recurring, ...setupFees, ...pending];
}

/** The setup fee of each item, at the terms in force when billing starts. */
export function setupFeesAt(subscription: LiveSubscription, period: BillingPeriod): ChargeLineDraft[] {
  const items = subscription.items.flatMap((item) => {
    const config = configAt(item, period.start);
    return config === null ? [] : [{ itemId: item.itemId, config }];
  });
  return setupFeeLinesOf(items, period);
}

function requireNextPeriod(subscription: LiveSubscription, periodStart: string): BillingPeriod {
  const next = nextUnbilledPeriod(subscription);
  if (periodStart === next.start) return next;
  const details = { subscriptionId: subscription.subscriptionId, periodStart, nextPeriodStart: next.start };
  const first = subscription.firstPeriod.start;
  const startsPeriod = periodStart === first || (periodStart > first && isPeriodBoundary(subscription.schedule, periodStart));
  if (startsPeriod && periodStart < next.start) {
    throw new DomainError('PERIOD_ALREADY_BILLED', `The period from ${periodStart} is already billed: periods up to ${next.start} are`, details);
  }
  if (startsPeriod && periodStart > next.start) {
    const message = `The period from ${periodStart} cannot be billed before the period from ${next.start}: periods are billed in order`;
    throw new DomainError('PERIOD_NOT_DUE', message, details);
  }
  throw validationFailed(`periodStart ${periodStart} does not start a billing period of this subscription (the next one starts on ${next.start})`, {
    field: 'periodStart',
    ...details,
  });
}
