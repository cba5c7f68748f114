import { parseComputedDecimal } from '../../libs/money/src/index.js';
import { overdueDateOf, paymentReminderDateOf, startOfDayInZone, type InvoiceEvent } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import { aggregates } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { dueWorkProjection, type DueWorkEntry, type DueWorkProjection } from '../../libs/scheduler/src/index.js';

/** The due-work kinds of invoices, one handler each (libs/ledger-application/src/invoices/invoice-due-work.handlers.ts). */
export const invoiceWorkKinds = {
  overdue: 'invoice.overdue',
  paymentReminder: 'invoice.payment_reminder',
  lateFee: 'invoice.late_fee',
} as const;

/** What an invoice's due work carries to its handler (constant for the life of the work, so finished work stays finished). */
export interface InvoiceWorkPayload {
  readonly invoiceId: string;
  readonly dueDate: string;
  /** The reminder's days before the due date (payment reminders only, else null). */
  readonly daysBeforeDue: number | null;
}

/**
 * The zone whose days begin last (UTC-12): an invoice issued without a recorded zone (before InvoiceIssued carried
 * it, or without settings) becomes overdue at the start of the day after its due date there, when that day has begun
 * in every zone, so it is never marked overdue while it is still its due date for the tenant.
 */
export const LATEST_DAY_START_ZONE = 'Etc/GMT+12';

/**
 * An invoice as its due work needs it, folded from its events (kept as JSON by the due-work projection). `standing`:
 * `owing` while issued with a balance left; `settled` when nothing is owed (paid, or credited to zero); `void` and
 * `written_off` as the invoice. `owingSince` is when the invoice last started to owe (its issue, or a refund that
 * reopened it): work due before then is not stated, so a reopened invoice never gets a reminder for a day it owed
 * nothing, nor an overdue mark dated while it was paid.
 */
export interface InvoiceDueWorkState {
  readonly invoiceId: string | null;
  readonly standing: 'none' | 'draft' | 'owing' | 'settled' | 'void' | 'written_off';
  readonly issueDate: string | null;
  readonly dueDate: string | null;
  readonly timeZone: string | null;
  /** Largest first; empty when the invoice recorded no schedule. */
  readonly reminderScheduleDays: readonly number[];
  readonly owingSince: string | null;
  readonly becameOverdueAt: string | null;
  readonly remindedDays: readonly number[];
}

export const initialInvoiceDueWorkState: InvoiceDueWorkState = {
  invoiceId: null,
  standing: 'none',
  issueDate: null,
  dueDate: null,
  timeZone: null,
  reminderScheduleDays: [],
  owingSince: null,
  becameOverdueAt: null,
  remindedDays: [],
};

/** The state after one invoice event: only what the due work depends on (the balance comes from the events' `balanceDueAfter`). */
export function evolveInvoiceDueWork(state: InvoiceDueWorkState, event: InvoiceEvent): InvoiceDueWorkState {
  switch (event.type) {
    case 'InvoiceDrafted':
      return { ...initialInvoiceDueWorkState, invoiceId: event.data.invoiceId, standing: 'draft' };
    case 'InvoiceIssued': {
      const { data } = event;
      const owing = parseComputedDecimal(data.total).gt(0);
      return {
        ...state,
        invoiceId: data.invoiceId,
        standing: owing ? 'owing' : 'settled',
        issueDate: data.issueDate,
        dueDate: data.dueDate,
        timeZone: data.timeZone ?? null,
        reminderScheduleDays: [...(data.reminderScheduleDays ?? [])].sort((a, b) => b - a),
        owingSince: owing ? data.issuedAt : null,
      };
    }
    case 'InvoicePaymentRecorded':
      return withBalance(state, event.data.balanceDueAfter, event.data.recordedAt);
    case 'InvoicePaymentApplied':
      return withBalance(state, event.data.balanceDueAfter, event.data.appliedAt);
    case 'InvoiceCreditApplied':
      return withBalance(state, event.data.balanceDueAfter, event.data.appliedAt);
    case 'InvoicePaymentRefunded':
      return withBalance(state, event.data.balanceDueAfter, event.data.refundedAt);
    case 'InvoiceWrittenOff':
      return { ...state, standing: 'written_off', owingSince: null };
    case 'InvoiceVoided':
      return { ...state, standing: 'void', owingSince: null };
    case 'InvoiceBecameOverdue':
      return { ...state, becameOverdueAt: event.data.becameOverdueAt };
    case 'InvoicePaymentReminderDue':
      return { ...state, remindedDays: [...state.remindedDays, event.data.daysBeforeDue] };
    case 'InvoiceLineAdded':
    case 'InvoiceLineRemoved':
    case 'InvoiceTaxCalculated':
    case 'InvoiceCreditNoteRegistered':
    case 'InvoiceCreditNoteReleased':
      return state;
    default:
      return assertNever(event, 'invoice event');
  }
}

/** A movement of money or credit left `balanceDueAfter`: owing again from `at` if it reopened a settled or written-off invoice. */
function withBalance(state: InvoiceDueWorkState, balanceDueAfter: string, at: string): InvoiceDueWorkState {
  if (state.standing === 'void' || state.standing === 'none' || state.standing === 'draft') return state;
  if (!parseComputedDecimal(balanceDueAfter).gt(0)) return { ...state, standing: 'settled', owingSince: null };
  return state.standing === 'owing' ? state : { ...state, standing: 'owing', owingSince: at };
}

/**
 * An invoice's pending work, exactly what its decider will accept (MarkInvoiceOverdue, MarkPaymentReminderDue) and
 * nothing else, all in the lane `invoice:<id>` so that one invoice's pieces run one at a time, in due order:
 *
 * - `invoice:<id>:reminder:<days>`, for each day of the schedule recorded at issue that lies after the issue date, has
 *   not passed while the invoice owed nothing, and was not reminded yet (nor a later day), at the start of that day in
 *   the invoice's zone, while it owes a balance and is not overdue;
 * - `invoice:<id>:overdue`, at the start of the day after the due date (or, for a reopened invoice, when it reopened),
 *   while it owes a balance and was not marked overdue;
 * - `invoice:<id>:late_fee`, at the instant it became overdue, stated once and never changed: its handler reads the
 *   late-fee percentage and the invoice at run time, and a finished row stays finished whatever happens next.
 *
 * Settling the invoice (paid, credited to zero, void, written off) withdraws the reminders and the overdue mark.
 */
export function invoiceDueWorkOf(state: InvoiceDueWorkState): DueWorkEntry[] {
  const { invoiceId, dueDate, issueDate } = state;
  if (invoiceId === null || dueDate === null || issueDate === null) return [];
  const lane = `invoice:${invoiceId}`;
  const entry = (key: string, kind: string, dueAt: string, daysBeforeDue: number | null): DueWorkEntry => {
    const payload: InvoiceWorkPayload = { invoiceId, dueDate, daysBeforeDue };
    return { workKey: `${lane}:${key}`, kind, dueAt, payload: { ...payload }, lane };
  };
  const entries: DueWorkEntry[] = [];
  if (state.becameOverdueAt !== null) entries.push(entry('late_fee', invoiceWorkKinds.lateFee, state.becameOverdueAt, null));
  if (state.standing !== 'owing' || state.owingSince === null || state.becameOverdueAt !== null) return entries;
  const owingSince = Date.parse(state.owingSince);
  if (state.timeZone !== null) {
    const lastReminded = Math.min(Number.POSITIVE_INFINITY, ...state.remindedDays);
    for (const days of state.reminderScheduleDays) {
      if (days >= lastReminded) continue;
      const reminderDate = paymentReminderDateOf(dueDate, days);
      const dueAt = startOfDayInZone(reminderDate, state.timeZone);
      if (reminderDate > issueDate && Date.parse(dueAt) >= owingSince) entries.push(entry(`reminder:${days}`, invoiceWorkKinds.paymentReminder, dueAt, days));
    }
  }
  const overdueAt = startOfDayInZone(overdueDateOf(dueDate), state.timeZone ?? LATEST_DAY_START_ZONE);
  entries.push(entry('overdue', invoiceWorkKinds.overdue, Date.parse(overdueAt) >= owingSince ? overdueAt : new Date(owingSince).toISOString(), null));
  return entries;
}

/**
 * The events the due work depends on: the issue, every movement of the balance, the end of the invoice, and the
 * work's own results. Drafting, lines, tax and credit-note registrations change nothing here, so they are not read
 * (a draft of 200 lines costs the fold nothing).
 */
export const invoiceDueWorkEventTypes: readonly string[] = [
  'InvoiceIssued',
  'InvoicePaymentRecorded',
  'InvoicePaymentApplied',
  'InvoiceCreditApplied',
  'InvoicePaymentRefunded',
  'InvoiceWrittenOff',
  'InvoiceVoided',
  'InvoiceBecameOverdue',
  'InvoicePaymentReminderDue',
] satisfies readonly InvoiceEvent['type'][];

/**
 * The scheduler's work for invoices (libs/scheduler/README.md, "Due work"), in fold mode: each invoice's state is
 * folded from its events (evolveInvoiceDueWork) and its pending work after every event is exactly invoiceDueWorkOf.
 * The due instants come from the invoice's own events (InvoiceIssued carries the tenant's zone and reminder schedule
 * at issue), so no settings are read; the handlers read the settings that decide at run time (are reminders on, is
 * the day still in the schedule, the late-fee percentage). See docs/overdue.md.
 */
export const invoiceDueWorkProjection: DueWorkProjection = dueWorkProjection<InvoiceDueWorkState>({
  name: 'invoice_due_work',
  version: 1,
  eventTypes: invoiceDueWorkEventTypes,
  fold: {
    entityOf: (event: RecordedEvent) => String((event.data as { invoiceId?: unknown }).invoiceId),
    initialState: initialInvoiceDueWorkState,
    evolve: (state: InvoiceDueWorkState, event: RecordedEvent) => evolveInvoiceDueWork(state, aggregates.invoice.parse(event)),
    dueWork: invoiceDueWorkOf,
  },
});
