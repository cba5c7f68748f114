import { decideCustomer, evolveCustomer } from '../../../../../libs/billing/src/index.js';
import { load, aggregates, executeStreamCommand, streams, type CommandContext } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { customerViewFromState } from '../customer.view.js';
import type { CustomerPayloadType, UpsertCustomerInput } from '../customer.types.js';

/** Registers the customer or replaces its details; the same details again append nothing. */
export function upsertCustomer(services: LedgerServices, context: CommandContext, input: UpsertCustomerInput): Promise<CustomerPayloadType> {
  const { idempotencyKey: _key, ...data } = input;
  return executeStreamCommand(services.store, context, {
    streamId: streams.customer(context.tenantId, input.customerId),
    load: () => load(services.store, aggregates.customer, context.tenantId, input.customerId, context.commandId),
    decide: (state) => decideCustomer({ type: 'UpsertCustomer', data, metadata: { now: context.now } }, state),
    evolve: evolveCustomer,
    result: (state, position) => ({ customer: customerViewFromState(state), position: encodePosition(position ?? START_POSITION) }),
  });
}
