import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import { isDomainError } from '../common/domain-error.js';
import type { InvoiceCommand } from './invoice.commands.js';
import { invoiceDecider } from './invoice.decider.js';
import type { InvoiceEvent } from './invoice.events.js';

const invoiceId = 'inv-1';
const metadata = { now: '2024-03-01T08:00:00.000Z' };
const cents = (minor: number): string => new Big(minor).div(100).toFixed(2);

// Total 100.00 USD, untaxed.
const issuedHistory: InvoiceEvent[] = [
  {
    type: 'InvoiceDrafted',
    data: {
      invoiceId,
      customerId: 'cus-1',
      currency: 'USD',
      lines: [{ lineId: 'L1', description: 'Service', quantity: '1', unitPrice: '100.00', taxRate: null, amount: '100.00', taxAmount: '0.00' }],
      dueDate: null,
      paymentTermsDays: 30,
      draftedAt: metadata.now,
    },
  },
  {
    type: 'InvoiceIssued',
    data: {
      invoiceId,
      customerId: 'cus-1',
      number: 'INV-1',
      currency: 'USD',
      issueDate: '2024-03-01',
      issuedAt: metadata.now,
      dueDate: '2024-03-31',
      subtotal: '100.00',
      taxTotal: '0.00',
      total: '100.00',
    },
  },
];

// Small id pools make redeliveries frequent; amounts up to 60.00 make refusals beyond the balance frequent.
const id = fc.integer({ min: 1, max: 4 });
const amount = fc.integer({ min: 1, max: 6000 }).map(cents);
const command: fc.Arbitrary<InvoiceCommand> = fc.oneof(
  fc.record({ id, amount }).map(({ id: n, amount: value }): InvoiceCommand => ({
    type: 'ApplyPaymentToInvoice',
    data: { invoiceId, paymentId: `pay-${n}`, amount: value, currency: 'USD', method: 'card', reference: `ch_${n}`, paymentAmount: value },
    metadata,
  })),
  fc.record({ id, amount }).map(({ id: n, amount: value }): InvoiceCommand => ({
    type: 'ApplyCreditToInvoice',
    data: { invoiceId, applicationId: `app-${n}`, source: 'customer_credit', sourceId: 'cus-1', amount: value, currency: 'USD' },
    metadata,
  })),
  fc.record({ id, refund: fc.integer({ min: 1, max: 8 }), amount }).map(({ id: n, refund, amount: value }): InvoiceCommand => ({
    type: 'RefundInvoicePayment',
    data: { invoiceId, paymentId: `pay-${n}`, refundId: `ref-${refund}`, amount: value, currency: 'USD' },
    metadata,
  })),
  fc.record({ id, amount }).map(({ id: n, amount: value }): InvoiceCommand => ({
    type: 'RegisterCreditNote',
    data: { invoiceId, creditNoteId: `cn-${n}`, amount: value, currency: 'USD' },
    metadata,
  })),
  fc.record({ id, amount }).map(({ id: n, amount: value }): InvoiceCommand => ({
    type: 'ReleaseCreditNote',
    data: { invoiceId, creditNoteId: `cn-${n}`, amount: value, currency: 'USD' },
    metadata,
  })),
  fc.constant<InvoiceCommand>({ type: 'WriteOffInvoice', data: { invoiceId, reason: 'Uncollectable' }, metadata }),
);

const expectedRefusals = [
  'AMOUNT_EXCEEDS_BALANCE',
  'AMOUNT_EXCEEDS_REFUNDABLE',
  'AMOUNT_EXCEEDS_CREDITABLE',
  'ALREADY_EXISTS',
  'INVOICE_NOT_OPEN',
  'INVOICE_NOT_WRITABLE_OFF',
  'NOT_FOUND',
  'VALIDATION_FAILED',
];

describe('invoice balance, for any sequence of payments, credits, refunds, credit notes and write-offs', () => {
  it('is always total - paid - credited + refunded - written off, never negative, and creditable stays within 0..total', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        let state = issuedHistory.reduce(invoiceDecider.evolve, invoiceDecider.initialState);
        for (const next of commands) {
          let events: InvoiceEvent[];
          try {
            events = invoiceDecider.decide(next, state);
          } catch (error) {
            expect(isDomainError(error) && expectedRefusals.includes(error.code)).toBe(true);
            continue;
          }
          for (const event of events) state = invoiceDecider.evolve(state, event);
          const balance = new Big(state.total).minus(state.amountPaid).minus(state.amountCredited).plus(state.amountRefunded).minus(state.amountWrittenOff);
          expect(state.balanceDue).toBe(balance.toFixed(2));
          expect(balance.gte(0)).toBe(true);
          expect(new Big(state.creditableAmount).gte(0) && new Big(state.creditableAmount).lte(state.total)).toBe(true);
          // What refunds reopened never exceeds what was paid, per payment and in all.
          for (const application of state.paymentApplications) expect(new Big(application.reopenedAmount).lte(application.appliedAmount)).toBe(true);
          expect(new Big(state.amountRefunded).lte(state.amountPaid)).toBe(true);
          // Status follows the balance.
          if (balance.eq(0)) expect(['paid', 'written_off']).toContain(state.status);
          else expect(['open', 'partially_paid']).toContain(state.status);
        }
      }),
      { numRuns: 300 },
    );
  });
});
