import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import { isDomainError } from '../common/domain-error.js';
import type { PaymentCommand } from './payment.commands.js';
import { paymentDecider, refundableOf } from './payment.decider.js';
import type { PaymentEvent, PaymentRefunded } from './payment.events.js';

const paymentId = 'pay-1';
const metadata = { now: '2024-03-01T08:00:00.000Z' };
const cents = (minor: number): string => new Big(minor).div(100).toFixed(2);

// A payment split over up to four invoices and some credit, then refunded in random parts by random methods.
const scenario = fc
  .record({
    allocations: fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 4 }),
    credit: fc.integer({ min: 0, max: 3000 }),
    refunds: fc.array(fc.record({ minor: fc.integer({ min: 1, max: 9000 }), storeCredit: fc.boolean() }), { maxLength: 12 }),
  })
  .filter(({ allocations, credit }) => allocations.reduce((sum, minor) => sum + minor, credit) > 0);

describe('refund split, for any allocation and any sequence of refunds', () => {
  it('takes invoice parts last allocated first, each within its allocation, then credit within creditAmount, adding up to the refund', () => {
    fc.assert(
      fc.property(scenario, ({ allocations, credit, refunds }) => {
        const total = allocations.reduce((sum, minor) => sum + minor, credit);
        const invoices = allocations.map((minor, index) => ({ invoiceId: `inv-${index + 1}`, amount: cents(minor) }));
        const setup: PaymentCommand[] = [
          {
            type: 'RecordPayment',
            data: { paymentId, customerId: 'cus-1', amount: cents(total), currency: 'USD', method: 'cash', reference: 'till', allocation: { kind: 'oldest_due_first' } },
            metadata,
          },
          { type: 'AllocatePayment', data: { paymentId, allocations: invoices, creditAmount: cents(credit) }, metadata },
        ];
        let state = paymentDecider.initialState;
        for (const command of setup) state = paymentDecider.decide(command, state).reduce(paymentDecider.evolve, state);
        const emitted: PaymentRefunded[] = [];
        refunds.forEach(({ minor, storeCredit }, index) => {
          let events: PaymentEvent[];
          try {
            events = paymentDecider.decide(
              { type: 'RefundPayment', data: { paymentId, refundId: `ref-${index}`, amount: cents(minor), method: storeCredit ? 'store_credit' : 'card', reason: 'test' }, metadata },
              state,
            );
          } catch (error) {
            // Beyond what is refundable (or, as store credit, beyond the invoice parts), or nothing left at all.
            expect(isDomainError(error) && ['AMOUNT_EXCEEDS_REFUNDABLE', 'PAYMENT_NOT_SUCCEEDED'].includes(error.code)).toBe(true);
            return;
          }
          for (const event of events) {
            if (event.type === 'PaymentRefunded') emitted.push(event);
            state = paymentDecider.evolve(state, event);
          }
        });
        let refundedTotal = new Big(0);
        const refundedPerInvoice = new Map<string, Big>();
        let fromCreditTotal = new Big(0);
        for (const refunded of emitted) {
          const { data } = refunded;
          const parts = data.invoices.reduce((sum, part) => sum.plus(part.amount), new Big(0));
          expect(parts.plus(data.fromCredit).eq(data.amount)).toBe(true);
          if (data.method === 'store_credit') expect(data.fromCredit).toBe('0.00');
          // Last allocated first: the invoices of one refund appear in reverse allocation order.
          const positions = data.invoices.map((part) => invoices.findIndex((allocation) => allocation.invoiceId === part.invoiceId));
          expect([...positions].sort((a, b) => b - a)).toEqual(positions);
          for (const part of data.invoices) {
            expect(new Big(part.amount).gt(0)).toBe(true);
            refundedPerInvoice.set(part.invoiceId, (refundedPerInvoice.get(part.invoiceId) ?? new Big(0)).plus(part.amount));
          }
          fromCreditTotal = fromCreditTotal.plus(data.fromCredit);
          refundedTotal = refundedTotal.plus(data.amount);
        }
        for (const allocation of invoices) expect((refundedPerInvoice.get(allocation.invoiceId) ?? new Big(0)).lte(allocation.amount)).toBe(true);
        expect(fromCreditTotal.lte(cents(credit))).toBe(true);
        expect(new Big(refundableOf(state)).eq(new Big(cents(total)).minus(refundedTotal))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
