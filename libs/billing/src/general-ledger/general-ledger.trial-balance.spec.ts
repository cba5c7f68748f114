import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import type { CreditNoteApplied } from '../credit-note/credit-note.events.js';
import type { InvoiceIssued } from '../invoice/invoice.events.js';
import { isDomainError } from '../common/domain-error.js';
import type { JournalEntry } from './general-ledger.journal.js';
import { invoiceWriteOffPostings, paymentRefundPostings, postingsFor, type LedgerPostingContext, type LedgerSourceEvent } from './general-ledger.postings.js';
import { trialBalance } from './general-ledger.trial-balance.js';

const customerId = 'cus-1';
const day = (n: number): string => `2024-01-${String(n).padStart(2, '0')}T12:00:00.000Z`;

function issued(invoiceId: string, at: string, figures: Partial<InvoiceIssued['data']>): InvoiceIssued {
  return {
    type: 'InvoiceIssued',
    data: {
      invoiceId,
      customerId,
      number: `N-${invoiceId}`,
      currency: 'USD',
      issueDate: at.slice(0, 10),
      issuedAt: at,
      dueDate: '2024-02-28',
      subtotal: '0.00',
      taxTotal: '0.00',
      total: '0.00',
      ...figures,
    },
  };
}
function noteApplied(applicationId: string, data: Pick<CreditNoteApplied['data'], 'applicationType' | 'invoiceId' | 'amount' | 'remaining' | 'status'>): CreditNoteApplied {
  return { type: 'CreditNoteApplied', data: { creditNoteId: 'cn-1', customerId, applicationId, currency: 'USD', appliedAt: day(7), ...data } };
}

const inv1 = issued('inv-1', day(1), {
  subtotal: '69.97',
  taxTotal: '12.49',
  total: '82.46',
  taxBreakdown: [
    { rateId: 'rate-vat', name: 'VAT', rate: '20', jurisdiction: 'GB', compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '11.99' },
    { rateId: null, name: '5%', rate: '5', jurisdiction: null, compound: false, inclusive: false, taxableAmount: '10.00', taxAmount: '0.50' },
  ],
});
const inv2 = issued('inv-2', day(3), { subtotal: '100.00', taxTotal: '20.00', total: '120.00' });
const inv3 = issued('inv-3', day(8), { subtotal: '10.00', taxTotal: '0.00', total: '10.00', taxBreakdown: [] });
const noteFigures = { currency: 'USD', subtotal: '49.98', taxTotal: '8.00', total: '57.98', taxBreakdown: [{ rate: '20', name: '20%', taxableAmount: '39.98', taxAmount: '8.00' }] };

/** A month of one customer's history, in every kind of event the ledger posts, plus a yen invoice and a late event. */
function mixedHistory(): JournalEntry[] {
  let sequence = 0;
  const post = (event: Omit<LedgerSourceEvent, 'eventId' | 'recordedAt'>, context: LedgerPostingContext = {}): JournalEntry[] => {
    sequence += 1;
    return postingsFor({ ...event, eventId: `evt-${sequence}`, recordedAt: day(28) } as LedgerSourceEvent, context);
  };
  return [
    ...post(inv1),
    ...post({
      type: 'InvoicePaymentRecorded',
      data: { invoiceId: 'inv-1', customerId, paymentId: 'pay-1', method: 'card', reference: 'ch_1', currency: 'USD', amount: '100.00', appliedAmount: '82.46', excessAmount: '17.54', balanceDueAfter: '0.00', recordedAt: day(2) },
    }),
    ...post({
      type: 'CustomerAccountCredited',
      data: { customerId, entryId: 'e-1', amount: '17.54', currency: 'USD', source: 'overpayment', sourceId: 'pay-1', balanceAfter: '17.54', creditedAt: day(2) },
    }),
    ...post(inv2),
    ...post({
      type: 'CustomerCreditApplied',
      data: { customerId, applicationId: 'capp-1', invoiceId: 'inv-2', amount: '12.00', currency: 'USD', balanceAfter: '5.54', appliedAt: day(4) },
    }),
    ...post({ type: 'CreditNoteIssued', data: { creditNoteId: 'cn-1', customerId, number: 'CN-1', ...noteFigures, sourceInvoiceId: 'inv-2', issuedAt: day(6) } }),
    ...post(noteApplied('app-1', { applicationType: 'invoice', invoiceId: 'inv-2', amount: '20.00', remaining: '37.98', status: 'partially_applied' })),
    ...post(noteApplied('app-2', { applicationType: 'customer_account', invoiceId: null, amount: '30.00', remaining: '7.98', status: 'partially_applied' })),
    ...post(noteApplied('app-3', { applicationType: 'refund', invoiceId: null, amount: '7.98', remaining: '0.00', status: 'applied' })),
    ...paymentRefundPostings({
      eventId: 'evt-refund',
      recordedAt: day(28),
      sourceEventType: 'PaymentRefunded',
      refundId: 'ref-1',
      paymentId: 'pay-1',
      customerId,
      currency: 'USD',
      amount: '30.00',
      method: 'card',
      reopenedInvoiceAmount: '30.00',
      customerCreditAmount: '0.00',
      refundedAt: day(8),
    }),
    ...post(inv3),
    ...post({ type: 'InvoiceVoided', data: { invoiceId: 'inv-3', reason: 'Duplicate', voidedAt: day(9) } }, { issuedInvoice: inv3.data }),
    ...invoiceWriteOffPostings({
      eventId: 'evt-writeoff',
      recordedAt: day(28),
      sourceEventType: 'InvoiceWrittenOff',
      writeOffId: 'wo-1',
      invoiceId: 'inv-2',
      customerId,
      currency: 'USD',
      amount: '88.00',
      writtenOffAt: day(20),
    }),
    ...post({
      type: 'CustomerAccountCredited',
      data: { customerId, entryId: 'e-2', amount: '5.00', currency: 'USD', source: 'adjustment', sourceId: 'adj-1', balanceAfter: '40.54', creditedAt: day(21) },
    }),
    ...post(issued('inv-yen', day(22), { currency: 'JPY', subtotal: '1000', taxTotal: '100', total: '1100' })),
    ...post(issued('inv-late', '2024-02-01T00:00:00.000Z', { subtotal: '1.00', total: '1.00' })),
  ];
}

describe('trial balance of a mixed history', () => {
  const entries = mixedHistory();

  it('sums to zero, with every account at the balance its events explain', () => {
    const balance = trialBalance(entries, '2024-01-31T23:59:59.999Z', 'USD');
    expect(Object.fromEntries(balance.rows.map((row) => [row.account, row.balance]))).toEqual({
      // 82.46 issued - 82.46 paid + 120.00 issued - 12.00 credit - 20.00 note + 30.00 refund reopened + 10.00 - 10.00 void - 88.00 written off
      accounts_receivable: '30.00',
      revenue: '-119.99',
      tax_payable: '-24.49',
      cash_clearing: '62.02',
      customer_credit: '-40.54',
      refunds: '5.00',
      bad_debt: '88.00',
      fx_gain_loss: '0.00',
      // Fully applied: the note owes nothing any more.
      credit_notes: '0.00',
      // The banking accounts (docs/banking.md): no banking event in this history.
      bank: '0.00',
      bank_fees: '0.00',
      reconciliation_suspense: '0.00',
      other_income: '0.00',
      opening_balance_equity: '0.00',
    });
    expect(balance).toMatchObject({ currency: 'USD', total: '0.00', totalDebit: balance.totalCredit });
    // 82.46 + 100.00 + 120.00 + 12.00 + 57.98 + (20.00 + 30.00 + 7.98) + 30.00 + 10.00 + 10.00 + 88.00 + 5.00
    expect(balance.totalDebit).toBe('573.42');
    // Every event but the overpayment's CustomerAccountCredited (already posted by the payment) and the late and yen ones.
    expect(balance.entryCount).toBe(13);
  });

  it('counts only the entries at or before asOf', () => {
    const afterPayment = trialBalance(entries, day(2), 'USD');
    expect(afterPayment.entryCount).toBe(2);
    expect(afterPayment.rows.find((row) => row.account === 'accounts_receivable')).toEqual({ account: 'accounts_receivable', debit: '82.46', credit: '82.46', balance: '0.00' });
    expect(afterPayment.total).toBe('0.00');
    expect(trialBalance(entries, '2023-12-31T00:00:00Z', 'USD')).toMatchObject({ entryCount: 0, total: '0.00', totalDebit: '0.00' });
  });

  it('keeps each currency apart', () => {
    const yen = trialBalance(entries, '2024-01-31T23:59:59Z', 'JPY');
    expect(yen).toMatchObject({ entryCount: 1, total: '0', totalDebit: '1100' });
    expect(yen.rows.find((row) => row.account === 'accounts_receivable')?.balance).toBe('1100');
  });

  it('refuses a bad asOf or currency with VALIDATION_FAILED', () => {
    for (const run of [() => trialBalance(entries, '2024-01-31', 'USD'), () => trialBalance(entries, day(2), 'usd')]) {
      expect(() => run()).toThrow();
      try {
        run();
      } catch (error) {
        expect(isDomainError(error) && error.code).toBe('VALIDATION_FAILED');
      }
    }
  });

  it('crashes on an unbalanced entry rather than report it', () => {
    const [first] = entries;
    if (first === undefined) throw new Error('no entries');
    const broken: JournalEntry = { ...first, lines: first.lines.slice(1) };
    expect(() => trialBalance([broken], day(31), 'USD')).toThrow(/general ledger invariant broken/);
  });
});

describe('trial balance of any invoices and payments', () => {
  it('sums to zero, and receivables equal what was issued less what was applied', () => {
    const cents = (minor: number): string => new Big(minor).div(100).toFixed(2);
    const invoice = fc.record({ subtotal: fc.integer({ min: 0, max: 1_000_000 }), tax: fc.integer({ min: 0, max: 200_000 }), paid: fc.array(fc.integer({ min: 1, max: 1_500_000 }), { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(invoice, { maxLength: 10 }), (invoices) => {
        const entries: JournalEntry[] = [];
        let receivable = 0;
        invoices.forEach((figures, index) => {
          const invoiceId = `inv-${index}`;
          const total = figures.subtotal + figures.tax;
          entries.push(
            ...postingsFor({
              ...issued(invoiceId, day(1), { subtotal: cents(figures.subtotal), taxTotal: cents(figures.tax), total: cents(total) }),
              eventId: `issue-${index}`,
              recordedAt: day(1),
            }),
          );
          let balance = total;
          figures.paid.forEach((amount, payment) => {
            if (balance === 0) return;
            const applied = Math.min(amount, balance);
            balance -= applied;
            entries.push(
              ...postingsFor({
                type: 'InvoicePaymentRecorded',
                data: {
                  invoiceId,
                  customerId,
                  paymentId: `pay-${index}-${payment}`,
                  method: 'cash',
                  reference: 'r',
                  currency: 'USD',
                  amount: cents(amount),
                  appliedAmount: cents(applied),
                  excessAmount: cents(amount - applied),
                  balanceDueAfter: cents(balance),
                  recordedAt: day(2),
                },
                eventId: `pay-${index}-${payment}`,
                recordedAt: day(2),
              }),
            );
          });
          receivable += balance;
        });
        const result = trialBalance(entries, day(3), 'USD');
        expect(result.total).toBe('0.00');
        expect(result.rows.find((row) => row.account === 'accounts_receivable')?.balance).toBe(cents(receivable));
      }),
      { numRuns: 200 },
    );
  });
});
