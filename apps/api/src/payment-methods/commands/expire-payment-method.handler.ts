import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { ExpirePaymentMethodInput, PaymentMethodPayloadType } from '../payment-method.types.js';
import { executePaymentMethodCommand } from './payment-method-command.support.js';

/** Marks the method expired; the decider refuses it while the expiry month has not passed at the command's time. */
export function expirePaymentMethod(services: LedgerServices, context: CommandContext, input: ExpirePaymentMethodInput): Promise<PaymentMethodPayloadType> {
  return executePaymentMethodCommand(services, context, input.paymentMethodId, { type: 'ExpirePaymentMethod', data: { paymentMethodId: input.paymentMethodId } });
}
