import { decidePaymentMethod, type AddPaymentMethod } from '../../../billing/src/index.js';
import { aggregates, executeCommand, uuidV5, type CommandContext } from '../../../application/src/index.js';
import { secretReference } from '../../../secrets/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { AddPaymentMethodCommandInput } from './payment-method.inputs.js';
import type { PaymentMethodOutcome } from './payment-method-outcome.js';

/**
 * The id derives from the command id, so a retried request (same idempotency key) names the same method. Everything
 * but the idempotency key goes to the decider, which refuses card data anywhere in it before reading any value.
 *
 * The gateway token goes to the secret store, under a reference that also derives from the command id; the event
 * names the reference. The command is decided once before the token is stored, so a refused command stores nothing
 * (the executor decides it again, the same way, on the same state).
 */
export function addPaymentMethod(services: ApplicationServices, context: CommandContext, input: AddPaymentMethodCommandInput): Promise<PaymentMethodOutcome> {
  const paymentMethodId = uuidV5(`${context.commandId}:payment-method`);
  const gatewayTokenRef = secretReference(context.commandId, 'gateway-token');
  const { idempotencyKey: _key, ...fields } = input;
  return executeCommand(services.store, context, aggregates.paymentMethod.on(paymentMethodId, {
    command: async (state) => {
      const command = { type: 'AddPaymentMethod', data: { ...fields, paymentMethodId, gatewayTokenRef } } satisfies Omit<AddPaymentMethod, 'metadata'>;
      const events = decidePaymentMethod({ ...command, metadata: { now: context.now } }, state);
      if (events.length > 0) await services.secrets.put(context.tenantId, gatewayTokenRef, fields.gatewayToken);
      return command;
    },
  }));
}
