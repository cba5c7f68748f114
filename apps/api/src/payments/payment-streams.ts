import {
  customerAccountDecider,
  customerAccountEventSchemas,
  evolveInvoice,
  initialInvoiceState,
  invoiceEventSchemas,
  paymentDecider,
  paymentEventSchemas,
  paymentReferenceDecider,
  paymentReferenceEventSchemas,
  type CustomerAccountEvent,
  type InvoiceEvent,
  type PaymentEvent,
  type PaymentReferenceEvent,
} from '../../../../libs/billing/src/index.js';
import { loadStream, recordedEventParser, streams, toEventData, type CommandContext } from '../../../../libs/application/src/index.js';
import type { EventData, EventStore } from '../../../../libs/event-store/src/index.js';

/**
 * The streams a payment command reads and writes: the payment, its reference, the invoices it pays and the
 * customer's account. One loader and one stored-event writer each, so every handler folds and stores them alike.
 */

export const parsePaymentEvent = recordedEventParser<PaymentEvent>(paymentEventSchemas, 'payment');
export const parsePaymentReferenceEvent = recordedEventParser<PaymentReferenceEvent>(paymentReferenceEventSchemas, 'payment reference');
export const parseCustomerAccountEvent = recordedEventParser<CustomerAccountEvent>(customerAccountEventSchemas, 'customer account');
const parseInvoiceStreamEvent = recordedEventParser<InvoiceEvent>(invoiceEventSchemas, 'invoice');

const invoiceFolder = { evolve: evolveInvoice, initialState: initialInvoiceState };

export function loadPayment(store: EventStore, tenantId: string, paymentId: string, commandId?: string) {
  return loadStream(store, streams.payment(tenantId, paymentId), paymentDecider, parsePaymentEvent, commandId);
}

export function loadPaymentReference(store: EventStore, tenantId: string, normalisedReference: string) {
  return loadStream(store, streams.paymentReference(tenantId, normalisedReference), paymentReferenceDecider, parsePaymentReferenceEvent);
}

export function loadInvoiceStream(store: EventStore, tenantId: string, invoiceId: string) {
  return loadStream(store, streams.invoice(tenantId, invoiceId), invoiceFolder, parseInvoiceStreamEvent);
}

export function loadCustomerAccount(store: EventStore, tenantId: string, customerId: string) {
  return loadStream(store, streams.customerAccount(tenantId, customerId), customerAccountDecider, parseCustomerAccountEvent);
}

/** Events as stored, each with the schema version of its type. */
export function storedEvents(
  events: readonly (PaymentEvent | PaymentReferenceEvent | InvoiceEvent | CustomerAccountEvent)[],
  context: CommandContext,
  streamId: string,
): EventData[] {
  return events.map((event, index) => toEventData(event, context, streamId, index, schemaVersionOf(event.type)));
}

const schemaMaps: readonly Readonly<Record<string, { readonly schemaVersion: number }>>[] = [
  paymentEventSchemas,
  paymentReferenceEventSchemas,
  invoiceEventSchemas,
  customerAccountEventSchemas,
];

function schemaVersionOf(type: string): number {
  const schemas = schemaMaps.find((map) => Object.hasOwn(map, type));
  if (schemas === undefined) throw new Error(`no event schema for ${type}`);
  return (schemas[type] as { schemaVersion: number }).schemaVersion;
}
