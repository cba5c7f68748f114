import { requireIdentifier } from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { runSubscriptionCommand, type SubscriptionOutcome } from './subscription-command.js';
import type { SubscriptionIdCommandInput } from './subscription.inputs.js';
import { todayOf } from './subscription-today.js';

/**
 * Activates a pending subscription today: before its start date the service was delivered early, and its trial and
 * schedule start over from today (the scheduler activates it on its start date otherwise).
 */
export function activateSubscription(services: ApplicationServices, context: CommandContext, input: SubscriptionIdCommandInput): Promise<SubscriptionOutcome> {
  const subscriptionId = requireIdentifier(input.subscriptionId, 'subscriptionId');
  return runSubscriptionCommand(services, context, subscriptionId, (history) => ({ type: 'ActivateSubscription', data: { subscriptionId, today: todayOf(context, history) } }));
}
