import { Money } from '../../../money/src/index.js';
import { assertNever } from '../shared/assert-never.js';
import type { PaymentMethodType } from './invoice.commands.js';
import type { InvoiceEvent, InvoiceLine } from './invoice.events.js';
import { invoiceTotals } from './invoice.totals.js';

/**
 * 'none' is a stream without events. 'overdue' is not a state here: it depends on the clock and the tenant's time
 * zone, so read models derive it from the due date and the balance.
 */
export type InvoiceLifecycleStatus = 'none' | 'draft' | 'open' | 'partially_paid' | 'paid' | 'void';

/** What the invoice remembers of each payment recorded against it. */
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
 * Amounts are decimal strings fixed to the currency's minor unit ("0" before the invoice exists). Totals follow the
 * lines while the invoice is a draft and are frozen at issue. `balanceDue` is what the customer owes on this
 * invoice: zero while it is a draft (nothing is receivable before issue) and once it is void.
 */
export interface InvoiceState {
  status: InvoiceLifecycleStatus;
  invoiceId: string | null;
  customerId: string | null;
  currency: string | null;
  lines: InvoiceLine[];
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
  amountPaid: string;
  balanceDue: string;
  paymentIds: string[];
  payments: InvoicePaymentReference[];
  voidedAt: string | null;
  voidReason: string | null;
}

export const defaultPaymentTermsDays = 30;

export const initialInvoiceState: InvoiceState = {
  status: 'none',
  invoiceId: null,
  customerId: null,
  currency: null,
  lines: [],
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
  balanceDue: '0',
  paymentIds: [],
  payments: [],
  voidedAt: null,
  voidReason: null,
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
        lines: data.lines,
        dueDate: data.dueDate,
        paymentTermsDays: data.paymentTermsDays,
        draftedAt: data.draftedAt,
        ...invoiceTotals(data.lines, data.currency),
        amountPaid: zero,
        balanceDue: zero,
      };
    }
    case 'InvoiceLineAdded':
      return withLines(state, [...state.lines, event.data.line]);
    case 'InvoiceLineRemoved':
      return withLines(
        state,
        state.lines.filter((line) => line.lineId !== event.data.lineId),
      );
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
      };
    }
    case 'InvoicePaymentRecorded': {
      const { data } = event;
      const balanceDue = Money.of(data.balanceDueAfter, data.currency);
      return {
        ...state,
        status: balanceDue.isZero() ? 'paid' : 'partially_paid',
        amountPaid: Money.of(state.amountPaid, data.currency).plus(Money.of(data.appliedAmount, data.currency)).toString(),
        balanceDue: balanceDue.toString(),
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
      };
    }
    case 'InvoiceVoided':
      // The number stays: numbering is gapless and a voided invoice keeps its number (DOMAIN.md "Numbering").
      return {
        ...state,
        status: 'void',
        balanceDue: state.currency === null ? state.balanceDue : Money.zero(state.currency).toString(),
        voidedAt: event.data.voidedAt,
        voidReason: event.data.reason,
      };
    default:
      return assertNever(event, 'invoice event');
  }
}

function withLines(state: InvoiceState, lines: InvoiceLine[]): InvoiceState {
  if (state.currency === null) throw new Error(`invoice invariant broken: a line event before InvoiceDrafted`);
  return { ...state, lines, ...invoiceTotals(lines, state.currency) };
}
