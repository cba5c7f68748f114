import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { PaymentMethodIdInput } from './payment-method.inputs.js';
import type { PaymentMethodOutcome } from './payment-method-outcome.js';

/** The verification (micro-deposits, a mandate) succeeded: the method becomes active and verified. */
export function verifyPaymentMethod(services: ApplicationServices, context: CommandContext, input: PaymentMethodIdInput): Promise<PaymentMethodOutcome> {
  return executeCommand(services.store, context, aggregates.paymentMethod.on(input.paymentMethodId, { command: () => ({ type: 'VerifyPaymentMethod', data: { paymentMethodId: input.paymentMethodId } }) }));
}
