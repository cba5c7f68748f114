import { decidePaymentMethod, evolvePaymentMethod, type PaymentMethodCommand, type PaymentMethodState } from '../../../billing/src/index.js';
import { load, aggregates, executeStreamCommand, streams, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/** A payment method as a command left it, and the position of its events (or of the stream's last one). */
export interface PaymentMethodOutcome {
  readonly state: PaymentMethodState;
  readonly position: Position | undefined;
}

/**
 * Load, decide, append at the revision read, shared by every payment-method handler. A retry of a command whose
 * events are already on the stream (same command id) returns the state without deciding again.
 */
export function executePaymentMethodCommand(
  services: ApplicationServices,
  context: CommandContext,
  paymentMethodId: string,
  command: Omit<PaymentMethodCommand, 'metadata'>,
): Promise<PaymentMethodOutcome> {
  return executeStreamCommand(services.store, context, {
    streamId: streams.paymentMethod(context.tenantId, paymentMethodId),
    load: () => load(services.store, aggregates.paymentMethod, context.tenantId, paymentMethodId, context.commandId),
    decide: (state) => decidePaymentMethod({ ...command, metadata: { now: context.now } } as PaymentMethodCommand, state),
    evolve: evolvePaymentMethod,
    result: (state, position) => ({ state, position }),
  });
}
