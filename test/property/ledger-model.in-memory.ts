import {
  creditableOnInvoice,
  creditNoteApplicationReadsOf,
  creditNoteDecider,
  customerAccountDecider,
  decideCreditNoteApplication,
  decideCreditNoteDraft,
  decideCustomerCreditApplication,
  decideRefund,
  defaultBillingSettings,
  invoiceDecider,
  isDomainError,
  paymentDecider,
  planAllocation,
  postingsFor,
  refundReadsOf,
  requireAcceptablePayment,
  type BillingSettings,
  type CreditNoteCommand,
  type CreditNoteEvent,
  type CreditNoteState,
  type CustomerAccountCommand,
  type CustomerAccountEvent,
  type CustomerAccountState,
  type InvoiceCommand,
  type InvoiceEvent,
  type InvoiceState,
  type JournalEntry,
  type LedgerPostingContext,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
} from '../../libs/billing/src/index.js';
import { modelCurrencies, type Action } from './ledger-model.reference.js';

/**
 * The ledger's domain run in memory, the way the application runs it: every action is load (the states held here),
 * decide, then ONE atomic multi-stream append (nothing is kept unless every decision succeeded). Where a command
 * spans aggregates, the action calls the same libs/billing function as the command handler, so this run checks the
 * code that runs:
 * - payment: RecordPayment, requireAcceptablePayment (as createPayment), then planAllocation (as allocatePayment)
 * - refund: refundReadsOf and decideRefund (as refundPayment)
 * - credit note: decideCreditNoteDraft (as createCreditNote), then IssueCreditNote with creditableOnInvoice and
 *   RegisterCreditNote on the source invoice (as issueCreditNote)
 * - credit note application: creditNoteApplicationReadsOf and decideCreditNoteApplication (as applyCreditNote)
 * - customer credit: decideCustomerCreditApplication (as applyCredit)
 * - write-off: WriteOffInvoice; void of a note: VoidCreditNote + ReleaseCreditNote on the source invoice
 * Every event gets an id and an instant like the store gives, and is posted to the general ledger with postingsFor.
 */

export type LedgerDomainEvent = InvoiceEvent | PaymentEvent | CreditNoteEvent | CustomerAccountEvent;

export interface LoggedEvent {
  streamId: string;
  event: LedgerDomainEvent;
  eventId: string;
  recordedAt: string;
}

export type ActionResult = { outcome: 'ok' } | { outcome: 'refused'; code: string; message: string };

/** The tenant's settings in memory: the defaults, with every currency the model uses supported (as the database run sets them). */
const settings: BillingSettings = { ...defaultBillingSettings, payment: { ...defaultBillingSettings.payment, supportedCurrencies: [...modelCurrencies] } };

const ISSUE_DATE = '2026-03-02';

interface PendingAppend {
  streamId: string;
  events: LedgerDomainEvent[];
}

/**
 * The folds of a log of events, by stream: decider evolve over each stream's events, and every event posted to the
 * general ledger with postingsFor (with its context from the log). The in-memory ledger folds as it appends; the
 * folds of stored events (ledger-model.application.ts) fold what the database run stored.
 */
export abstract class LoggedEventFolds {
  abstract readonly log: readonly LoggedEvent[];
  readonly entries: JournalEntry[] = [];
  readonly invoices = new Map<string, InvoiceState>();
  readonly payments = new Map<string, PaymentState>();
  readonly notes = new Map<string, CreditNoteState>();
  readonly accounts = new Map<string, CustomerAccountState>();

  /** Folds one event of the log into its stream's state and posts it to the ledger. */
  protected fold({ streamId, event, eventId, recordedAt }: LoggedEvent): void {
    const [kind, ...rest] = streamId.split('-');
    const id = rest.join('-');
    switch (kind) {
      case 'invoice':
        this.invoices.set(id, invoiceDecider.evolve(this.invoiceState(id), event as InvoiceEvent));
        break;
      case 'payment':
        this.payments.set(id, paymentDecider.evolve(this.paymentState(id), event as PaymentEvent));
        break;
      case 'credit_note':
        this.notes.set(id, creditNoteDecider.evolve(this.noteState(id), event as CreditNoteEvent));
        break;
      case 'account':
        this.accounts.set(id, customerAccountDecider.evolve(this.accountState(id), event as CustomerAccountEvent));
        break;
      default:
        throw new Error(`harness: unknown stream ${streamId}`);
    }
    this.entries.push(...postingsFor({ ...event, eventId, recordedAt } as Parameters<typeof postingsFor>[0], postingContextOf(event, this.log)));
  }

  invoiceState(id: string): InvoiceState {
    return this.invoices.get(id) ?? invoiceDecider.initialState;
  }

  paymentState(id: string): PaymentState {
    return this.payments.get(id) ?? paymentDecider.initialState;
  }

  noteState(id: string): CreditNoteState {
    return this.notes.get(id) ?? creditNoteDecider.initialState;
  }

  accountState(customerId: string): CustomerAccountState {
    return this.accounts.get(customerId) ?? customerAccountDecider.initialState;
  }

  /** Every event of one invoice's stream, in order (what loadStream would read). */
  invoiceEvents(id: string): LedgerDomainEvent[] {
    return this.log.filter((logged) => logged.streamId === `invoice-${id}`).map((logged) => logged.event);
  }

  /** The model's id of an id stored inside an event; the same id unless the ledger stored others. */
  modelIdOf(storedId: string): string {
    return storedId;
  }
}

export class InMemoryLedger extends LoggedEventFolds {
  readonly log: LoggedEvent[] = [];
  /** Invoices in the order they were issued: what a read model would list. */
  readonly invoiceOrder: string[] = [];
  private tick = 0;
  private invoiceNumber = 0;
  private noteNumber = 0;

  private now(): string {
    this.tick += 1;
    return new Date(Date.parse('2026-03-02T09:00:00.000Z') + this.tick * 1000).toISOString();
  }

  execute(action: Action): ActionResult {
    const now = this.now();
    let appends: PendingAppend[];
    try {
      appends = this.decide(action, now);
    } catch (error) {
      if (isDomainError(error)) return { outcome: 'refused', code: error.code, message: error.message };
      throw error;
    }
    this.commit(appends, now);
    return { outcome: 'ok' };
  }

  private decide(action: Action, now: string): PendingAppend[] {
    const metadata = { now };
    switch (action.kind) {
      case 'issueInvoice': {
        const stream = new Staged(this.invoiceState(action.invoiceId), invoiceDecider);
        stream.decide({
          type: 'CreateInvoice',
          data: {
            invoiceId: action.invoiceId,
            customerId: action.customerId,
            currency: action.currency,
            lines: action.lines.map((line, index) => ({ lineId: `line-${index + 1}`, ...line })),
            paymentTermsDays: action.paymentTermsDays,
          },
          metadata,
        });
        this.invoiceNumber += 1;
        // Zero-padded like the tenant's template: oldest due first orders equal due dates by number, in issue order.
        stream.decide({ type: 'IssueInvoice', data: { invoiceId: action.invoiceId, number: `INV-${String(this.invoiceNumber).padStart(6, '0')}`, issueDate: ISSUE_DATE }, metadata });
        return [{ streamId: `invoice-${action.invoiceId}`, events: stream.events }];
      }
      case 'recordPayment': {
        const payment = new Staged(this.paymentState(action.paymentId), paymentDecider);
        payment.decide({
          type: 'RecordPayment',
          data: {
            paymentId: action.paymentId,
            customerId: action.customerId,
            amount: action.amount,
            currency: action.currency,
            method: 'cash',
            reference: action.reference,
            allocation: action.allocation,
          },
          metadata,
        });
        const named = action.allocation.kind === 'explicit' ? action.allocation.invoices.map(({ invoiceId }) => ({ invoiceId, state: this.invoiceState(invoiceId) })) : [];
        requireAcceptablePayment({ payment: payment.state, paymentMethod: null, invoices: named });
        // Explicit: over the invoices named; oldest due first: over every invoice (the split keeps the payer's open ones).
        const candidates = action.allocation.kind === 'explicit' ? named : [...this.invoices].map(([invoiceId, state]) => ({ invoiceId, state }));
        const plan = planAllocation({ payment: payment.state, invoices: candidates, account: this.accountState(action.customerId), ids: { overpaymentEntryId: `${action.paymentId}:overpayment` }, now });
        return [
          { streamId: `payment-${action.paymentId}`, events: [...payment.events, ...plan.payment] },
          ...[...plan.invoices].map(([invoiceId, events]) => ({ streamId: `invoice-${invoiceId}`, events })),
          { streamId: `account-${action.customerId}`, events: plan.account },
        ];
      }
      case 'refundPayment': {
        const payment = this.paymentState(action.paymentId);
        const { invoiceIds, customerId } = refundReadsOf(payment);
        const decided = decideRefund({
          settings,
          payment,
          invoices: new Map(invoiceIds.map((invoiceId) => [invoiceId, this.invoiceState(invoiceId)])),
          account: customerId === null ? null : this.accountState(customerId),
          command: { paymentId: action.paymentId, amount: action.amount, method: action.method, reason: 'Customer asked for a refund' },
          ids: { refundId: action.refundId, creditTakenBackEntryId: `${action.refundId}:from-credit`, storeCreditEntryId: `${action.refundId}:store-credit` },
          now,
        });
        return [
          { streamId: `payment-${action.paymentId}`, events: decided.payment },
          ...[...decided.invoices].map(([invoiceId, events]) => ({ streamId: `invoice-${invoiceId}`, events })),
          ...(customerId === null ? [] : [{ streamId: `account-${customerId}`, events: decided.account }]),
        ];
      }
      case 'issueCreditNote': {
        const sourceInvoiceId = action.sourceInvoiceId;
        const source = sourceInvoiceId === null ? null : new Staged(this.invoiceState(sourceInvoiceId), invoiceDecider);
        const note = new Staged(this.noteState(action.creditNoteId), creditNoteDecider);
        note.record(
          decideCreditNoteDraft({
            settings,
            note: note.state,
            sourceInvoice: source?.state ?? null,
            command: {
              creditNoteId: action.creditNoteId,
              customerId: action.customerId,
              currency: action.currency,
              type: 'adjustment',
              reason: 'billing_error',
              lines: action.lines.map((line, index) => ({ lineId: `line-${index + 1}`, ...line })),
              sourceInvoiceId,
            },
            now,
          }),
        );
        // As issueCreditNote: what is creditable on the source is read again at issue, and the note registered there.
        const creditableOnSource = source === null || sourceInvoiceId === null ? null : creditableOnInvoice(source.state, sourceInvoiceId);
        this.noteNumber += 1;
        note.decide({ type: 'IssueCreditNote', data: { creditNoteId: action.creditNoteId, number: `CN-${this.noteNumber}`, creditableOnSource }, metadata });
        const appends: PendingAppend[] = [{ streamId: `credit_note-${action.creditNoteId}`, events: note.events }];
        if (source !== null && sourceInvoiceId !== null) {
          source.decide({
            type: 'RegisterCreditNote',
            data: { invoiceId: sourceInvoiceId, creditNoteId: action.creditNoteId, amount: note.state.total, currency: action.currency },
            metadata,
          });
          appends.push({ streamId: `invoice-${sourceInvoiceId}`, events: source.events });
        }
        return appends;
      }
      case 'applyCreditNote': {
        const note = this.noteState(action.creditNoteId);
        const command = { creditNoteId: action.creditNoteId, applicationType: action.applicationType, invoiceId: action.invoiceId, amount: action.amount };
        const { invoiceId, customerId } = creditNoteApplicationReadsOf(note, command);
        const decided = decideCreditNoteApplication({
          note,
          invoice: invoiceId === null ? null : this.invoiceState(invoiceId),
          account: customerId === null ? null : this.accountState(customerId),
          command,
          ids: { applicationId: action.applicationId },
          now,
        });
        return [
          { streamId: `credit_note-${action.creditNoteId}`, events: decided.note },
          ...(invoiceId === null ? [] : [{ streamId: `invoice-${invoiceId}`, events: decided.invoice }]),
          ...(customerId === null ? [] : [{ streamId: `account-${customerId}`, events: decided.account }]),
        ];
      }
      case 'applyCustomerCredit': {
        const decided = decideCustomerCreditApplication({
          invoice: this.invoiceState(action.invoiceId),
          account: this.accountState(action.customerId),
          command: { customerId: action.customerId, invoiceId: action.invoiceId, amount: action.amount, currency: action.currency },
          ids: { applicationId: action.applicationId },
          now,
        });
        return [
          { streamId: `account-${action.customerId}`, events: decided.account },
          { streamId: `invoice-${action.invoiceId}`, events: decided.invoice },
        ];
      }
      case 'writeOffInvoice': {
        const invoice = new Staged(this.invoiceState(action.invoiceId), invoiceDecider);
        invoice.decide({ type: 'WriteOffInvoice', data: { invoiceId: action.invoiceId, reason: action.reason }, metadata });
        return [{ streamId: `invoice-${action.invoiceId}`, events: invoice.events }];
      }
      case 'voidInvoice': {
        const invoice = new Staged(this.invoiceState(action.invoiceId), invoiceDecider);
        invoice.decide({ type: 'VoidInvoice', data: { invoiceId: action.invoiceId, reason: action.reason }, metadata });
        return [{ streamId: `invoice-${action.invoiceId}`, events: invoice.events }];
      }
      case 'voidCreditNote': {
        const before = this.noteState(action.creditNoteId);
        const note = new Staged(before, creditNoteDecider);
        note.decide({ type: 'VoidCreditNote', data: { creditNoteId: action.creditNoteId, reason: action.reason }, metadata });
        const appends: PendingAppend[] = [{ streamId: `credit_note-${action.creditNoteId}`, events: note.events }];
        const sourceInvoiceId = before.sourceInvoiceId;
        if (sourceInvoiceId !== null && before.status === 'issued' && before.currency !== null) {
          const invoice = new Staged(this.invoiceState(sourceInvoiceId), invoiceDecider);
          invoice.decide({ type: 'ReleaseCreditNote', data: { invoiceId: sourceInvoiceId, creditNoteId: action.creditNoteId, amount: before.remaining, currency: before.currency }, metadata });
          appends.push({ streamId: `invoice-${sourceInvoiceId}`, events: invoice.events });
        }
        return appends;
      }
      default:
        throw new Error(`harness: unknown action ${JSON.stringify(action)}`);
    }
  }

  /** The append: every stream's events at once, each folded into its state and posted to the ledger. */
  private commit(appends: readonly PendingAppend[], now: string): void {
    for (const { streamId, events } of appends) {
      for (const event of events) {
        const logged: LoggedEvent = { streamId, event, eventId: `evt-${this.log.length + 1}`, recordedAt: now };
        this.log.push(logged);
        this.fold(logged);
      }
    }
  }

  protected override fold(logged: LoggedEvent): void {
    const invoiceId = logged.streamId.startsWith('invoice-') ? logged.streamId.slice('invoice-'.length) : null;
    if (invoiceId !== null && !this.invoices.has(invoiceId)) this.invoiceOrder.push(invoiceId);
    super.fold(logged);
  }
}

/**
 * What a posting rule needs beyond the event: for InvoiceVoided, the InvoiceIssued figures of that invoice (null if it
 * was never issued), which the general-ledger projection keeps for the same purpose.
 */
export function postingContextOf(event: LedgerDomainEvent, log: readonly LoggedEvent[]): LedgerPostingContext {
  if (event.type !== 'InvoiceVoided') return {};
  const issued = log.find((logged) => logged.event.type === 'InvoiceIssued' && logged.event.data.invoiceId === event.data.invoiceId);
  return { issuedInvoice: issued?.event.type === 'InvoiceIssued' ? issued.event.data : null };
}

type AnyCommand = InvoiceCommand | PaymentCommand | CreditNoteCommand | CustomerAccountCommand;

/** One stream's decisions within an action: each command is decided on the state after the previous ones. */
class Staged<Command extends AnyCommand, Event, State> {
  readonly events: Event[] = [];

  constructor(
    public state: State,
    private readonly decider: { decide(command: Command, state: State): Event[]; evolve(state: State, event: Event): State },
  ) {}

  decide(command: Command): void {
    this.record(this.decider.decide(command, this.state));
  }

  /** Events decided elsewhere (a libs/billing function over several streams) on this stream's current state. */
  record(events: readonly Event[]): void {
    for (const event of events) {
      this.events.push(event);
      this.state = this.decider.evolve(this.state, event);
    }
  }
}
