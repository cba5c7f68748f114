import { aggregates, load } from '../../libs/application/src/index.js';
import type { EventStore } from '../../libs/event-store/src/index.js';

/**
 * Short names the tests read streams with, over the one generic loader and the stream registry
 * (libs/application/src/aggregates.ts).
 */
export function loadInvoiceStream(store: EventStore, tenantId: string, invoiceId: string, commandId?: string) {
  return load(store, aggregates.invoice, tenantId, invoiceId, commandId);
}

export function loadCustomerAccount(store: EventStore, tenantId: string, customerId: string, commandId?: string) {
  return load(store, aggregates.customerAccount, tenantId, customerId, commandId);
}

export const parsePaymentEvent = aggregates.payment.parse;

