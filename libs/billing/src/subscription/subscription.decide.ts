import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import { billSubscriptionPeriod } from './subscription.billing.js';
import { cancelSubscription, terminateSubscription, withdrawCancellation } from './subscription.cancellation.js';
import { applyPendingChange, changeSubscription } from './subscription.changes.js';
import type { SubscriptionCommand } from './subscription.commands.js';
import type { SubscriptionEvent } from './subscription.events.js';
import { activateSubscription, createSubscription, endSubscriptionTrial } from './subscription.lifecycle.js';
import type { SubscriptionState } from './subscription.state.js';
import { resumeSubscription, suspendSubscription } from './subscription.suspension.js';

/**
 * Order of checks in every command: the metadata, then whether the subscription exists and is not terminated, then
 * `today` (never before the latest day the subscription acted on), then whether its state accepts the command, then
 * the command's own data, then the rules that relate the data to the state. A refusal decides no event.
 */
export function decideSubscription(command: SubscriptionCommand, state: SubscriptionState): SubscriptionEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'CreateSubscription':
        return createSubscription(command, state);
      case 'ActivateSubscription':
        return activateSubscription(command, state);
      case 'EndSubscriptionTrial':
        return endSubscriptionTrial(command, state);
      case 'BillSubscriptionPeriod':
        return billSubscriptionPeriod(command, state);
      case 'ChangeSubscription':
        return changeSubscription(command, state);
      case 'ApplyPendingChange':
        return applyPendingChange(command, state);
      case 'SuspendSubscription':
        return suspendSubscription(command, state);
      case 'ResumeSubscription':
        return resumeSubscription(command, state);
      case 'CancelSubscription':
        return cancelSubscription(command, state);
      case 'WithdrawCancellation':
        return withdrawCancellation(command, state);
      case 'TerminateSubscription':
        return terminateSubscription(command, state);
      default:
        return assertNever(command, 'subscription command');
    }
  });
}
