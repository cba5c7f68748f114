import {
  customerDecider,
  customerEventSchemas,
  invoiceCustomerContextOf,
  type CustomerEvent,
  type InvoiceCustomerContext,
} from '../../../../libs/billing/src/index.js';
import { loadStream, streams, recordedEventParser } from '../../../../libs/application/src/index.js';
import type { LedgerServices } from '../ledger-services.js';

/** Parses one stored customer event through its zod contract; anything else on the stream is a broken invariant. */
export const parseCustomerEvent = recordedEventParser<CustomerEvent>(customerEventSchemas, 'customer');

export function loadCustomer(services: LedgerServices, tenantId: string, customerId: string, commandId?: string) {
  return loadStream(services.store, streams.customer(tenantId, customerId), customerDecider, parseCustomerEvent, commandId);
}

/**
 * What invoice commands need of a customer (exemption, billing country and region), from its stream. A customer id
 * that was never registered gives an unknown customer: no address, so no automatic tax; not exempt.
 */
export async function loadInvoiceCustomerContext(services: LedgerServices, tenantId: string, customerId: string): Promise<InvoiceCustomerContext> {
  return invoiceCustomerContextOf((await loadCustomer(services, tenantId, customerId)).state);
}
