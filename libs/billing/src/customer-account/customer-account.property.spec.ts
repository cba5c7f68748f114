import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import { isDomainError } from '../common/domain-error.js';
import type { CustomerAccountCommand } from './customer-account.commands.js';
import { customerAccountDecider, customerCreditBalance } from './customer-account.decider.js';
import type { CustomerAccountEvent } from './customer-account.events.js';

const customerId = 'cus-1';
const metadata = { now: '2024-03-01T08:00:00.000Z' };
const currencies = ['USD', 'JPY', 'KWD'] as const;
const minorUnits: Record<(typeof currencies)[number], number> = { USD: 2, JPY: 0, KWD: 3 };

/** An amount in minor units written as a decimal string of the currency ("1234" USD -> "12.34"). */
function decimalOf(minor: number, currency: (typeof currencies)[number]): string {
  return new Big(minor).div(new Big(10).pow(minorUnits[currency])).toFixed(minorUnits[currency]);
}

// Small id pools make repeats (redeliveries) frequent; small amounts make applications beyond the balance frequent.
const command: fc.Arbitrary<CustomerAccountCommand> = fc.oneof(
  fc.record({ entry: fc.integer({ min: 1, max: 8 }), minor: fc.integer({ min: 1, max: 5000 }), currency: fc.constantFrom(...currencies) }).map(
    ({ entry, minor, currency }): CustomerAccountCommand => ({
      type: 'CreditCustomerAccount',
      data: { customerId, entryId: `entry-${entry}`, amount: decimalOf(minor, currency), currency, source: 'overpayment', sourceId: `pay-${entry}` },
      metadata,
    }),
  ),
  fc.record({ application: fc.integer({ min: 1, max: 8 }), minor: fc.integer({ min: 1, max: 5000 }), currency: fc.constantFrom(...currencies) }).map(
    ({ application, minor, currency }): CustomerAccountCommand => ({
      type: 'ApplyCustomerCredit',
      data: { customerId, applicationId: `app-${application}`, invoiceId: `inv-${application}`, amount: decimalOf(minor, currency), currency },
      metadata,
    }),
  ),
  fc.record({ debit: fc.integer({ min: 1, max: 8 }), minor: fc.integer({ min: 1, max: 5000 }), currency: fc.constantFrom(...currencies) }).map(
    ({ debit, minor, currency }): CustomerAccountCommand => ({
      type: 'DebitCustomerAccount',
      data: { customerId, entryId: `debit-${debit}`, amount: decimalOf(minor, currency), currency, reason: 'refund', sourceId: `ref-${debit}` },
      metadata,
    }),
  ),
);

describe('customer account balance, for any sequence of credits, applications and debits', () => {
  it('never goes negative and equals the credits minus the applications and debits, per currency', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        let state = customerAccountDecider.initialState;
        const emitted: CustomerAccountEvent[] = [];
        for (const next of commands) {
          let events: CustomerAccountEvent[];
          try {
            events = customerAccountDecider.decide(next, state);
          } catch (error) {
            // The only refusal these well-formed commands can meet is an application or debit beyond the balance.
            expect(isDomainError(error) && error.code === 'INSUFFICIENT_CREDIT').toBe(true);
            continue;
          }
          for (const event of events) {
            emitted.push(event);
            state = customerAccountDecider.evolve(state, event);
          }
          for (const currency of currencies) expect(new Big(customerCreditBalance(state, currency)).gte(0)).toBe(true);
        }
        for (const currency of currencies) {
          let expected = new Big(0);
          for (const event of emitted) {
            if (event.type === 'CustomerAccountCredited' && event.data.currency === currency) expected = expected.plus(event.data.amount);
            if (event.type === 'CustomerCreditApplied' && event.data.currency === currency) expected = expected.minus(event.data.amount);
            if (event.type === 'CustomerAccountDebited' && event.data.currency === currency) expected = expected.minus(event.data.amount);
          }
          expect(new Big(customerCreditBalance(state, currency)).eq(expected)).toBe(true);
        }
        // Each id acts at most once, however often it was sent.
        const ids = emitted.flatMap((event) =>
          event.type === 'CustomerAccountCredited' || event.type === 'CustomerAccountDebited'
            ? [event.data.entryId]
            : event.type === 'CustomerCreditApplied'
              ? [event.data.applicationId]
              : [],
        );
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 300 },
    );
  });
});
