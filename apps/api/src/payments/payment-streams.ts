import {
  customerAccountEventSchemas,
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
import type { AppendRequest, EventData, EventStore, ExpectedRevision } from '../../../../libs/event-store/src/index.js';

/**
 * The streams a payment command reads and writes: the payment, its reference, the invoices it pays and the
 * customer's account. The payment and its reference are loaded here; one stored-event writer serves all four.
 */

export const parsePaymentEvent = recordedEventParser<PaymentEvent>(paymentEventSchemas, 'payment');
export const parsePaymentReferenceEvent = recordedEventParser<PaymentReferenceEvent>(paymentReferenceEventSchemas, 'payment reference');

export function loadPayment(store: EventStore, tenantId: string, paymentId: string, commandId?: string) {
  return loadStream(store, streams.payment(tenantId, paymentId), paymentDecider, parsePaymentEvent, commandId);
}

export function loadPaymentReference(store: EventStore, tenantId: string, normalisedReference: string) {
  return loadStream(store, streams.paymentReference(tenantId, normalisedReference), paymentReferenceDecider, parsePaymentReferenceEvent);
}

/** Events as stored, each with the schema version of its type. */
export function storedEvents(
  events: readonly (PaymentEvent | PaymentReferenceEvent | InvoiceEvent | CustomerAccountEvent)[],
  context: CommandContext,
  streamId: string,
): EventData[] {
  return events.map((event, index) => toEventData(event, context, streamId, index, schemaVersionOf(event.type)));
}

/** One stream's part of a command's append: its events as stored, at the revision the command read it. */
export function storedAppend(
  context: CommandContext,
  streamId: string,
  expectedRevision: ExpectedRevision,
  events: readonly (PaymentEvent | PaymentReferenceEvent | InvoiceEvent | CustomerAccountEvent)[],
): AppendRequest {
  return { streamId, expectedRevision, events: storedEvents(events, context, streamId) };
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
