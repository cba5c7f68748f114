import type { CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { PaymentMethodIdInput } from './payment-method.inputs.js';
import type { PaymentMethodOutcome } from './payment-method-command.support.js';
import { executePaymentMethodCommand } from './payment-method-command.support.js';

/** The verification (micro-deposits, a mandate) succeeded: the method becomes active and verified. */
export function verifyPaymentMethod(services: ApplicationServices, context: CommandContext, input: PaymentMethodIdInput): Promise<PaymentMethodOutcome> {
  return executePaymentMethodCommand(services, context, input.paymentMethodId, { type: 'VerifyPaymentMethod', data: { paymentMethodId: input.paymentMethodId } });
}
