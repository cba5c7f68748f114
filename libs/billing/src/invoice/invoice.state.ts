import { Money } from '../../../money/src/index.js';
import { assertNever } from '../shared/assert-never.js';
import type { PaymentMethodType } from './invoice.commands.js';
import type { TaxRounding } from '../tax/tax-rate.js';
import type { InvoiceEvent, LockedExchangeRate, InvoiceTaxBreakdownEntry } from './invoice.events.js';
import { explicitlyPricedLine, pricedInvoiceTotals, taxBreakdownOf, type PricedInvoiceLine } from './invoice.tax.js';

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
  amountPaid: string;
  balanceDue: string;
  paymentIds: string[];
  payments: InvoicePaymentReference[];
  voidedAt: string | null;
  voidReason: string | null;
  /** Set at issue when the command carried settings: the reporting currency, the locked rate and the converted total. */
  reportingCurrency: string | null;
  exchangeRate: LockedExchangeRate | null;
  reportingTotal: string | null;
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
  balanceDue: '0',
  paymentIds: [],
  payments: [],
  voidedAt: null,
  voidReason: null,
  reportingCurrency: null,
  exchangeRate: null,
  reportingTotal: null,
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
        balanceDue: zero,
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
        taxBreakdown: data.taxBreakdown ?? state.taxBreakdown,
        reportingCurrency: data.reportingCurrency ?? null,
        exchangeRate: data.exchangeRate ?? null,
        reportingTotal: data.reportingTotal ?? null,
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

function withLines(state: InvoiceState, lines: PricedInvoiceLine[]): InvoiceState {
  if (state.currency === null) throw new Error(`invoice invariant broken: a line event before InvoiceDrafted`);
  return { ...state, ...pricedLines(lines, state.currency) };
}

/** Lines with the totals and breakdown that follow from their figures. */
function pricedLines(lines: PricedInvoiceLine[], currency: string): Pick<InvoiceState, 'lines' | 'taxBreakdown' | 'subtotal' | 'taxTotal' | 'total'> {
  return { lines, taxBreakdown: taxBreakdownOf(lines, currency), ...pricedInvoiceTotals(lines, currency) };
}
