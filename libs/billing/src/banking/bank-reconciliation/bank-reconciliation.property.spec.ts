import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import { isDomainError } from '../../common/domain-error.js';
import { postingsFor, type LedgerSourceEvent, type MatchedLinesFigures } from '../../general-ledger/general-ledger.postings.js';
import type { BankReconciliationCommand } from './bank-reconciliation.commands.js';
import { decideBankReconciliation } from './bank-reconciliation.decide.js';
import { bankReconciliationDecider } from './bank-reconciliation.decider.js';
import type { BankReconciliationEvent } from './bank-reconciliation.events.js';
import { activeMatchesOf, reconciliationFigures, statementLinesOf, type BankReconciliationState } from './bank-reconciliation.state.js';

/**
 * Any sequence of manual matches, unmatches and resolutions keeps the account's books consistent: a line and a
 * payment are in at most one match in force, a line's status agrees with the matches, and the general ledger's bank
 * sub-ledger (from postingsFor over the events) always equals the reconciliation's ledger balance.
 */

const metadata = { now: '2026-03-31T12:00:00.000Z' };
const bankAccountId = 'ba_1';
const opening = '0.00';
const lineAmounts = ['100.00', '250.00', '-12.50', '40.00', '3.21', '-80.00'];
const paymentIds = ['p1', 'p2', 'p3', 'p4', 'p5'];
const paymentAmounts: Record<string, string> = { p1: '100.00', p2: '250.00', p3: '39.50', p4: '3.21', p5: '60.00' };

const imported = decideBankReconciliation(
  {
    type: 'ImportStatement',
    data: {
      bankAccountId,
      accountCurrency: 'USD',
      statementId: 'st',
      format: 'csv',
      fileSha256: 'f'.repeat(64),
      statementRef: null,
      currency: 'USD',
      openingBalance: opening,
      closingBalance: lineAmounts.reduce((sum, amount) => sum.plus(amount), new Big(opening)).toFixed(2),
      fromDate: '2026-03-01',
      toDate: '2026-03-31',
      lines: lineAmounts.map((amount, index) => ({
        lineKey: `tx:${index}`,
        bookingDate: `2026-03-${String(index + 10)}`,
        valueDate: `2026-03-${String(index + 10)}`,
        amount,
        reference: null,
        counterparty: null,
        description: null,
        bankTransactionId: String(index),
      })),
    },
    metadata,
  },
  bankReconciliationDecider.initialState,
);

const lineId = fc.integer({ min: 1, max: lineAmounts.length }).map((n) => `st-${n}`);
type MakeCommand = (step: number, state: BankReconciliationState) => BankReconciliationCommand;

/** A match in force picked by position (so that undo and reclassify mostly hit one), or an unknown id when there is none. */
function pickMatch(state: BankReconciliationState, pick: number): string {
  const active = activeMatchesOf(state);
  return active.length === 0 ? `m-unknown-${pick}` : (active[pick % active.length]?.matchId ?? 'm-unknown');
}

const command: fc.Arbitrary<MakeCommand> = fc.oneof(
  fc.record({ lines: fc.uniqueArray(lineId, { minLength: 1, maxLength: 3 }), payments: fc.uniqueArray(fc.constantFrom(...paymentIds), { minLength: 1, maxLength: 3 }), fee: fc.boolean() }).map(
    ({ lines, payments, fee }): MakeCommand =>
      (step) => ({
        type: 'MatchManually',
        data: {
          bankAccountId,
          accountCurrency: 'USD',
          matchId: `m-${step}`,
          lineIds: lines,
          payments: payments.map((paymentId) => ({ paymentId, amount: paymentAmounts[paymentId] ?? '1.00', currency: 'USD', date: '2026-03-12' })),
          differenceAccount: fee ? 'bank_fees' : null,
          reason: 'matched by hand',
          actorKeyId: 'key-1',
        },
        metadata,
      }),
  ),
  fc.nat().map(
    (pick): MakeCommand =>
      (_step, state) => ({ type: 'Unmatch', data: { bankAccountId, matchId: pickMatch(state, pick), reason: 'undo', actorKeyId: 'key-1' }, metadata }),
  ),
  fc.tuple(lineId, fc.constantFrom('bank_fees', 'reconciliation_suspense', 'other_income') as fc.Arbitrary<'bank_fees' | 'reconciliation_suspense' | 'other_income'>).map(
    ([id, account]): MakeCommand =>
      () => ({ type: 'ResolveLine', data: { bankAccountId, lineId: id, account, reason: 'booked', actorKeyId: 'key-1' }, metadata }),
  ),
  fc.nat().map(
    (pick): MakeCommand =>
      (_step, state) => ({ type: 'ReclassifyMatchDifference', data: { bankAccountId, matchId: pickMatch(state, pick), reason: 'a fee', actorKeyId: 'key-1' }, metadata }),
  ),
);

/** The bank sub-ledger's balance from the general ledger's postings of every event, as the ledger projection posts them. */
function bankBalanceOf(events: readonly BankReconciliationEvent[]): Big {
  const matches = new Map<string, MatchedLinesFigures>();
  let balance = new Big(opening);
  events.forEach((event, index) => {
    const context: { match?: MatchedLinesFigures } = {};
    if (event.type === 'StatementLinesMatched') matches.set(event.data.matchId, { ...event.data });
    if (event.type === 'StatementLinesUnmatched') context.match = matches.get(event.data.matchId);
    if (event.type === 'MatchDifferenceReclassified') {
      const match = matches.get(event.data.matchId);
      if (match) matches.set(match.matchId, { ...match, differenceAccount: 'bank_fees' });
    }
    const entries = postingsFor({ ...event, eventId: `e-${index}`, recordedAt: metadata.now } as LedgerSourceEvent, context);
    for (const line of entries.flatMap((entry) => entry.lines)) if (line.account === 'bank') balance = balance.plus(line.debit).minus(line.credit);
  });
  return balance;
}

describe('bank reconciliation invariants', () => {
  it('hold after any sequence of decisions, refused ones deciding nothing', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), (commands) => {
        const events: BankReconciliationEvent[] = [...imported];
        let state: BankReconciliationState = imported.reduce(bankReconciliationDecider.evolve, bankReconciliationDecider.initialState);
        commands.forEach((make, step) => {
          let decided: BankReconciliationEvent[] = [];
          try {
            decided = decideBankReconciliation(make(step, state), state);
          } catch (error) {
            // A refusal is a DomainError with a code, never a crash.
            expect(isDomainError(error)).toBe(true);
          }
          for (const event of decided) seen.add(event.type);
          events.push(...decided);
          state = decided.reduce(bankReconciliationDecider.evolve, state);
        });
        const active = activeMatchesOf(state);
        const matchedLines = active.flatMap((match) => match.lineIds);
        const matchedPayments = active.flatMap((match) => match.payments.map((payment) => payment.paymentId));
        expect(new Set(matchedLines).size).toBe(matchedLines.length);
        expect(new Set(matchedPayments).size).toBe(matchedPayments.length);
        for (const line of statementLinesOf(state)) {
          expect(line.status === 'matched').toBe(matchedLines.includes(line.lineId));
          if (line.status === 'matched') expect(new Big(line.amount).gt(0)).toBe(true);
        }
        const figures = reconciliationFigures(state, opening, { fromDate: '2026-03-01', toDate: '2026-03-31' });
        expect(bankBalanceOf(events).toFixed(2)).toBe(figures.ledgerBalance);
      }),
      { numRuns: 200 },
    );
    // The runs did exercise every decision, not only refusals.
    expect([...seen].sort()).toEqual(['MatchDifferenceReclassified', 'StatementLineResolved', 'StatementLinesMatched', 'StatementLinesUnmatched']);
  });
});
