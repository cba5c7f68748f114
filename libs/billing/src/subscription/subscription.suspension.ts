import { DomainError } from '../common/domain-error.js';
import { optionalText, requireOneOf } from '../common/validation.js';
import { pendingLinesAfter } from './subscription.changes.js';
import { suspensionPolicies, type ResumeSubscription, type SuspendSubscription } from './subscription.commands.js';
import type { SubscriptionEvent } from './subscription.events.js';
import { prorationLinesOf, requireLiveSubscription, requireNotPending, servicesOf } from './subscription.guards.js';
import { subscriptionLimits } from './subscription.limits.js';
import { allItemIds, closedPauses, type SubscriptionState } from './subscription.state.js';

/**
 * Suspends an active subscription (dunning, or by hand), with the tenant's policy:
 * - 'continue_billing': the service stops, billing goes on as if nothing happened;
 * - 'pause_billing': the days from today until the resume are not billed. A period billed in advance that is under way
 *   gets a credit for its billed days from today to its end (added to the next invoice, like create_prorations);
 *   periods billed while paused bill nothing for the paused days; in arrears, a period's bill leaves the paused days
 *   out. ResumeSubscription charges the rest of a period billed while paused, from the resume day to its end.
 * Only an active subscription is suspended (SUBSCRIPTION_NOT_ACTIVE otherwise).
 */
export function suspendSubscription({ data, metadata }: SuspendSubscription, state: SubscriptionState): SubscriptionEvent[] {
  const { subscription, today } = requireLiveSubscription(state, data);
  requireNotPending(subscription, 'be suspended');
  if (subscription.status === 'suspended') {
    throw new DomainError('SUBSCRIPTION_NOT_ACTIVE', `Subscription ${subscription.subscriptionId} is already suspended (since ${subscription.suspension?.since})`, {
      subscriptionId: subscription.subscriptionId,
      status: subscription.status,
    });
  }
  const policy = requireOneOf(data.policy, 'policy', suspensionPolicies);
  const reason = optionalText(data.reason, 'reason', subscriptionLimits.suspensionReasonLengthMax);
  const pauses = policy === 'pause_billing' ? [...subscription.pauses, { from: today, to: null }] : subscription.pauses;
  const lines = policy === 'pause_billing' ? prorationLinesOf(subscription, today, allItemIds(subscription), subscription.items, pauses) : [];
  return [
    {
      type: 'SubscriptionSuspended',
      data: {
        subscriptionId: subscription.subscriptionId,
        policy,
        reason,
        suspendedOn: today,
        pendingLines: pendingLinesAfter(subscription, lines),
        suspendedAt: metadata.now,
      },
    },
    {
      type: 'ServiceSuspended',
      data: {
        subscriptionId: subscription.subscriptionId,
        customerId: subscription.customerId,
        services: servicesOf(subscription),
        status: 'suspended',
        previousStatus: 'active',
        effectiveDate: today,
        reason,
        occurredAt: metadata.now,
      },
    },
  ];
}

/** Resumes a suspended subscription; under pause_billing, billing resumes today (see suspendSubscription). */
export function resumeSubscription({ data, metadata }: ResumeSubscription, state: SubscriptionState): SubscriptionEvent[] {
  const { subscription, today } = requireLiveSubscription(state, data);
  const { suspension } = subscription;
  if (subscription.status !== 'suspended' || suspension === null) {
    throw new DomainError('SUBSCRIPTION_NOT_SUSPENDED', `Subscription ${subscription.subscriptionId} is not suspended (it is ${subscription.status})`, {
      subscriptionId: subscription.subscriptionId,
      status: subscription.status,
    });
  }
  const pauses = suspension.policy === 'pause_billing' ? closedPauses(subscription.pauses, today) : subscription.pauses;
  const lines = suspension.policy === 'pause_billing' ? prorationLinesOf(subscription, today, allItemIds(subscription), subscription.items, pauses) : [];
  return [
    {
      type: 'SubscriptionResumed',
      data: {
        subscriptionId: subscription.subscriptionId,
        policy: suspension.policy,
        suspendedOn: suspension.since,
        resumedOn: today,
        pendingLines: pendingLinesAfter(subscription, lines),
        resumedAt: metadata.now,
      },
    },
    {
      type: 'ServiceResumed',
      data: {
        subscriptionId: subscription.subscriptionId,
        customerId: subscription.customerId,
        services: servicesOf(subscription),
        status: 'active',
        previousStatus: 'suspended',
        effectiveDate: today,
        reason: null,
        occurredAt: metadata.now,
      },
    },
  ];
}
