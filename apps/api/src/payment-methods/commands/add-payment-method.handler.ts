import { uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { AddPaymentMethodInput, PaymentMethodPayloadType } from '../payment-method.types.js';
import { executePaymentMethodCommand } from './payment-method-command.support.js';

/**
 * The id derives from the command id, so a retried request (same idempotency key) names the same method. Everything
 * but the idempotency key goes to the decider, which refuses card data anywhere in it before reading any value.
 */
export function addPaymentMethod(services: LedgerServices, context: CommandContext, input: AddPaymentMethodInput): Promise<PaymentMethodPayloadType> {
  const paymentMethodId = uuidV5(`${context.commandId}:payment-method`);
  const { idempotencyKey: _key, ...fields } = input;
  return executePaymentMethodCommand(services, context, paymentMethodId, { type: 'AddPaymentMethod', data: { ...fields, paymentMethodId } });
}
