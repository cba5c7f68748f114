import { describe, expect, it } from '@jest/globals';
import type { CreditNoteApplied, CreditNoteIssued, CreditNoteVoided } from '../credit-note/credit-note.events.js';
import Big from 'big.js';
import type { CustomerAccountCredited, CustomerAccountDebited, CustomerCreditApplied } from '../customer-account/customer-account.events.js';
import type {
  InvoiceCreditApplied,
  InvoiceCreditNoteRegistered,
  InvoiceCreditNoteReleased,
  InvoiceIssued,
  InvoicePaymentApplied,
  InvoicePaymentRecorded,
  InvoicePaymentRefunded,
  InvoiceTaxBreakdownEntry,
  InvoiceVoided,
  InvoiceWrittenOff,
} from '../invoice/invoice.events.js';
import type { PaymentAllocated, PaymentEvent, PaymentRefunded } from '../payment/payment.events.js';
import { isDomainError } from '../common/domain-error.js';
import { assertBalancedEntry, type JournalEntry } from './general-ledger.journal.js';
import {
  invoiceWriteOffPostings,
  paymentRefundPostings,
  postingsFor,
  type InvoiceWriteOffPostingInput,
  type LedgerSourceEvent,
  type PaymentRefundPostingInput,
} from './general-ledger.postings.js';

const issuedAt = '2024-01-15T09:30:00.000Z';
const paidAt = '2024-01-20T14:00:00.000Z';
const recordedAt = '2024-01-20T14:00:01.000Z';
const customerId = 'cus-1';

/** An entry's lines as "Dr account amount" / "Cr account amount", the way an accountant reads them. */
function readable(entry: JournalEntry): string[] {
  return entry.lines.map((line) => (line.debit !== zeroOf(entry) ? `Dr ${line.account} ${line.debit}` : `Cr ${line.account} ${line.credit}`));
}
function zeroOf(entry: JournalEntry): string {
  return entry.currency === 'JPY' ? '0' : '0.00';
}
function only(entries: JournalEntry[]): JournalEntry {
  expect(entries).toHaveLength(1);
  const [entry] = entries;
  if (entry === undefined) throw new Error('no entry');
  assertBalancedEntry(entry);
  expectDebitsEqualCredits(entry);
  return entry;
}
/** Sums the lines independently of assertBalancedEntry: debits = credits, in the entry's one currency. */
function expectDebitsEqualCredits(entry: JournalEntry): void {
  const debits = entry.lines.reduce((sum, line) => sum.plus(line.debit), new Big(0));
  const credits = entry.lines.reduce((sum, line) => sum.plus(line.credit), new Big(0));
  expect(debits.gt(0)).toBe(true);
  expect(debits.eq(credits)).toBe(true);
}
function enveloped<E extends { type: string; data: unknown }>(event: E, eventId: string, at = recordedAt): E & { eventId: string; recordedAt: string } {
  return { ...event, eventId, recordedAt: at };
}

const vat20: InvoiceTaxBreakdownEntry = { rateId: 'rate-vat', name: 'VAT', rate: '20', jurisdiction: 'GB', compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '11.99' };
const levy: InvoiceTaxBreakdownEntry = { rateId: null, name: '5%', rate: '5', jurisdiction: null, compound: false, inclusive: false, taxableAmount: '10.00', taxAmount: '0.50' };

function invoiceIssued(data: Partial<InvoiceIssued['data']> = {}): InvoiceIssued {
  return {
    type: 'InvoiceIssued',
    data: {
      invoiceId: 'inv-1',
      customerId,
      number: 'INV-2024-000001',
      currency: 'USD',
      issueDate: '2024-01-15',
      issuedAt,
      dueDate: '2024-02-14',
      subtotal: '69.97',
      taxTotal: '12.49',
      total: '82.46',
      taxBreakdown: [vat20, levy],
      ...data,
    },
  };
}
function paymentRecorded(data: Partial<InvoicePaymentRecorded['data']> = {}): InvoicePaymentRecorded {
  return {
    type: 'InvoicePaymentRecorded',
    data: {
      invoiceId: 'inv-1',
      customerId,
      paymentId: 'pay-1',
      method: 'card',
      reference: 'ch_123',
      currency: 'USD',
      amount: '100.00',
      appliedAmount: '82.46',
      excessAmount: '17.54',
      balanceDueAfter: '0.00',
      recordedAt: paidAt,
      ...data,
    },
  };
}
const invoiceVoided: InvoiceVoided = { type: 'InvoiceVoided', data: { invoiceId: 'inv-1', reason: 'Wrong customer', voidedAt: paidAt } };
const noteFigures = { currency: 'USD', subtotal: '49.98', taxTotal: '8.00', total: '57.98', taxBreakdown: [{ rate: '20', name: '20%', taxableAmount: '39.98', taxAmount: '8.00' }] };
const noteIssued: CreditNoteIssued = {
  type: 'CreditNoteIssued',
  data: { creditNoteId: 'cn-1', customerId, number: 'CN-2024-000001', ...noteFigures, sourceInvoiceId: 'inv-1', issuedAt: paidAt },
};
function noteApplied(data: Partial<CreditNoteApplied['data']> = {}): CreditNoteApplied {
  return {
    type: 'CreditNoteApplied',
    data: {
      creditNoteId: 'cn-1',
      customerId,
      applicationId: 'app-1',
      applicationType: 'invoice',
      invoiceId: 'inv-1',
      currency: 'USD',
      amount: '20.00',
      remaining: '37.98',
      status: 'partially_applied',
      appliedAt: paidAt,
      ...data,
    },
  };
}
function noteVoided(statusBefore: 'draft' | 'issued'): CreditNoteVoided {
  return { type: 'CreditNoteVoided', data: { creditNoteId: 'cn-1', customerId, reason: 'Mistake', statusBefore, ...noteFigures, voidedAt: paidAt } };
}
function accountCredited(source: CustomerAccountCredited['data']['source']): CustomerAccountCredited {
  return {
    type: 'CustomerAccountCredited',
    data: { customerId, entryId: 'entry-1', amount: '5.00', currency: 'USD', source, sourceId: `${source}-1`, balanceAfter: '5.00', creditedAt: paidAt },
  };
}
const creditApplied: CustomerCreditApplied = {
  type: 'CustomerCreditApplied',
  data: { customerId, applicationId: 'capp-1', invoiceId: 'inv-2', amount: '12.00', currency: 'USD', balanceAfter: '5.54', appliedAt: paidAt },
};
function paymentAllocated(data: Partial<PaymentAllocated['data']> = {}): PaymentAllocated {
  return {
    type: 'PaymentAllocated',
    data: {
      paymentId: 'pay-1',
      customerId,
      currency: 'USD',
      allocations: [
        { invoiceId: 'inv-1', amount: '82.46' },
        { invoiceId: 'inv-2', amount: '10.00' },
      ],
      creditAmount: '7.54',
      allocatedAt: paidAt,
      ...data,
    },
  };
}
function paymentRefunded(data: Partial<PaymentRefunded['data']> = {}): PaymentRefunded {
  return {
    type: 'PaymentRefunded',
    data: {
      paymentId: 'pay-1',
      customerId,
      refundId: 'ref-1',
      amount: '20.00',
      currency: 'USD',
      method: 'original_payment',
      reason: 'Duplicate charge',
      refundedTotal: '20.00',
      refundable: '80.00',
      invoices: [
        { invoiceId: 'inv-2', amount: '10.00' },
        { invoiceId: 'inv-1', amount: '2.46' },
      ],
      fromCredit: '7.54',
      status: 'partially_refunded',
      refundedAt: paidAt,
      ...data,
    },
  };
}
const invoiceWrittenOff: InvoiceWrittenOff = {
  type: 'InvoiceWrittenOff',
  data: { invoiceId: 'inv-1', customerId, currency: 'USD', amount: '42.46', reason: 'Customer insolvent', writtenOffAt: paidAt },
};
function refund(data: Partial<PaymentRefundPostingInput> = {}): PaymentRefundPostingInput {
  return {
    eventId: 'evt-refund',
    recordedAt,
    sourceEventType: 'PaymentRefunded',
    refundId: 'ref-1',
    paymentId: 'pay-1',
    customerId,
    currency: 'USD',
    amount: '30.00',
    method: 'original_payment',
    reopenedInvoiceAmount: '30.00',
    customerCreditAmount: '0.00',
    refundedAt: paidAt,
    ...data,
  };
}
function writeOff(data: Partial<InvoiceWriteOffPostingInput> = {}): InvoiceWriteOffPostingInput {
  return {
    eventId: 'evt-writeoff',
    recordedAt,
    sourceEventType: 'InvoiceWrittenOff',
    writeOffId: 'wo-1',
    invoiceId: 'inv-1',
    customerId,
    currency: 'USD',
    amount: '42.46',
    writtenOffAt: paidAt,
    ...data,
  };
}

describe('InvoiceIssued', () => {
  it('debits receivables with the total and credits revenue with the subtotal and tax payable once per rate', () => {
    const entry = only(postingsFor(enveloped(invoiceIssued(), 'evt-1')));
    expect(readable(entry)).toEqual(['Dr accounts_receivable 82.46', 'Cr revenue 69.97', 'Cr tax_payable 11.99', 'Cr tax_payable 0.50']);
    expect(entry.lines.map((line) => line.tax?.name ?? null)).toEqual([null, null, 'VAT', '5%']);
    expect(entry).toMatchObject({
      entryId: 'evt-1:0',
      occurredAt: issuedAt,
      recordedAt,
      currency: 'USD',
      sourceEventType: 'InvoiceIssued',
      sourceEventId: 'evt-1',
      sourceId: 'inv-1',
      customerId,
      description: 'Invoice INV-2024-000001 issued',
    });
  });

  it('posts the tax total on one line for an invoice issued before tax breakdowns, and no tax line when untaxed', () => {
    const entry = only(postingsFor(enveloped(invoiceIssued({ taxBreakdown: undefined }), 'evt-1')));
    expect(readable(entry)).toEqual(['Dr accounts_receivable 82.46', 'Cr revenue 69.97', 'Cr tax_payable 12.49']);
    const untaxed = only(postingsFor(enveloped(invoiceIssued({ subtotal: '69.97', taxTotal: '0.00', total: '69.97', taxBreakdown: [] }), 'evt-1')));
    expect(readable(untaxed)).toEqual(['Dr accounts_receivable 69.97', 'Cr revenue 69.97']);
  });

  it('posts nothing for a zero-total invoice, and works in currencies without a minor unit', () => {
    expect(postingsFor(enveloped(invoiceIssued({ subtotal: '0.00', taxTotal: '0.00', total: '0.00', taxBreakdown: [] }), 'evt-1'))).toEqual([]);
    const yen = only(postingsFor(enveloped(invoiceIssued({ currency: 'JPY', subtotal: '1000', taxTotal: '100', total: '1100', taxBreakdown: undefined }), 'evt-1')));
    expect(readable(yen)).toEqual(['Dr accounts_receivable 1100', 'Cr revenue 1000', 'Cr tax_payable 100']);
  });

  it('derives the same entries from the same event: re-posting a redelivered event is harmless', () => {
    expect(postingsFor(enveloped(invoiceIssued(), 'evt-1'))).toEqual(postingsFor(enveloped(invoiceIssued(), 'evt-1')));
  });

  it('crashes with an assertion, not a DomainError, when the event figures cannot balance', () => {
    let caught: unknown;
    try {
      postingsFor(enveloped(invoiceIssued({ taxBreakdown: [vat20] }), 'evt-1'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(isDomainError(caught)).toBe(false);
    expect((caught as Error).message).toMatch(/general ledger invariant broken: entry evt-1:0 \(InvoiceIssued\) does not balance: debits 82\.46 != credits 81\.96 USD/);
  });
});

describe('InvoicePaymentRecorded', () => {
  it('debits cash with the amount, credits receivables with the applied part and customer credit with the excess', () => {
    const entry = only(postingsFor(enveloped(paymentRecorded(), 'evt-2')));
    expect(readable(entry)).toEqual(['Dr cash_clearing 100.00', 'Cr accounts_receivable 82.46', 'Cr customer_credit 17.54']);
    expect(entry).toMatchObject({ sourceId: 'pay-1', occurredAt: paidAt, entryId: 'evt-2:0' });
  });

  it('has no customer credit line when nothing was in excess', () => {
    const entry = only(postingsFor(enveloped(paymentRecorded({ amount: '20.00', appliedAmount: '20.00', excessAmount: '0.00', balanceDueAfter: '62.46' }), 'evt-2')));
    expect(readable(entry)).toEqual(['Dr cash_clearing 20.00', 'Cr accounts_receivable 20.00']);
  });
});

describe('PaymentAllocated', () => {
  it('debits cash with the whole payment and credits receivables per invoice and customer credit with the excess', () => {
    const entry = only(postingsFor(enveloped(paymentAllocated(), 'evt-alloc')));
    expect(readable(entry)).toEqual(['Dr cash_clearing 100.00', 'Cr accounts_receivable 82.46', 'Cr accounts_receivable 10.00', 'Cr customer_credit 7.54']);
    expect(entry).toMatchObject({
      entryId: 'evt-alloc:0',
      sourceEventType: 'PaymentAllocated',
      sourceId: 'pay-1',
      customerId,
      occurredAt: paidAt,
      description: 'Payment pay-1 applied to invoice(s) inv-1, inv-2',
    });
  });

  it('has no customer credit line when the payment was applied in full', () => {
    const entry = only(postingsFor(enveloped(paymentAllocated({ allocations: [{ invoiceId: 'inv-1', amount: '82.46' }], creditAmount: '0.00' }), 'evt-alloc')));
    expect(readable(entry)).toEqual(['Dr cash_clearing 82.46', 'Cr accounts_receivable 82.46']);
  });

  it('credits only customer credit when no invoice was paid', () => {
    const entry = only(postingsFor(enveloped(paymentAllocated({ allocations: [], creditAmount: '100.00' }), 'evt-alloc')));
    expect(readable(entry)).toEqual(['Dr cash_clearing 100.00', 'Cr customer_credit 100.00']);
    expect(entry.description).toBe("Payment pay-1 credited to the customer's account");
  });

  it('works in currencies without a minor unit and refuses amounts that do not fit it', () => {
    const yen = only(postingsFor(enveloped(paymentAllocated({ currency: 'JPY', allocations: [{ invoiceId: 'inv-1', amount: '1100' }], creditAmount: '50' }), 'evt-alloc')));
    expect(readable(yen)).toEqual(['Dr cash_clearing 1150', 'Cr accounts_receivable 1100', 'Cr customer_credit 50']);
    let caught: unknown;
    try {
      postingsFor(enveloped(paymentAllocated({ creditAmount: '7.545' }), 'evt-alloc'));
    } catch (error) {
      caught = error;
    }
    expect(isDomainError(caught) && caught.code).toBe('VALIDATION_FAILED');
  });
});

describe('PaymentRefunded', () => {
  it('reopens the invoices it lists, pays back the credit it took and credits cash with the whole refund', () => {
    const entry = only(postingsFor(enveloped(paymentRefunded(), 'evt-refund')));
    expect(readable(entry)).toEqual(['Dr accounts_receivable 12.46', 'Dr customer_credit 7.54', 'Cr cash_clearing 20.00']);
    expect(entry).toMatchObject({ entryId: 'evt-refund:0', sourceEventType: 'PaymentRefunded', sourceId: 'ref-1', occurredAt: paidAt });
  });

  it('a refund of invoice parts only has no customer credit line', () => {
    const entry = only(postingsFor(enveloped(paymentRefunded({ amount: '10.00', invoices: [{ invoiceId: 'inv-2', amount: '10.00' }], fromCredit: '0.00' }), 'evt-refund')));
    expect(readable(entry)).toEqual(['Dr accounts_receivable 10.00', 'Cr cash_clearing 10.00']);
  });

  it('a store-credit refund reopens the invoices and credits customer credit instead of cash', () => {
    const entry = only(
      postingsFor(enveloped(paymentRefunded({ method: 'store_credit', amount: '10.00', invoices: [{ invoiceId: 'inv-2', amount: '10.00' }], fromCredit: '0.00' }), 'evt-refund')),
    );
    expect(readable(entry)).toEqual(['Dr accounts_receivable 10.00', 'Cr customer_credit 10.00']);
  });

  it('a refund taken wholly from the credit the payment created only reduces that credit', () => {
    const entry = only(postingsFor(enveloped(paymentRefunded({ amount: '7.54', invoices: [], fromCredit: '7.54' }), 'evt-refund')));
    expect(readable(entry)).toEqual(['Dr customer_credit 7.54', 'Cr cash_clearing 7.54']);
  });
});

describe('InvoiceWrittenOff', () => {
  it('debits bad debt and credits receivables with the balance written off, the invoice id as write-off id', () => {
    const entry = only(postingsFor(enveloped(invoiceWrittenOff, 'evt-wo')));
    expect(readable(entry)).toEqual(['Dr bad_debt 42.46', 'Cr accounts_receivable 42.46']);
    expect(entry).toMatchObject({
      entryId: 'evt-wo:0',
      sourceEventType: 'InvoiceWrittenOff',
      sourceId: 'inv-1',
      occurredAt: paidAt,
      description: 'Invoice inv-1 written off (inv-1)',
    });
  });
});

describe('InvoiceVoided', () => {
  it('reverses the issue when the context says the invoice was issued', () => {
    const entry = only(postingsFor(enveloped(invoiceVoided, 'evt-3'), { issuedInvoice: invoiceIssued().data }));
    expect(readable(entry)).toEqual(['Dr revenue 69.97', 'Dr tax_payable 11.99', 'Dr tax_payable 0.50', 'Cr accounts_receivable 82.46']);
    expect(entry).toMatchObject({ occurredAt: paidAt, sourceId: 'inv-1', description: 'Invoice INV-2024-000001 voided: its issue reversed' });
  });

  it('posts nothing for a draft voided before issue', () => {
    expect(postingsFor(enveloped(invoiceVoided, 'evt-3'), { issuedInvoice: null })).toEqual([]);
  });

  it('is a programmer error without the context, or with the figures of another invoice', () => {
    expect(() => postingsFor(enveloped(invoiceVoided, 'evt-3'))).toThrow(/without saying whether the invoice was issued/);
    expect(() => postingsFor(enveloped(invoiceVoided, 'evt-3'), { issuedInvoice: invoiceIssued({ invoiceId: 'inv-9' }).data })).toThrow(/of invoice inv-9/);
  });
});

describe('credit notes', () => {
  it('CreditNoteIssued takes back revenue and tax per rate and owes the credit on credit_notes', () => {
    const entry = only(postingsFor(enveloped(noteIssued, 'evt-4')));
    expect(readable(entry)).toEqual(['Dr revenue 49.98', 'Dr tax_payable 8.00', 'Cr credit_notes 57.98']);
    expect(entry.lines[1]?.tax).toEqual({ rateId: null, name: '20%', rate: '20', jurisdiction: null });
  });

  it('CreditNoteApplied moves the credit from credit_notes to the invoice, the customer account or cash', () => {
    expect(readable(only(postingsFor(enveloped(noteApplied(), 'evt-5'))))).toEqual(['Dr credit_notes 20.00', 'Cr accounts_receivable 20.00']);
    expect(readable(only(postingsFor(enveloped(noteApplied({ applicationType: 'customer_account', invoiceId: null }), 'evt-5'))))).toEqual([
      'Dr credit_notes 20.00',
      'Cr customer_credit 20.00',
    ]);
    expect(readable(only(postingsFor(enveloped(noteApplied({ applicationType: 'refund', invoiceId: null }), 'evt-5'))))).toEqual([
      'Dr credit_notes 20.00',
      'Cr cash_clearing 20.00',
    ]);
  });

  it('CreditNoteVoided reverses an issued note and posts nothing for a draft', () => {
    expect(readable(only(postingsFor(enveloped(noteVoided('issued'), 'evt-6'))))).toEqual(['Dr credit_notes 57.98', 'Cr revenue 49.98', 'Cr tax_payable 8.00']);
    expect(postingsFor(enveloped(noteVoided('draft'), 'evt-6'))).toEqual([]);
  });
});

describe('customer credit', () => {
  it('CustomerCreditApplied debits customer credit and credits receivables', () => {
    expect(readable(only(postingsFor(enveloped(creditApplied, 'evt-7'))))).toEqual(['Dr customer_credit 12.00', 'Cr accounts_receivable 12.00']);
  });

  it('CustomerAccountCredited posts only adjustments: every other source already credited customer_credit', () => {
    expect(readable(only(postingsFor(enveloped(accountCredited('adjustment'), 'evt-8'))))).toEqual(['Dr refunds 5.00', 'Cr customer_credit 5.00']);
    for (const source of ['overpayment', 'credit_note', 'store_credit_refund'] as const) {
      expect(postingsFor(enveloped(accountCredited(source), 'evt-8'))).toEqual([]);
    }
  });
});

describe('events without postings', () => {
  it('drafts, line edits, tax recalculations and settings post nothing', () => {
    const events: LedgerSourceEvent[] = [
      enveloped({ type: 'InvoiceLineRemoved', data: { invoiceId: 'inv-1', lineId: 'L1', removedAt: issuedAt } }, 'evt-9'),
      enveloped({ type: 'CustomerAutoApplyCreditSet', data: { customerId, enabled: true, setAt: issuedAt } }, 'evt-10'),
    ];
    for (const event of events) expect(postingsFor(event)).toEqual([]);
  });

  it('the mirror events of a money movement post nothing: the movement is posted once, by its own event', () => {
    const paymentApplied: InvoicePaymentApplied = {
      type: 'InvoicePaymentApplied',
      data: {
        invoiceId: 'inv-1',
        customerId,
        paymentId: 'pay-1',
        method: 'card',
        reference: 'ch_1',
        currency: 'USD',
        amount: '82.46',
        paymentAmount: '82.46',
        balanceDueAfter: '0.00',
        appliedAt: paidAt,
      },
    };
    const invoiceCreditApplied: InvoiceCreditApplied = {
      type: 'InvoiceCreditApplied',
      data: {
        invoiceId: 'inv-1',
        customerId,
        applicationId: 'app-1',
        source: 'credit_note',
        sourceId: 'cn-1',
        currency: 'USD',
        amount: '20.00',
        balanceDueAfter: '62.46',
        appliedAt: paidAt,
      },
    };
    const invoicePaymentRefunded: InvoicePaymentRefunded = {
      type: 'InvoicePaymentRefunded',
      data: { invoiceId: 'inv-1', customerId, paymentId: 'pay-1', refundId: 'ref-1', currency: 'USD', amount: '2.46', balanceDueAfter: '2.46', refundedAt: paidAt },
    };
    const registered: InvoiceCreditNoteRegistered = {
      type: 'InvoiceCreditNoteRegistered',
      data: { invoiceId: 'inv-1', creditNoteId: 'cn-1', currency: 'USD', amount: '57.98', creditableAfter: '24.48', registeredAt: paidAt },
    };
    const released: InvoiceCreditNoteReleased = {
      type: 'InvoiceCreditNoteReleased',
      data: { invoiceId: 'inv-1', creditNoteId: 'cn-1', currency: 'USD', amount: '57.98', creditableAfter: '82.46', releasedAt: paidAt },
    };
    const debited: CustomerAccountDebited = {
      type: 'CustomerAccountDebited',
      data: { customerId, entryId: 'debit-1', amount: '7.54', currency: 'USD', reason: 'refund', sourceId: 'ref-1', balanceAfter: '0.00', debitedAt: paidAt },
    };
    const events: LedgerSourceEvent[] = [paymentApplied, invoiceCreditApplied, invoicePaymentRefunded, registered, released, debited].map((event, index) =>
      enveloped(event, `evt-mirror-${index}`),
    );
    for (const event of events) expect(postingsFor(event)).toEqual([]);
  });

  it('the payment lifecycle before allocation posts nothing (no money reached the books yet)', () => {
    const lifecycle: PaymentEvent[] = [
      {
        type: 'PaymentRecorded',
        data: {
          paymentId: 'pay-1',
          customerId,
          amount: '100.00',
          currency: 'USD',
          method: 'card',
          reference: 'ch_1',
          paymentMethodId: null,
          allocation: { kind: 'oldest_due_first' },
          status: 'pending',
          recordedAt: paidAt,
        },
      },
      { type: 'PaymentProcessingStarted', data: { paymentId: 'pay-1', attempt: 1, startedAt: paidAt } },
      { type: 'PaymentFailed', data: { paymentId: 'pay-1', reason: 'declined', attempt: 1, maxRetryAttempts: 3, retriesRemaining: 3, nextRetryAt: paidAt, failedAt: paidAt } },
      { type: 'PaymentRetryStarted', data: { paymentId: 'pay-1', attempt: 2, startedAt: paidAt } },
      {
        type: 'PaymentSucceeded',
        data: { paymentId: 'pay-1', customerId, amount: '100.00', currency: 'USD', method: 'card', gatewayReference: 'txn_1', succeededAt: paidAt },
      },
      { type: 'PaymentCancelled', data: { paymentId: 'pay-2', reason: 'abandoned', cancelledAt: paidAt } },
    ];
    for (const [index, event] of lifecycle.entries()) expect(postingsFor(enveloped(event, `evt-pay-${index}`))).toEqual([]);
  });
});

describe('paymentRefundPostings (the rule PaymentRefunded maps onto)', () => {
  it('a money-back refund of a payment applied to an invoice reopens its balance: Dr receivables, Cr cash', () => {
    const entry = only(paymentRefundPostings(refund()));
    expect(readable(entry)).toEqual(['Dr accounts_receivable 30.00', 'Cr cash_clearing 30.00']);
    expect(entry).toMatchObject({ entryId: 'evt-refund:0', sourceEventType: 'PaymentRefunded', sourceId: 'ref-1', occurredAt: paidAt });
  });

  it('splits a refund between the reopened invoice, the credit it pays back and plain refunds', () => {
    const entry = only(paymentRefundPostings(refund({ amount: '50.00', reopenedInvoiceAmount: '30.00', customerCreditAmount: '15.00' })));
    expect(readable(entry)).toEqual(['Dr accounts_receivable 30.00', 'Dr customer_credit 15.00', 'Dr refunds 5.00', 'Cr cash_clearing 50.00']);
  });

  it('a store-credit refund gives credit instead of money: Dr refunds, Cr customer_credit', () => {
    const entry = only(paymentRefundPostings(refund({ method: 'store_credit', reopenedInvoiceAmount: '0.00' })));
    expect(readable(entry)).toEqual(['Dr refunds 30.00', 'Cr customer_credit 30.00']);
  });

  it('refuses parts that exceed the refund, a store-credit refund out of customer credit, and amounts that are not positive', () => {
    const codeOf = (input: PaymentRefundPostingInput): string | undefined => {
      try {
        paymentRefundPostings(input);
      } catch (error) {
        return isDomainError(error) ? error.code : 'not a DomainError';
      }
      return undefined;
    };
    expect(codeOf(refund({ reopenedInvoiceAmount: '20.00', customerCreditAmount: '10.01' }))).toBe('VALIDATION_FAILED');
    expect(codeOf(refund({ method: 'store_credit', reopenedInvoiceAmount: '0.00', customerCreditAmount: '1.00' }))).toBe('VALIDATION_FAILED');
    expect(codeOf(refund({ amount: '0.00', reopenedInvoiceAmount: '0.00' }))).toBe('VALIDATION_FAILED');
    expect(codeOf(refund({ reopenedInvoiceAmount: '-1.00' }))).toBe('VALIDATION_FAILED');
    expect(codeOf(refund({ amount: '30.001' }))).toBe('VALIDATION_FAILED');
  });
});

describe('invoiceWriteOffPostings (the rule InvoiceWrittenOff maps onto)', () => {
  it('debits bad debt and credits receivables with the balance written off', () => {
    const entry = only(invoiceWriteOffPostings(writeOff()));
    expect(readable(entry)).toEqual(['Dr bad_debt 42.46', 'Cr accounts_receivable 42.46']);
    expect(entry).toMatchObject({ entryId: 'evt-writeoff:0', sourceEventType: 'InvoiceWrittenOff', sourceId: 'inv-1' });
  });

  it('refuses an amount that is not positive', () => {
    expect(() => invoiceWriteOffPostings(writeOff({ amount: '0.00' }))).toThrow(/amount must be greater than 0/);
  });
});

describe('assertBalancedEntry', () => {
  const entry: JournalEntry = {
    entryId: 'e:0',
    occurredAt: issuedAt,
    recordedAt,
    currency: 'USD',
    description: 'test',
    sourceEventType: 'Test',
    sourceEventId: 'e',
    sourceId: 'x',
    customerId,
    lines: [
      { account: 'cash_clearing', debit: '1.00', credit: '0.00' },
      { account: 'revenue', debit: '0.00', credit: '1.00' },
    ],
  };

  it('accepts a balanced entry and crashes on an unbalanced or malformed one', () => {
    expect(() => assertBalancedEntry(entry)).not.toThrow();
    expect(() => assertBalancedEntry({ ...entry, lines: [entry.lines[0]!, { account: 'revenue', debit: '0.00', credit: '0.99' }] })).toThrow(/does not balance/);
    expect(() => assertBalancedEntry({ ...entry, lines: [entry.lines[0]!] })).toThrow(/at least two/);
    expect(() => assertBalancedEntry({ ...entry, lines: [entry.lines[0]!, { account: 'revenue', debit: '1.00', credit: '1.00' }] })).toThrow(/exactly one/);
    expect(() => assertBalancedEntry({ ...entry, lines: [{ account: 'cash_clearing', debit: '-1.00', credit: '0.00' }, { account: 'revenue', debit: '-1.00', credit: '0.00' }] })).toThrow(
      /negative/,
    );
  });
});
