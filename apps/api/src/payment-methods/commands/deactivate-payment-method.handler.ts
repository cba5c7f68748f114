import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { DeactivatePaymentMethodInput, PaymentMethodPayloadType } from '../payment-method.types.js';
import { executePaymentMethodCommand } from './payment-method-command.support.js';

/** Takes the method out of use for good; deactivating it again appends nothing. */
export function deactivatePaymentMethod(services: LedgerServices, context: CommandContext, input: DeactivatePaymentMethodInput): Promise<PaymentMethodPayloadType> {
  return executePaymentMethodCommand(services, context, input.paymentMethodId, {
    type: 'DeactivatePaymentMethod',
    data: { paymentMethodId: input.paymentMethodId, reason: input.reason ?? null },
  });
}
