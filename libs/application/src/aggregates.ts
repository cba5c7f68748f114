import {
  billingSettingsDecider,
  billingSettingsEventSchemas,
  creditNoteDecider,
  creditNoteEventSchemas,
  customerAccountDecider,
  customerAccountEventSchemas,
  customerDecider,
  customerEventSchemas,
  exchangeRateDecider,
  exchangeRateEventSchemas,
  invoiceDecider,
  invoiceEventSchemas,
  numberSequenceDecider,
  numberSequenceEventSchemas,
  paymentDecider,
  paymentEventSchemas,
  paymentMethodDecider,
  paymentMethodEventSchemas,
  paymentReferenceDecider,
  paymentReferenceEventSchemas,
  receiptDecider,
  receiptEventSchemas,
  type BillingSettingsEvent,
  type BillingSettingsState,
  type CreditNoteEvent,
  type CreditNoteState,
  type CustomerAccountEvent,
  type CustomerAccountState,
  type CustomerEvent,
  type CustomerState,
  type ExchangeRateEvent,
  type ExchangeRateState,
  type InvoiceEvent,
  type InvoiceState,
  type NumberSequenceEvent,
  type NumberSequenceState,
  type PaymentEvent,
  type PaymentMethodEvent,
  type PaymentMethodState,
  type PaymentReferenceEvent,
  type PaymentReferenceState,
  type PaymentState,
  type ReceiptEvent,
  type ReceiptState,
} from '../../billing/src/index.js';
import type { AppendRequest, EventData, EventStore, ExpectedRevision, RecordedEvent } from '../../event-store/src/index.js';
import { loadStream, type FoldingDecider, type LoadedStream } from './stream-loader.js';
import { recordedEventParser, toEventData, type CommandContext, type DomainEventLike } from './event-envelope.js';
import { streams } from './stream-names.js';

/** The zod contract and schema version of each stored event type of one aggregate (its `<x>EventSchemas` map). */
export type VersionedEventSchemas = Readonly<Record<string, { readonly schemaVersion: number; readonly data: { parse(value: unknown): unknown } }>>;

/**
 * One aggregate, declared in one place: how its stream is named, how its events fold into its state (the decider's
 * initial state and evolve), the stored contract of each event type with its version (upcasting, where a type has
 * older versions, is in the schema), and the parser of its stored events.
 */
export interface Aggregate<Event extends DomainEventLike, State> {
  readonly name: string;
  readonly stream: (tenantId: string, id: string) => string;
  readonly decider: FoldingDecider<Event, State>;
  readonly schemas: VersionedEventSchemas;
  readonly parse: (recorded: RecordedEvent) => Event;
}

function aggregate<Event extends DomainEventLike, State>(
  name: string,
  stream: (tenantId: string, id: string) => string,
  decider: FoldingDecider<Event, State>,
  schemas: VersionedEventSchemas,
): Aggregate<Event, State> {
  return { name, stream, decider: { evolve: decider.evolve, initialState: decider.initialState }, schemas, parse: recordedEventParser<Event>(schemas, name) };
}

/** The stream registry: every aggregate of the ledger. */
export const aggregates = {
  invoice: aggregate<InvoiceEvent, InvoiceState>('invoice', streams.invoice, invoiceDecider, invoiceEventSchemas),
  /** Keyed `<documentKind>-<periodKey>`. */
  numberSequence: aggregate<NumberSequenceEvent, NumberSequenceState>('number sequence', (tenantId, id) => streams.numberSequenceById(tenantId, id), numberSequenceDecider, numberSequenceEventSchemas),
  /** One per tenant: its id is the tenant id. */
  billingSettings: aggregate<BillingSettingsEvent, BillingSettingsState>('billing settings', (tenantId) => streams.billingSettings(tenantId), billingSettingsDecider, billingSettingsEventSchemas),
  /** Keyed `<base>-<quote>`. */
  exchangeRate: aggregate<ExchangeRateEvent, ExchangeRateState>('exchange rate', (tenantId, id) => streams.exchangeRateById(tenantId, id), exchangeRateDecider, exchangeRateEventSchemas),
  customer: aggregate<CustomerEvent, CustomerState>('customer', streams.customer, customerDecider, customerEventSchemas),
  receipt: aggregate<ReceiptEvent, ReceiptState>('receipt', streams.receipt, receiptDecider, receiptEventSchemas),
  paymentMethod: aggregate<PaymentMethodEvent, PaymentMethodState>('payment method', streams.paymentMethod, paymentMethodDecider, paymentMethodEventSchemas),
  payment: aggregate<PaymentEvent, PaymentState>('payment', streams.payment, paymentDecider, paymentEventSchemas),
  /** Keyed by the normalised reference. */
  paymentReference: aggregate<PaymentReferenceEvent, PaymentReferenceState>('payment reference', streams.paymentReference, paymentReferenceDecider, paymentReferenceEventSchemas),
  creditNote: aggregate<CreditNoteEvent, CreditNoteState>('credit note', streams.creditNote, creditNoteDecider, creditNoteEventSchemas),
  customerAccount: aggregate<CustomerAccountEvent, CustomerAccountState>('customer account', streams.customerAccount, customerAccountDecider, customerAccountEventSchemas),
} as const;

/**
 * The one loader: an aggregate's stream read whole and folded. With a command id, a retried command is recognised
 * (alreadyAppliedAt).
 */
export function load<Event extends DomainEventLike, State>(
  store: EventStore,
  of: Aggregate<Event, State>,
  tenantId: string,
  id: string,
  commandId?: string,
): Promise<LoadedStream<State>> {
  return loadStream(store, of.stream(tenantId, id), of.decider, of.parse, commandId);
}

const allSchemas: readonly VersionedEventSchemas[] = Object.values(aggregates).map((registered) => registered.schemas);

/** The schema version of an event type, from the registry; a type no aggregate declares is a broken invariant. */
export function schemaVersionOf(type: string): number {
  const schemas = allSchemas.find((map) => Object.hasOwn(map, type));
  if (schemas === undefined) throw new Error(`no event schema for ${type}`);
  return (schemas[type] as { schemaVersion: number }).schemaVersion;
}

/** The one event writer: events as stored on `streamId`, each with the schema version of its type. */
export function storedEvents(events: readonly DomainEventLike[], context: CommandContext, streamId: string): EventData[] {
  return events.map((event, index) => toEventData(event, context, streamId, index, schemaVersionOf(event.type)));
}

/** One stream's part of a command's append: its events as stored, at the revision the command read it. */
export function storedAppend(context: CommandContext, streamId: string, expectedRevision: ExpectedRevision, events: readonly DomainEventLike[]): AppendRequest {
  return { streamId, expectedRevision, events: storedEvents(events, context, streamId) };
}
