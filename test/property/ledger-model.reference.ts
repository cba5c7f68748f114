import Big from 'big.js';

/**
 * The reference model of the ledger property test: a deliberately small re-statement of the money rules of
 * docs/domain.md and docs/architecture.md ("Money movements") in plain big.js, sharing NO code with libs/billing or
 * apps/. It resolves the generated steps (indexes, amount specifications) into concrete actions, predicts for each
 * whether it must succeed or be refused (and with which codes), and keeps the figures every check compares against:
 * each invoice's balance and creditable amount, each payment's refundable amount and where its money went, each credit
 * note's remaining credit, each customer's credit per currency.
 */

export const modelCurrencies = ['USD', 'JPY'] as const;
export type ModelCurrency = (typeof modelCurrencies)[number];
export const modelCustomers = ['cust-a', 'cust-b'] as const;
export type ModelCustomer = (typeof modelCustomers)[number];

/** Minor units of the model's currencies (USD cents, JPY has none). */
export const minorUnits: Record<ModelCurrency, number> = { USD: 2, JPY: 0 };

Big.RM = Big.roundHalfUp;

export function fixed(value: Big, currency: ModelCurrency): string {
  return value.toFixed(minorUnits[currency], Big.roundHalfUp);
}

export function minor(count: number, currency: ModelCurrency): Big {
  return new Big(count).div(new Big(10).pow(minorUnits[currency]));
}

function roundHalfUp(value: Big, currency: ModelCurrency): Big {
  return value.round(minorUnits[currency], Big.roundHalfUp);
}

function roundDown(value: Big, currency: ModelCurrency): Big {
  return value.round(minorUnits[currency], Big.roundDown);
}

const zero = new Big(0);
const min = (a: Big, b: Big): Big => (a.lt(b) ? a : b);

// ---------------------------------------------------------------------------------------------------------------
// Generated steps: independent of the state (indexes are resolved against it), so fast-check can shrink them.
// ---------------------------------------------------------------------------------------------------------------

/**
 * How much to ask for, relative to the limit that matters for the step (a balance, what is refundable, the credit
 * remaining): all of it, a part, a little more than all (must be refused or become credit), or a plain amount.
 */
export type AmountSpec =
  | { kind: 'all' }
  | { kind: 'part'; permille: number }
  | { kind: 'over'; minorUnits: number }
  | { kind: 'absolute'; minorUnits: number };

export interface LineSpec {
  quantity: string;
  /** In minor units of the currency, possibly with one more digit of precision (unit prices may carry more). */
  unitPriceTenthsOfMinor: number;
  taxRate: string | null;
}

export type Step =
  | { kind: 'issueInvoice'; customer: number; currency: ModelCurrency; lines: LineSpec[]; paymentTermsDays: number }
  | {
      kind: 'recordPayment';
      customer: number;
      currency: ModelCurrency;
      /** When set (and an invoice exists), the customer and currency of this invoice instead: payments meet invoices. */
      anchor: number | null;
      allocation: { kind: 'oldest_due_first'; amount: AmountSpec } | { kind: 'explicit'; picks: { invoice: number; amount: AmountSpec }[]; extra: AmountSpec | null };
    }
  | { kind: 'refundPayment'; payment: number; amount: AmountSpec; storeCredit: boolean }
  | { kind: 'issueCreditNote'; customer: number; currency: ModelCurrency; anchor: number | null; source: number | null; amount: AmountSpec; taxed: boolean }
  | { kind: 'applyCreditNote'; note: number; target: 'invoice' | 'customer_account' | 'refund'; invoice: number; amount: AmountSpec }
  | { kind: 'applyCustomerCredit'; customer: number; invoice: number; amount: AmountSpec }
  | { kind: 'writeOffInvoice'; invoice: number }
  | { kind: 'voidInvoice'; invoice: number }
  | { kind: 'voidCreditNote'; note: number };

// ---------------------------------------------------------------------------------------------------------------
// Concrete actions: what the in-memory harness and the real application both execute.
// ---------------------------------------------------------------------------------------------------------------

export interface ActionLine {
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string | null;
}

export type Action =
  | { kind: 'issueInvoice'; invoiceId: string; customerId: string; currency: ModelCurrency; lines: ActionLine[]; paymentTermsDays: number }
  | {
      kind: 'recordPayment';
      paymentId: string;
      customerId: string;
      currency: ModelCurrency;
      amount: string;
      reference: string;
      allocation: { kind: 'oldest_due_first' } | { kind: 'explicit'; invoices: { invoiceId: string; amount: string }[] };
    }
  | { kind: 'refundPayment'; paymentId: string; refundId: string; amount: string; method: 'original_payment' | 'store_credit' }
  | { kind: 'issueCreditNote'; creditNoteId: string; customerId: string; currency: ModelCurrency; lines: ActionLine[]; sourceInvoiceId: string | null }
  | {
      kind: 'applyCreditNote';
      creditNoteId: string;
      applicationId: string;
      applicationType: 'invoice' | 'customer_account' | 'refund';
      invoiceId: string | null;
      amount: string;
    }
  | { kind: 'applyCustomerCredit'; customerId: string; applicationId: string; invoiceId: string; currency: ModelCurrency; amount: string }
  | { kind: 'writeOffInvoice'; invoiceId: string; reason: string }
  | { kind: 'voidInvoice'; invoiceId: string; reason: string }
  | { kind: 'voidCreditNote'; creditNoteId: string; reason: string };

/** What the model predicts: success with these money movements, or a refusal with one of these codes. */
export type Prediction = { outcome: 'ok' } | { outcome: 'refused'; codes: readonly string[] };

// ---------------------------------------------------------------------------------------------------------------
// The model's state.
// ---------------------------------------------------------------------------------------------------------------

export interface ModelInvoice {
  id: string;
  customerId: string;
  currency: ModelCurrency;
  /** Issue order: the tie-break of oldest-due-first after the due date. */
  sequence: number;
  paymentTermsDays: number;
  total: Big;
  paid: Big;
  credited: Big;
  refunded: Big;
  writtenOff: Big;
  /** Status written_off: set by a write-off, cleared when a refund reopens part of the balance. */
  writtenOffStatus: boolean;
  /** Totals of issued credit notes naming this invoice as their source, less what voids released. */
  registered: Big;
  /** Credit notes ever issued on it (a released one still counts: the invoice was credited, so it is never voided). */
  notesRegistered: number;
  voided: boolean;
}

export interface ModelAllocation {
  invoiceId: string;
  amount: Big;
  /** How much of this part refunds have reopened so far. */
  reopened: Big;
}

export interface ModelPayment {
  id: string;
  customerId: string;
  currency: ModelCurrency;
  amount: Big;
  allocations: ModelAllocation[];
  creditAmount: Big;
  /** How much of creditAmount refunds have taken back from the customer's credit. */
  creditRefunded: Big;
  refunded: Big;
}

export interface ModelCreditNote {
  id: string;
  customerId: string;
  currency: ModelCurrency;
  sourceInvoiceId: string | null;
  total: Big;
  subtotal: Big;
  remaining: Big;
  applied: Big;
  voided: boolean;
}

/** Running totals per currency for the conservation laws and the ledger accounts. */
export interface ModelTotals {
  paymentsReceived: Big;
  /** Every refund of a payment (any method). */
  paymentRefunds: Big;
  /** Refunds that sent money back (not store credit). */
  cashRefunds: Big;
  storeCreditRefunds: Big;
  overpaymentCredit: Big;
  creditTakenBackByRefunds: Big;
  noteAppliedToInvoices: Big;
  noteAppliedToAccounts: Big;
  noteRefunded: Big;
  customerCreditApplied: Big;
  writtenOff: Big;
  invoicesIssued: Big;
  invoicesVoided: Big;
  invoiceSubtotals: Big;
}

function emptyTotals(): ModelTotals {
  return {
    paymentsReceived: zero,
    paymentRefunds: zero,
    cashRefunds: zero,
    storeCreditRefunds: zero,
    overpaymentCredit: zero,
    creditTakenBackByRefunds: zero,
    noteAppliedToInvoices: zero,
    noteAppliedToAccounts: zero,
    noteRefunded: zero,
    customerCreditApplied: zero,
    writtenOff: zero,
    invoicesIssued: zero,
    invoicesVoided: zero,
    invoiceSubtotals: zero,
  };
}

export class LedgerModel {
  readonly invoices: ModelInvoice[] = [];
  readonly payments: ModelPayment[] = [];
  readonly notes: ModelCreditNote[] = [];
  readonly credit = new Map<string, Big>();
  readonly totals: Record<ModelCurrency, ModelTotals> = { USD: emptyTotals(), JPY: emptyTotals() };
  private counter = 0;

  /** `prefix` keeps ids unique across the sequences that share one database tenant or store. */
  constructor(private readonly prefix: string) {}

  private nextId(kind: string): string {
    this.counter += 1;
    return `${this.prefix}${kind}-${this.counter}`;
  }

  balanceOf(invoice: ModelInvoice): Big {
    if (invoice.voided) return zero;
    return invoice.total.minus(invoice.paid).minus(invoice.credited).plus(invoice.refunded).minus(invoice.writtenOff);
  }

  creditableOf(invoice: ModelInvoice): Big {
    return invoice.total.minus(invoice.registered);
  }


  creditOf(customerId: string, currency: ModelCurrency): Big {
    return this.credit.get(`${customerId}|${currency}`) ?? zero;
  }

  private addCredit(customerId: string, currency: ModelCurrency, amount: Big): void {
    this.credit.set(`${customerId}|${currency}`, this.creditOf(customerId, currency).plus(amount));
  }

  refundableOf(payment: ModelPayment): Big {
    return payment.amount.minus(payment.refunded);
  }

  invoice(id: string): ModelInvoice {
    const found = this.invoices.find((invoice) => invoice.id === id);
    if (found === undefined) throw new Error(`model: no invoice ${id}`);
    return found;
  }

  /**
   * Where a refund of `amount` goes (contracts: the invoice parts first, last allocated first, each up to what it
   * has not yet had reopened; then the customer credit the payment's excess created).
   */
  refundSplit(payment: ModelPayment, amount: Big): { invoices: { invoiceId: string; amount: Big }[]; fromCredit: Big } {
    let left = amount;
    const invoices: { invoiceId: string; amount: Big }[] = [];
    for (const allocation of [...payment.allocations].reverse()) {
      if (left.eq(0)) break;
      const part = min(left, allocation.amount.minus(allocation.reopened));
      if (part.gt(0)) {
        invoices.push({ invoiceId: allocation.invoiceId, amount: part });
        left = left.minus(part);
      }
    }
    return { invoices, fromCredit: left };
  }

  /** The allocation split of a new payment, from the balances now. */
  allocationSplit(action: Extract<Action, { kind: 'recordPayment' }>): { allocations: { invoiceId: string; amount: Big }[]; creditAmount: Big } {
    const amount = new Big(action.amount);
    let left = amount;
    const allocations: { invoiceId: string; amount: Big }[] = [];
    const candidates =
      action.allocation.kind === 'explicit'
        ? action.allocation.invoices.map((request) => ({ invoice: this.invoice(request.invoiceId), cap: new Big(request.amount) }))
        : this.openInvoicesOldestDueFirst(action.customerId, action.currency).map((invoice) => ({ invoice, cap: amount }));
    for (const { invoice, cap } of candidates) {
      const part = min(min(cap, this.balanceOf(invoice)), left);
      if (part.gt(0)) {
        allocations.push({ invoiceId: invoice.id, amount: part });
        left = left.minus(part);
      }
    }
    return { allocations, creditAmount: left };
  }

  openInvoicesOldestDueFirst(customerId: string, currency: ModelCurrency): ModelInvoice[] {
    return this.invoices
      .filter((invoice) => invoice.customerId === customerId && invoice.currency === currency && this.balanceOf(invoice).gt(0))
      .sort((a, b) => a.paymentTermsDays - b.paymentTermsDays || a.sequence - b.sequence);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Resolving a step: null when the step has nothing to act on yet (e.g. a refund before any payment).
  // -------------------------------------------------------------------------------------------------------------

  resolve(step: Step): Action | null {
    switch (step.kind) {
      case 'issueInvoice': {
        const lines = step.lines.map((line, index) => actionLineOf(line, step.currency, index));
        return {
          kind: 'issueInvoice',
          invoiceId: this.nextId('inv'),
          customerId: modelCustomers[step.customer % modelCustomers.length] as string,
          currency: step.currency,
          lines,
          paymentTermsDays: step.paymentTermsDays,
        };
      }
      case 'recordPayment': {
        const { customerId, currency } = this.partyOf(step);
        const own = this.invoices.filter((invoice) => invoice.customerId === customerId && invoice.currency === currency);
        const paymentId = this.nextId('pay');
        if (step.allocation.kind === 'oldest_due_first') {
          const owed = own.reduce((sum, invoice) => sum.plus(this.balanceOf(invoice)), zero);
          const amount = positiveAmount(step.allocation.amount, owed, currency);
          return { kind: 'recordPayment', paymentId, customerId, currency, amount: fixed(amount, currency), reference: `ref-${paymentId}`, allocation: { kind: 'oldest_due_first' } };
        }
        if (own.length === 0) return null;
        const invoices: { invoiceId: string; amount: string }[] = [];
        let requested = zero;
        for (const pick of step.allocation.picks) {
          const invoice = own[pick.invoice % own.length] as ModelInvoice;
          if (invoices.some((request) => request.invoiceId === invoice.id)) continue;
          const amount = positiveAmount(pick.amount, this.balanceOf(invoice), currency);
          invoices.push({ invoiceId: invoice.id, amount: fixed(amount, currency) });
          requested = requested.plus(amount);
        }
        // extra null: pay less than requested (refused); otherwise requested plus an extra (0 or more) that becomes credit.
        const extra = step.allocation.extra;
        let amount: Big;
        if (extra === null) amount = requested.gt(minor(1, currency)) ? requested.minus(minor(1, currency)) : requested;
        else amount = requested.plus(extra.kind === 'all' ? zero : amountOf(extra, requested, currency));
        return { kind: 'recordPayment', paymentId, customerId, currency, amount: fixed(amount, currency), reference: `ref-${paymentId}`, allocation: { kind: 'explicit', invoices } };
      }
      case 'refundPayment': {
        if (this.payments.length === 0) return null;
        const payment = this.payments[step.payment % this.payments.length] as ModelPayment;
        const amount = positiveAmount(step.amount, this.refundableOf(payment), payment.currency);
        return {
          kind: 'refundPayment',
          paymentId: payment.id,
          refundId: this.nextId('refund'),
          amount: fixed(amount, payment.currency),
          method: step.storeCredit ? 'store_credit' : 'original_payment',
        };
      }
      case 'issueCreditNote': {
        const { customerId, currency } = this.partyOf(step);
        const own = this.invoices.filter((invoice) => invoice.customerId === customerId && invoice.currency === currency);
        const source = step.source === null || own.length === 0 ? null : (own[step.source % own.length] as ModelInvoice);
        // Without a source, up to about an invoice's size, so that notes often hold more than an invoice still owes.
        const limit = source === null ? minor(60_000, currency) : this.creditableOf(source);
        const target = positiveAmount(step.amount, limit, currency);
        const lines: ActionLine[] = step.taxed
          ? [{ description: 'Credited service', quantity: '1', unitPrice: fixed(roundDown(target.div('1.1'), currency).gt(0) ? roundDown(target.div('1.1'), currency) : minor(1, currency), currency), taxRate: '10' }]
          : [{ description: 'Credited service', quantity: '1', unitPrice: fixed(target, currency), taxRate: null }];
        return { kind: 'issueCreditNote', creditNoteId: this.nextId('cn'), customerId, currency, lines, sourceInvoiceId: source?.id ?? null };
      }
      case 'applyCreditNote': {
        if (this.notes.length === 0) return null;
        const note = this.notes[step.note % this.notes.length] as ModelCreditNote;
        let invoice: ModelInvoice | null = null;
        if (step.target === 'invoice') {
          const own = this.invoices.filter((candidate) => candidate.customerId === note.customerId && candidate.currency === note.currency);
          if (own.length === 0) return null;
          // Half the time an invoice owing less than the note holds: paid off by it, or asked for just above its balance.
          const smaller = own.filter((candidate) => this.balanceOf(candidate).gt(0) && this.balanceOf(candidate).lt(note.remaining));
          const aboveBalance = step.invoice % 2 === 0 && smaller.length > 0;
          invoice = (aboveBalance ? smaller[step.invoice % smaller.length] : own[step.invoice % own.length]) as ModelInvoice;
        }
        const limit = invoice === null ? note.remaining : min(note.remaining, this.balanceOf(invoice));
        let amount = positiveAmount(step.amount, limit, note.currency);
        // One minor unit above the invoice's balance, still within the note: only the balance can refuse it.
        if (invoice !== null && step.amount.kind === 'over' && step.invoice % 2 === 0 && this.balanceOf(invoice).lt(note.remaining)) {
          amount = this.balanceOf(invoice).plus(minor(1, note.currency));
        }
        return {
          kind: 'applyCreditNote',
          creditNoteId: note.id,
          applicationId: this.nextId('cna'),
          applicationType: step.target,
          invoiceId: invoice?.id ?? null,
          amount: fixed(amount, note.currency),
        };
      }
      case 'applyCustomerCredit': {
        const chosen = modelCustomers[step.customer % modelCustomers.length] as string;
        // Mostly invoices whose customer has credit in their currency, so that credit gets spent, not just refused.
        const payable = this.invoices.filter((invoice) => this.creditOf(invoice.customerId, invoice.currency).gt(0) && this.balanceOf(invoice).gt(0));
        const candidates = payable.length > 0 && step.invoice % 4 !== 0 ? payable : this.invoices.filter((invoice) => invoice.customerId === chosen);
        if (candidates.length === 0) return null;
        const invoice = candidates[step.invoice % candidates.length] as ModelInvoice;
        const customerId = invoice.customerId;
        const limit = min(this.creditOf(customerId, invoice.currency), this.balanceOf(invoice));
        const amount = positiveAmount(step.amount, limit, invoice.currency);
        return { kind: 'applyCustomerCredit', customerId, applicationId: this.nextId('cca'), invoiceId: invoice.id, currency: invoice.currency, amount: fixed(amount, invoice.currency) };
      }
      case 'writeOffInvoice': {
        if (this.invoices.length === 0) return null;
        const invoice = this.invoices[step.invoice % this.invoices.length] as ModelInvoice;
        return { kind: 'writeOffInvoice', invoiceId: invoice.id, reason: 'Customer insolvent' };
      }
      case 'voidInvoice': {
        if (this.invoices.length === 0) return null;
        const invoice = this.invoices[step.invoice % this.invoices.length] as ModelInvoice;
        return { kind: 'voidInvoice', invoiceId: invoice.id, reason: 'Issued in error' };
      }
      case 'voidCreditNote': {
        if (this.notes.length === 0) return null;
        const note = this.notes[step.note % this.notes.length] as ModelCreditNote;
        return { kind: 'voidCreditNote', creditNoteId: note.id, reason: 'Issued in error' };
      }
      default:
        throw new Error(`model: unknown step ${JSON.stringify(step)}`);
    }
  }

  /** The customer and currency a step names, or those of its anchor invoice. */
  private partyOf(step: { customer: number; currency: ModelCurrency; anchor: number | null }): { customerId: string; currency: ModelCurrency } {
    if (step.anchor !== null && this.invoices.length > 0) {
      const anchor = this.invoices[step.anchor % this.invoices.length] as ModelInvoice;
      return { customerId: anchor.customerId, currency: anchor.currency };
    }
    return { customerId: modelCustomers[step.customer % modelCustomers.length] as string, currency: step.currency };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Predicting: which actions the ledger must refuse, with which codes. Several codes are accepted only where the
  // contracts leave the order of checks to the implementation (an amount above both the note's remaining credit and
  // the invoice's balance may be refused for either).
  // -------------------------------------------------------------------------------------------------------------

  predict(action: Action): Prediction {
    switch (action.kind) {
      case 'issueInvoice':
        return ok;
      case 'recordPayment': {
        if (action.allocation.kind === 'explicit') {
          const requested = action.allocation.invoices.reduce((sum, request) => sum.plus(request.amount), zero);
          if (requested.gt(action.amount)) return refused('VALIDATION_FAILED');
          // The application takes a payment only for invoices that can take money when it is recorded.
          if (action.allocation.invoices.some((request) => this.balanceOf(this.invoice(request.invoiceId)).eq(0))) return refused('INVOICE_NOT_OPEN');
        }
        return ok;
      }
      case 'refundPayment': {
        const payment = this.payment(action.paymentId);
        const amount = new Big(action.amount);
        // A fully refunded payment is no longer a succeeded one.
        if (this.refundableOf(payment).eq(0)) return refused('PAYMENT_NOT_SUCCEEDED');
        if (amount.gt(this.refundableOf(payment))) return refused('AMOUNT_EXCEEDS_REFUNDABLE');
        const split = this.refundSplit(payment, amount);
        // A store-credit refund may only return invoice parts (contracts): credit paid back as credit is no refund.
        if (action.method === 'store_credit' && split.fromCredit.gt(0)) return refused('AMOUNT_EXCEEDS_REFUNDABLE');
        if (split.fromCredit.gt(this.creditOf(payment.customerId, payment.currency))) return refused('INSUFFICIENT_CREDIT');
        return ok;
      }
      case 'issueCreditNote': {
        if (action.sourceInvoiceId === null) return ok;
        const source = this.invoice(action.sourceInvoiceId);
        if (source.voided) return refused('INVOICE_NOT_OPEN');
        if (noteTotalOf(action.lines, action.currency).gt(this.creditableOf(source))) return refused('AMOUNT_EXCEEDS_CREDITABLE');
        return ok;
      }
      case 'applyCreditNote': {
        const note = this.note(action.creditNoteId);
        if (note.voided) return refused('CREDIT_NOTE_NOT_OPEN');
        const amount = new Big(action.amount);
        const codes: string[] = [];
        if (amount.gt(note.remaining)) codes.push('AMOUNT_EXCEEDS_REMAINING_CREDIT');
        if (action.invoiceId !== null) {
          const invoice = this.invoice(action.invoiceId);
          if (amount.gt(this.balanceOf(invoice))) codes.push(this.invoiceRefusalCode(invoice));
        }
        return codes.length === 0 ? ok : { outcome: 'refused', codes };
      }
      case 'applyCustomerCredit': {
        const amount = new Big(action.amount);
        const invoice = this.invoice(action.invoiceId);
        const codes: string[] = [];
        if (amount.gt(this.creditOf(action.customerId, action.currency))) codes.push('INSUFFICIENT_CREDIT');
        if (amount.gt(this.balanceOf(invoice))) codes.push(this.invoiceRefusalCode(invoice));
        return codes.length === 0 ? ok : { outcome: 'refused', codes };
      }
      case 'writeOffInvoice': {
        const invoice = this.invoice(action.invoiceId);
        if (invoice.writtenOffStatus || invoice.voided) return refused('INVOICE_NOT_OPEN');
        if (this.balanceOf(invoice).eq(0)) return refused('INVOICE_NOT_WRITABLE_OFF');
        return ok;
      }
      case 'voidInvoice': {
        // docs/domain.md, "Invoices": void only while nothing has been paid or credited (else credit it); refunds do
        // not undo that.
        const invoice = this.invoice(action.invoiceId);
        if (invoice.voided || invoice.writtenOffStatus) return refused('INVOICE_NOT_OPEN');
        if (invoice.paid.gt(0) || invoice.credited.gt(0) || invoice.notesRegistered > 0) return refused('INVOICE_HAS_PAYMENTS');
        return ok;
      }
      case 'voidCreditNote': {
        const note = this.note(action.creditNoteId);
        if (note.voided) return refused('CREDIT_NOTE_NOT_OPEN');
        if (note.applied.gt(0)) return refused('CREDIT_NOTE_HAS_APPLICATIONS');
        return ok;
      }
      default:
        throw new Error(`model: unknown action ${JSON.stringify(action)}`);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Applying an action the ledger accepted.
  // -------------------------------------------------------------------------------------------------------------

  apply(action: Action): void {
    switch (action.kind) {
      case 'issueInvoice': {
        const { subtotal, total } = totalsOf(action.lines, action.currency);
        this.invoices.push({
          id: action.invoiceId,
          customerId: action.customerId,
          currency: action.currency,
          sequence: this.invoices.length,
          paymentTermsDays: action.paymentTermsDays,
          total,
          paid: zero,
          credited: zero,
          refunded: zero,
          writtenOff: zero,
          writtenOffStatus: false,
          registered: zero,
          notesRegistered: 0,
          voided: false,
        });
        const totals = this.totals[action.currency];
        totals.invoicesIssued = totals.invoicesIssued.plus(total);
        totals.invoiceSubtotals = totals.invoiceSubtotals.plus(subtotal);
        return;
      }
      case 'recordPayment': {
        const split = this.allocationSplit(action);
        for (const part of split.allocations) {
          const invoice = this.invoice(part.invoiceId);
          invoice.paid = invoice.paid.plus(part.amount);
        }
        this.payments.push({
          id: action.paymentId,
          customerId: action.customerId,
          currency: action.currency,
          amount: new Big(action.amount),
          allocations: split.allocations.map((part) => ({ ...part, reopened: zero })),
          creditAmount: split.creditAmount,
          creditRefunded: zero,
          refunded: zero,
        });
        this.addCredit(action.customerId, action.currency, split.creditAmount);
        const totals = this.totals[action.currency];
        totals.paymentsReceived = totals.paymentsReceived.plus(action.amount);
        totals.overpaymentCredit = totals.overpaymentCredit.plus(split.creditAmount);
        return;
      }
      case 'refundPayment': {
        const payment = this.payment(action.paymentId);
        const amount = new Big(action.amount);
        const split = this.refundSplit(payment, amount);
        for (const part of split.invoices) {
          const allocation = payment.allocations.find((candidate) => candidate.invoiceId === part.invoiceId) as ModelAllocation;
          allocation.reopened = allocation.reopened.plus(part.amount);
          const invoice = this.invoice(part.invoiceId);
          invoice.refunded = invoice.refunded.plus(part.amount);
          invoice.writtenOffStatus = false;
        }
        payment.creditRefunded = payment.creditRefunded.plus(split.fromCredit);
        payment.refunded = payment.refunded.plus(amount);
        this.addCredit(payment.customerId, payment.currency, split.fromCredit.times(-1));
        const totals = this.totals[payment.currency];
        totals.paymentRefunds = totals.paymentRefunds.plus(amount);
        totals.creditTakenBackByRefunds = totals.creditTakenBackByRefunds.plus(split.fromCredit);
        if (action.method === 'store_credit') {
          this.addCredit(payment.customerId, payment.currency, amount);
          totals.storeCreditRefunds = totals.storeCreditRefunds.plus(amount);
        } else {
          totals.cashRefunds = totals.cashRefunds.plus(amount);
        }
        return;
      }
      case 'issueCreditNote': {
        const { subtotal, total } = totalsOf(action.lines, action.currency);
        this.notes.push({
          id: action.creditNoteId,
          customerId: action.customerId,
          currency: action.currency,
          sourceInvoiceId: action.sourceInvoiceId,
          total,
          subtotal,
          remaining: total,
          applied: zero,
          voided: false,
        });
        if (action.sourceInvoiceId !== null) {
          const source = this.invoice(action.sourceInvoiceId);
          source.registered = source.registered.plus(total);
          source.notesRegistered += 1;
        }
        return;
      }
      case 'applyCreditNote': {
        const note = this.note(action.creditNoteId);
        const amount = new Big(action.amount);
        note.remaining = note.remaining.minus(amount);
        note.applied = note.applied.plus(amount);
        const totals = this.totals[note.currency];
        switch (action.applicationType) {
          case 'invoice': {
            const invoice = this.invoice(action.invoiceId as string);
            invoice.credited = invoice.credited.plus(amount);
            totals.noteAppliedToInvoices = totals.noteAppliedToInvoices.plus(amount);
            return;
          }
          case 'customer_account':
            this.addCredit(note.customerId, note.currency, amount);
            totals.noteAppliedToAccounts = totals.noteAppliedToAccounts.plus(amount);
            return;
          case 'refund':
            totals.noteRefunded = totals.noteRefunded.plus(amount);
            return;
          default:
            throw new Error('model: unknown application type');
        }
      }
      case 'applyCustomerCredit': {
        const amount = new Big(action.amount);
        const invoice = this.invoice(action.invoiceId);
        invoice.credited = invoice.credited.plus(amount);
        this.addCredit(action.customerId, action.currency, amount.times(-1));
        const totals = this.totals[action.currency];
        totals.customerCreditApplied = totals.customerCreditApplied.plus(amount);
        return;
      }
      case 'writeOffInvoice': {
        const invoice = this.invoice(action.invoiceId);
        const amount = this.balanceOf(invoice);
        invoice.writtenOff = invoice.writtenOff.plus(amount);
        invoice.writtenOffStatus = true;
        const totals = this.totals[invoice.currency];
        totals.writtenOff = totals.writtenOff.plus(amount);
        return;
      }
      case 'voidInvoice': {
        const invoice = this.invoice(action.invoiceId);
        invoice.voided = true;
        const totals = this.totals[invoice.currency];
        totals.invoicesVoided = totals.invoicesVoided.plus(invoice.total);
        return;
      }
      case 'voidCreditNote': {
        const note = this.note(action.creditNoteId);
        note.voided = true;
        if (note.sourceInvoiceId !== null) {
          const source = this.invoice(note.sourceInvoiceId);
          source.registered = source.registered.minus(note.remaining);
        }
        note.remaining = zero;
        return;
      }
      default:
        throw new Error(`model: unknown action ${JSON.stringify(action)}`);
    }
  }

  /**
   * Why an invoice refuses money beyond its balance: one with nothing due (paid, written off) takes no money at all
   * (INVOICE_NOT_OPEN); one with a smaller balance refuses the amount (AMOUNT_EXCEEDS_BALANCE).
   */
  invoiceRefusalCode(invoice: ModelInvoice): string {
    return this.balanceOf(invoice).eq(0) ? 'INVOICE_NOT_OPEN' : 'AMOUNT_EXCEEDS_BALANCE';
  }

  payment(id: string): ModelPayment {
    const found = this.payments.find((payment) => payment.id === id);
    if (found === undefined) throw new Error(`model: no payment ${id}`);
    return found;
  }

  note(id: string): ModelCreditNote {
    const found = this.notes.find((note) => note.id === id);
    if (found === undefined) throw new Error(`model: no credit note ${id}`);
    return found;
  }

  // -------------------------------------------------------------------------------------------------------------
  // What the general ledger must show, per currency (balance = debit - credit).
  // -------------------------------------------------------------------------------------------------------------

  expectedAccounts(currency: ModelCurrency): Record<string, Big> {
    const totals = this.totals[currency];
    const receivable = this.invoices.filter((invoice) => invoice.currency === currency).reduce((sum, invoice) => sum.plus(this.balanceOf(invoice)), zero);
    let customerCredit = zero;
    for (const [key, balance] of this.credit) if (key.endsWith(`|${currency}`)) customerCredit = customerCredit.plus(balance);
    const notes = this.notes.filter((note) => note.currency === currency);
    const notesOwed = notes.reduce((sum, note) => sum.plus(note.remaining), zero);
    // Revenue and tax together: what live invoices earned less what live (issued, not voided) notes took back.
    const liveNoteTotals = notes.filter((note) => !note.voided).reduce((sum, note) => sum.plus(note.total), zero);
    return {
      accounts_receivable: receivable,
      cash_clearing: totals.paymentsReceived.minus(totals.cashRefunds).minus(totals.noteRefunded),
      customer_credit: customerCredit.times(-1),
      credit_notes: notesOwed.times(-1),
      bad_debt: totals.writtenOff,
      refunds: zero,
      revenue_and_tax: totals.invoicesIssued.minus(totals.invoicesVoided).minus(liveNoteTotals).times(-1),
    };
  }
}

const ok: Prediction = { outcome: 'ok' };

function refused(...codes: string[]): Prediction {
  return { outcome: 'refused', codes };
}


/** The amount a spec asks for against `limit`, at least one minor unit (a zero amount is not a request). */
function positiveAmount(spec: AmountSpec, limit: Big, currency: ModelCurrency): Big {
  const amount = amountOf(spec, limit, currency);
  return amount.gt(0) ? amount : minor(1, currency);
}

function amountOf(spec: AmountSpec, limit: Big, currency: ModelCurrency): Big {
  switch (spec.kind) {
    case 'all':
      return limit;
    case 'part':
      return roundDown(limit.times(spec.permille).div(1000), currency);
    case 'over':
      return limit.plus(minor(spec.minorUnits, currency));
    case 'absolute':
      return minor(spec.minorUnits, currency);
    default:
      throw new Error('model: unknown amount spec');
  }
}

function actionLineOf(line: LineSpec, currency: ModelCurrency, index: number): ActionLine {
  const unitPrice = new Big(line.unitPriceTenthsOfMinor).div(new Big(10).pow(minorUnits[currency] + 1));
  return { description: `Service ${index + 1}`, quantity: line.quantity, unitPrice: unitPrice.toFixed(minorUnits[currency] + 1), taxRate: line.taxRate };
}

/** docs/domain.md, "Totals", per line: net = round(quantity x unit price), tax = round(net x rate / 100), half-up. */
export function totalsOf(lines: readonly ActionLine[], currency: ModelCurrency): { subtotal: Big; tax: Big; total: Big } {
  let subtotal = zero;
  let tax = zero;
  for (const line of lines) {
    const net = roundHalfUp(new Big(line.quantity).times(line.unitPrice), currency);
    subtotal = subtotal.plus(net);
    if (line.taxRate !== null) tax = tax.plus(roundHalfUp(net.times(line.taxRate).div(100), currency));
  }
  return { subtotal, tax, total: subtotal.plus(tax) };
}

function noteTotalOf(lines: readonly ActionLine[], currency: ModelCurrency): Big {
  return totalsOf(lines, currency).total;
}
