import { creditableOnInvoice } from '../../apps/api/src/credit-notes/commands/creditable-on-invoice.js';
import { decideCustomerCreditApplication } from '../../apps/api/src/customer-credit/customer-credit-application.js';
import {
  DomainError,
  creditNoteDecider,
  customerAccountDecider,
  invoiceDecider,
  isDomainError,
  paymentDecider,
  postingsFor,
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
import { Money } from '../../libs/money/src/index.js';
import type { Action } from './ledger-model.reference.js';

/**
 * The ledger's domain run in memory, the way the application runs it: every action is load (the states held here),
 * decide with the same deciders, then ONE atomic multi-stream append (nothing is kept unless every decision
 * succeeded), exactly the splits /tmp/contracts.md describes:
 * - payment: RecordPayment, then AllocatePayment + ApplyPaymentToInvoice per invoice + CreditCustomerAccount(overpayment)
 * - refund: RefundPayment + RefundInvoicePayment per invoice part + DebitCustomerAccount (fromCredit)
 *   + CreditCustomerAccount(store_credit_refund) for a store-credit refund
 * - credit note: CreateCreditNote + IssueCreditNote + RegisterCreditNote on the source invoice
 * - credit note application: ApplyCreditNote + ApplyCreditToInvoice or CreditCustomerAccount(credit_note)
 * - customer credit: ApplyCustomerCredit + ApplyCreditToInvoice
 * - write-off: WriteOffInvoice; void of a note: VoidCreditNote + ReleaseCreditNote on the source invoice
 * Every event gets an id and an instant like the store gives, and is posted to the general ledger with postingsFor.
 * Where the application has a pure helper for a step (what is creditable on an invoice, the two sides of a customer
 * credit application) it is used; the allocation split is the application's private function, so it is restated
 * here (harnessAllocationPlanner) and checked against the real one by the database run.
 */

export type LedgerDomainEvent = InvoiceEvent | PaymentEvent | CreditNoteEvent | CustomerAccountEvent;

export interface LoggedEvent {
  streamId: string;
  event: LedgerDomainEvent;
  eventId: string;
  recordedAt: string;
}

export type ActionResult = { outcome: 'ok' } | { outcome: 'refused'; code: string; message: string };

/** The allocation split the application makes of a new payment: from the balances now, explicit or oldest due first. */
export type AllocationPlanner = (
  request: Extract<Action, { kind: 'recordPayment' }>,
  invoices: readonly InvoiceState[],
) => { allocations: { invoiceId: string; amount: string }[]; creditAmount: string };

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

  constructor(private readonly planAllocation: AllocationPlanner) {
    super();
  }

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
        stream.decide({ type: 'IssueInvoice', data: { invoiceId: action.invoiceId, number: `INV-${this.invoiceNumber}`, issueDate: ISSUE_DATE }, metadata });
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
        // As the application does (createPayment): every invoice an explicit allocation names must be able to take money now.
        if (action.allocation.kind === 'explicit') {
          for (const asked of action.allocation.invoices) {
            const invoice = this.invoiceState(asked.invoiceId);
            if (invoice.status !== 'open' && invoice.status !== 'partially_paid') {
              throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${asked.invoiceId} is ${invoice.status}: nothing can be paid on it`, { invoiceId: asked.invoiceId });
            }
          }
        }
        const plan = this.planAllocation(action, [...this.invoices.values()]);
        payment.decide({ type: 'AllocatePayment', data: { paymentId: action.paymentId, allocations: plan.allocations, creditAmount: plan.creditAmount }, metadata });
        const appends: PendingAppend[] = [{ streamId: `payment-${action.paymentId}`, events: payment.events }];
        for (const part of plan.allocations) {
          const invoice = new Staged(this.invoiceState(part.invoiceId), invoiceDecider);
          invoice.decide({
            type: 'ApplyPaymentToInvoice',
            data: { invoiceId: part.invoiceId, paymentId: action.paymentId, amount: part.amount, currency: action.currency, method: 'cash', reference: action.reference, paymentAmount: action.amount },
            metadata,
          });
          appends.push({ streamId: `invoice-${part.invoiceId}`, events: invoice.events });
        }
        if (Money.of(plan.creditAmount, action.currency).isPositive()) {
          const account = new Staged(this.accountState(action.customerId), customerAccountDecider);
          account.decide({
            type: 'CreditCustomerAccount',
            data: { customerId: action.customerId, entryId: `${action.paymentId}:overpayment`, amount: plan.creditAmount, currency: action.currency, source: 'overpayment', sourceId: action.paymentId },
            metadata,
          });
          appends.push({ streamId: `account-${action.customerId}`, events: account.events });
        }
        return appends;
      }
      case 'refundPayment': {
        const paymentState = this.paymentState(action.paymentId);
        const payment = new Staged(paymentState, paymentDecider);
        payment.decide({
          type: 'RefundPayment',
          data: { paymentId: action.paymentId, refundId: action.refundId, amount: action.amount, method: action.method, reason: 'Customer asked for a refund' },
          metadata,
        });
        const refunded = payment.events.find((event) => event.type === 'PaymentRefunded');
        if (refunded?.type !== 'PaymentRefunded') throw new Error('harness: RefundPayment decided no PaymentRefunded');
        const { customerId, currency, invoices, fromCredit } = refunded.data;
        const appends: PendingAppend[] = [{ streamId: `payment-${action.paymentId}`, events: payment.events }];
        for (const part of invoices) {
          const invoice = new Staged(this.invoiceState(part.invoiceId), invoiceDecider);
          invoice.decide({
            type: 'RefundInvoicePayment',
            data: { invoiceId: part.invoiceId, paymentId: action.paymentId, refundId: action.refundId, amount: part.amount, currency },
            metadata,
          });
          appends.push({ streamId: `invoice-${part.invoiceId}`, events: invoice.events });
        }
        const account = new Staged(this.accountState(customerId), customerAccountDecider);
        if (Money.of(fromCredit, currency).isPositive()) {
          account.decide({
            type: 'DebitCustomerAccount',
            data: { customerId, entryId: `${action.refundId}:from-credit`, amount: fromCredit, currency, reason: 'refund', sourceId: action.refundId },
            metadata,
          });
        }
        if (action.method === 'store_credit') {
          account.decide({
            type: 'CreditCustomerAccount',
            data: { customerId, entryId: `${action.refundId}:store-credit`, amount: action.amount, currency, source: 'store_credit_refund', sourceId: action.refundId },
            metadata,
          });
        }
        appends.push({ streamId: `account-${customerId}`, events: account.events });
        return appends;
      }
      case 'issueCreditNote': {
        const note = new Staged(this.noteState(action.creditNoteId), creditNoteDecider);
        const source = action.sourceInvoiceId === null ? null : new Staged(this.invoiceState(action.sourceInvoiceId), invoiceDecider);
        // The application's own reading of what is creditable (it refuses a void or draft source first).
        const creditableOnSource = source === null || action.sourceInvoiceId === null ? null : creditableOnInvoice(source.state, action.sourceInvoiceId);
        note.decide({
          type: 'CreateCreditNote',
          data: {
            creditNoteId: action.creditNoteId,
            customerId: action.customerId,
            currency: action.currency,
            type: 'adjustment',
            reason: 'billing_error',
            lines: action.lines.map((line, index) => ({ lineId: `line-${index + 1}`, ...line })),
            sourceInvoiceId: action.sourceInvoiceId,
            creditableOnSource,
          },
          metadata,
        });
        this.noteNumber += 1;
        note.decide({ type: 'IssueCreditNote', data: { creditNoteId: action.creditNoteId, number: `CN-${this.noteNumber}`, creditableOnSource }, metadata });
        const appends: PendingAppend[] = [{ streamId: `credit_note-${action.creditNoteId}`, events: note.events }];
        if (source !== null && action.sourceInvoiceId !== null) {
          source.decide({
            type: 'RegisterCreditNote',
            data: { invoiceId: action.sourceInvoiceId, creditNoteId: action.creditNoteId, amount: note.state.total, currency: action.currency },
            metadata,
          });
          appends.push({ streamId: `invoice-${action.sourceInvoiceId}`, events: source.events });
        }
        return appends;
      }
      case 'applyCreditNote': {
        const note = new Staged(this.noteState(action.creditNoteId), creditNoteDecider);
        note.decide({
          type: 'ApplyCreditNote',
          data: { creditNoteId: action.creditNoteId, applicationId: action.applicationId, applicationType: action.applicationType, invoiceId: action.invoiceId, amount: action.amount },
          metadata,
        });
        const { customerId, currency } = note.state as { customerId: string; currency: string };
        const appends: PendingAppend[] = [{ streamId: `credit_note-${action.creditNoteId}`, events: note.events }];
        if (action.applicationType === 'invoice' && action.invoiceId !== null) {
          const invoice = new Staged(this.invoiceState(action.invoiceId), invoiceDecider);
          invoice.decide({
            type: 'ApplyCreditToInvoice',
            data: { invoiceId: action.invoiceId, applicationId: action.applicationId, source: 'credit_note', sourceId: action.creditNoteId, amount: action.amount, currency },
            metadata,
          });
          appends.push({ streamId: `invoice-${action.invoiceId}`, events: invoice.events });
        } else if (action.applicationType === 'customer_account') {
          const account = new Staged(this.accountState(customerId), customerAccountDecider);
          account.decide({
            type: 'CreditCustomerAccount',
            data: { customerId, entryId: action.applicationId, amount: action.amount, currency, source: 'credit_note', sourceId: action.creditNoteId },
            metadata,
          });
          appends.push({ streamId: `account-${customerId}`, events: account.events });
        }
        return appends;
      }
      case 'applyCustomerCredit': {
        // The application's own pure plan of the two sides (apps/api/src/customer-credit/customer-credit-application.ts).
        const { invoiceEvents, accountEvents } = decideCustomerCreditApplication(
          { customerId: action.customerId, invoiceId: action.invoiceId, applicationId: action.applicationId, amount: action.amount, currency: action.currency },
          this.invoiceState(action.invoiceId),
          this.accountState(action.customerId),
          now,
        );
        return [
          { streamId: `account-${action.customerId}`, events: accountEvents },
          { streamId: `invoice-${action.invoiceId}`, events: invoiceEvents },
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
    const events = this.decider.decide(command, this.state);
    for (const event of events) {
      this.events.push(event);
      this.state = this.decider.evolve(this.state, event);
    }
  }
}

/**
 * The allocation split, written the way the application is described to make it (contracts: explicitly, or oldest
 * due first; excess to the customer's credit). Only used when the application exposes no pure planner of its own.
 */
export const harnessAllocationPlanner: AllocationPlanner = (request, invoices) => {
  const { currency } = request;
  const amount = Money.of(request.amount, currency);
  let left = amount;
  const owing = (state: InvoiceState) => state.status === 'open' || state.status === 'partially_paid';
  const candidates: { invoice: InvoiceState; cap: Money }[] =
    request.allocation.kind === 'explicit'
      ? request.allocation.invoices.map((asked) => ({ invoice: invoices.find((state) => state.invoiceId === asked.invoiceId) as InvoiceState, cap: Money.of(asked.amount, currency) }))
      : invoices
          .filter((state) => state.customerId === request.customerId && state.currency === currency && owing(state))
          .sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || (a.issuedAt ?? '').localeCompare(b.issuedAt ?? ''))
          .map((invoice) => ({ invoice, cap: amount }));
  const allocations: { invoiceId: string; amount: string }[] = [];
  for (const { invoice, cap } of candidates) {
    if (!owing(invoice) || invoice.invoiceId === null) continue;
    const part = Money.min(Money.min(cap, Money.of(invoice.balanceDue, currency)), left);
    if (!part.isPositive()) continue;
    allocations.push({ invoiceId: invoice.invoiceId, amount: part.toString() });
    left = left.minus(part);
  }
  return { allocations, creditAmount: left.toString() };
};
