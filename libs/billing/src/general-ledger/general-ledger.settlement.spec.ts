import { describe, expect, it } from '@jest/globals';
import { customerAccountDecider, customerCreditBalance, type CustomerAccountState } from '../customer-account/customer-account.decider.js';
import type { CustomerAccountCommand } from '../customer-account/customer-account.commands.js';
import type { CustomerAccountEvent } from '../customer-account/customer-account.events.js';
import type { InvoiceCommand } from '../invoice/invoice.commands.js';
import { invoiceDecider } from '../invoice/invoice.decider.js';
import type { InvoiceEvent } from '../invoice/invoice.events.js';
import type { InvoiceState } from '../invoice/invoice.state.js';
import type { PaymentCommand } from '../payment/payment.commands.js';
import { paymentDecider } from '../payment/payment.decider.js';
import type { PaymentEvent } from '../payment/payment.events.js';
import type { PaymentState } from '../payment/payment.state.js';
import { arAging, arOpenItemOf } from './general-ledger.ar-aging.js';
import { assertBalancedEntry, type JournalEntry } from './general-ledger.journal.js';
import { postingsFor, type LedgerSourceEvent } from './general-ledger.postings.js';
import { trialBalance } from './general-ledger.trial-balance.js';

/**
 * The money movements of issue 4 decided by the real deciders, each event posted with postingsFor, as the ledger
 * projection does. Each movement is posted once (the mirror events post nothing), so the books agree with the
 * aggregates: receivables are the sum of the invoices' balances, the customer-credit liability is the customer's
 * credit balance, and cash is what came in less what went back.
 */
const customerId = 'cus-1';
const at = (minute: number): string => `2024-02-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
const asOf = '2024-02-01T23:59:59.000Z';

class Books {
  invoices = new Map<string, InvoiceState>();
  payment: PaymentState = paymentDecider.initialState;
  account: CustomerAccountState = customerAccountDecider.initialState;
  entries: JournalEntry[] = [];
  private eventCount = 0;

  invoice(command: InvoiceCommand & { data: { invoiceId: string } }): InvoiceEvent[] {
    const state = this.invoices.get(command.data.invoiceId) ?? invoiceDecider.initialState;
    const events = invoiceDecider.decide(command, state);
    this.invoices.set(command.data.invoiceId, events.reduce(invoiceDecider.evolve, state));
    this.post(events);
    return events;
  }

  pay(command: PaymentCommand): PaymentEvent[] {
    const events = paymentDecider.decide(command, this.payment);
    this.payment = events.reduce(paymentDecider.evolve, this.payment);
    this.post(events);
    return events;
  }

  customer(command: CustomerAccountCommand): CustomerAccountEvent[] {
    const events = customerAccountDecider.decide(command, this.account);
    this.account = events.reduce(customerAccountDecider.evolve, this.account);
    this.post(events);
    return events;
  }

  balanceOf(account: string): string {
    const row = trialBalance(this.entries, asOf, 'USD').rows.find((candidate) => candidate.account === account);
    if (row === undefined) throw new Error(`no account ${account}`);
    return row.balance;
  }

  private post(events: readonly (InvoiceEvent | PaymentEvent | CustomerAccountEvent)[]): void {
    for (const event of events) {
      this.eventCount += 1;
      const enveloped = { ...event, eventId: `evt-${this.eventCount}`, recordedAt: asOf } as LedgerSourceEvent;
      for (const entry of postingsFor(enveloped)) {
        assertBalancedEntry(entry);
        this.entries.push(entry);
      }
    }
  }
}

function issue(books: Books, invoiceId: string, unitPrice: string, minute: number): void {
  const metadata = { now: at(minute) };
  books.invoice({
    type: 'CreateInvoice',
    data: { invoiceId, customerId, currency: 'USD', lines: [{ lineId: 'L1', description: 'Service', quantity: '1', unitPrice, taxRate: null }] },
    metadata,
  });
  books.invoice({ type: 'IssueInvoice', data: { invoiceId, number: `INV-${invoiceId}`, issueDate: '2024-02-01' }, metadata });
}

function receivables(books: Books): string {
  let total = 0n;
  for (const invoice of books.invoices.values()) total += BigInt(invoice.balanceDue.replace('.', ''));
  const text = total.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

describe('a payment allocated over two invoices, partly refunded, and the rest of one invoice written off', () => {
  const books = new Books();
  issue(books, 'inv-1', '60.00', 0);
  issue(books, 'inv-2', '30.00', 1);

  // 100.00 by wire: 60.00 to inv-1, 30.00 to inv-2, 10.00 of excess to the customer's credit (one append in the app).
  books.pay({
    type: 'RecordPayment',
    data: { paymentId: 'pay-1', customerId, amount: '100.00', currency: 'USD', method: 'wire_transfer', reference: 'WIRE-1', allocation: { kind: 'oldest_due_first' } },
    metadata: { now: at(2) },
  });
  books.pay({
    type: 'AllocatePayment',
    data: { paymentId: 'pay-1', allocations: [{ invoiceId: 'inv-1', amount: '60.00' }, { invoiceId: 'inv-2', amount: '30.00' }], creditAmount: '10.00' },
    metadata: { now: at(3) },
  });
  const paymentFields = { currency: 'USD', method: 'wire_transfer', reference: 'WIRE-1', paymentAmount: '100.00' } as const;
  books.invoice({ type: 'ApplyPaymentToInvoice', data: { invoiceId: 'inv-1', paymentId: 'pay-1', amount: '60.00', ...paymentFields }, metadata: { now: at(3) } });
  books.invoice({ type: 'ApplyPaymentToInvoice', data: { invoiceId: 'inv-2', paymentId: 'pay-1', amount: '30.00', ...paymentFields }, metadata: { now: at(3) } });
  books.customer({
    type: 'CreditCustomerAccount',
    data: { customerId, entryId: 'overpayment-pay-1', amount: '10.00', currency: 'USD', source: 'overpayment', sourceId: 'pay-1' },
    metadata: { now: at(3) },
  });

  it('after the allocation: nothing receivable, the excess owed as credit, the cash in clearing', () => {
    expect(receivables(books)).toBe('0.00');
    expect(books.balanceOf('accounts_receivable')).toBe('0.00');
    expect(books.balanceOf('customer_credit')).toBe('-10.00');
    expect(customerCreditBalance(books.account, 'USD')).toBe('10.00');
    expect(books.balanceOf('cash_clearing')).toBe('100.00');
  });

  it('a refund of 45.00 reopens inv-2 (allocated last) in full and 15.00 of inv-1; the books follow the invoices', () => {
    const [refunded] = books.pay({
      type: 'RefundPayment',
      data: { paymentId: 'pay-1', refundId: 'ref-1', amount: '45.00', method: 'original_payment', reason: 'Service cancelled' },
      metadata: { now: at(4) },
    });
    if (refunded?.type !== 'PaymentRefunded') throw new Error('expected PaymentRefunded');
    expect(refunded.data.invoices).toEqual([
      { invoiceId: 'inv-2', amount: '30.00' },
      { invoiceId: 'inv-1', amount: '15.00' },
    ]);
    expect(refunded.data.fromCredit).toBe('0.00');
    for (const part of refunded.data.invoices) {
      books.invoice({
        type: 'RefundInvoicePayment',
        data: { invoiceId: part.invoiceId, paymentId: 'pay-1', refundId: 'ref-1', amount: part.amount, currency: 'USD' },
        metadata: { now: at(4) },
      });
    }
    expect(books.invoices.get('inv-2')).toMatchObject({ status: 'open', balanceDue: '30.00' });
    expect(books.invoices.get('inv-1')).toMatchObject({ status: 'partially_paid', balanceDue: '15.00' });
    expect(receivables(books)).toBe('45.00');
    expect(books.balanceOf('accounts_receivable')).toBe('45.00');
    expect(books.balanceOf('cash_clearing')).toBe('55.00');
  });

  it('a refund of everything left takes the remaining 45.00 of inv-1, then the 10.00 of credit, debited from the account', () => {
    const [refunded] = books.pay({
      type: 'RefundPayment',
      data: { paymentId: 'pay-1', refundId: 'ref-2', amount: '55.00', method: 'original_payment', reason: 'Contract ended' },
      metadata: { now: at(5) },
    });
    if (refunded?.type !== 'PaymentRefunded') throw new Error('expected PaymentRefunded');
    expect(refunded.data).toMatchObject({ invoices: [{ invoiceId: 'inv-1', amount: '45.00' }], fromCredit: '10.00', status: 'refunded' });
    books.invoice({
      type: 'RefundInvoicePayment',
      data: { invoiceId: 'inv-1', paymentId: 'pay-1', refundId: 'ref-2', amount: '45.00', currency: 'USD' },
      metadata: { now: at(5) },
    });
    books.customer({
      type: 'DebitCustomerAccount',
      data: { customerId, entryId: 'refund-ref-2', amount: '10.00', currency: 'USD', reason: 'refund', sourceId: 'ref-2' },
      metadata: { now: at(5) },
    });
    expect(receivables(books)).toBe('90.00');
    expect(books.balanceOf('accounts_receivable')).toBe('90.00');
    expect(books.balanceOf('customer_credit')).toBe('0.00');
    expect(customerCreditBalance(books.account, 'USD')).toBe('0.00');
    expect(books.balanceOf('cash_clearing')).toBe('0.00');
  });

  it('writing inv-2 off moves its balance from receivables to bad debt, and AR aging no longer lists it', () => {
    books.invoice({ type: 'WriteOffInvoice', data: { invoiceId: 'inv-2', reason: 'Customer insolvent' }, metadata: { now: at(6) } });
    expect(books.invoices.get('inv-2')).toMatchObject({ status: 'written_off', balanceDue: '0.00', amountWrittenOff: '30.00' });
    expect(receivables(books)).toBe('60.00');
    expect(books.balanceOf('accounts_receivable')).toBe('60.00');
    expect(books.balanceOf('bad_debt')).toBe('30.00');
    const items = [...books.invoices.values()].map(arOpenItemOf).filter((item) => item !== null);
    expect(items).toEqual([{ invoiceId: 'inv-1', customerId, dueDate: '2024-03-02', balanceDue: '60.00', currency: 'USD' }]);
    expect(arAging(items, '2024-02-01').totals).toEqual([
      { currency: 'USD', buckets: { current: '60.00', days_1_30: '0.00', days_31_60: '0.00', days_61_90: '0.00', days_over_90: '0.00' }, total: '60.00' },
    ]);
  });

  it('the trial balance balances: every entry posted has debits = credits', () => {
    const balance = trialBalance(books.entries, asOf, 'USD');
    expect(balance.totalDebit).toBe(balance.totalCredit);
    expect(balance.total).toBe('0.00');
    // Two issues, one allocation, two refunds, one write-off: the mirror events posted nothing.
    expect(balance.entryCount).toBe(6);
  });
});

describe('arOpenItemOf', () => {
  const books = new Books();
  issue(books, 'inv-1', '50.00', 0);

  it('lists an open invoice with its balance', () => {
    expect(arOpenItemOf(books.invoices.get('inv-1') ?? invoiceDecider.initialState)).toEqual({
      invoiceId: 'inv-1',
      customerId,
      dueDate: '2024-03-02',
      balanceDue: '50.00',
      currency: 'USD',
    });
  });

  it('lists a partially paid invoice with what is left, and nothing once paid by credit', () => {
    books.invoice({
      type: 'ApplyCreditToInvoice',
      data: { invoiceId: 'inv-1', applicationId: 'app-1', source: 'customer_credit', sourceId: customerId, amount: '20.00', currency: 'USD' },
      metadata: { now: at(1) },
    });
    expect(arOpenItemOf(books.invoices.get('inv-1') ?? invoiceDecider.initialState)?.balanceDue).toBe('30.00');
    books.invoice({
      type: 'ApplyCreditToInvoice',
      data: { invoiceId: 'inv-1', applicationId: 'app-2', source: 'customer_credit', sourceId: customerId, amount: '30.00', currency: 'USD' },
      metadata: { now: at(2) },
    });
    expect(arOpenItemOf(books.invoices.get('inv-1') ?? invoiceDecider.initialState)).toBeNull();
  });

  it('lists nothing for a stream without events or a draft', () => {
    expect(arOpenItemOf(invoiceDecider.initialState)).toBeNull();
    const draft = new Books();
    draft.invoice({
      type: 'CreateInvoice',
      data: { invoiceId: 'inv-9', customerId, currency: 'USD', lines: [] },
      metadata: { now: at(0) },
    });
    expect(arOpenItemOf(draft.invoices.get('inv-9') ?? invoiceDecider.initialState)).toBeNull();
  });
});
