import { customerEventSchemas, decideCustomer, evolveCustomer } from '../../../../../libs/billing/src/index.js';
import { executeWithRetry, streams, toEventData, type CommandContext } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadCustomer } from '../customer-stream.js';
import { customerViewFromState } from '../customer.view.js';
import type { CustomerPayloadType, UpsertCustomerInput } from '../customer.types.js';

/** Registers the customer or replaces its details; the same details again append nothing. */
export function upsertCustomer(services: LedgerServices, context: CommandContext, input: UpsertCustomerInput): Promise<CustomerPayloadType> {
  const streamId = streams.customer(context.tenantId, input.customerId);
  return executeWithRetry(services.store, async () => {
    const loaded = await loadCustomer(services, context.tenantId, input.customerId, context.commandId);
    const payload = (state: typeof loaded.state, position: typeof loaded.lastPosition) => ({ customer: customerViewFromState(state), position: encodePosition(position ?? START_POSITION) });
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => payload(loaded.state, loaded.alreadyAppliedAt) };
    const { idempotencyKey: _key, ...data } = input;
    const events = decideCustomer({ type: 'UpsertCustomer', data, metadata: { now: context.now } }, loaded.state);
    const next = events.reduce(evolveCustomer, loaded.state);
    return {
      appends: [{ streamId, expectedRevision: loaded.expectedRevision, events: events.map((event, index) => toEventData(event, context, streamId, index, customerEventSchemas[event.type].schemaVersion)) }],
      result: (position) => payload(next, position ?? loaded.lastPosition),
    };
  });
}
