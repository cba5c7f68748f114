import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { FailPaymentMethodVerificationInput, PaymentMethodPayloadType } from '../payment-method.types.js';
import { executePaymentMethodCommand } from './payment-method-command.support.js';

/** The verification failed (wrong micro-deposit amounts, a refused mandate): the method cannot be charged. */
export function failPaymentMethodVerification(
  services: LedgerServices,
  context: CommandContext,
  input: FailPaymentMethodVerificationInput,
): Promise<PaymentMethodPayloadType> {
  return executePaymentMethodCommand(services, context, input.paymentMethodId, {
    type: 'FailPaymentMethodVerification',
    data: { paymentMethodId: input.paymentMethodId, reason: input.reason },
  });
}
