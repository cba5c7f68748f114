import {
  creditNoteEventSchemas,
  customerAccountEventSchemas,
  decideBillingSettings,
  decideCreditNote,
  decideCustomer,
  decideCustomerAccount,
  decideExchangeRate,
  decideInvoice,
  decidePayment,
  decidePaymentMethod,
  decidePaymentReference,
  decideReceipt,
  evolveCreditNote,
  evolveCustomerAccount,
  evolveInvoice,
  evolvePayment,
  initialBillingSettingsState,
  initialCreditNoteState,
  initialCustomerState,
  initialExchangeRateState,
  initialInvoiceState,
  initialPaymentMethodState,
  initialPaymentReferenceState,
  initialPaymentState,
  initialReceiptState,
  invoiceEventSchemas,
  normalisePaymentReference,
  paymentEventSchemas,
  paymentReferenceEventSchemas,
  receiptEventSchemas,
  type AddPaymentMethod,
  type CreditApplicationType,
  type CreditNoteCommand,
  type CreditNoteState,
  type CustomerAccountCommand,
  type CustomerAccountState,
  type InvoiceCommand,
  type InvoiceEvent,
  type InvoiceState,
  type PaymentCommand,
  type PaymentMethodType,
  type PaymentRefunded,
  type PaymentState,
  type RefundMethodType,
} from '../../libs/billing/src/index.js';
import { Money } from '../../libs/money/src/index.js';
import { receiptIdOf } from '../../libs/ledger-application/src/receipts/issue-receipt.js';
import { overpaymentEntryIdOf, splitOf } from '../../libs/ledger-application/src/payments/allocate-payment.js';
import { loadCustomerAccount } from './stream-loaders.js';
import { secretReference } from '../../libs/secrets/src/index.js';
import { streams, toEventData, uuidV5, type CommandContext } from '../../libs/application/src/index.js';
import type { AppendRequest, EventStore } from '../../libs/event-store/src/index.js';

/**
 * Writes a realistic history through the real deciders: invoices drafted with lines, issued, paid, credited, refunded,
 * written off, some voided. Deterministic for a given seed.
 */
export interface SeedOptions {
  /**
   * Also record a tax rate, an exchange rate, a few customers, payment methods, and the money flows of the Payment,
   * CustomerAccount and CreditNote aggregates (payments with their allocations and receipts, refunds, credit notes
   * issued and applied, customer credit applied, write-offs), so that every read model has rows. Without it the
   * history holds invoice streams only (payments in their legacy form, InvoicePaymentRecorded).
   */
  readonly withSettings?: boolean;
}

/** One stream's events in one operation. */
type StreamEvents = { readonly streamId: string; readonly events: readonly { type: string; data: unknown }[] };

/** Every event type the seed writes, with the schema version a command handler would store it with. */
const schemaMaps: readonly Readonly<Record<string, { readonly schemaVersion: number }>>[] = [
  invoiceEventSchemas,
  paymentEventSchemas,
  paymentReferenceEventSchemas,
  customerAccountEventSchemas,
  creditNoteEventSchemas,
  receiptEventSchemas,
];

function schemaVersionOf(type: string): number {
  const schemas = schemaMaps.find((map) => Object.hasOwn(map, type));
  return schemas === undefined ? 1 : (schemas[type] as { schemaVersion: number }).schemaVersion;
}

/**
 * Appends operations like the command handlers do: each operation's streams together, each at the revision it
 * was decided on. Consecutive operations on distinct streams share one append (still all-or-nothing), so a long
 * history needs few round trips; an operation on a stream already in the pending append waits for the next one.
 */
class SeedWriter {
  private readonly revisions = new Map<string, bigint>();
  private pending: AppendRequest[] = [];
  private readonly pendingStreams = new Set<string>();
  events = 0;

  constructor(private readonly store: EventStore) {}

  /** A stream another seed may already have written (a customer's account): its revision as stored. */
  knowRevision(streamId: string, revision: bigint | 'no_stream'): void {
    if (typeof revision === 'bigint') this.revisions.set(streamId, revision);
  }

  async write(context: CommandContext, parts: readonly StreamEvents[]): Promise<void> {
    const nonEmpty = parts.filter((part) => part.events.length > 0);
    if (nonEmpty.length === 0) return;
    if (this.pending.length >= 60 || nonEmpty.some((part) => this.pendingStreams.has(part.streamId))) await this.flush();
    for (const { streamId, events } of nonEmpty) {
      const previous = this.revisions.get(streamId);
      this.pending.push({
        streamId,
        expectedRevision: previous ?? 'no_stream',
        events: events.map((event, index) => toEventData(event as InvoiceEvent, context, streamId, index, schemaVersionOf(event.type))),
      });
      this.pendingStreams.add(streamId);
      this.revisions.set(streamId, (previous ?? -1n) + BigInt(events.length));
      this.events += events.length;
    }
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingStreams.clear();
    await this.store.appendToStreams(batch);
  }
}

/** Decides commands in order on one aggregate, folding each decision in: the events and the state after. */
function decideAll<C, S, E>(decide: (command: C, state: S) => E[], evolve: (state: S, event: E) => S, state: S, commands: readonly C[]): { events: E[]; state: S } {
  const events: E[] = [];
  for (const command of commands) {
    const decided = decide(command, state);
    state = decided.reduce(evolve, state);
    events.push(...decided);
  }
  return { events, state };
}

export async function seedInvoiceHistory(store: EventStore, tenantId: string, invoiceCount: number, seed = 'seed', options: SeedOptions = {}): Promise<number> {
  const writer = new SeedWriter(store);
  const history = new SeededHistory(store, writer, tenantId, seed, Boolean(options.withSettings));
  // Invoices in chunks; within a chunk each step of the invoices' stories runs in turn (issue, pay, credit, ...), so
  // that consecutive operations touch distinct streams and share appends.
  const CHUNK = 50;
  for (let first = 0; first < invoiceCount; first += CHUNK) {
    const indexes = Array.from({ length: Math.min(CHUNK, invoiceCount - first) }, (_, offset) => first + offset);
    for (let step = 0; step < SeededHistory.STEPS; step += 1) {
      for (const index of indexes) await history.step(index, step);
    }
  }
  await writer.flush();
  let events = writer.events;
  if (options.withSettings) events += await seedSettings(store, tenantId, seed);
  if (options.withSettings) events += await seedCustomers(store, tenantId, seed);
  if (options.withSettings) events += await seedPaymentMethods(store, tenantId, seed);
  return events;
}

/**
 * The stories of the seeded invoices, by index % 7:
 * - 6: a draft; 3: issued then voided; 0: issued and paid in the legacy form (InvoicePaymentRecorded, some overpaid);
 * - 1: a wire transfer pays part; a credit note on the invoice is issued, then applied to it or to the customer's
 *   account (a few are voided instead);
 * - 2: a check overpays (the excess becomes customer credit); a few are partly refunded (some beyond the invoice
 *   part, so that part of the refund is taken back from that credit); a few customers also get a goodwill note
 *   without source, paid back as a refund;
 * - 4: a card payment goes pending, processing, succeeded; some invoices then take customer credit; a few customers
 *   also have a card payment that failed and was cancelled;
 * - 5: cash pays part; the rest is written off, or part is refunded as store credit.
 * Every payment is recorded, succeeded, allocated and given its receipt in one append (the application does it in
 * two or three, with the process managers in between): a projector running while the seed writes then never finds
 * a payment to allocate or a receipt to issue, and appends nothing of its own.
 */
class SeededHistory {
  static readonly STEPS = 5;
  private receiptCount = 0;
  private creditNoteCount = 0;
  private readonly invoices = new Map<number, InvoiceState>();
  private readonly payments = new Map<string, PaymentState>();
  private readonly notes = new Map<number, { creditNoteId: string; state: CreditNoteState }>();
  private readonly accounts = new Map<string, CustomerAccountState>();

  constructor(
    private readonly store: EventStore,
    private readonly writer: SeedWriter,
    private readonly tenantId: string,
    private readonly seed: string,
    private readonly moneyFlows: boolean,
  ) {}

  private invoiceIdOf(index: number): string {
    return uuidV5(`${this.seed}:${this.tenantId}:invoice:${index}`);
  }

  private nowOf(index: number, step: number): string {
    return new Date(Date.UTC(2026, 0, 1) + index * 60_000 + step * 1_000).toISOString();
  }

  private contextOf(index: number, step: number, what: string): CommandContext {
    const commandId = step === 0 && what === 'invoice' ? uuidV5(`${this.seed}:${index}`) : uuidV5(`${this.seed}:${this.tenantId}:${index}:${step}:${what}`);
    return { tenantId: this.tenantId, actor: 'seed', commandId, correlationId: 'seed', causationId: 'seed', now: this.nowOf(index, step) };
  }

  async step(index: number, step: number): Promise<void> {
    const kind = index % 7;
    if (step === 0) return this.invoiceStory(index);
    if (!this.moneyFlows || kind === 0 || kind === 3 || kind === 6) return;
    const currency = index % 5 === 0 ? 'EUR' : 'USD';
    switch (`${kind}:${step}`) {
      case '1:1':
        return this.pay(index, step, 'p1', '30.00', 'wire_transfer');
      case '1:2':
        return this.createCreditNote(index, step, true);
      case '1:3':
        return this.issueCreditNote(index, step);
      case '1:4':
        if (index % 49 === 8) return this.voidCreditNote(index, step);
        return this.applyCreditNote(index, step, index % 14 === 1 ? 'invoice' : 'customer_account', '12.00');
      case '2:1':
        return this.pay(index, step, 'p1', '100.00', 'check');
      case '2:2':
        if (index % 42 === 9) await this.createCreditNote(index, step, false);
        if (index % 42 === 2) return this.refund(index, step, 'p1', '25.00', 'original_payment');
        // More than the invoice part: the rest comes back from the credit the payment's excess created.
        if (index % 42 === 23) return this.refund(index, step, 'p1', '90.00', 'bank_account');
        return;
      case '2:3':
        if (index % 42 === 9) return this.issueCreditNote(index, step);
        return;
      case '2:4':
        if (index % 42 === 9) return this.applyCreditNote(index, step, 'refund', '6.00');
        return;
      case '4:1':
        return this.pay(index, step, 'p1', '30.00', 'card');
      case '4:2':
        if (index % 35 === 4) return this.failedPayment(index, step, currency);
        return;
      case '4:4':
        if (index % 4 === 0) return this.applyCustomerCredit(index, step, currency);
        return;
      case '5:1':
        return this.pay(index, step, 'p1', '20.00', 'cash');
      case '5:2':
        if (index % 14 === 5) return this.writeOff(index, step);
        return this.refund(index, step, 'p1', '10.00', 'store_credit');
      default:
        return;
    }
  }

  /** Drafted with lines, issued (but index % 7 = 6), voided (3) or paid in the legacy form (0, or all without money flows). */
  private async invoiceStory(index: number): Promise<void> {
    const { tenantId, seed } = this;
    const invoiceId = this.invoiceIdOf(index);
    const streamId = streams.invoice(tenantId, invoiceId);
    const now = this.nowOf(index, 0);
    const context = this.contextOf(index, 0, 'invoice');
    const currency = index % 5 === 0 ? 'EUR' : 'USD';
    const commands: InvoiceCommand[] = [
      {
        type: 'CreateInvoice',
        data: {
          invoiceId,
          customerId: `customer-${index % 17}`,
          currency,
          lines: [
            { lineId: `${invoiceId}-1`, description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice: '49.99', taxRate: '20' },
            { lineId: `${invoiceId}-2`, description: 'Static IP', quantity: String(1 + (index % 3)), unitPrice: '5.00', taxRate: '20' },
          ],
        },
        metadata: { now },
      },
    ];
    if (index % 7 !== 6) commands.push({ type: 'IssueInvoice', data: { invoiceId, number: `INV-${seed.toUpperCase()}-${String(index + 1).padStart(6, '0')}`, issueDate: now.slice(0, 10) }, metadata: { now } });
    if (index % 7 === 3) commands.push({ type: 'VoidInvoice', data: { invoiceId, reason: 'issued in error' }, metadata: { now } });
    else if (index % 7 !== 6 && (index % 7 === 0 || !this.moneyFlows)) {
      commands.push({ type: 'RecordInvoicePayment', data: { invoiceId, paymentId: `${invoiceId}-p1`, amount: '30.00', currency, method: 'card', reference: `ch_${index}_1` }, metadata: { now } });
      if (index % 2 === 0) commands.push({ type: 'RecordInvoicePayment', data: { invoiceId, paymentId: `${invoiceId}-p2`, amount: '80.00', currency, method: 'bank_account', reference: `ch_${index}_2` }, metadata: { now } });
    }
    const { events, state } = decideAll(decideInvoice, evolveInvoice, initialInvoiceState, commands);
    this.invoices.set(index, state);
    const parts: StreamEvents[] = [{ streamId, events }];
    for (const event of this.moneyFlows ? events : []) {
      const receipt = this.legacyReceipt(event, state, context);
      if (receipt) parts.push(receipt);
    }
    await this.writer.write(context, parts);
  }

  /** The customer's account, read from the store the first time (another seed of the tenant may have written it). */
  private async account(customerId: string): Promise<CustomerAccountState> {
    const known = this.accounts.get(customerId);
    if (known) return known;
    const loaded = await loadCustomerAccount(this.store, this.tenantId, customerId);
    this.writer.knowRevision(streams.customerAccount(this.tenantId, customerId), loaded.expectedRevision as bigint | 'no_stream');
    this.accounts.set(customerId, loaded.state);
    return loaded.state;
  }

  private async decideAccount(customerId: string, commands: readonly CustomerAccountCommand[]): Promise<StreamEvents> {
    const decided = decideAll(decideCustomerAccount, evolveCustomerAccount, await this.account(customerId), commands);
    this.accounts.set(customerId, decided.state);
    return { streamId: streams.customerAccount(this.tenantId, customerId), events: decided.events };
  }

  private decideInvoiceOf(index: number, commands: readonly InvoiceCommand[]): StreamEvents {
    const decided = decideAll(decideInvoice, evolveInvoice, this.invoices.get(index) as InvoiceState, commands);
    this.invoices.set(index, decided.state);
    return { streamId: streams.invoice(this.tenantId, this.invoiceIdOf(index)), events: decided.events };
  }

  /**
   * A payment of the invoice (explicitly allocated to it), as createPayment and allocatePayment write it: the
   * reference claimed, the payment recorded (offline methods succeed at once; a card goes through the gateway),
   * allocated by splitOf (the excess to the customer's credit), the invoice's InvoicePaymentApplied, and its receipt.
   */
  private async pay(index: number, step: number, suffix: string, amount: string, method: PaymentMethodType): Promise<void> {
    const { tenantId, seed } = this;
    const invoiceId = this.invoiceIdOf(index);
    const invoice = this.invoices.get(index) as InvoiceState;
    const customerId = invoice.customerId as string;
    const currency = invoice.currency as string;
    const paymentId = uuidV5(`${seed}:${tenantId}:payment:${index}:${suffix}`);
    const context = this.contextOf(index, step, `payment-${suffix}`);
    const metadata = { now: context.now };
    const reference = `${seed}-${method}-${index}-${suffix}`;
    const normalised = normalisePaymentReference(reference);
    const referenceEvents = decidePaymentReference({ type: 'ReservePaymentReference', data: { reference, paymentId, amount, currency }, metadata }, initialPaymentReferenceState);
    const commands: PaymentCommand[] = [
      { type: 'RecordPayment', data: { paymentId, customerId, amount, currency, method, reference, allocation: { kind: 'explicit', invoices: [{ invoiceId, amount }] } }, metadata },
    ];
    if (method === 'card') {
      commands.push({ type: 'StartPaymentProcessing', data: { paymentId }, metadata }, { type: 'MarkPaymentSucceeded', data: { paymentId, gatewayReference: `ch_${seed}_${index}` }, metadata });
    }
    const recorded = decideAll(decidePayment, evolvePayment, initialPaymentState, commands);
    const { allocations, creditAmount } = splitOf(recorded.state, [{ invoiceId, state: invoice, expectedRevision: 'any' }]);
    const allocated = decideAll(decidePayment, evolvePayment, recorded.state, [
      { type: 'AllocatePayment', data: { paymentId, allocations, creditAmount: creditAmount.toString() }, metadata } satisfies PaymentCommand,
    ]);
    this.payments.set(`${index}:${suffix}`, allocated.state);
    const parts: StreamEvents[] = [
      { streamId: streams.paymentReference(tenantId, normalised), events: referenceEvents },
      { streamId: streams.payment(tenantId, paymentId), events: [...recorded.events, ...allocated.events] },
      this.decideInvoiceOf(
        index,
        allocations.map((allocation): InvoiceCommand => ({ type: 'ApplyPaymentToInvoice', data: { invoiceId: allocation.invoiceId, paymentId, amount: allocation.amount, currency, method, reference, paymentAmount: amount }, metadata })),
      ),
    ];
    if (creditAmount.isPositive()) {
      parts.push(
        await this.decideAccount(customerId, [
          {
            type: 'CreditCustomerAccount',
            data: { customerId, entryId: overpaymentEntryIdOf(tenantId, paymentId), amount: creditAmount.toString(), currency, source: 'overpayment', sourceId: paymentId },
            metadata,
          },
        ]),
      );
    }
    const invoicesPaid = allocations.map((allocation) => ({ invoiceId: allocation.invoiceId, number: invoice.number as string, amount: allocation.amount }));
    parts.push(this.receipt(paymentId, customerId, amount, currency, method, reference, invoicesPaid, context));
    await this.writer.write(context, parts);
  }

  /** A card payment the gateway declined, then abandoned: it never succeeds, so nothing allocates it. */
  private async failedPayment(index: number, step: number, currency: string): Promise<void> {
    const { tenantId, seed } = this;
    const invoice = this.invoices.get(index) as InvoiceState;
    const customerId = invoice.customerId as string;
    const paymentId = uuidV5(`${seed}:${tenantId}:payment:${index}:declined`);
    const context = this.contextOf(index, step, 'payment-declined');
    const metadata = { now: context.now };
    const reference = `${seed}-declined-${index}`;
    const amount = '45.00';
    const referenceEvents = decidePaymentReference({ type: 'ReservePaymentReference', data: { reference, paymentId, amount, currency }, metadata }, initialPaymentReferenceState);
    const { events } = decideAll(decidePayment, evolvePayment, initialPaymentState, [
      { type: 'RecordPayment', data: { paymentId, customerId, amount, currency, method: 'card', reference, allocation: { kind: 'oldest_due_first' } }, metadata },
      { type: 'StartPaymentProcessing', data: { paymentId }, metadata },
      { type: 'MarkPaymentFailed', data: { paymentId, reason: 'card declined', retryPolicy: null }, metadata },
      { type: 'CancelPayment', data: { paymentId, reason: 'customer paid another way' }, metadata },
    ] satisfies PaymentCommand[]);
    await this.writer.write(context, [
      { streamId: streams.paymentReference(tenantId, normalisePaymentReference(reference)), events: referenceEvents },
      { streamId: streams.payment(tenantId, paymentId), events },
    ]);
  }

  /** As refundPayment writes it: PaymentRefunded, each invoice part reopened, the credit taken back or store credit given. */
  private async refund(index: number, step: number, suffix: string, amount: string, method: RefundMethodType): Promise<void> {
    const { tenantId } = this;
    const payment = this.payments.get(`${index}:${suffix}`) as PaymentState;
    const paymentId = payment.paymentId as string;
    const context = this.contextOf(index, step, `refund-${suffix}`);
    const metadata = { now: context.now };
    const refundId = uuidV5(`${context.commandId}:refund`);
    const decided = decideAll(decidePayment, evolvePayment, payment, [
      { type: 'RefundPayment', data: { paymentId, refundId, amount, method, reason: 'service interruption' }, metadata } satisfies PaymentCommand,
    ]);
    this.payments.set(`${index}:${suffix}`, decided.state);
    const refunded = decided.events.find((event): event is PaymentRefunded => event.type === 'PaymentRefunded') as PaymentRefunded;
    const { data } = refunded;
    const parts: StreamEvents[] = [{ streamId: streams.payment(tenantId, paymentId), events: decided.events }];
    for (const part of data.invoices) {
      if (part.invoiceId !== this.invoiceIdOf(index)) throw new Error(`seed: payment ${paymentId} paid an invoice it was not seeded for`);
      parts.push(this.decideInvoiceOf(index, [{ type: 'RefundInvoicePayment', data: { invoiceId: part.invoiceId, paymentId, refundId, amount: part.amount, currency: data.currency }, metadata }]));
    }
    const accountCommands: CustomerAccountCommand[] = [];
    if (Money.of(data.fromCredit, data.currency).isPositive()) {
      accountCommands.push({
        type: 'DebitCustomerAccount',
        data: { customerId: data.customerId, entryId: uuidV5(`${tenantId}:${refundId}:debit`), amount: data.fromCredit, currency: data.currency, reason: 'refund', sourceId: refundId },
        metadata,
      });
    }
    if (data.method === 'store_credit') {
      accountCommands.push({
        type: 'CreditCustomerAccount',
        data: { customerId: data.customerId, entryId: uuidV5(`${tenantId}:${refundId}:store-credit`), amount: data.amount, currency: data.currency, source: 'store_credit_refund', sourceId: refundId },
        metadata,
      });
    }
    if (accountCommands.length > 0) parts.push(await this.decideAccount(data.customerId, accountCommands));
    await this.writer.write(context, parts);
  }

  /** A draft note of one line (12.00 with tax): on the invoice as its source, or a goodwill credit without one. */
  private async createCreditNote(index: number, step: number, onInvoice: boolean): Promise<void> {
    const invoice = this.invoices.get(index) as InvoiceState;
    const context = this.contextOf(index, step, 'credit-note');
    const creditNoteId = uuidV5(`${context.commandId}:credit-note`);
    const command: CreditNoteCommand = {
      type: 'CreateCreditNote',
      data: {
        creditNoteId,
        customerId: invoice.customerId as string,
        currency: invoice.currency as string,
        type: onInvoice ? 'adjustment' : 'goodwill',
        reason: onInvoice ? 'service_issue' : 'goodwill',
        lines: [{ lineId: uuidV5(`${context.commandId}:credit-note-line:0`), description: onInvoice ? 'Outage credit' : 'Goodwill gesture', quantity: '1', unitPrice: onInvoice ? '10.00' : '5.00', taxRate: '20' }],
        sourceInvoiceId: onInvoice ? this.invoiceIdOf(index) : null,
        creditableOnSource: onInvoice ? invoice.creditableAmount : null,
      },
      metadata: { now: context.now },
    };
    const { events, state } = decideAll(decideCreditNote, evolveCreditNote, initialCreditNoteState, [command]);
    this.notes.set(index, { creditNoteId, state });
    await this.writer.write(context, [{ streamId: streams.creditNote(this.tenantId, creditNoteId), events }]);
  }

  /** As issueCreditNote writes it: the note numbered and issued, its total registered on the source invoice. */
  private async issueCreditNote(index: number, step: number): Promise<void> {
    const note = this.notes.get(index) as { creditNoteId: string; state: CreditNoteState };
    const context = this.contextOf(index, step, 'credit-note-issue');
    const metadata = { now: context.now };
    const { creditNoteId } = note;
    const onInvoice = note.state.sourceInvoiceId !== null;
    const invoice = this.invoices.get(index) as InvoiceState;
    const parts: StreamEvents[] = [];
    if (onInvoice) {
      parts.push(this.decideInvoiceOf(index, [{ type: 'RegisterCreditNote', data: { invoiceId: this.invoiceIdOf(index), creditNoteId, amount: note.state.total, currency: note.state.currency as string }, metadata }]));
    }
    const number = `CN-${this.seed.toUpperCase()}-${String((this.creditNoteCount += 1)).padStart(6, '0')}`;
    const { events, state } = decideAll(decideCreditNote, evolveCreditNote, note.state, [
      { type: 'IssueCreditNote', data: { creditNoteId, number, creditableOnSource: onInvoice ? invoice.creditableAmount : null }, metadata } satisfies CreditNoteCommand,
    ]);
    this.notes.set(index, { creditNoteId, state });
    await this.writer.write(context, [{ streamId: streams.creditNote(this.tenantId, creditNoteId), events }, ...parts]);
  }

  /** As applyCreditNote writes it: the note's CreditNoteApplied and the invoice credited or the account credited. */
  private async applyCreditNote(index: number, step: number, applicationType: CreditApplicationType, amount: string): Promise<void> {
    const note = this.notes.get(index) as { creditNoteId: string; state: CreditNoteState };
    const context = this.contextOf(index, step, 'credit-note-apply');
    const metadata = { now: context.now };
    const { creditNoteId } = note;
    const applicationId = uuidV5(`${context.commandId}:credit-note-application`);
    const invoiceId = applicationType === 'invoice' ? this.invoiceIdOf(index) : null;
    const { events, state } = decideAll(decideCreditNote, evolveCreditNote, note.state, [
      { type: 'ApplyCreditNote', data: { creditNoteId, applicationId, applicationType, invoiceId, amount }, metadata } satisfies CreditNoteCommand,
    ]);
    this.notes.set(index, { creditNoteId, state });
    const customerId = state.customerId as string;
    const currency = state.currency as string;
    const parts: StreamEvents[] = [{ streamId: streams.creditNote(this.tenantId, creditNoteId), events }];
    if (applicationType === 'invoice') {
      parts.push(
        this.decideInvoiceOf(index, [
          { type: 'ApplyCreditToInvoice', data: { invoiceId: invoiceId as string, applicationId, source: 'credit_note', sourceId: creditNoteId, amount, currency }, metadata },
        ]),
      );
    } else if (applicationType === 'customer_account') {
      parts.push(await this.decideAccount(customerId, [{ type: 'CreditCustomerAccount', data: { customerId, entryId: applicationId, amount, currency, source: 'credit_note', sourceId: creditNoteId }, metadata }]));
    }
    await this.writer.write(context, parts);
  }

  /** As voidCreditNote writes it: an issued note voided, its total creditable again on the source invoice. */
  private async voidCreditNote(index: number, step: number): Promise<void> {
    const note = this.notes.get(index) as { creditNoteId: string; state: CreditNoteState };
    const context = this.contextOf(index, step, 'credit-note-void');
    const metadata = { now: context.now };
    const { creditNoteId } = note;
    const remaining = note.state.remaining;
    const { events, state } = decideAll(decideCreditNote, evolveCreditNote, note.state, [{ type: 'VoidCreditNote', data: { creditNoteId, reason: 'raised in error' }, metadata } satisfies CreditNoteCommand]);
    this.notes.set(index, { creditNoteId, state });
    await this.writer.write(context, [
      { streamId: streams.creditNote(this.tenantId, creditNoteId), events },
      this.decideInvoiceOf(index, [{ type: 'ReleaseCreditNote', data: { invoiceId: this.invoiceIdOf(index), creditNoteId, amount: remaining, currency: state.currency as string }, metadata }]),
    ]);
  }

  /** As applyCredit writes it: up to 15.00 of the customer's credit spent on the invoice, when there is some. */
  private async applyCustomerCredit(index: number, step: number, currency: string): Promise<void> {
    const invoice = this.invoices.get(index) as InvoiceState;
    const customerId = invoice.customerId as string;
    const account = await this.account(customerId);
    const available = Money.of(account.balances[currency] ?? '0', currency);
    const amount = Money.min(Money.min(available, Money.of(invoice.balanceDue, currency)), Money.of('15.00', currency));
    if (!amount.isPositive()) return;
    const context = this.contextOf(index, step, 'customer-credit');
    const metadata = { now: context.now };
    const applicationId = uuidV5(`${context.commandId}:customer-credit-application`);
    const invoiceId = this.invoiceIdOf(index);
    const accountPart = await this.decideAccount(customerId, [{ type: 'ApplyCustomerCredit', data: { customerId, applicationId, invoiceId, amount: amount.toString(), currency }, metadata }]);
    const invoicePart = this.decideInvoiceOf(index, [
      { type: 'ApplyCreditToInvoice', data: { invoiceId, applicationId, source: 'customer_credit', sourceId: customerId, amount: amount.toString(), currency }, metadata },
    ]);
    await this.writer.write(context, [accountPart, invoicePart]);
  }

  /** As writeOffInvoice writes it: the whole remaining balance written off. */
  private async writeOff(index: number, step: number): Promise<void> {
    const context = this.contextOf(index, step, 'write-off');
    await this.writer.write(context, [this.decideInvoiceOf(index, [{ type: 'WriteOffInvoice', data: { invoiceId: this.invoiceIdOf(index), reason: 'customer insolvent' }, metadata: { now: context.now } }])]);
  }

  /** A receipt as the receipt process manager would have issued it (numbered per seed, so two seeds never collide). */
  private receipt(
    paymentId: string,
    customerId: string,
    amount: string,
    currency: string,
    method: string,
    reference: string,
    invoicesPaid: { invoiceId: string; number: string; amount: string }[],
    context: CommandContext,
  ): StreamEvents {
    const { tenantId, seed } = this;
    const receiptId = receiptIdOf(tenantId, paymentId);
    const events = decideReceipt(
      {
        type: 'IssueReceipt',
        data: {
          receiptId,
          paymentId,
          number: `REC-${seed.toUpperCase()}-${String((this.receiptCount += 1)).padStart(6, '0')}`,
          issuedAt: context.now,
          issueDate: context.now.slice(0, 10),
          payer: { customerId },
          amount,
          currency,
          methodDescription: method.replace('_', ' '),
          paymentReference: reference,
          invoicesPaid,
          company: { name: `Seed Networks (${seed})` },
        },
        metadata: { now: context.now },
      },
      initialReceiptState,
    );
    return { streamId: streams.receipt(tenantId, receiptId), events };
  }

  /** The receipt of a legacy payment (InvoicePaymentRecorded), in the same append as the invoice's events. */
  private legacyReceipt(event: InvoiceEvent, invoice: InvoiceState, context: CommandContext): StreamEvents | undefined {
    if (event.type !== 'InvoicePaymentRecorded') return undefined;
    const { data } = event;
    const applied = Number(data.appliedAmount) > 0 ? [{ invoiceId: data.invoiceId, number: invoice.number as string, amount: data.appliedAmount }] : [];
    const receiptContext = { ...context, now: data.recordedAt };
    return this.receipt(data.paymentId, data.customerId, data.amount, data.currency, data.method, data.reference, applied, receiptContext);
  }
}

/** Each seed records its own tax rate and rate instant, so seeding one tenant twice is still a valid history. */
async function seedSettings(store: EventStore, tenantId: string, seed: string): Promise<number> {
  const now = '2026-01-01T00:00:00.000Z';
  const context: CommandContext = { tenantId, actor: 'seed', commandId: uuidV5(`${seed}:settings`), correlationId: 'seed', causationId: 'seed', now };
  const settingsStream = streams.billingSettings(tenantId);
  const settingsEvents = decideBillingSettings({ type: 'CreateTaxRate', data: { taxRateId: `vat-${seed}`, name: `VAT ${seed}`, type: 'vat', rate: '20', jurisdiction: 'FR' }, metadata: { now } }, initialBillingSettingsState);
  const rateStream = streams.exchangeRate(tenantId, 'EUR', 'USD');
  const effectiveAt = new Date(Date.parse(now) + (uuidV5(seed).charCodeAt(0) % 16) * 3_600_000).toISOString();
  const rateEvents = decideExchangeRate({ type: 'RecordExchangeRate', data: { base: 'EUR', quote: 'USD', rate: '1.1', effectiveAt, source: `seed ${seed}` }, metadata: { now } }, initialExchangeRateState);
  await store.appendToStreams([
    { streamId: settingsStream, expectedRevision: 'any', events: settingsEvents.map((event, index) => toEventData(event, context, settingsStream, index)) },
    { streamId: rateStream, expectedRevision: 'any', events: rateEvents.map((event, index) => toEventData(event, context, rateStream, index)) },
  ]);
  return settingsEvents.length + rateEvents.length;
}

/** Three registered customers per seed (ids carry the seed, so two seeds of one tenant never collide). */
async function seedCustomers(store: EventStore, tenantId: string, seed: string): Promise<number> {
  const now = '2026-01-01T00:00:00.000Z';
  const context: CommandContext = { tenantId, actor: 'seed', commandId: uuidV5(`${seed}:customers`), correlationId: 'seed', causationId: 'seed', now };
  const addresses = [
    { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
    { line1: '1 Main Street', city: 'Montréal', region: 'QC', postalCode: 'H3B 1A1', country: 'CA' },
    { line1: '1 Unter den Linden', city: 'Berlin', postalCode: '10117', country: 'DE' },
  ];
  const appends = addresses.map((billingAddress, index) => {
    const customerId = `${seed}-customer-${index}`;
    const streamId = streams.customer(tenantId, customerId);
    const decided = decideCustomer({ type: 'UpsertCustomer', data: { customerId, name: `Customer ${index} (${seed})`, billingAddress, taxExempt: index === 2 }, metadata: { now } }, initialCustomerState);
    return { streamId, expectedRevision: 'no_stream' as const, events: decided.map((event, position) => toEventData(event, context, streamId, position)) };
  });
  await store.appendToStreams(appends);
  return appends.reduce((count, append) => count + append.events.length, 0);
}

/** A card and a bank account on file per seed, so that the payment_methods read model has rows too. */
async function seedPaymentMethods(store: EventStore, tenantId: string, seed: string): Promise<number> {
  const now = '2026-01-01T00:00:00.000Z';
  const context: CommandContext = { tenantId, actor: 'seed', commandId: uuidV5(`${seed}:payment-methods`), correlationId: 'seed', causationId: 'seed', now };
  const commands: AddPaymentMethod['data'][] = [
    { paymentMethodId: `${seed}-pm-card`, customerId: `${seed}-customer-0`, type: 'card', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2030, gatewayToken: `tok_${seed}_card`, gatewayTokenRef: secretReference(context.commandId, `gateway-token:${seed}-pm-card`) },
    { paymentMethodId: `${seed}-pm-bank`, customerId: `${seed}-customer-1`, type: 'bank_account', last4: '6789', gatewayToken: `tok_${seed}_bank`, gatewayTokenRef: secretReference(context.commandId, `gateway-token:${seed}-pm-bank`) },
  ];
  const appends = commands.map((data) => {
    const streamId = streams.paymentMethod(tenantId, data.paymentMethodId);
    const decided = decidePaymentMethod({ type: 'AddPaymentMethod', data, metadata: { now } }, initialPaymentMethodState);
    return { streamId, expectedRevision: 'no_stream' as const, events: decided.map((event, position) => toEventData(event, context, streamId, position)) };
  });
  await store.appendToStreams(appends);
  return appends.reduce((count, append) => count + append.events.length, 0);
}

