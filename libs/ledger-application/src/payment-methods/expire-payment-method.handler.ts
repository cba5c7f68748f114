import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { PaymentMethodIdInput } from './payment-method.inputs.js';
import type { PaymentMethodOutcome } from './payment-method-outcome.js';

/** Marks the method expired; the decider refuses it while the expiry month has not passed at the command's time. */
export function expirePaymentMethod(services: ApplicationServices, context: CommandContext, input: PaymentMethodIdInput): Promise<PaymentMethodOutcome> {
  return executeCommand(services.store, context, aggregates.paymentMethod.on(input.paymentMethodId, { command: () => ({ type: 'ExpirePaymentMethod', data: { paymentMethodId: input.paymentMethodId } }) }));
}
