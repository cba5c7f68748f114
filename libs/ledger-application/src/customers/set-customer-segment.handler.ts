import type { SetCustomerSegment } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { CustomerOutcome } from './upsert-customer.handler.js';

/**
 * What setCustomerSegment takes: the customer and its segment (null or absent clears it, as GraphQL may leave a
 * nullable field out); an idempotency key is the API's.
 */
export type SetCustomerSegmentCommandInput = Omit<SetCustomerSegment['data'], 'segment'> & { readonly segment?: string | null; readonly idempotencyKey?: string | null };

/**
 * Puts a registered customer in a pricing segment or takes it out (NOT_FOUND for a customer never registered); the
 * segment it already has appends nothing. Quotes and subscriptions priced afterwards use it.
 */
export function setCustomerSegment(services: ApplicationServices, context: CommandContext, input: SetCustomerSegmentCommandInput): Promise<CustomerOutcome> {
  const data: SetCustomerSegment['data'] = { customerId: input.customerId, segment: input.segment ?? null };
  return executeCommand(services.store, context, aggregates.customer.on(input.customerId, { command: () => ({ type: 'SetCustomerSegment', data }) }));
}
