import { requireIdentifier } from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import { commandInvoiceId } from '../../../../projections/subscriptions/subscription-documents.js';
import type { ApplicationServices } from '../common/application-services.js';
import { runSubscriptionCommand, type SubscriptionOutcome } from './subscription-command.js';
import type { CancelSubscriptionCommandInput } from './subscription.inputs.js';
import { todayOf } from './subscription-today.js';

/**
 * Cancels now or at the end of the period (subscription.cancellation.ts). Whether a cancellation now credits the
 * unused days is the caller's choice, by default the tenant's setting (subscriptions.creditUnusedTimeOnCancel); the
 * final lines are posted now as an invoice (used days not billed yet, pending charges) and a credit note (the unused
 * days, pending credits) named after the command, a net credit becoming customer credit.
 */
export function cancelSubscription(services: ApplicationServices, context: CommandContext, input: CancelSubscriptionCommandInput): Promise<SubscriptionOutcome> {
  const subscriptionId = requireIdentifier(input.subscriptionId, 'subscriptionId');
  return runSubscriptionCommand(services, context, subscriptionId, (history, settings) => ({
    type: 'CancelSubscription',
    data: {
      subscriptionId,
      at: input.at,
      creditUnusedTime: input.creditUnusedTime ?? settings.subscriptions.creditUnusedTimeOnCancel,
      invoiceId: input.at === 'now' ? commandInvoiceId(context.commandId) : null,
      today: todayOf(context, history),
    },
  }));
}
