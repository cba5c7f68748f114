import { decidePaymentMethod, evolvePaymentMethod, paymentMethodEventSchemas, type PaymentMethodCommand } from '../../../../../libs/billing/src/index.js';
import { executeWithRetry, streams, toEventData, type CommandContext } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadPaymentMethod } from '../payment-method-stream.js';
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
  const streamId = streams.paymentMethod(context.tenantId, paymentMethodId);
  return executeWithRetry(services.store, async () => {
    const loaded = await loadPaymentMethod(services, context.tenantId, paymentMethodId, context.commandId);
    const payload = (state: typeof loaded.state, position: typeof loaded.lastPosition) => ({
      paymentMethod: paymentMethodViewFromState(state),
      position: encodePosition(position ?? START_POSITION),
    });
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => payload(loaded.state, loaded.alreadyAppliedAt) };
    const events = decidePaymentMethod({ ...command, metadata: { now: context.now } } as PaymentMethodCommand, loaded.state);
    const next = events.reduce(evolvePaymentMethod, loaded.state);
    return {
      appends: [
        {
          streamId,
          expectedRevision: loaded.expectedRevision,
          events: events.map((event, index) => toEventData(event, context, streamId, index, paymentMethodEventSchemas[event.type].schemaVersion)),
        },
      ],
      result: (position) => payload(next, position ?? loaded.lastPosition),
    };
  });
}
