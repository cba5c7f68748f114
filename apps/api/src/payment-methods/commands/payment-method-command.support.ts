import { decidePaymentMethod, evolvePaymentMethod, type PaymentMethodCommand } from '../../../../../libs/billing/src/index.js';
import { load, aggregates, executeStreamCommand, streams, type CommandContext } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { PaymentMethodPayloadType } from '../payment-method.types.js';
import { paymentMethodViewFromState } from '../payment-method.view.js';

/**
 * Load, decide, append at the revision read, shared by every payment-method handler. A retry of a command whose
 * events are already on the stream (same command id) returns the state without deciding again.
 */
export function executePaymentMethodCommand(
  services: LedgerServices,
  context: CommandContext,
  paymentMethodId: string,
  command: Omit<PaymentMethodCommand, 'metadata'>,
): Promise<PaymentMethodPayloadType> {
  return executeStreamCommand(services.store, context, {
    streamId: streams.paymentMethod(context.tenantId, paymentMethodId),
    load: () => load(services.store, aggregates.paymentMethod, context.tenantId, paymentMethodId, context.commandId),
    decide: (state) => decidePaymentMethod({ ...command, metadata: { now: context.now } } as PaymentMethodCommand, state),
    evolve: evolvePaymentMethod,
    result: (state, position) => ({ paymentMethod: paymentMethodViewFromState(state), position: encodePosition(position ?? START_POSITION) }),
  });
}
