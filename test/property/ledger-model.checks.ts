import Big from 'big.js';
import fc from 'fast-check';
import {
  ledgerAccounts,
  trialBalance,
  type CreditNoteState,
  type CustomerAccountState,
  type InvoiceState,
  type JournalEntry,
  type PaymentState,
} from '../../libs/billing/src/index.js';
import type { LedgerDomainEvent, LoggedEvent } from './ledger-model.in-memory.js';
import { fixed, modelCurrencies, modelCustomers, type AmountSpec, type LedgerModel, type LineSpec, type ModelCurrency, type Step } from './ledger-model.reference.js';

/**
 * The generators of step sequences and the checks made after every step, shared by the in-memory run (every
 * sequence) and the real-database run (a few sequences through the application's handlers).
 */

// ---------------------------------------------------------------------------------------------------------------
// Generators. Small pools (two customers, two currencies, indexes taken modulo what exists) make steps meet the same
// invoices, payments and notes often; amounts are relative to the limit that matters, so exact limits and amounts
// just above them (which must be refused or become credit) come up in most sequences.
// ---------------------------------------------------------------------------------------------------------------

const amountSpec: fc.Arbitrary<AmountSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<AmountSpec>({ kind: 'all' }) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 999 }).map((permille): AmountSpec => ({ kind: 'part', permille })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 300 }).map((minorUnits): AmountSpec => ({ kind: 'over', minorUnits })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30_000 }).map((minorUnits): AmountSpec => ({ kind: 'absolute', minorUnits })) },
);

const lineSpec: fc.Arbitrary<LineSpec> = fc.record({
  quantity: fc.constantFrom('1', '2', '3', '0.5', '1.25'),
  unitPriceTenthsOfMinor: fc.integer({ min: 1, max: 200_000 }),
  taxRate: fc.constantFrom<string | null>(null, '10', '20', '8.875'),
});

const customer = fc.integer({ min: 0, max: modelCustomers.length - 1 });
const currency = fc.constantFrom<ModelCurrency>(...modelCurrencies);
const index = fc.nat({ max: 20 });

export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('issueInvoice' as const), customer, currency, lines: fc.array(lineSpec, { minLength: 1, maxLength: 3 }), paymentTermsDays: fc.integer({ min: 0, max: 60 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('recordPayment' as const),
      customer,
      currency,
      anchor: fc.option(index, { freq: 5 }),
      allocation: fc.oneof(
        fc.record({ kind: fc.constant('oldest_due_first' as const), amount: amountSpec }),
        fc.record({
          kind: fc.constant('explicit' as const),
          picks: fc.array(fc.record({ invoice: index, amount: amountSpec }), { minLength: 1, maxLength: 3 }),
          extra: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: amountSpec }),
        }),
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('refundPayment' as const), payment: index, amount: amountSpec, storeCredit: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('issueCreditNote' as const), customer, currency, anchor: fc.option(index, { freq: 5 }), source: fc.option(index, { freq: 3 }), amount: amountSpec, taxed: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('applyCreditNote' as const),
      note: index,
      target: fc.constantFrom('invoice' as const, 'customer_account' as const, 'refund' as const),
      invoice: index,
      amount: amountSpec,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('applyCustomerCredit' as const), customer, invoice: index, amount: amountSpec }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('writeOffInvoice' as const), invoice: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('voidInvoice' as const), invoice: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('voidCreditNote' as const), note: index }) },
);

/** Sequences long enough for credit to pile up and be spent, refunded and written off (fast-check shrinks them). */
export function stepsArbitrary(minLength: number, maxLength: number): fc.Arbitrary<Step[]> {
  return fc.array(stepArbitrary, { minLength, maxLength, size: 'max' });
}

// ---------------------------------------------------------------------------------------------------------------
// Checks. Each throws an Error naming what differs; fast-check reports it with the seed and path of the case.
// ---------------------------------------------------------------------------------------------------------------

export function expectEqualAmount(actual: string | number | Big, expected: string | number | Big, what: string): void {
  if (!new Big(actual).eq(new Big(expected))) throw new Error(`${what}: expected ${new Big(expected).toString()}, got ${new Big(actual).toString()}`);
}

export function expectTrue(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

const sum = (values: readonly (string | Big)[]): Big => values.reduce<Big>((total, value) => total.plus(value), new Big(0));

/**
 * The folds of the streams (decider states), by the model's ids: the in-memory domain's, or those folded from what
 * the real application stored.
 */
export interface LedgerFolds {
  invoiceState(id: string): InvoiceState;
  paymentState(id: string): PaymentState;
  noteState(id: string): CreditNoteState;
  accountState(customerId: string): CustomerAccountState;
  invoiceEvents(id: string): LedgerDomainEvent[];
  /** The model's id of an id the ledger stored inside an event (an allocation's invoice, say). */
  modelIdOf(storedId: string): string;
}

/** The folds equal the reference model, invoice by invoice, payment by payment, note by note, account by account. */
export function checkStatesAgainstModel(ledger: LedgerFolds, model: LedgerModel): void {
  for (const expected of model.invoices) {
    const state = ledger.invoiceState(expected.id);
    const what = `invoice ${expected.id}`;
    const balance = model.balanceOf(expected);
    expectTrue(balance.gte(0), `${what}: the model's balance went negative (${balance.toString()}): the model is wrong`);
    expectEqualAmount(state.total, expected.total, `${what} total`);
    expectEqualAmount(state.balanceDue, balance, `${what} balance due`);
    expectTrue(new Big(state.balanceDue).gte(0), `${what}: balance due is negative (${state.balanceDue})`);
    // The balance identity (docs/domain.md, "Invoices"), on the state's own figures (a void invoice owes nothing).
    const byFormula = expected.voided ? new Big(0) : new Big(state.total).minus(state.amountPaid).minus(state.amountCredited).plus(state.amountRefunded).minus(state.amountWrittenOff);
    expectEqualAmount(state.balanceDue, byFormula, `${what} balance due vs total - paid - credited + refunded - written off`);
    expectEqualAmount(state.amountPaid, expected.paid, `${what} paid`);
    expectEqualAmount(state.amountCredited, expected.credited, `${what} credited`);
    expectEqualAmount(state.amountRefunded, expected.refunded, `${what} refunded`);
    expectEqualAmount(state.amountWrittenOff, expected.writtenOff, `${what} written off`);
    expectEqualAmount(state.creditableAmount, model.creditableOf(expected), `${what} creditable`);
    const statuses = expected.voided ? ['void'] : expected.writtenOffStatus ? ['written_off'] : balance.eq(0) ? ['paid'] : ['open', 'partially_paid'];
    expectTrue(statuses.includes(state.status), `${what}: status ${state.status}, expected one of ${statuses.join(', ')} (balance ${balance.toString()})`);
  }
  for (const expected of model.payments) {
    const state = ledger.paymentState(expected.id);
    const what = `payment ${expected.id}`;
    expectEqualAmount(new Big(state.amount).minus(state.refundedTotal), model.refundableOf(expected), `${what} refundable`);
    expectTrue(state.allocation !== null, `${what} is not allocated`);
    const allocation = state.allocation as NonNullable<typeof state.allocation>;
    expectEqualAmount(allocation.creditAmount, expected.creditAmount, `${what} credit amount`);
    const actualParts = allocation.allocations.map((part) => `${ledger.modelIdOf(part.invoiceId)}=${new Big(part.amount).toString()}`).join(',');
    const expectedParts = expected.allocations.map((part) => `${part.invoiceId}=${part.amount.toString()}`).join(',');
    expectTrue(actualParts === expectedParts, `${what} allocations: expected [${expectedParts}], got [${actualParts}]`);
    const status = model.refundableOf(expected).eq(0) ? 'refunded' : expected.refunded.gt(0) ? 'partially_refunded' : 'succeeded';
    expectTrue(state.status === status, `${what}: status ${state.status}, expected ${status}`);
  }
  for (const expected of model.notes) {
    const state = ledger.noteState(expected.id);
    const what = `credit note ${expected.id}`;
    expectEqualAmount(state.total, expected.total, `${what} total`);
    expectEqualAmount(state.remaining, expected.remaining, `${what} remaining`);
    const status = expected.voided ? 'voided' : expected.applied.eq(0) ? 'issued' : expected.remaining.eq(0) ? 'applied' : 'partially_applied';
    expectTrue(state.status === status, `${what}: status ${state.status}, expected ${status}`);
  }
  for (const customerId of modelCustomers) {
    const account = ledger.accountState(customerId);
    for (const code of modelCurrencies) {
      const balance = account.balances[code] ?? '0';
      expectTrue(new Big(balance).gte(0), `customer ${customerId} credit in ${code} is negative (${balance})`);
      expectEqualAmount(balance, model.creditOf(customerId, code), `customer ${customerId} credit in ${code}`);
    }
  }
}

/** Money moved by the events of one currency, added up from the events alone (not from any state). */
interface EventTotals {
  paymentsReceived: Big;
  allocatedToInvoices: Big;
  allocatedToCredit: Big;
  appliedToInvoices: Big;
  refunds: Big;
  refundInvoiceParts: Big;
  refundFromCredit: Big;
  reopenedOnInvoices: Big;
  debitedFromAccounts: Big;
  creditedToAccounts: Big;
  overpaymentCredited: Big;
  customerCreditApplied: Big;
  invoiceCreditFromCustomer: Big;
  noteAppliedToInvoices: Big;
  invoiceCreditFromNotes: Big;
  noteAppliedToAccounts: Big;
  accountCreditFromNotes: Big;
  storeCreditRefunds: Big;
  accountCreditFromStoreRefunds: Big;
}

export function eventTotals(log: readonly LoggedEvent[], code: string): EventTotals {
  const totals: EventTotals = {
    paymentsReceived: new Big(0),
    allocatedToInvoices: new Big(0),
    allocatedToCredit: new Big(0),
    appliedToInvoices: new Big(0),
    refunds: new Big(0),
    refundInvoiceParts: new Big(0),
    refundFromCredit: new Big(0),
    reopenedOnInvoices: new Big(0),
    debitedFromAccounts: new Big(0),
    creditedToAccounts: new Big(0),
    overpaymentCredited: new Big(0),
    customerCreditApplied: new Big(0),
    invoiceCreditFromCustomer: new Big(0),
    noteAppliedToInvoices: new Big(0),
    invoiceCreditFromNotes: new Big(0),
    noteAppliedToAccounts: new Big(0),
    accountCreditFromNotes: new Big(0),
    storeCreditRefunds: new Big(0),
    accountCreditFromStoreRefunds: new Big(0),
  };
  for (const { event } of log) {
    if (!('currency' in event.data) || event.data.currency !== code) continue;
    switch (event.type) {
      case 'PaymentSucceeded':
        totals.paymentsReceived = totals.paymentsReceived.plus(event.data.amount);
        break;
      case 'PaymentAllocated':
        totals.allocatedToInvoices = totals.allocatedToInvoices.plus(sum(event.data.allocations.map((part) => part.amount)));
        totals.allocatedToCredit = totals.allocatedToCredit.plus(event.data.creditAmount);
        break;
      case 'InvoicePaymentApplied':
        totals.appliedToInvoices = totals.appliedToInvoices.plus(event.data.amount);
        break;
      case 'PaymentRefunded': {
        const parts = sum(event.data.invoices.map((part) => part.amount));
        expectEqualAmount(parts.plus(event.data.fromCredit), event.data.amount, `PaymentRefunded ${event.data.refundId}: invoices + fromCredit vs amount`);
        totals.refunds = totals.refunds.plus(event.data.amount);
        totals.refundInvoiceParts = totals.refundInvoiceParts.plus(parts);
        totals.refundFromCredit = totals.refundFromCredit.plus(event.data.fromCredit);
        if (event.data.method === 'store_credit') totals.storeCreditRefunds = totals.storeCreditRefunds.plus(event.data.amount);
        break;
      }
      case 'InvoicePaymentRefunded':
        totals.reopenedOnInvoices = totals.reopenedOnInvoices.plus(event.data.amount);
        break;
      case 'CustomerAccountDebited':
        totals.debitedFromAccounts = totals.debitedFromAccounts.plus(event.data.amount);
        break;
      case 'CustomerAccountCredited':
        totals.creditedToAccounts = totals.creditedToAccounts.plus(event.data.amount);
        if (event.data.source === 'overpayment') totals.overpaymentCredited = totals.overpaymentCredited.plus(event.data.amount);
        if (event.data.source === 'credit_note') totals.accountCreditFromNotes = totals.accountCreditFromNotes.plus(event.data.amount);
        if (event.data.source === 'store_credit_refund') totals.accountCreditFromStoreRefunds = totals.accountCreditFromStoreRefunds.plus(event.data.amount);
        break;
      case 'CustomerCreditApplied':
        totals.customerCreditApplied = totals.customerCreditApplied.plus(event.data.amount);
        break;
      case 'InvoiceCreditApplied':
        if (event.data.source === 'customer_credit') totals.invoiceCreditFromCustomer = totals.invoiceCreditFromCustomer.plus(event.data.amount);
        else totals.invoiceCreditFromNotes = totals.invoiceCreditFromNotes.plus(event.data.amount);
        break;
      case 'CreditNoteApplied':
        if (event.data.applicationType === 'invoice') totals.noteAppliedToInvoices = totals.noteAppliedToInvoices.plus(event.data.amount);
        if (event.data.applicationType === 'customer_account') totals.noteAppliedToAccounts = totals.noteAppliedToAccounts.plus(event.data.amount);
        break;
      default:
        break;
    }
  }
  return totals;
}

/**
 * Conservation, per currency, from the events alone. The law: every payment received is, to the minor unit, either
 * still applied to invoices, or customer credit its excess created and not yet paid back, or refunded:
 *   payments received = (applied to invoices - reopened by refunds) + (overpayment credit - credit paid back by refunds) + refunds
 * with each side of every multi-aggregate append matching its mirror (allocations = applications, refund parts =
 * reopenings + debits, credit applied from the account = credit the invoices received, notes applied = what the
 * invoices and accounts received), and the customer credit balances = every credit - every application - every debit.
 */
export function checkConservation(log: readonly LoggedEvent[], model: LedgerModel): void {
  for (const code of modelCurrencies) {
    const t = eventTotals(log, code);
    const what = `conservation in ${code}`;
    expectEqualAmount(t.allocatedToInvoices.plus(t.allocatedToCredit), t.paymentsReceived, `${what}: payments allocated (invoices + credit) vs received`);
    expectEqualAmount(t.appliedToInvoices, t.allocatedToInvoices, `${what}: InvoicePaymentApplied vs PaymentAllocated allocations`);
    expectEqualAmount(t.overpaymentCredited, t.allocatedToCredit, `${what}: overpayment credit vs PaymentAllocated creditAmount`);
    expectEqualAmount(t.reopenedOnInvoices, t.refundInvoiceParts, `${what}: InvoicePaymentRefunded vs PaymentRefunded invoice parts`);
    expectEqualAmount(t.debitedFromAccounts, t.refundFromCredit, `${what}: CustomerAccountDebited vs PaymentRefunded fromCredit`);
    expectEqualAmount(t.accountCreditFromStoreRefunds, t.storeCreditRefunds, `${what}: store-credit refunds vs account credits`);
    expectEqualAmount(t.invoiceCreditFromCustomer, t.customerCreditApplied, `${what}: invoice credit from customer credit vs CustomerCreditApplied`);
    expectEqualAmount(t.invoiceCreditFromNotes, t.noteAppliedToInvoices, `${what}: invoice credit from notes vs CreditNoteApplied(invoice)`);
    expectEqualAmount(t.accountCreditFromNotes, t.noteAppliedToAccounts, `${what}: account credit from notes vs CreditNoteApplied(customer_account)`);
    const stillApplied = t.appliedToInvoices.minus(t.reopenedOnInvoices);
    const creditLeftFromPayments = t.overpaymentCredited.minus(t.refundFromCredit);
    expectEqualAmount(stillApplied.plus(creditLeftFromPayments).plus(t.refunds), t.paymentsReceived, `${what}: payments received vs still applied + excess credit kept + refunded`);
    const creditBalances = modelCustomers.reduce((total, customerId) => total.plus(model.creditOf(customerId, code)), new Big(0));
    expectEqualAmount(t.creditedToAccounts.minus(t.customerCreditApplied).minus(t.debitedFromAccounts), creditBalances, `${what}: customer credit balances vs credits - applications - debits`);
    const invoices = model.invoices.filter((invoice) => invoice.currency === code && !invoice.voided);
    // Every live invoice's total is somewhere: owed, paid (net of reopened refunds), credited or written off.
    expectEqualAmount(
      sum(invoices.map((invoice) => model.balanceOf(invoice))).plus(stillApplied).plus(sum(invoices.map((invoice) => invoice.credited))).plus(sum(invoices.map((invoice) => invoice.writtenOff))),
      sum(invoices.map((invoice) => invoice.total)),
      `${what}: invoice totals vs balances + net paid + credited + written off`,
    );
  }
}

/** Per invoice, from its own stream's events: balance due = total - paid - credited + refunded - written off, never negative. */
export function checkInvoiceStreams(ledger: LedgerFolds, model: LedgerModel): void {
  for (const expected of model.invoices) {
    let total = new Big(0);
    let moved = new Big(0);
    let lastBalanceAfter: string | null = null;
    for (const event of ledger.invoiceEvents(expected.id)) {
      switch (event.type) {
        case 'InvoiceIssued':
          total = new Big(event.data.total);
          break;
        case 'InvoicePaymentApplied':
        case 'InvoiceCreditApplied':
          moved = moved.minus(event.data.amount);
          lastBalanceAfter = event.data.balanceDueAfter;
          break;
        case 'InvoicePaymentRefunded':
          moved = moved.plus(event.data.amount);
          lastBalanceAfter = event.data.balanceDueAfter;
          break;
        case 'InvoiceWrittenOff':
          moved = moved.minus(event.data.amount);
          lastBalanceAfter = '0';
          break;
        case 'InvoiceVoided':
          // Nothing was paid or credited (or the void was refused): the whole total is cancelled.
          moved = total.times(-1);
          lastBalanceAfter = '0';
          break;
        default:
          break;
      }
      expectTrue(total.plus(moved).gte(0), `invoice ${expected.id}: the balance went negative after ${event.type}`);
    }
    const balance = total.plus(moved);
    expectEqualAmount(balance, model.balanceOf(expected), `invoice ${expected.id} balance from its events`);
    if (lastBalanceAfter !== null) expectEqualAmount(lastBalanceAfter, balance, `invoice ${expected.id} last balanceDueAfter`);
  }
}

/** The events that mirror a movement another event of the same append posts: they must post nothing. */
const mirrorEventTypes = new Set([
  'InvoicePaymentApplied',
  'InvoiceCreditApplied',
  'InvoicePaymentRefunded',
  'InvoiceCreditNoteRegistered',
  'InvoiceCreditNoteReleased',
  'CustomerAccountDebited',
  'PaymentRecorded',
  'PaymentSucceeded',
  'InvoiceDrafted',
  'CreditNoteDrafted',
]);

/**
 * The general ledger of every event so far: each entry balances (per entry, in its one currency), each currency's
 * trial balance sums to zero, and the accounts equal the model: receivables = the invoices' balances, customer
 * credit = the customers' credit, credit notes = the notes' remaining credit, cash, bad debt, revenue and tax.
 */
export function checkGeneralLedger(entries: readonly JournalEntry[], log: readonly LoggedEvent[], model: LedgerModel, asOf: string): void {
  const posting = new Set(entries.map((entry) => entry.sourceEventId));
  for (const logged of log) {
    if (mirrorEventTypes.has(logged.event.type)) expectTrue(!posting.has(logged.eventId), `${logged.event.type} ${logged.eventId} posted an entry: it only mirrors a movement another event posts`);
    if (logged.event.type === 'CustomerAccountCredited' && logged.event.data.source !== 'adjustment') {
      expectTrue(!posting.has(logged.eventId), `CustomerAccountCredited(${logged.event.data.source}) posted an entry: the event that created the credit posts it`);
    }
  }
  for (const entry of entries) {
    const debit = sum(entry.lines.map((line) => line.debit));
    const credit = sum(entry.lines.map((line) => line.credit));
    expectEqualAmount(debit, credit, `journal entry ${entry.entryId} (${entry.sourceEventType}) debits vs credits`);
  }
  for (const code of modelCurrencies) {
    const balance = trialBalance(entries, asOf, code);
    expectEqualAmount(balance.total, 0, `trial balance in ${code}`);
    const row = (account: string): Big => new Big(balance.rows.find((candidate) => candidate.account === account)?.balance ?? '0');
    const expected = model.expectedAccounts(code);
    for (const account of ledgerAccounts) {
      if (account === 'revenue' || account === 'tax_payable' || account === 'fx_gain_loss') continue;
      expectEqualAmount(row(account), expected[account] ?? new Big(0), `general ledger ${account} in ${code}`);
    }
    expectEqualAmount(row('revenue').plus(row('tax_payable')), expected.revenue_and_tax as Big, `general ledger revenue + tax payable in ${code}`);
    expectEqualAmount(row('fx_gain_loss'), 0, `general ledger fx_gain_loss in ${code}`);
  }
}

export function describeAmount(value: Big, code: ModelCurrency): string {
  return `${fixed(value, code)} ${code}`;
}
