import type { CustomerState, UpsertCustomer } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext, type StreamOutcome } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/** What upsertCustomer takes: the customer's details (structurally the GraphQL input); an idempotency key is the API's. */
export type UpsertCustomerCommandInput = UpsertCustomer['data'] & { readonly idempotencyKey?: string | null };

/** The customer as the command left it, and the position of its events (or of the stream's last one). */
export type CustomerOutcome = StreamOutcome<CustomerState>;

/** Registers the customer or replaces its details; the same details again append nothing. */
export function upsertCustomer(services: ApplicationServices, context: CommandContext, input: UpsertCustomerCommandInput): Promise<CustomerOutcome> {
  const { idempotencyKey: _key, ...data } = input;
  return executeCommand(services.store, context, aggregates.customer.on(input.customerId, { command: () => ({ type: 'UpsertCustomer', data }) }));
}
