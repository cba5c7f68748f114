import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { DeactivatePaymentMethodCommandInput } from './payment-method.inputs.js';
import type { PaymentMethodOutcome } from './payment-method-outcome.js';

/** Takes the method out of use for good; deactivating it again appends nothing. */
export function deactivatePaymentMethod(services: ApplicationServices, context: CommandContext, input: DeactivatePaymentMethodCommandInput): Promise<PaymentMethodOutcome> {
  return executeCommand(services.store, context, aggregates.paymentMethod.on(input.paymentMethodId, {
    command: () => ({
      type: 'DeactivatePaymentMethod',
      data: { paymentMethodId: input.paymentMethodId, reason: input.reason ?? null },
    }),
  }));
}
