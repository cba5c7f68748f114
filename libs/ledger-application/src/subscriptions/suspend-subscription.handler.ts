import { requireIdentifier } from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { runSubscriptionCommand, type SubscriptionOutcome } from './subscription-command.js';
import type { SuspendSubscriptionCommandInput } from './subscription.inputs.js';
import { todayOf } from './subscription-today.js';

/**
 * Suspends the service from today. Whether billing continues or pauses is the tenant's setting
 * (subscriptions.suspensionPolicy, 'continue_billing' by default: dunning suspends for non-payment and the debt keeps
 * running), unless the caller names a policy; the suspension keeps the policy it started with until it is resumed.
 */
export function suspendSubscription(services: ApplicationServices, context: CommandContext, input: SuspendSubscriptionCommandInput): Promise<SubscriptionOutcome> {
  const subscriptionId = requireIdentifier(input.subscriptionId, 'subscriptionId');
  return runSubscriptionCommand(services, context, subscriptionId, (history, settings) => ({
    type: 'SuspendSubscription',
    data: { subscriptionId, policy: input.policy ?? settings.subscriptions.suspensionPolicy, reason: input.reason ?? null, today: todayOf(context, history) },
  }));
}
