import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { PaymentMethodPayloadType, VerifyPaymentMethodInput } from '../payment-method.types.js';
import { executePaymentMethodCommand } from './payment-method-command.support.js';

/** The verification (micro-deposits, a mandate) succeeded: the method becomes active and verified. */
export function verifyPaymentMethod(services: LedgerServices, context: CommandContext, input: VerifyPaymentMethodInput): Promise<PaymentMethodPayloadType> {
  return executePaymentMethodCommand(services, context, input.paymentMethodId, { type: 'VerifyPaymentMethod', data: { paymentMethodId: input.paymentMethodId } });
}
