import {
  customerAccountEventSchemas,
  decideCustomerAccount,
  decideInvoice,
  type CustomerAccountEvent,
  type CustomerAccountState,
  type InvoiceEvent,
  type InvoiceState,
} from '../../../../libs/billing/src/index.js';
import { toEventData, type CommandContext } from '../../../../libs/application/src/index.js';
import type { EventData } from '../../../../libs/event-store/src/index.js';

export interface CustomerCreditApplicationRequest {
  readonly customerId: string;
  readonly invoiceId: string;
  readonly applicationId: string;
  readonly amount: string;
  readonly currency: string;
}

/**
 * The two sides of spending customer credit on an invoice, for ONE append: the invoice's InvoiceCreditApplied (source
 * customer_credit) and the account's CustomerCreditApplied, under one application id. The invoice's rules are decided
 * first (open, same currency, within the balance due), then the account's (INSUFFICIENT_CREDIT).
 */
export function decideCustomerCreditApplication(
  request: CustomerCreditApplicationRequest,
  invoice: InvoiceState,
  account: CustomerAccountState,
  now: string,
): { invoiceEvents: InvoiceEvent[]; accountEvents: CustomerAccountEvent[] } {
  const { customerId, invoiceId, applicationId, amount, currency } = request;
  const invoiceEvents = decideInvoice(
    { type: 'ApplyCreditToInvoice', data: { invoiceId, applicationId, source: 'customer_credit', sourceId: customerId, amount, currency }, metadata: { now } },
    invoice,
  );
  const accountEvents = decideCustomerAccount({ type: 'ApplyCustomerCredit', data: { customerId, applicationId, invoiceId, amount, currency }, metadata: { now } }, account);
  return { invoiceEvents, accountEvents };
}

export function customerAccountEventData(events: readonly CustomerAccountEvent[], context: CommandContext, streamId: string, firstIndex = 0): EventData[] {
  return events.map((event, index) => toEventData(event, context, streamId, firstIndex + index, customerAccountEventSchemas[event.type].schemaVersion));
}
