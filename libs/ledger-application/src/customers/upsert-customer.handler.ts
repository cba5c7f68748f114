import { decideCustomer, evolveCustomer, type CustomerState, type UpsertCustomer } from '../../../billing/src/index.js';
import { load, aggregates, executeStreamCommand, streams, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/** What upsertCustomer takes: the customer's details (structurally the GraphQL input); an idempotency key is the API's. */
export type UpsertCustomerCommandInput = UpsertCustomer['data'] & { readonly idempotencyKey?: string | null };

/** The customer as the command left it, and the position of its events (or of the stream's last one). */
export interface CustomerOutcome {
  readonly state: CustomerState;
  readonly position: Position | undefined;
}

/** Registers the customer or replaces its details; the same details again append nothing. */
export function upsertCustomer(services: ApplicationServices, context: CommandContext, input: UpsertCustomerCommandInput): Promise<CustomerOutcome> {
  const { idempotencyKey: _key, ...data } = input;
  return executeStreamCommand(services.store, context, {
    streamId: streams.customer(context.tenantId, input.customerId),
    load: () => load(services.store, aggregates.customer, context.tenantId, input.customerId, context.commandId),
    decide: (state) => decideCustomer({ type: 'UpsertCustomer', data, metadata: { now: context.now } }, state),
    evolve: evolveCustomer,
    result: (state, position) => ({ state, position }),
  });
}
