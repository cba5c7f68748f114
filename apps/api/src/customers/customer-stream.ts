import {
  customerDecider,
  invoiceCustomerContextOf,
  type InvoiceCustomerContext,
} from '../../../../libs/billing/src/index.js';
import { loadStream, streams } from '../../../../libs/application/src/index.js';
import { parseCustomerRecordedEvent } from '../../../../projections/customers/customers.projection.js';
import type { LedgerServices } from '../ledger-services.js';

/** Parses one stored customer event through its zod contract (the customers projection's parser). */
export const parseCustomerEvent = parseCustomerRecordedEvent;

export function loadCustomer(services: Pick<LedgerServices, 'store'>, tenantId: string, customerId: string, commandId?: string) {
  return loadStream(services.store, streams.customer(tenantId, customerId), customerDecider, parseCustomerEvent, commandId);
}

/**
 * What invoice commands need of a customer (exemption, billing country and region), from its stream. A customer id
 * that was never registered gives an unknown customer: no address, so no automatic tax; not exempt.
 */
export async function loadInvoiceCustomerContext(services: LedgerServices, tenantId: string, customerId: string): Promise<InvoiceCustomerContext> {
  return invoiceCustomerContextOf((await loadCustomer(services, tenantId, customerId)).state);
}
