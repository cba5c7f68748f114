import { describe, expect, it } from '@jest/globals';
import {
  decideBankReconciliation,
  evolveBankReconciliation,
  initialBankReconciliationState,
  type BankReconciliationState,
  type StatementLinesMatched,
} from '../../../billing/src/index.js';
import {
  workedExampleBankAccountId,
  workedExampleExpectedExactMatches,
  workedExampleExpectedTolerantMatches,
  workedExamplePayments,
  workedExampleStatement,
  workedExampleTolerantRules,
} from '../../../billing/src/banking/matching/worked-example.js';
import type { CommandContext } from '../../../application/src/index.js';
import type { ReconciliationPaymentRecord } from '../../../../projections/reconciliation/reconciliation.queries.js';
import { automaticMatches, paymentIsFree, type MatchingContext } from './automatic-matching.js';

const NOW = '2026-04-01T07:00:00.000Z';
const context: CommandContext = { tenantId: 't', actor: 'api-key:k1', commandId: 'cmd-1', correlationId: 'c', causationId: 'c', now: NOW };

/** The worked example's statement imported as `st_worked` (its line ids are the example's). */
function importedState(): BankReconciliationState {
  const events = decideBankReconciliation(
    {
      type: 'ImportStatement',
      data: {
        bankAccountId: workedExampleBankAccountId,
        accountCurrency: 'EUR',
        statementId: workedExampleStatement.statementId,
        format: 'csv',
        fileSha256: 'a'.repeat(64),
        statementRef: null,
        currency: 'EUR',
        openingBalance: workedExampleStatement.openingBalance,
        closingBalance: workedExampleStatement.closingBalance,
        fromDate: workedExampleStatement.fromDate,
        toDate: workedExampleStatement.toDate,
        lines: workedExampleStatement.lines.map((line, index) => ({
          lineKey: `h:${index}`,
          bookingDate: line.bookingDate,
          valueDate: line.valueDate,
          amount: line.amount,
          reference: line.reference,
          counterparty: line.counterparty,
          description: line.description,
          bankTransactionId: null,
        })),
      },
      metadata: { now: NOW },
    },
    initialBankReconciliationState,
  );
  return events.reduce(evolveBankReconciliation, initialBankReconciliationState);
}

/** The example's payments as the read model gives them, received at noon UTC of their date. */
const payments: ReconciliationPaymentRecord[] = workedExamplePayments.map((payment) => ({
  paymentId: payment.paymentId,
  bankAccountId: null,
  customerId: `cus_${payment.paymentId}`,
  customerName: payment.customerName,
  currency: 'EUR',
  amount: payment.amount,
  reference: payment.reference as string,
  method: 'wire_transfer',
  invoiceIds: [],
  invoiceNumbers: payment.invoiceNumbers,
  paymentStatus: 'succeeded',
  receivedAt: `${payment.date}T12:00:00.000Z`,
  matchStatus: 'UNMATCHED',
  matchId: null,
  resolution: null,
}));

function matching(rules: MatchingContext['rules'], timeZone = 'UTC'): MatchingContext {
  return { bankAccountId: workedExampleBankAccountId, currency: 'EUR', rules, payments, timeZone };
}

/** The decided matches as [line number, paymentId, rule, difference], like the example's expectations. */
function summary(events: readonly { type: string; data: unknown }[]): (readonly [number, string, string, string])[] {
  return (events as StatementLinesMatched[])
    .map((event) => [Number(event.data.lineIds[0]?.split('-').at(-1)), event.data.payments[0]?.paymentId as string, event.data.decision.kind === 'rule' ? event.data.decision.ruleId : '?', event.data.difference] as const)
    .sort((a, b) => a[0] - b[0]);
}

describe('automatic matching on import', () => {
  it('the exact rule matches the example expected by the engine', () => {
    const events = automaticMatches(importedState(), matching(workedExampleTolerantRules.slice(0, 1)), context, { now: NOW });
    expect(summary(events)).toEqual(workedExampleExpectedExactMatches);
  });

  it('the exact and tolerant rules match the five the example expects, each naming its rule version', () => {
    const events = automaticMatches(importedState(), matching(workedExampleTolerantRules), context, { now: NOW });
    expect(summary(events)).toEqual(workedExampleExpectedTolerantMatches);
    expect((events as StatementLinesMatched[]).every((event) => event.data.decision.kind === 'rule' && event.data.decision.ruleVersion === 1)).toBe(true);
  });

  it('names the same matches when decided again with the same command (a retry after a conflict)', () => {
    const once = automaticMatches(importedState(), matching(workedExampleTolerantRules), context, { now: NOW });
    const again = automaticMatches(importedState(), matching(workedExampleTolerantRules), context, { now: NOW });
    expect(again.map((event) => (event as StatementLinesMatched).data.matchId)).toEqual(once.map((event) => (event as StatementLinesMatched).data.matchId));
    const other = automaticMatches(importedState(), matching(workedExampleTolerantRules), { ...context, commandId: 'cmd-2' }, { now: NOW });
    expect(other.map((event) => (event as StatementLinesMatched).data.matchId)).not.toEqual(once.map((event) => (event as StatementLinesMatched).data.matchId));
  });

  it('decides nothing without rules, and never proposes a payment the account has already matched', () => {
    expect(automaticMatches(importedState(), matching([]), context, { now: NOW })).toEqual([]);
    const first = automaticMatches(importedState(), matching(workedExampleTolerantRules), context, { now: NOW });
    const state = first.reduce(evolveBankReconciliation, importedState());
    expect(paymentIsFree(state, 'pay_01')).toBe(false);
    expect(paymentIsFree(state, 'pay_05')).toBe(true);
    // Everything that could match did: a second run finds nothing more.
    expect(automaticMatches(state, matching(workedExampleTolerantRules), { ...context, commandId: 'cmd-3' }, { now: NOW })).toEqual([]);
  });

  it('a payment parked in suspense is not free; one in transit stays matchable', () => {
    const resolve = (paymentId: string, amount: string, resolution: 'in_transit' | 'reconciliation_suspense', state: BankReconciliationState) =>
      decideBankReconciliation(
        {
          type: 'ResolvePaymentDiscrepancy',
          data: { bankAccountId: workedExampleBankAccountId, accountCurrency: 'EUR', paymentId, amount, currency: 'EUR', resolution, reason: 'test', actorKeyId: 'k1' },
          metadata: { now: NOW },
        },
        state,
      ).reduce(evolveBankReconciliation, state);
    const state = resolve('pay_09', '75.50', 'reconciliation_suspense', resolve('pay_10', '300.00', 'in_transit', importedState()));
    expect(paymentIsFree(state, 'pay_10')).toBe(true);
    expect(paymentIsFree(state, 'pay_09')).toBe(false);
    // pay_09 is parked, so the tolerant rule no longer matches line 9 to it.
    expect(summary(automaticMatches(state, matching(workedExampleTolerantRules), context, { now: NOW })).map(([line]) => line)).toEqual([1, 2, 3, 4]);
  });

  it("dates a payment by the tenant's zone: received late on the 2nd in New York is the 2nd there, the 3rd in UTC", () => {
    const late = payments.map((payment) => (payment.paymentId === 'pay_01' ? { ...payment, receivedAt: '2026-03-03T02:00:00.000Z' } : payment));
    const exact = workedExampleTolerantRules.slice(0, 1);
    const utc = automaticMatches(importedState(), { ...matching(exact), payments: late }, context, { now: NOW });
    const newYork = automaticMatches(importedState(), { ...matching(exact, 'America/New_York'), payments: late }, context, { now: NOW });
    expect(summary(utc).map(([line]) => line)).toEqual([2]);
    expect(summary(newYork).map(([line]) => line)).toEqual([1, 2]);
  });
});
