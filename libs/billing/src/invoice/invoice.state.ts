import { Money } from '../../../money/src/index.js';
import { assertNever } from '../common/assert-never.js';
import type { PaymentMethodType } from '../payment/payment.method-types.js';
import type { TaxRounding } from '../tax/tax-rate.js';
import type { InvoiceCreditSource, InvoiceEvent, LockedExchangeRate, InvoiceTaxBreakdownEntry } from './invoice.events.js';
import { explicitlyPricedLine, pricedInvoiceTotals, taxBreakdownOf, type PricedInvoiceLine } from './invoice.tax.js';

/**
 * 'none' is a stream without events. 'written_off': the remaining balance was written off as uncollectable (nothing
 * is due; a later refund of a payment applied here reopens a balance).
 *
 * This is the invoice's settlement status, which every rule about money reads (an overdue invoice takes payments and
 * credit like an open one). Overdue is recorded beside it (`overdue`, from InvoiceBecameOverdue) rather than in it, so
 * that no such rule has to learn a status that means "open, and late": the status the invoice shows is
 * effectiveInvoiceStatusOf (docs/overdue.md).
 */
export type InvoiceLifecycleStatus = 'none' | 'draft' | 'open' | 'partially_paid' | 'paid' | 'void' | 'written_off';

/** The status an invoice shows: its settlement status, or 'overdue' for an open or partially paid one that became overdue. */
export type InvoiceEffectiveStatus = InvoiceLifecycleStatus | 'overdue';

/** InvoiceBecameOverdue as the invoice remembers it: when, and the balance it had then (a late fee's base). */
export interface InvoiceOverdue {
  becameOverdueAt: string;
  balanceDue: string;
}

/** A payment reminder that fell due (InvoicePaymentReminderDue). */
export interface InvoicePaymentReminder {
  daysBeforeDue: number;
  dueAt: string;
}

/**
 * What the invoice remembers of each payment recorded against it (legacy InvoicePaymentRecorded) or applied to it
 * (InvoicePaymentApplied). `amount` is the whole payment, `appliedAmount` what reduced this invoice's balance and
 * `excessAmount` the rest: for a legacy payment what went to the customer's credit; for an applied payment what the
 * allocator gave to other invoices or to the customer's credit. `recordedAt` is when it reached this invoice.
 */
export interface InvoicePaymentReference {
  paymentId: string;
  method: PaymentMethodType;
  reference: string;
  amount: string;
  appliedAmount: string;
  excessAmount: string;
  recordedAt: string;
}

/**
 * What one payment did to this invoice: `appliedAmount` reduced the balance (by InvoicePaymentApplied, or the applied
 * part of a legacy InvoicePaymentRecorded), `reopenedAmount` is what refunds of that payment gave back to the balance.
 * A refund may reopen at most appliedAmount - reopenedAmount.
 */
export interface InvoicePaymentApplication {
  paymentId: string;
  appliedAmount: string;
  reopenedAmount: string;
  appliedAt: string;
}

/** Credit applied to the invoice (from a credit note or the customer's credit balance), by its application id. */
export interface InvoiceCreditApplication {
  applicationId: string;
  source: InvoiceCreditSource;
  sourceId: string;
  amount: string;
  appliedAt: string;
}

/** A refund of a payment that reopened part of the balance, by its refund id. */
export interface InvoicePaymentRefund {
  refundId: string;
  paymentId: string;
  amount: string;
  refundedAt: string;
}

/** A credit note whose source is this invoice: `amount` its total, `releasedAmount` what its void gave back (null while not voided). */
export interface InvoiceRegisteredCreditNote {
  creditNoteId: string;
  amount: string;
  releasedAmount: string | null;
  registeredAt: string;
}

/**
 * Amounts are decimal strings fixed to the currency's minor unit ("0" before the invoice exists). Totals follow the
 * lines while the invoice is a draft and are frozen at issue. `balanceDue` is what the customer owes on this
 * invoice: zero while it is a draft (nothing is receivable before issue) and once it is void.
 */
export interface InvoiceState {
  status: InvoiceLifecycleStatus;
  invoiceId: string | null;
  customerId: string | null;
  currency: string | null;
  /** The lines with their tax figures (from their own events, then from the latest InvoiceTaxCalculated). */
  lines: PricedInvoiceLine[];
  /** The tax by rate: follows the lines while a draft, frozen at issue. */
  taxBreakdown: InvoiceTaxBreakdownEntry[];
  /** How the latest automatic tax calculation was made; null while none was (no settings, or nothing to tax). */
  taxCalculation: { pricesIncludeTax: boolean; rounding: TaxRounding; taxExempt: boolean; calculatedAt: string } | null;
  /** The explicit due date while a draft (null means "use the payment terms"); the effective one once issued. */
  dueDate: string | null;
  paymentTermsDays: number;
  draftedAt: string | null;
  number: string | null;
  issueDate: string | null;
  issuedAt: string | null;
  subtotal: string;
  taxTotal: string;
  total: string;
  /** Every payment applied (legacy recorded payments' applied parts included), before refunds. */
  amountPaid: string;
  /** Credit applied (credit notes and customer credit). */
  amountCredited: string;
  /** What refunds of applied payments reopened. */
  amountRefunded: string;
  amountWrittenOff: string;
  /**
   * Issued invoices: total - amountPaid - amountCredited + amountRefunded - amountWrittenOff (never negative).
   * Zero while a draft and once void.
   */
  balanceDue: string;
  /** What credit notes may still take from this invoice: total - registered notes + released notes ("0" before issue). */
  creditableAmount: string;
  /** Ids of every payment recorded or applied here. */
  paymentIds: string[];
  /** Every payment recorded on the invoice itself (legacy RecordInvoicePayment) or applied to it, in order. */
  payments: InvoicePaymentReference[];
  /** Per payment (recorded or applied), what it applied and what refunds reopened. */
  paymentApplications: InvoicePaymentApplication[];
  creditApplications: InvoiceCreditApplication[];
  refunds: InvoicePaymentRefund[];
  creditNotes: InvoiceRegisteredCreditNote[];
  writtenOffAt: string | null;
  writeOffReason: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  /** Set at issue when the command carried settings: the reporting currency, the locked rate and the converted total. */
  reportingCurrency: string | null;
  exchangeRate: LockedExchangeRate | null;
  reportingTotal: string | null;
  /** The tenant's zone recorded at issue (InvoiceIssued.timeZone); null before issue or when none was recorded. */
  timeZone: string | null;
  /** The reminder schedule recorded at issue, largest first; null before issue or when none was recorded. */
  reminderScheduleDays: number[] | null;
  /** Set once by InvoiceBecameOverdue, and kept: a refund that reopens a settled invoice makes it show overdue again. */
  overdue: InvoiceOverdue | null;
  /** The payment reminders that fell due, in order. */
  paymentReminders: InvoicePaymentReminder[];
}

export const defaultPaymentTermsDays = 30;

export const initialInvoiceState: InvoiceState = {
  status: 'none',
  invoiceId: null,
  customerId: null,
  currency: null,
  lines: [],
  taxBreakdown: [],
  taxCalculation: null,
  dueDate: null,
  paymentTermsDays: defaultPaymentTermsDays,
  draftedAt: null,
  number: null,
  issueDate: null,
  issuedAt: null,
  subtotal: '0',
  taxTotal: '0',
  total: '0',
  amountPaid: '0',
  amountCredited: '0',
  amountRefunded: '0',
  amountWrittenOff: '0',
  balanceDue: '0',
  creditableAmount: '0',
  paymentIds: [],
  payments: [],
  paymentApplications: [],
  creditApplications: [],
  refunds: [],
  creditNotes: [],
  writtenOffAt: null,
  writeOffReason: null,
  voidedAt: null,
  voidReason: null,
  reportingCurrency: null,
  exchangeRate: null,
  reportingTotal: null,
  timeZone: null,
  reminderScheduleDays: null,
  overdue: null,
  paymentReminders: [],
};

/** Applies one event. Events are facts: evolve never validates or throws for business reasons. */
export function evolveInvoice(state: InvoiceState, event: InvoiceEvent): InvoiceState {
  switch (event.type) {
    case 'InvoiceDrafted': {
      const { data } = event;
      const zero = Money.zero(data.currency).toString();
      return {
        ...initialInvoiceState,
        status: 'draft',
        invoiceId: data.invoiceId,
        customerId: data.customerId,
        currency: data.currency,
        dueDate: data.dueDate,
        paymentTermsDays: data.paymentTermsDays,
        draftedAt: data.draftedAt,
        ...pricedLines(data.lines.map(explicitlyPricedLine), data.currency),
        amountPaid: zero,
        amountCredited: zero,
        amountRefunded: zero,
        amountWrittenOff: zero,
        balanceDue: zero,
        creditableAmount: zero,
      };
    }
    case 'InvoiceLineAdded':
      return withLines(state, [...state.lines, explicitlyPricedLine(event.data.line)]);
    case 'InvoiceLineRemoved':
      return withLines(
        state,
        state.lines.filter((line) => line.lineId !== event.data.lineId),
      );
    case 'InvoiceTaxCalculated': {
      const { data } = event;
      const figures = new Map(data.lines.map((line) => [line.lineId, line]));
      return {
        ...state,
        lines: state.lines.map((line) => {
          const figure = figures.get(line.lineId);
          return figure === undefined ? line : { ...line, netAmount: figure.netAmount, taxAmount: figure.taxAmount, taxes: figure.taxes };
        }),
        taxBreakdown: data.breakdown,
        taxCalculation: { pricesIncludeTax: data.pricesIncludeTax, rounding: data.rounding, taxExempt: data.taxExempt, calculatedAt: data.calculatedAt },
        subtotal: data.subtotal,
        taxTotal: data.taxTotal,
        total: data.total,
      };
    }
    case 'InvoiceIssued': {
      const { data } = event;
      // A zero-total invoice owes nothing from the moment it is issued, so it is paid at once (see decider).
      const paidAtIssue = Money.of(data.total, data.currency).isZero();
      return {
        ...state,
        status: paidAtIssue ? 'paid' : 'open',
        number: data.number,
        issueDate: data.issueDate,
        issuedAt: data.issuedAt,
        dueDate: data.dueDate,
        subtotal: data.subtotal,
        taxTotal: data.taxTotal,
        total: data.total,
        balanceDue: data.total,
        creditableAmount: data.total,
        taxBreakdown: data.taxBreakdown ?? state.taxBreakdown,
        reportingCurrency: data.reportingCurrency ?? null,
        exchangeRate: data.exchangeRate ?? null,
        reportingTotal: data.reportingTotal ?? null,
        timeZone: data.timeZone ?? null,
        reminderScheduleDays: data.reminderScheduleDays === undefined ? null : [...data.reminderScheduleDays],
      };
    }
    case 'InvoicePaymentRecorded': {
      // Legacy: a payment recorded on the invoice itself. Its applied part counts as paid like an applied payment.
      const { data } = event;
      return withBalanceChange({
        ...state,
        amountPaid: plus(state.amountPaid, data.appliedAmount, data.currency),
        paymentIds: [...state.paymentIds, data.paymentId],
        payments: [
          ...state.payments,
          {
            paymentId: data.paymentId,
            method: data.method,
            reference: data.reference,
            amount: data.amount,
            appliedAmount: data.appliedAmount,
            excessAmount: data.excessAmount,
            recordedAt: data.recordedAt,
          },
        ],
        paymentApplications: [
          ...state.paymentApplications,
          { paymentId: data.paymentId, appliedAmount: data.appliedAmount, reopenedAmount: Money.zero(data.currency).toString(), appliedAt: data.recordedAt },
        ],
      });
    }
    case 'InvoicePaymentApplied': {
      const { data } = event;
      return withBalanceChange({
        ...state,
        amountPaid: plus(state.amountPaid, data.amount, data.currency),
        paymentIds: state.paymentIds.includes(data.paymentId) ? state.paymentIds : [...state.paymentIds, data.paymentId],
        payments: [
          ...state.payments,
          {
            paymentId: data.paymentId,
            method: data.method,
            reference: data.reference,
            amount: data.paymentAmount,
            appliedAmount: data.amount,
            // The part of the payment that went to other invoices or to the customer's credit.
            excessAmount: Money.of(data.paymentAmount, data.currency).minus(Money.of(data.amount, data.currency)).toString(),
            recordedAt: data.appliedAt,
          },
        ],
        paymentApplications: [
          ...state.paymentApplications,
          { paymentId: data.paymentId, appliedAmount: data.amount, reopenedAmount: Money.zero(data.currency).toString(), appliedAt: data.appliedAt },
        ],
      });
    }
    case 'InvoiceCreditApplied': {
      const { data } = event;
      return withBalanceChange({
        ...state,
        amountCredited: plus(state.amountCredited, data.amount, data.currency),
        creditApplications: [
          ...state.creditApplications,
          { applicationId: data.applicationId, source: data.source, sourceId: data.sourceId, amount: data.amount, appliedAt: data.appliedAt },
        ],
      });
    }
    case 'InvoicePaymentRefunded': {
      const { data } = event;
      // Reopened against the payment's application(s), oldest first (one per payment today).
      let left = Money.of(data.amount, data.currency);
      const paymentApplications = state.paymentApplications.map((application) => {
        if (application.paymentId !== data.paymentId || left.isZero()) return application;
        const open = Money.of(application.appliedAmount, data.currency).minus(Money.of(application.reopenedAmount, data.currency));
        const taken = Money.min(open, left);
        left = left.minus(taken);
        return { ...application, reopenedAmount: Money.of(application.reopenedAmount, data.currency).plus(taken).toString() };
      });
      return withBalanceChange({
        ...state,
        amountRefunded: plus(state.amountRefunded, data.amount, data.currency),
        paymentApplications,
        refunds: [...state.refunds, { refundId: data.refundId, paymentId: data.paymentId, amount: data.amount, refundedAt: data.refundedAt }],
      });
    }
    case 'InvoiceWrittenOff': {
      const { data } = event;
      const after = withBalanceChange({ ...state, amountWrittenOff: plus(state.amountWrittenOff, data.amount, data.currency) });
      return { ...after, status: 'written_off', writtenOffAt: data.writtenOffAt, writeOffReason: data.reason };
    }
    case 'InvoiceCreditNoteRegistered': {
      const { data } = event;
      return {
        ...state,
        creditableAmount: Money.of(state.creditableAmount, data.currency).minus(Money.of(data.amount, data.currency)).toString(),
        creditNotes: [...state.creditNotes, { creditNoteId: data.creditNoteId, amount: data.amount, releasedAmount: null, registeredAt: data.registeredAt }],
      };
    }
    case 'InvoiceCreditNoteReleased': {
      const { data } = event;
      return {
        ...state,
        creditableAmount: Money.of(state.creditableAmount, data.currency).plus(Money.of(data.amount, data.currency)).toString(),
        creditNotes: state.creditNotes.map((note) => (note.creditNoteId === data.creditNoteId ? { ...note, releasedAmount: data.amount } : note)),
      };
    }
    case 'InvoiceVoided':
      // The number stays: numbering is gapless and a voided invoice keeps its number (docs/domain.md, "Numbering").
      return {
        ...state,
        status: 'void',
        balanceDue: state.currency === null ? state.balanceDue : Money.zero(state.currency).toString(),
        voidedAt: event.data.voidedAt,
        voidReason: event.data.reason,
      };
    case 'InvoiceBecameOverdue':
      // The settlement status is untouched (see InvoiceLifecycleStatus): effectiveInvoiceStatusOf shows it as overdue.
      return { ...state, overdue: { becameOverdueAt: event.data.becameOverdueAt, balanceDue: event.data.balanceDue } };
    case 'InvoicePaymentReminderDue':
      return { ...state, paymentReminders: [...state.paymentReminders, { daysBeforeDue: event.data.daysBeforeDue, dueAt: event.data.dueAt }] };
    default:
      return assertNever(event, 'invoice event');
  }
}

/**
 * The balance of an issued invoice from its figures (docs/domain.md, "Invoices"): total - paid - credited + refunded -
 * written off. Used for both the state and the decider, so the invariant holds by construction.
 */
export function invoiceBalanceOf(
  state: Pick<InvoiceState, 'currency' | 'total' | 'amountPaid' | 'amountCredited' | 'amountRefunded' | 'amountWrittenOff'>,
): Money {
  if (state.currency === null) throw new Error('invoice invariant broken: a balance asked of an invoice that does not exist');
  const money = (amount: string): Money => Money.of(amount, state.currency as string);
  return money(state.total).minus(money(state.amountPaid)).minus(money(state.amountCredited)).plus(money(state.amountRefunded)).minus(money(state.amountWrittenOff));
}

/**
 * The status an issued invoice has after its balance changed: nothing due is paid; something due with money paid
 * (net of refunds) or credited is partially paid; otherwise it is open. A write-off sets its own status after this.
 */
export function settledStatusOf(state: InvoiceState): InvoiceLifecycleStatus {
  if (state.currency === null) throw new Error('invoice invariant broken: a status asked of an invoice that does not exist');
  const currency = state.currency;
  const balance = invoiceBalanceOf(state);
  if (balance.isZero()) return 'paid';
  const netPaid = Money.of(state.amountPaid, currency).minus(Money.of(state.amountRefunded, currency));
  return netPaid.isPositive() || Money.of(state.amountCredited, currency).isPositive() ? 'partially_paid' : 'open';
}

/**
 * The status the invoice shows (read models, the API): 'overdue' once it became overdue while it is open or partially
 * paid; its settlement status otherwise. So a partial payment leaves an overdue invoice overdue, a payment that settles
 * it makes it paid, and a refund that reopens it after its due date shows it overdue again.
 */
export function effectiveInvoiceStatusOf(state: Pick<InvoiceState, 'status' | 'overdue'>): InvoiceEffectiveStatus {
  if (state.overdue !== null && (state.status === 'open' || state.status === 'partially_paid')) return 'overdue';
  return state.status;
}

function withBalanceChange(state: InvoiceState): InvoiceState {
  return { ...state, balanceDue: invoiceBalanceOf(state).toString(), status: settledStatusOf(state) };
}

function plus(amount: string, addend: string, currency: string): string {
  return Money.of(amount, currency).plus(Money.of(addend, currency)).toString();
}

function withLines(state: InvoiceState, lines: PricedInvoiceLine[]): InvoiceState {
  if (state.currency === null) throw new Error(`invoice invariant broken: a line event before InvoiceDrafted`);
  return { ...state, ...pricedLines(lines, state.currency) };
}

/** Lines with the totals and breakdown that follow from their figures. */
function pricedLines(lines: PricedInvoiceLine[], currency: string): Pick<InvoiceState, 'lines' | 'taxBreakdown' | 'subtotal' | 'taxTotal' | 'total'> {
  return { lines, taxBreakdown: taxBreakdownOf(lines, currency), ...pricedInvoiceTotals(lines, currency) };
}
