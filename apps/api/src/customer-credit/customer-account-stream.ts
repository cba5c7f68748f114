import { customerAccountDecider, customerAccountEventSchemas, type CustomerAccountEvent } from '../../../../libs/billing/src/index.js';
import { loadStream, recordedEventParser, streams } from '../../../../libs/application/src/index.js';
import type { EventStore } from '../../../../libs/event-store/src/index.js';

/** Parses one stored customer account event through its zod contract; anything else on the stream is a broken invariant. */
export const parseCustomerAccountEvent = recordedEventParser<CustomerAccountEvent>(customerAccountEventSchemas, 'customer account');

export function loadCustomerAccount(store: EventStore, tenantId: string, customerId: string, commandId?: string) {
  return loadStream(store, streams.customerAccount(tenantId, customerId), customerAccountDecider, parseCustomerAccountEvent, commandId);
}
