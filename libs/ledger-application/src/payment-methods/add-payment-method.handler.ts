import { aggregates, executeCommand, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { AddPaymentMethodCommandInput } from './payment-method.inputs.js';
import type { PaymentMethodOutcome } from './payment-method-outcome.js';

/**
 * The id derives from the command id, so a retried request (same idempotency key) names the same method. Everything
 * but the idempotency key goes to the decider, which refuses card data anywhere in it before reading any value.
 */
export function addPaymentMethod(services: ApplicationServices, context: CommandContext, input: AddPaymentMethodCommandInput): Promise<PaymentMethodOutcome> {
  const paymentMethodId = uuidV5(`${context.commandId}:payment-method`);
  const { idempotencyKey: _key, ...fields } = input;
  return executeCommand(services.store, context, aggregates.paymentMethod.on(paymentMethodId, { command: () => ({ type: 'AddPaymentMethod', data: { ...fields, paymentMethodId } }) }));
}
