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
  type BillingSettingsCommand,
  type BillingSettingsEvent,
  type BillingSettingsState,
  type CreditNoteCommand,
  type CreditNoteEvent,
  type CreditNoteState,
  type CustomerAccountCommand,
  type CustomerAccountEvent,
  type CustomerAccountState,
  type CustomerCommand,
  type CustomerEvent,
  type CustomerState,
  type ExchangeRateCommand,
  type ExchangeRateEvent,
  type ExchangeRateState,
  type InvoiceCommand,
  type InvoiceEvent,
  type InvoiceState,
  type NumberSequenceCommand,
  type NumberSequenceEvent,
  type NumberSequenceState,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentMethodCommand,
  type PaymentMethodEvent,
  type PaymentMethodState,
  type PaymentReferenceCommand,
  type PaymentReferenceEvent,
  type PaymentReferenceState,
  type PaymentState,
  type ReceiptCommand,
  type ReceiptEvent,
  type ReceiptState,
  type Decider,
  planDecider,
  planEventSchemas,
  pricingRuleDecider,
  pricingRuleEventSchemas,
  productDecider,
  productEventSchemas,
  type PlanCommand,
  type PlanEvent,
  type PlanState,
  type PricingRuleCommand,
  type PricingRuleEvent,
  type PricingRuleState,
  type ProductCommand,
  type ProductEvent,
  type ProductState,
} from '../../billing/src/index.js';
import { emailDecider, emailEventSchemas, type EmailCommand, type EmailEvent, type EmailState } from '../../billing/src/index.js';
import {
  subscriptionDecider,
  subscriptionEventSchemas,
  testClockDecider,
  testClockEventSchemas,
  type SubscriptionCommand,
  type SubscriptionEvent,
  type SubscriptionState,
  type TestClockCommand,
  type TestClockEvent,
  type TestClockState,
} from '../../billing/src/index.js';
import { companyLogoDecider, companyLogoEventSchemas, type CompanyLogoCommand, type CompanyLogoEvent, type CompanyLogoState } from '../../billing/src/index.js';
import {
  webhookEndpointFeedDecider,
  webhookEndpointFeedEventSchemas,
  webhookMessageDecider,
  webhookMessageEventSchemas,
  type WebhookEndpointFeedCommand,
  type WebhookEndpointFeedEvent,
  type WebhookEndpointFeedState,
  type WebhookMessageCommand,
  type WebhookMessageEvent,
  type WebhookMessageState,
} from '../../billing/src/index.js';
import { upcastBillingSettingsEvent, upcastPaymentMethodEvent } from '../../billing/src/index.js';
import {
  bankAccountDecider,
  bankAccountDefaultsDecider,
  bankReconciliationDecider,
  bankReconciliationEventSchemas,
  bankAccountDefaultsEventSchemas,
  bankAccountEventSchemas,
  matchingRulesDecider,
  matchingRulesEventSchemas,
  reconciliationSessionDecider,
  reconciliationSessionEventSchemas,
  type ReconciliationSessionCommand,
  type ReconciliationSessionEvent,
  type ReconciliationSessionState,
  type BankAccountCommand,
  type BankAccountDefaultsCommand,
  type BankAccountDefaultsEvent,
  type BankAccountDefaultsState,
  type BankAccountEvent,
  type BankAccountState,
  type BankReconciliationCommand,
  type BankReconciliationEvent,
  type BankReconciliationState,
  type MatchingRulesCommand,
  type MatchingRulesEvent,
  type MatchingRulesState,
} from '../../billing/src/index.js';
import type { AppendRequest, EventData, EventStore, ExpectedRevision, Position, RecordedEvent } from '../../event-store/src/index.js';
import { loadStream, type FoldedPrefix, type LoadedStream } from './stream-loader.js';
import { recordedEventParser, toEventData, type CommandContext, type DomainEventLike } from './event-envelope.js';
import { streams } from './stream-names.js';

/** The zod contract and schema version of each stored event type of one aggregate (its `<x>EventSchemas` map). */
export type VersionedEventSchemas = Readonly<Record<string, { readonly schemaVersion: number; readonly data: { parse(value: unknown): unknown } }>>;

/**
 * One aggregate, declared in one place: how its stream is named, its decider (decide, evolve, initial state), the
 * stored contract of each event type with its version (upcasting, where a type has older versions, is in the
 * schema), and the parser of its stored events.
 */
export interface Aggregate<Command, Event extends DomainEventLike, State> {
  readonly name: string;
  readonly stream: (tenantId: string, id: string) => string;
  readonly decider: Decider<Command, Event, State>;
  readonly schemas: VersionedEventSchemas;
  readonly parse: (recorded: RecordedEvent) => Event;
  /** A command on the aggregate's stream `id`, for executeCommand: what it reads besides, how it is built, its outcome. */
  on<Read = undefined, Result = StreamOutcome<State>>(id: string, spec: AggregateCommand<Command, State, Read, Result>): TargetedCommand<Event, State, Read, Result>;
}

/** A command as a handler builds it: the executor adds the metadata (the command's time, from its context). */
export type CommandWithoutMetadata<Command> = Command extends unknown ? Omit<Command, 'metadata'> : never;

/** How a command on one aggregate is made and answered (see Aggregate.on and executeCommand). */
export interface AggregateCommand<Command, State, Read, Result> {
  /**
   * What the command needs besides its own stream (for example the tenant's settings), read alongside it on every
   * attempt, so that a re-decision after a conflict sees the current value.
   */
  readonly read?: () => Promise<Read>;
  /** Builds the command from the state read (and the extra read): settings and other facts go INTO the command. */
  readonly command: (state: State, read: Read) => CommandWithoutMetadata<Command> | Promise<CommandWithoutMetadata<Command>>;
  /**
   * The outcome from the state after the command and the position of its events: the stream's last event when it
   * appended nothing, or where a retried command was first applied. Without it, `{ state, position }`.
   */
  readonly result?: (state: State, position: Position | undefined, read: Read) => Result;
}

/** The default outcome of a command on one stream: the aggregate as the command left it, and the position. */
export interface StreamOutcome<State> {
  readonly state: State;
  readonly position: Position | undefined;
}

/** A command aimed at one stream of one aggregate, with its command type resolved: what executeCommand runs. */
export interface TargetedCommand<Event extends DomainEventLike, State, Read, Result> {
  readonly aggregate: Aggregate<never, Event, State>;
  readonly id: string;
  read(): Promise<Read>;
  /** The command built from the state (and the extra read) at the command's time, decided. */
  decide(state: State, read: Read, now: string): Promise<readonly Event[]>;
  result(state: State, position: Position | undefined, read: Read): Result;
}

/**
 * An aggregate's upcaster, for an older version whose data needs more than its stored data to be made current (the
 * settings' and payment methods' secrets: a legacy reference names the event that holds the old plaintext, so it
 * needs the event id). It returns the data unchanged (the same object) when there is nothing to do; the schema then
 * reads what it returns.
 */
export type EventUpcaster = (event: { readonly eventId: string; readonly type: string; readonly schemaVersion: number | undefined; readonly data: unknown }) => unknown;

function upcasted(recorded: RecordedEvent, upcast: EventUpcaster): RecordedEvent {
  const version = recorded.metadata.schemaVersion;
  const data = upcast({ eventId: recorded.eventId, type: recorded.type, schemaVersion: typeof version === 'number' ? version : undefined, data: recorded.data });
  return data === recorded.data ? recorded : { ...recorded, data: data as RecordedEvent['data'] };
}

function aggregate<Command extends { metadata: { now: string } }, Event extends DomainEventLike, State>(
  name: string,
  stream: (tenantId: string, id: string) => string,
  decider: Decider<Command, Event, State>,
  schemas: VersionedEventSchemas,
  upcast?: EventUpcaster,
): Aggregate<Command, Event, State> {
  const parseStored = recordedEventParser<Event>(schemas, name);
  const registered: Aggregate<Command, Event, State> = {
    name,
    stream,
    decider,
    schemas,
    parse: upcast === undefined ? parseStored : (recorded) => parseStored(upcasted(recorded, upcast)),
    on: <Read, Result>(id: string, spec: AggregateCommand<Command, State, Read, Result>): TargetedCommand<Event, State, Read, Result> => ({
      aggregate: registered,
      id,
      read: () => (spec.read ? spec.read() : Promise.resolve(undefined as Read)),
      decide: async (state, read, now) => decider.decide({ ...(await spec.command(state, read)), metadata: { now } } as Command, state),
      result: spec.result ?? ((state, position) => ({ state, position }) as Result),
    }),
  };
  return registered;
}

/** The stream registry: every aggregate of the ledger. */
export const aggregates = {
  invoice: aggregate<InvoiceCommand, InvoiceEvent, InvoiceState>('invoice', streams.invoice, invoiceDecider, invoiceEventSchemas),
  /** Keyed `<documentKind>-<periodKey>`. */
  numberSequence: aggregate<NumberSequenceCommand, NumberSequenceEvent, NumberSequenceState>('number sequence', (tenantId, id) => streams.numberSequenceById(tenantId, id), numberSequenceDecider, numberSequenceEventSchemas),
  /** One per tenant: its id is the tenant id. */
  billingSettings: aggregate<BillingSettingsCommand, BillingSettingsEvent, BillingSettingsState>('billing settings', (tenantId) => streams.billingSettings(tenantId), billingSettingsDecider, billingSettingsEventSchemas, upcastBillingSettingsEvent),
  /** Keyed `<base>-<quote>`. */
  exchangeRate: aggregate<ExchangeRateCommand, ExchangeRateEvent, ExchangeRateState>('exchange rate', (tenantId, id) => streams.exchangeRateById(tenantId, id), exchangeRateDecider, exchangeRateEventSchemas),
  customer: aggregate<CustomerCommand, CustomerEvent, CustomerState>('customer', streams.customer, customerDecider, customerEventSchemas),
  receipt: aggregate<ReceiptCommand, ReceiptEvent, ReceiptState>('receipt', streams.receipt, receiptDecider, receiptEventSchemas),
  paymentMethod: aggregate<PaymentMethodCommand, PaymentMethodEvent, PaymentMethodState>('payment method', streams.paymentMethod, paymentMethodDecider, paymentMethodEventSchemas, upcastPaymentMethodEvent),
  payment: aggregate<PaymentCommand, PaymentEvent, PaymentState>('payment', streams.payment, paymentDecider, paymentEventSchemas),
  /** Keyed by the normalised reference. */
  paymentReference: aggregate<PaymentReferenceCommand, PaymentReferenceEvent, PaymentReferenceState>('payment reference', streams.paymentReference, paymentReferenceDecider, paymentReferenceEventSchemas),
  creditNote: aggregate<CreditNoteCommand, CreditNoteEvent, CreditNoteState>('credit note', streams.creditNote, creditNoteDecider, creditNoteEventSchemas),
  customerAccount: aggregate<CustomerAccountCommand, CustomerAccountEvent, CustomerAccountState>('customer account', streams.customerAccount, customerAccountDecider, customerAccountEventSchemas),
  product: aggregate<ProductCommand, ProductEvent, ProductState>('product', streams.product, productDecider, productEventSchemas),
  plan: aggregate<PlanCommand, PlanEvent, PlanState>('plan', streams.plan, planDecider, planEventSchemas),
  pricingRule: aggregate<PricingRuleCommand, PricingRuleEvent, PricingRuleState>('pricing rule', streams.pricingRule, pricingRuleDecider, pricingRuleEventSchemas),
  subscription: aggregate<SubscriptionCommand, SubscriptionEvent, SubscriptionState>('subscription', streams.subscription, subscriptionDecider, subscriptionEventSchemas),
  /** One per tenant: its id is the tenant id. */
  testClock: aggregate<TestClockCommand, TestClockEvent, TestClockState>('test clock', (tenantId) => streams.testClock(tenantId), testClockDecider, testClockEventSchemas),
  /** Keyed `<endpointId>-<messageId>`: one message's delivery to one webhook endpoint. */
  webhookMessage: aggregate<WebhookMessageCommand, WebhookMessageEvent, WebhookMessageState>('webhook message', (tenantId, id) => streams.webhookMessageById(tenantId, id), webhookMessageDecider, webhookMessageEventSchemas),
  /** Keyed by the endpoint id. */
  webhookEndpointFeed: aggregate<WebhookEndpointFeedCommand, WebhookEndpointFeedEvent, WebhookEndpointFeedState>('webhook endpoint feed', streams.webhookEndpointFeed, webhookEndpointFeedDecider, webhookEndpointFeedEventSchemas),
  email: aggregate<EmailCommand, EmailEvent, EmailState>('email', streams.email, emailDecider, emailEventSchemas),
  /** One per tenant: its id is the tenant id. */
  companyLogo: aggregate<CompanyLogoCommand, CompanyLogoEvent, CompanyLogoState>('company logo', (tenantId) => streams.companyLogo(tenantId), companyLogoDecider, companyLogoEventSchemas),
  bankAccount: aggregate<BankAccountCommand, BankAccountEvent, BankAccountState>('bank account', streams.bankAccount, bankAccountDecider, bankAccountEventSchemas),
  /** One per tenant: its id is the tenant id. */
  bankAccountDefaults: aggregate<BankAccountDefaultsCommand, BankAccountDefaultsEvent, BankAccountDefaultsState>('bank account defaults', (tenantId) => streams.bankAccountDefaults(tenantId), bankAccountDefaultsDecider, bankAccountDefaultsEventSchemas),
  /** One per tenant: its id is the tenant id. */
  matchingRules: aggregate<MatchingRulesCommand, MatchingRulesEvent, MatchingRulesState>('matching rules', (tenantId) => streams.matchingRules(tenantId), matchingRulesDecider, matchingRulesEventSchemas),
  /** Keyed by the bank account id: every statement line of the account and every decision about it. */
  bankReconciliation: aggregate<BankReconciliationCommand, BankReconciliationEvent, BankReconciliationState>('bank reconciliation', streams.bankReconciliation, bankReconciliationDecider, bankReconciliationEventSchemas),
  /** Keyed `<bankAccountId>-<YYYY-MM>`: one account's reconciliation of one month. */
  reconciliationSession: aggregate<ReconciliationSessionCommand, ReconciliationSessionEvent, ReconciliationSessionState>('reconciliation session', streams.reconciliationSession, reconciliationSessionDecider, reconciliationSessionEventSchemas),
} as const;

/**
 * The one loader: an aggregate's stream read whole and folded. With a command id, a retried command is recognised
 * (alreadyAppliedAt). With a folded prefix (a cache), only the events after it are read.
 */
export function load<Event extends DomainEventLike, State>(
  store: EventStore,
  of: Aggregate<never, Event, State>,
  tenantId: string,
  id: string,
  commandId?: string,
  prefix?: FoldedPrefix<State>,
): Promise<LoadedStream<State>> {
  return loadStream(store, of.stream(tenantId, id), of.decider, of.parse, commandId, prefix);
}

const allSchemas: readonly VersionedEventSchemas[] = Object.values(aggregates).map((registered) => registered.schemas);

/** The schema version of an event type, from the registry; a type no aggregate declares is a broken invariant. */
export function schemaVersionOf(type: string): number {
  return schemaOf(type).schemaVersion;
}

function schemaOf(type: string): VersionedEventSchemas[string] {
  const schemas = allSchemas.find((map) => Object.hasOwn(map, type));
  if (schemas === undefined) throw new Error(`no event schema for ${type}`);
  return schemas[type] as VersionedEventSchemas[string];
}

/** The one event writer: events as stored on `streamId`, each with the schema version of its type. */
export function storedEvents(events: readonly DomainEventLike[], context: CommandContext, streamId: string): EventData[] {
  return events.map((event, index) => {
    const schema = schemaOf(event.type);
    // Every event is checked against its contract as it is written (a decider breaking it is a bug, which fails the
    // command before anything is stored), and stored as the schema reads it: so readers may take an event of the
    // current version as stored, without parsing it again (recordedEventParser).
    const data = schema.data.parse(event.data) as object;
    return toEventData({ type: event.type, data }, context, streamId, index, schema.schemaVersion);
  });
}

/** One stream's part of a command's append: its events as stored, at the revision the command read it. */
export function storedAppend(context: CommandContext, streamId: string, expectedRevision: ExpectedRevision, events: readonly DomainEventLike[]): AppendRequest {
  return { streamId, expectedRevision, events: storedEvents(events, context, streamId) };
}
