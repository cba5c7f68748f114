import {
  invoiceCustomerContextOf,
  type InvoiceCustomerContext,
} from '../../../billing/src/index.js';
import { load, aggregates } from '../../../application/src/index.js';
import type { ApplicationServices } from './application-services.js';

/**
 * What invoice commands need of a customer (exemption, billing country and region), from its stream. A customer id
 * that was never registered gives an unknown customer: no address, so no automatic tax; not exempt.
 */
export async function loadInvoiceCustomerContext(services: Pick<ApplicationServices, 'store'>, tenantId: string, customerId: string): Promise<InvoiceCustomerContext> {
  return invoiceCustomerContextOf((await load(services.store, aggregates.customer, tenantId, customerId)).state);
}
