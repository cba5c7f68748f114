import type { CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { DeactivatePaymentMethodCommandInput } from './payment-method.inputs.js';
import type { PaymentMethodOutcome } from './payment-method-command.support.js';
import { executePaymentMethodCommand } from './payment-method-command.support.js';

/** Takes the method out of use for good; deactivating it again appends nothing. */
export function deactivatePaymentMethod(services: ApplicationServices, context: CommandContext, input: DeactivatePaymentMethodCommandInput): Promise<PaymentMethodOutcome> {
  return executePaymentMethodCommand(services, context, input.paymentMethodId, {
    type: 'DeactivatePaymentMethod',
    data: { paymentMethodId: input.paymentMethodId, reason: input.reason ?? null },
  });
}
