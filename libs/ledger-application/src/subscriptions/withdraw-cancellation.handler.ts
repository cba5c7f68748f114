import { requireIdentifier } from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { runSubscriptionCommand, type SubscriptionOutcome } from './subscription-command.js';
import type { SubscriptionIdCommandInput } from './subscription.inputs.js';
import { todayOf } from './subscription-today.js';

/** Withdraws a scheduled cancellation before the day it takes effect. */
export function withdrawCancellation(services: ApplicationServices, context: CommandContext, input: SubscriptionIdCommandInput): Promise<SubscriptionOutcome> {
  const subscriptionId = requireIdentifier(input.subscriptionId, 'subscriptionId');
  return runSubscriptionCommand(services, context, subscriptionId, (history) => ({ type: 'WithdrawCancellation', data: { subscriptionId, today: todayOf(context, history) } }));
}
