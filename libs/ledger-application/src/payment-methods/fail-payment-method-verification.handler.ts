import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { FailPaymentMethodVerificationCommandInput } from './payment-method.inputs.js';
import type { PaymentMethodOutcome } from './payment-method-outcome.js';

/** The verification failed (wrong micro-deposit amounts, a refused mandate): the method cannot be charged. */
export function failPaymentMethodVerification(
  services: ApplicationServices,
  context: CommandContext,
  input: FailPaymentMethodVerificationCommandInput,
): Promise<PaymentMethodOutcome> {
  return executeCommand(services.store, context, aggregates.paymentMethod.on(input.paymentMethodId, {
    command: () => ({
      type: 'FailPaymentMethodVerification',
      data: { paymentMethodId: input.paymentMethodId, reason: input.reason },
    }),
  }));
}
