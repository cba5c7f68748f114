import { DomainError } from '../common/domain-error.js';
import { optionalIdentifier, requireIdentifier, requireOneOf, validationFailed } from '../common/validation.js';
import { chargeLinesOf, withoutZeroProrations, type ChargeLineDraft } from './subscription.charges.js';
import { cancellationTimings, type CancelSubscription, type TerminateSubscription, type WithdrawCancellation } from './subscription.commands.js';
import type { SubscriptionEvent } from './subscription.events.js';
import { setupFeesAt } from './subscription.billing.js';
import { changeInvoiced, pendingChangesApplied } from './subscription.changes.js';
import {
  billedRemainder,
  billingStartOf,
  currentPeriodEnd,
  invalidTransition,
  liveView,
  nextUnbilledPeriod,
  requireLiveSubscription,
  servicesOf,
  type LiveSubscription,
} from './subscription.guards.js';
import { evolveSubscription, type SubscriptionState } from './subscription.state.js';
import { clipPieces, piecesOf } from './subscription.timeline.js';

/**
 * Cancels a subscription.
 * - 'period_end': it terminates at the end of the period today is in (during a trial: when the trial ends; a pending
 *   subscription, which has no period yet, is cancelled now). Nothing more is billed from that day; a period billed in
 *   arrears that ends then is still billed. Pending changes are dropped (they would start on that day). The scheduler
 *   sends TerminateSubscription on the day; WithdrawCancellation takes it back before then. A second one is
 *   SUBSCRIPTION_CANCELLATION_SCHEDULED.
 * - 'now': it terminates today, and one invoice (`invoiceId`, SubscriptionChangeInvoiced 'cancellation') settles it:
 *   the used days not billed yet (in arrears, or when billing is behind) as prorated recurring lines, with the setup
 *   fees if nothing was billed before; with creditUnusedTime, a credit for the billed days from today to the end of a
 *   period billed in advance; and the proration lines still pending. No invoice when there is no line. Pending changes
 *   due by today are applied first; an earlier period still unbilled must be billed first (INVALID_STATE_TRANSITION).
 */
export function cancelSubscription({ data, metadata }: CancelSubscription, state: SubscriptionState): SubscriptionEvent[] {
  const { subscription, today } = requireLiveSubscription(state, data);
  const at = requireOneOf(data.at, 'at', cancellationTimings);
  if (typeof data.creditUnusedTime !== 'boolean') {
    throw validationFailed(`creditUnusedTime must be true or false (got ${JSON.stringify(data.creditUnusedTime)})`, { field: 'creditUnusedTime' });
  }
  const invoiceId = at === 'now' ? requireIdentifier(data.invoiceId, 'invoiceId') : optionalIdentifier(data.invoiceId, 'invoiceId');
  if (at === 'period_end' && subscription.status !== 'pending') {
    if (subscription.cancellation !== null) {
      const { cancelAt } = subscription.cancellation;
      throw new DomainError('SUBSCRIPTION_CANCELLATION_SCHEDULED', `Subscription ${subscription.subscriptionId} is already cancelled from ${cancelAt}`, {
        subscriptionId: subscription.subscriptionId,
        cancelAt,
      });
    }
    return [
      {
        type: 'SubscriptionCancellationScheduled',
        data: {
          subscriptionId: subscription.subscriptionId,
          cancelAt: currentPeriodEnd(subscription, today),
          requestedOn: today,
          discardedPendingChanges: subscription.pendingChanges.map((change) => change.itemId),
          scheduledAt: metadata.now,
        },
      },
    ];
  }
  const applied = pendingChangesApplied(subscription, today, metadata.now);
  const settled = applied === null ? subscription : liveView(evolveSubscription(subscription, applied));
  const lines = finalLinesOf(settled, today, data.creditUnusedTime);
  const events: SubscriptionEvent[] = applied === null ? [] : [applied];
  if (lines.length > 0) events.push(changeInvoiced(settled, requireIdentifier(invoiceId, 'invoiceId'), 'cancellation', lines, today, metadata.now));
  return [...events, ...termination(settled, today, 'cancelled_now', data.creditUnusedTime, metadata.now)];
}

/** Withdraws a scheduled cancellation, while it has not taken effect (before its day). */
export function withdrawCancellation({ data, metadata }: WithdrawCancellation, state: SubscriptionState): SubscriptionEvent[] {
  const { subscription, today } = requireLiveSubscription(state, data);
  const { cancellation } = subscription;
  if (cancellation === null) throw invalidTransition(subscription, 'it has no scheduled cancellation to withdraw');
  if (today >= cancellation.cancelAt) {
    const { cancelAt } = cancellation;
    throw invalidTransition(subscription, `its cancellation took effect on ${cancelAt}: it can no longer be withdrawn`, { cancelAt });
  }
  return [
    {
      type: 'SubscriptionCancellationWithdrawn',
      data: { subscriptionId: subscription.subscriptionId, cancelAt: cancellation.cancelAt, withdrawnOn: today, withdrawnAt: metadata.now },
    },
  ];
}

/**
 * Terminates a subscription on the day of its scheduled cancellation (the scheduler). Every period before that day
 * must be billed first (a period in arrears that ends on it is due the same day: the scheduler bills it first);
 * proration lines still pending are invoiced (`invoiceId`, SubscriptionChangeInvoiced 'termination').
 */
export function terminateSubscription({ data, metadata }: TerminateSubscription, state: SubscriptionState): SubscriptionEvent[] {
  const { subscription, today } = requireLiveSubscription(state, data);
  const { cancellation } = subscription;
  if (cancellation === null) throw invalidTransition(subscription, 'it has no scheduled cancellation: cancel it now instead');
  const invoiceId = requireIdentifier(data.invoiceId, 'invoiceId');
  if (today < cancellation.cancelAt) {
    throw new DomainError('PERIOD_NOT_DUE', `Subscription ${subscription.subscriptionId} terminates on ${cancellation.cancelAt}, not before (today is ${today})`, {
      subscriptionId: subscription.subscriptionId,
      cancelAt: cancellation.cancelAt,
      today,
    });
  }
  const next = nextUnbilledPeriod(subscription);
  if (next.start < cancellation.cancelAt) {
    const message = `the period from ${next.start} must be billed before it terminates on ${cancellation.cancelAt}`;
    throw invalidTransition(subscription, message, { periodStart: next.start });
  }
  const lines = subscription.pendingLines.map(({ lineId: _lineId, ...line }) => line);
  const events = lines.length > 0 ? [changeInvoiced(subscription, invoiceId, 'termination', lines, today, metadata.now)] : [];
  return [...events, ...termination(subscription, cancellation.cancelAt, 'cancelled_at_period_end', null, metadata.now)];
}

/** The lines that settle a subscription cancelled today (see cancelSubscription). */
function finalLinesOf(subscription: LiveSubscription, today: string, creditUnusedTime: boolean): ChargeLineDraft[] {
  const lines: ChargeLineDraft[] = [];
  const next = nextUnbilledPeriod(subscription);
  if (today > billingStartOf(subscription) && next.start < today) {
    if (next.end <= today) {
      throw invalidTransition(subscription, `the period from ${next.start} must be billed before it is cancelled`, { periodStart: next.start });
    }
    const used = { start: next.start, end: today };
    lines.push(...subscription.items.flatMap((item) => chargeLinesOf(piecesOf(item, subscription.pauses, used), 'recurring', subscription.schedule)));
    if (!subscription.setupFeesBilled) lines.push(...setupFeesAt(subscription, next));
  }
  const remainder = billedRemainder(subscription, today);
  if (creditUnusedTime && remainder !== null) {
    const unused = clipPieces(subscription.coverage, remainder.start, remainder.end);
    lines.push(...withoutZeroProrations(chargeLinesOf(unused, 'proration_credit', subscription.schedule)));
  }
  lines.push(...subscription.pendingLines.map(({ lineId: _lineId, ...line }) => line));
  return lines;
}

function termination(
  subscription: LiveSubscription,
  terminatedOn: string,
  reason: 'cancelled_now' | 'cancelled_at_period_end',
  creditUnusedTime: boolean | null,
  now: string,
): SubscriptionEvent[] {
  return [
    {
      type: 'SubscriptionTerminated',
      data: { subscriptionId: subscription.subscriptionId, customerId: subscription.customerId, reason, terminatedOn, creditUnusedTime, terminatedAt: now },
    },
    {
      type: 'ServiceTerminated',
      data: {
        subscriptionId: subscription.subscriptionId,
        customerId: subscription.customerId,
        services: servicesOf(subscription),
        status: 'terminated',
        previousStatus: subscription.serviceStatus,
        effectiveDate: terminatedOn,
        reason: null,
        occurredAt: now,
      },
    },
  ];
}
