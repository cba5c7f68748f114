import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../../testing/src/decider-spec.js';
import { fold } from '../../common/decider.js';
import { isDomainError } from '../../common/domain-error.js';
import { expectEventsValid, unchecked } from '../banking.test-helper.js';
import type {
  ImportedLineInput,
  ImportStatement,
  MatchManually,
  ReclassifyMatchDifference,
  RecordMatches,
  ResolveLine,
  ResolvePaymentDiscrepancy,
  RuleMatchInput,
  Unmatch,
} from './bank-reconciliation.commands.js';
import { decideBankReconciliation } from './bank-reconciliation.decide.js';
import { bankReconciliationDecider } from './bank-reconciliation.decider.js';
import {
  bankReconciliationEventSchemas,
  type BankReconciliationEvent,
  type BankStatementImported,
  type StatementLinesMatched,
  type StatementLinesUnmatched,
} from './bank-reconciliation.events.js';
import {
  activeMatchesOf,
  matchableLinesOf,
  matchedOrResolvedPaymentIds,
  paymentStatusOf,
  reconciliationFigures,
  statementLineOf,
  statementsOf,
  type BankReconciliationState,
} from './bank-reconciliation.state.js';

const spec = DeciderSpecification.for(bankReconciliationDecider);
const now = '2026-03-31T18:00:00.000Z';
const bankAccountId = 'ba_1';
const sha = (digit: string) => digit.repeat(64);

const line = (lineKey: string, bookingDate: string, amount: string, reference: string | null = null): ImportedLineInput => ({
  lineKey,
  bookingDate,
  valueDate: bookingDate,
  amount,
  reference,
  counterparty: null,
  description: null,
  bankTransactionId: lineKey.startsWith('tx:') ? lineKey.slice(3) : null,
});

/** March: 1000.00 opening; a deposit of 100.00, a payout of 291.30, bank charges of -12.50, interest of 3.21. */
const marchLines = [
  line('tx:A1', '2026-03-03', '100.00', 'INV-1'),
  line('tx:A2', '2026-03-10', '291.30', 'PAYOUT-77'),
  line('tx:A3', '2026-03-31', '-12.50', 'FEES'),
  line('tx:A4', '2026-03-31', '3.21', 'INTEREST'),
];

function importStatement(data: Partial<ImportStatement['data']> = {}): ImportStatement {
  return {
    type: 'ImportStatement',
    data: {
      bankAccountId,
      accountCurrency: 'USD',
      statementId: 'st-03',
      format: 'camt053',
      fileSha256: sha('a'),
      statementRef: 'STMT-2026-03',
      currency: 'USD',
      openingBalance: '1000.00',
      closingBalance: '1382.01',
      fromDate: '2026-03-01',
      toDate: '2026-03-31',
      lines: marchLines,
      ...data,
    },
    metadata: { now },
  };
}

function imported(): BankStatementImported {
  const [event] = decideBankReconciliation(importStatement(), bankReconciliationDecider.initialState);
  if (event?.type !== 'BankStatementImported') throw new Error('expected an import');
  return event;
}

function ruleMatch(data: Partial<RuleMatchInput> = {}): RuleMatchInput {
  return {
    matchId: 'm-1',
    lineIds: ['st-03-1'],
    payments: [{ paymentId: 'pay-1', amount: '100.00' }],
    lineTotal: '100.00',
    paymentTotal: '100.00',
    difference: '0.00',
    differenceAccount: null,
    dateGapDays: 1,
    ruleId: 'exact',
    ruleVersion: 2,
    ...data,
  };
}
const recordMatches = (...matches: RuleMatchInput[]): RecordMatches => ({ type: 'RecordMatches', data: { bankAccountId, accountCurrency: 'USD', matches }, metadata: { now } });

/** The payout: line 2 (291.30) settles three payments of 100.00 less an 8.70 fee. */
const payoutMatch = ruleMatch({
  matchId: 'm-2',
  lineIds: ['st-03-2'],
  payments: [
    { paymentId: 'pay-2', amount: '100.00' },
    { paymentId: 'pay-3', amount: '100.00' },
    { paymentId: 'pay-4', amount: '100.00' },
  ],
  lineTotal: '291.30',
  paymentTotal: '300.00',
  difference: '8.70',
  differenceAccount: 'bank_fees',
  ruleId: 'payout',
  ruleVersion: 1,
});

function matchedEvent(input: RuleMatchInput): StatementLinesMatched {
  return {
    type: 'StatementLinesMatched',
    data: {
      matchId: input.matchId,
      bankAccountId,
      currency: 'USD',
      lineIds: input.lineIds,
      payments: input.payments,
      lineTotal: input.lineTotal,
      paymentTotal: input.paymentTotal,
      difference: input.difference,
      differenceAccount: input.differenceAccount,
      dateGapDays: input.dateGapDays,
      decision: { kind: 'rule', ruleId: input.ruleId, ruleVersion: input.ruleVersion },
      matchedAt: now,
    },
  };
}

function manual(data: Partial<MatchManually['data']> = {}): MatchManually {
  return {
    type: 'MatchManually',
    data: {
      bankAccountId,
      accountCurrency: 'USD',
      matchId: 'm-9',
      lineIds: ['st-03-1'],
      payments: [{ paymentId: 'pay-1', amount: '100.00', currency: 'USD', date: '2026-03-01' }],
      reason: 'Customer paid by wire with no reference',
      actorKeyId: 'key-alice',
      ...data,
    },
    metadata: { now },
  };
}

const unmatch = (data: Partial<Unmatch['data']> = {}): Unmatch => ({
  type: 'Unmatch',
  data: { bankAccountId, matchId: 'm-1', reason: 'Wrong customer', actorKeyId: 'key-alice', ...data },
  metadata: { now },
});
const resolveLine = (data: Partial<ResolveLine['data']> = {}): ResolveLine => ({
  type: 'ResolveLine',
  data: { bankAccountId, lineId: 'st-03-3', account: 'bank_fees', reason: 'Monthly account fee', actorKeyId: 'key-alice', ...data },
  metadata: { now },
});
const resolvePayment = (data: Partial<ResolvePaymentDiscrepancy['data']> = {}): ResolvePaymentDiscrepancy => ({
  type: 'ResolvePaymentDiscrepancy',
  data: { bankAccountId, accountCurrency: 'USD', paymentId: 'pay-7', amount: '55.00', currency: 'USD', resolution: 'in_transit', reason: 'Deposited on the 31st', actorKeyId: 'key-alice', ...data },
  metadata: { now },
});
const reclassify = (data: Partial<ReclassifyMatchDifference['data']> = {}): ReclassifyMatchDifference => ({
  type: 'ReclassifyMatchDifference',
  data: { bankAccountId, matchId: 'm-3', reason: 'The processor confirmed a fee', actorKeyId: 'key-alice', ...data },
  metadata: { now },
});

function stateAfter(events: BankReconciliationEvent[]): BankReconciliationState {
  return fold(bankReconciliationDecider, events);
}

describe('ImportStatement', () => {
  it('records every new line with ids <statementId>-<n>, the balances and the file hash', () => {
    const event = imported();
    expect(event.data).toMatchObject({
      statementId: 'st-03',
      bankAccountId,
      format: 'camt053',
      statementRef: 'STMT-2026-03',
      currency: 'USD',
      openingBalance: '1000.00',
      closingBalance: '1382.01',
      duplicateLineCount: 0,
      importedAt: now,
    });
    expect(event.data.lines.map((entry) => `${entry.lineId} ${entry.amount}`)).toEqual(['st-03-1 100.00', 'st-03-2 291.30', 'st-03-3 -12.50', 'st-03-4 3.21']);
    expectEventsValid([event], bankReconciliationEventSchemas);
  });

  it('fixes amounts to the minor unit and reads blank texts as null', () => {
    const [event] = decideBankReconciliation(
      importStatement({ closingBalance: '1010', lines: [{ ...line('h:1', '2026-03-02', '10'), reference: '  ', description: 'Deposit' }] }),
      bankReconciliationDecider.initialState,
    );
    expect(event?.type === 'BankStatementImported' && event.data.lines[0]).toMatchObject({ amount: '10.00', reference: null, description: 'Deposit' });
  });

  it('the same file again adds nothing (by its hash), whatever statement id it is given', () => {
    spec.given([imported()]).when(importStatement({ statementId: 'st-03-again' })).thenNothing();
  });

  it('an overlapping statement adds only its new lines and counts the others as duplicates', () => {
    const overlapping = importStatement({
      statementId: 'st-03b',
      fileSha256: sha('b'),
      openingBalance: '1391.30',
      closingBalance: '1432.01',
      fromDate: '2026-03-31',
      toDate: '2026-04-01',
      lines: [marchLines[2] as ImportedLineInput, marchLines[3] as ImportedLineInput, line('tx:B1', '2026-04-01', '50.00')],
    });
    const [event] = decideBankReconciliation(overlapping, stateAfter([imported()]));
    expect(event?.type === 'BankStatementImported' && event.data).toMatchObject({ duplicateLineCount: 2, lines: [{ lineId: 'st-03b-1', lineKey: 'tx:B1', amount: '50.00' }] });
  });

  it('a file whose every line is known decides nothing, even under another hash', () => {
    spec.given([imported()]).when(importStatement({ statementId: 'st-x', fileSha256: sha('c') })).thenNothing();
  });

  it('two lines of one file with the same key are one line (the second is a duplicate)', () => {
    const [event] = decideBankReconciliation(
      importStatement({ closingBalance: '1010.00', lines: [line('tx:Z', '2026-03-02', '10.00'), line('tx:Z', '2026-03-02', '0.00')] }),
      bankReconciliationDecider.initialState,
    );
    expect(event?.type === 'BankStatementImported' && event.data).toMatchObject({ duplicateLineCount: 1, lines: [{ lineKey: 'tx:Z' }] });
  });

  it('opening + lines must equal closing exactly: VALIDATION_FAILED naming the sum, nothing imported', () => {
    spec.given([]).when(importStatement({ closingBalance: '1382.02' })).thenThrows('VALIDATION_FAILED', /does not add up: opening 1000.00 \+ its lines = 1382.01/);
  });

  it.each<[string, Partial<ImportStatement['data']>, string, RegExp]>([
    ['a statement in another currency than the account', { currency: 'EUR' }, 'CURRENCY_MISMATCH', /EUR/],
    ['an unknown format', { format: unchecked('mt940') }, 'VALIDATION_FAILED', /format/],
    ['a hash that is not sha256 hex', { fileSha256: 'ABC' }, 'VALIDATION_FAILED', /fileSha256/],
    ['fromDate after toDate', { fromDate: '2026-04-01' }, 'VALIDATION_FAILED', /after toDate/],
    ['a line amount beyond the bound', { lines: [line('h:1', '2026-03-02', '1000000000000.00')] }, 'AMOUNT_OUT_OF_RANGE', /lines\[0\].amount/],
    ['a line amount with too many decimals', { lines: [line('h:1', '2026-03-02', '1.005')] }, 'VALIDATION_FAILED', /lines\[0\].amount/],
    ['a line with a bad date', { lines: [line('h:1', '2026-02-30', '1.00')] }, 'VALIDATION_FAILED', /lines\[0\].bookingDate/],
    ['a line without a key', { lines: [line('', '2026-03-02', '1.00')] }, 'VALIDATION_FAILED', /lineKey/],
    ['a bad statement id', { statementId: 'st 1' }, 'VALIDATION_FAILED', /statementId/],
  ])('refuses %s (%s), with no event', (_what, data, code, message) => {
    spec.given([]).when(importStatement(data)).thenThrows(code, message);
  });

  it('a later statement in another currency than the first is CURRENCY_MISMATCH', () => {
    spec.given([imported()]).when(importStatement({ accountCurrency: 'EUR', currency: 'EUR', fileSha256: sha('d') })).thenThrows('CURRENCY_MISMATCH');
  });

  it('a statement id already used by another file is ALREADY_EXISTS', () => {
    spec.given([imported()]).when(importStatement({ fileSha256: sha('e'), closingBalance: '1001.00', lines: [line('tx:new', '2026-03-05', '1.00')] })).thenThrows('ALREADY_EXISTS');
  });

  it('the state exposes lines by id, statements, and the lines the engine may match (unmatched money in)', () => {
    const state = stateAfter([imported()]);
    expect(statementLineOf(state, 'st-03-2')).toMatchObject({ statementId: 'st-03', status: 'unmatched', amount: '291.30', bookingDate: '2026-03-10' });
    expect(statementLineOf(state, 'st-03-99')).toBeNull();
    expect(statementsOf(state).map((statement) => [statement.statementId, statement.closingBalance, statement.toDate])).toEqual([['st-03', '1382.01', '2026-03-31']]);
    expect(matchableLinesOf(state).map((entry) => entry.lineId)).toEqual(['st-03-1', 'st-03-2', 'st-03-4']);
  });
});

describe('RecordMatches (the engine\'s proposals)', () => {
  it('records each proposal with its rule and version', () => {
    spec.given([imported()]).when(recordMatches(ruleMatch(), payoutMatch)).then([matchedEvent(ruleMatch()), matchedEvent(payoutMatch)]);
    expectEventsValid([matchedEvent(payoutMatch)], bankReconciliationEventSchemas);
  });

  it('no proposals, no events', () => {
    spec.given([imported()]).when(recordMatches()).thenNothing();
  });

  it('matched lines and payments are no longer free', () => {
    const state = stateAfter([imported(), matchedEvent(ruleMatch()), matchedEvent(payoutMatch)]);
    expect(statementLineOf(state, 'st-03-2')).toMatchObject({ status: 'matched', matchId: 'm-2' });
    expect(paymentStatusOf(state, 'pay-3')).toEqual({ status: 'matched', matchId: 'm-2' });
    expect(matchedOrResolvedPaymentIds(state)).toEqual(['pay-1', 'pay-2', 'pay-3', 'pay-4']);
    expect(activeMatchesOf(state).map((match) => match.matchId)).toEqual(['m-1', 'm-2']);
    expect(matchableLinesOf(state).map((entry) => entry.lineId)).toEqual(['st-03-4']);
  });

  it.each<[string, RuleMatchInput[], string, RegExp]>([
    ['a line matched already', [ruleMatch({ matchId: 'm-5' })], 'INVALID_STATE_TRANSITION', /st-03-1 is already matched/],
    ['a payment matched already', [ruleMatch({ matchId: 'm-5', lineIds: ['st-03-4'], payments: [{ paymentId: 'pay-1', amount: '3.21' }], lineTotal: '3.21', paymentTotal: '3.21' })], 'INVALID_STATE_TRANSITION', /pay-1/],
    ['a match id taken', [ruleMatch({ lineIds: ['st-03-4'], payments: [{ paymentId: 'pay-8', amount: '3.21' }], lineTotal: '3.21', paymentTotal: '3.21' })], 'ALREADY_EXISTS', /m-1/],
  ])('refuses %s, all or nothing', (_what, matches, code, message) => {
    spec.given([imported(), matchedEvent(ruleMatch())]).when(recordMatches(...matches)).thenThrows(code, message);
  });

  it.each<[string, RuleMatchInput[], string, RegExp]>([
    ['an unknown line', [ruleMatch({ lineIds: ['st-03-99'] })], 'NOT_FOUND', /st-03-99/],
    ['a negative line (money out)', [ruleMatch({ lineIds: ['st-03-3'], lineTotal: '-12.50', difference: '112.50', differenceAccount: 'reconciliation_suspense' })], 'VALIDATION_FAILED', /money out/],
    ['a line total that does not add up', [ruleMatch({ lineTotal: '99.00', difference: '1.00', differenceAccount: 'reconciliation_suspense' })], 'VALIDATION_FAILED', /lineTotal is 99.00 but the lines and payments give 100.00/],
    ['a payment total that does not add up', [ruleMatch({ paymentTotal: '101.00' })], 'VALIDATION_FAILED', /paymentTotal/],
    ['a difference that is not paymentTotal - lineTotal', [{ ...payoutMatch, difference: '-8.70' }], 'VALIDATION_FAILED', /difference is -8.70 but the lines and payments give 8.70/],
    ['a difference with no account', [{ ...payoutMatch, differenceAccount: null }], 'VALIDATION_FAILED', /differenceAccount must be given exactly when/],
    ['an account with no difference', [ruleMatch({ differenceAccount: 'bank_fees' })], 'VALIDATION_FAILED', /differenceAccount/],
    ['the same line in two proposals', [ruleMatch(), ruleMatch({ matchId: 'm-1b', payments: [{ paymentId: 'pay-9', amount: '100.00' }] })], 'INVALID_STATE_TRANSITION', /st-03-1/],
    ['the same payment in two proposals', [ruleMatch(), ruleMatch({ matchId: 'm-1b', lineIds: ['st-03-4'], lineTotal: '3.21', difference: '96.79', differenceAccount: 'reconciliation_suspense' })], 'INVALID_STATE_TRANSITION', /pay-1/],
    ['the same match id twice', [ruleMatch(), ruleMatch({ lineIds: ['st-03-4'], payments: [{ paymentId: 'pay-9', amount: '3.21' }], lineTotal: '3.21', paymentTotal: '3.21' })], 'ALREADY_EXISTS', /m-1/],
    ['a payment of zero', [ruleMatch({ payments: [{ paymentId: 'pay-1', amount: '0.00' }], paymentTotal: '0.00', difference: '-100.00', differenceAccount: 'reconciliation_suspense' })], 'VALIDATION_FAILED', /greater than 0/],
    ['no payments', [ruleMatch({ payments: [], paymentTotal: '0.00' })], 'VALIDATION_FAILED', /at least one payment/],
    ['no lines', [ruleMatch({ lineIds: [] })], 'VALIDATION_FAILED', /at least one/],
    ['a rule version 0', [ruleMatch({ ruleVersion: 0 })], 'VALIDATION_FAILED', /ruleVersion/],
    ['a negative date gap', [ruleMatch({ dateGapDays: -1 })], 'VALIDATION_FAILED', /dateGapDays/],
  ])('refuses %s: %s, no events', (_what, matches, code, message) => {
    spec.given([imported()]).when(recordMatches(...matches)).thenThrows(code, message);
  });

  it('payments in another currency than the statements are CURRENCY_MISMATCH', () => {
    spec.given([imported()]).when({ ...recordMatches(ruleMatch()), data: { bankAccountId, accountCurrency: 'EUR', matches: [ruleMatch()] } }).thenThrows('CURRENCY_MISMATCH');
  });
});

describe('MatchManually', () => {
  it('records the person and the reason, and the largest date gap between value dates and payment dates', () => {
    spec
      .given([imported()])
      .when(manual())
      .then([
        {
          type: 'StatementLinesMatched',
          data: {
            matchId: 'm-9',
            bankAccountId,
            currency: 'USD',
            lineIds: ['st-03-1'],
            payments: [{ paymentId: 'pay-1', amount: '100.00' }],
            lineTotal: '100.00',
            paymentTotal: '100.00',
            difference: '0.00',
            differenceAccount: null,
            dateGapDays: 2,
            decision: { kind: 'manual', actorKeyId: 'key-alice', reason: 'Customer paid by wire with no reference' },
            matchedAt: now,
          },
        },
      ]);
  });

  it('many lines to one payment, short by 0.50: the difference goes to reconciliation_suspense unless an account is given', () => {
    const twoLines = manual({ lineIds: ['st-03-1', 'st-03-4'], payments: [{ paymentId: 'pay-5', amount: '102.71', currency: 'USD', date: '2026-03-31' }] });
    const [event] = decideBankReconciliation(twoLines, stateAfter([imported()]));
    expect(event?.data).toMatchObject({ lineTotal: '103.21', paymentTotal: '102.71', difference: '-0.50', differenceAccount: 'reconciliation_suspense', dateGapDays: 28 });
    const [fee] = decideBankReconciliation({ ...twoLines, data: { ...twoLines.data, differenceAccount: 'bank_fees' } }, stateAfter([imported()]));
    expect(fee?.data).toMatchObject({ differenceAccount: 'bank_fees' });
  });

  it('a retried request (same id, same lines and payments) decides nothing; another match under that id is ALREADY_EXISTS', () => {
    const [event] = decideBankReconciliation(manual(), stateAfter([imported()]));
    spec.given([imported(), event as BankReconciliationEvent]).when(manual()).thenNothing();
    spec.given([imported(), event as BankReconciliationEvent]).when(manual({ lineIds: ['st-03-4'] })).thenThrows('ALREADY_EXISTS');
  });

  it.each<[string, Partial<MatchManually['data']>, string, RegExp]>([
    ['a negative line', { lineIds: ['st-03-3'] }, 'VALIDATION_FAILED', /money out/],
    ['an empty reason', { reason: '   ' }, 'VALIDATION_FAILED', /reason/],
    ['a reason of 501 characters', { reason: 'x'.repeat(501) }, 'VALIDATION_FAILED', /at most 500/],
    ['no actor', { actorKeyId: unchecked(undefined) }, 'VALIDATION_FAILED', /actorKeyId/],
    ['a payment in another currency', { payments: [{ paymentId: 'pay-1', amount: '100.00', currency: 'EUR', date: '2026-03-01' }] }, 'CURRENCY_MISMATCH', /payments\[0\].currency/],
    ['a payment without a date', { payments: [{ paymentId: 'pay-1', amount: '100.00', currency: 'USD', date: unchecked(null) }] }, 'VALIDATION_FAILED', /date/],
    ['the same line twice', { lineIds: ['st-03-1', 'st-03-1'] }, 'VALIDATION_FAILED', /same id twice/],
    ['an unknown line', { lineIds: ['nope'] }, 'NOT_FOUND', /nope/],
  ])('refuses %s: %s, no event', (_what, data, code, message) => {
    spec.given([imported()]).when(manual(data)).thenThrows(code, message);
  });

  it('refuses a line or a payment already matched', () => {
    spec.given([imported(), matchedEvent(ruleMatch())]).when(manual()).thenThrows('INVALID_STATE_TRANSITION', /st-03-1/);
    spec.given([imported(), matchedEvent(ruleMatch())]).when(manual({ lineIds: ['st-03-4'] })).thenThrows('INVALID_STATE_TRANSITION', /pay-1/);
  });
});

describe('Unmatch', () => {
  const unmatched: StatementLinesUnmatched = {
    type: 'StatementLinesUnmatched',
    data: { matchId: 'm-2', bankAccountId, lineIds: ['st-03-2'], paymentIds: ['pay-2', 'pay-3', 'pay-4'], actorKeyId: 'key-alice', reason: 'Wrong payout', unmatchedAt: now },
  };

  it('undoes a match with who and why, naming its lines and payments; they are free again', () => {
    spec.given([imported(), matchedEvent(payoutMatch)]).when(unmatch({ matchId: 'm-2', reason: 'Wrong payout' })).then([unmatched]);
    const state = stateAfter([imported(), matchedEvent(payoutMatch), unmatched]);
    expect(statementLineOf(state, 'st-03-2')).toMatchObject({ status: 'unmatched', matchId: null });
    expect(paymentStatusOf(state, 'pay-2')).toEqual({ status: 'unmatched' });
    expect(activeMatchesOf(state)).toEqual([]);
    // And may be matched again, under a new match id.
    spec.given([imported(), matchedEvent(payoutMatch), unmatched]).when(recordMatches({ ...payoutMatch, matchId: 'm-2b' })).then([matchedEvent({ ...payoutMatch, matchId: 'm-2b' })]);
  });

  it('an unknown match is NOT_FOUND; one already undone INVALID_STATE_TRANSITION; an empty reason VALIDATION_FAILED', () => {
    spec.given([imported()]).when(unmatch()).thenThrows('NOT_FOUND');
    spec.given([imported(), matchedEvent(payoutMatch), unmatched]).when(unmatch({ matchId: 'm-2' })).thenThrows('INVALID_STATE_TRANSITION', /already unmatched/);
    spec.given([imported(), matchedEvent(payoutMatch)]).when(unmatch({ matchId: 'm-2', reason: '' })).thenThrows('VALIDATION_FAILED', /reason/);
  });
});

describe('ResolveLine', () => {
  it('books bank charges (a negative line) to bank_fees and interest to other_income, with the line\'s signed amount', () => {
    spec
      .given([imported()])
      .when(resolveLine())
      .then([{ type: 'StatementLineResolved', data: { lineId: 'st-03-3', bankAccountId, currency: 'USD', amount: '-12.50', account: 'bank_fees', actorKeyId: 'key-alice', reason: 'Monthly account fee', resolvedAt: now } }]);
    const [interest] = decideBankReconciliation(resolveLine({ lineId: 'st-03-4', account: 'other_income' }), stateAfter([imported()]));
    expect(interest?.data).toMatchObject({ amount: '3.21', account: 'other_income' });
  });

  it('refuses a line matched or resolved already, an unknown line, an unknown account', () => {
    const [resolved] = decideBankReconciliation(resolveLine(), stateAfter([imported()]));
    spec.given([imported(), resolved as BankReconciliationEvent]).when(resolveLine()).thenThrows('INVALID_STATE_TRANSITION', /already resolved/);
    spec.given([imported(), matchedEvent(ruleMatch())]).when(resolveLine({ lineId: 'st-03-1' })).thenThrows('INVALID_STATE_TRANSITION', /already matched/);
    spec.given([imported()]).when(resolveLine({ lineId: 'st-03-99' })).thenThrows('NOT_FOUND');
    spec.given([imported()]).when(resolveLine({ account: unchecked('revenue') })).thenThrows('VALIDATION_FAILED', /account/);
  });

  it('a resolved line cannot be matched', () => {
    const [resolved] = decideBankReconciliation(resolveLine({ lineId: 'st-03-1', account: 'reconciliation_suspense' }), stateAfter([imported()]));
    spec.given([imported(), resolved as BankReconciliationEvent]).when(manual()).thenThrows('INVALID_STATE_TRANSITION', /already resolved/);
  });
});

describe('ResolvePaymentDiscrepancy', () => {
  it('marks a payment with no line in transit (still matchable), then in suspense (settled for good)', () => {
    const [inTransit] = decideBankReconciliation(resolvePayment(), stateAfter([imported()]));
    expect(inTransit).toEqual({
      type: 'PaymentDiscrepancyResolved',
      data: { paymentId: 'pay-7', bankAccountId, currency: 'USD', amount: '55.00', resolution: 'in_transit', actorKeyId: 'key-alice', reason: 'Deposited on the 31st', resolvedAt: now },
    });
    const afterTransit = [imported(), inTransit as BankReconciliationEvent];
    expect(paymentStatusOf(stateAfter(afterTransit), 'pay-7')).toEqual({ status: 'resolved', resolution: 'in_transit' });
    // In transit, its line may still come and be matched.
    const late = manual({ lineIds: ['st-03-4'], payments: [{ paymentId: 'pay-7', amount: '3.21', currency: 'USD', date: '2026-03-31' }] });
    expect(decideBankReconciliation(late, stateAfter(afterTransit))).toHaveLength(1);
    const [suspense] = decideBankReconciliation(resolvePayment({ resolution: 'reconciliation_suspense' }), stateAfter(afterTransit));
    expect(suspense?.data).toMatchObject({ resolution: 'reconciliation_suspense' });
    const settled = [...afterTransit, suspense as BankReconciliationEvent];
    spec.given(settled).when(late).thenThrows('INVALID_STATE_TRANSITION', /pay-7/);
    spec.given(settled).when(resolvePayment({ resolution: 'in_transit' })).thenThrows('INVALID_STATE_TRANSITION', /already resolved/);
  });

  it('refuses a matched payment, the same resolution twice, another currency, an amount of zero', () => {
    spec.given([imported(), matchedEvent(ruleMatch())]).when(resolvePayment({ paymentId: 'pay-1' })).thenThrows('INVALID_STATE_TRANSITION', /matched/);
    const [inTransit] = decideBankReconciliation(resolvePayment(), stateAfter([imported()]));
    spec.given([imported(), inTransit as BankReconciliationEvent]).when(resolvePayment()).thenThrows('INVALID_STATE_TRANSITION');
    spec.given([imported()]).when(resolvePayment({ currency: 'EUR' })).thenThrows('CURRENCY_MISMATCH');
    spec.given([imported()]).when(resolvePayment({ amount: '0.00' })).thenThrows('VALIDATION_FAILED', /greater than 0/);
  });
});

describe('ReclassifyMatchDifference', () => {
  const parked = ruleMatch({ matchId: 'm-3', lineIds: ['st-03-2'], payments: [{ paymentId: 'pay-2', amount: '295.00' }], lineTotal: '291.30', paymentTotal: '295.00', difference: '3.70', differenceAccount: 'reconciliation_suspense' });

  it('moves a difference parked in suspense to bank_fees; the match then has its difference on bank_fees', () => {
    spec
      .given([imported(), matchedEvent(parked)])
      .when(reclassify())
      .then([
        {
          type: 'MatchDifferenceReclassified',
          data: { matchId: 'm-3', bankAccountId, currency: 'USD', amount: '3.70', from: 'reconciliation_suspense', to: 'bank_fees', actorKeyId: 'key-alice', reason: 'The processor confirmed a fee', reclassifiedAt: now },
        },
      ]);
    const [event] = decideBankReconciliation(reclassify(), stateAfter([imported(), matchedEvent(parked)]));
    const state = stateAfter([imported(), matchedEvent(parked), event as BankReconciliationEvent]);
    expect(activeMatchesOf(state)[0]?.differenceAccount).toBe('bank_fees');
    spec.given([imported(), matchedEvent(parked), event as BankReconciliationEvent]).when(reclassify()).thenThrows('INVALID_STATE_TRANSITION', /bank_fees/);
  });

  it('refuses an exact match, a fee match, an unknown or undone match', () => {
    spec.given([imported(), matchedEvent(ruleMatch({ matchId: 'm-3' }))]).when(reclassify()).thenThrows('INVALID_STATE_TRANSITION', /exact/);
    spec.given([imported(), matchedEvent({ ...payoutMatch, matchId: 'm-3' })]).when(reclassify()).thenThrows('INVALID_STATE_TRANSITION');
    spec.given([imported()]).when(reclassify()).thenThrows('NOT_FOUND');
    const undone: StatementLinesUnmatched = { type: 'StatementLinesUnmatched', data: { matchId: 'm-3', bankAccountId, lineIds: ['st-03-2'], paymentIds: ['pay-2'], actorKeyId: 'key-a', reason: 'r', unmatchedAt: now } };
    spec.given([imported(), matchedEvent(parked), undone]).when(reclassify()).thenThrows('INVALID_STATE_TRANSITION', /unmatched/);
  });
});

describe('reconciliationFigures', () => {
  const march = { fromDate: '2026-03-01', toDate: '2026-03-31' };

  it('with nothing decided: the ledger is the opening balance, every line of the period unresolved, the statement closing shown', () => {
    expect(reconciliationFigures(stateAfter([imported()]), '1000.00', march)).toEqual({
      statementClosingBalance: '1382.01',
      ledgerBalance: '1000.00',
      unresolvedLineIds: ['st-03-1', 'st-03-2', 'st-03-3', 'st-03-4'],
    });
  });

  it('with every line matched or resolved, the ledger balance equals the statement closing balance', () => {
    const state = stateAfter([imported(), matchedEvent(ruleMatch()), matchedEvent(payoutMatch)]);
    const resolved = [resolveLine(), resolveLine({ lineId: 'st-03-4', account: 'other_income' })].reduce<BankReconciliationState>(
      (current, command) => decideBankReconciliation(command, current).reduce(bankReconciliationDecider.evolve, current),
      state,
    );
    expect(reconciliationFigures(resolved, '1000.00', march)).toEqual({ statementClosingBalance: '1382.01', ledgerBalance: '1382.01', unresolvedLineIds: [] });
  });

  it('lines after the period neither count nor block; lines before it count but do not block', () => {
    const state = stateAfter([imported(), matchedEvent(ruleMatch())]);
    expect(reconciliationFigures(state, '1000.00', { fromDate: '2026-03-05', toDate: '2026-03-09' })).toEqual({
      statementClosingBalance: null,
      ledgerBalance: '1100.00',
      unresolvedLineIds: [],
    });
  });

  it('before any statement: the opening balance, no closing balance, nothing unresolved', () => {
    expect(reconciliationFigures(bankReconciliationDecider.initialState, '12.5', march, 'USD')).toEqual({ statementClosingBalance: null, ledgerBalance: '12.50', unresolvedLineIds: [] });
  });

  it('the closing balance is the one of the last statement ending in the period', () => {
    const second = decideBankReconciliation(
      importStatement({ statementId: 'st-03c', fileSha256: sha('f'), openingBalance: '1382.01', closingBalance: '1383.01', fromDate: '2026-03-31', toDate: '2026-03-31', lines: [line('tx:C1', '2026-03-31', '1.00')] }),
      stateAfter([imported()]),
    );
    expect(reconciliationFigures(stateAfter([imported(), ...second]), '1000.00', march).statementClosingBalance).toBe('1383.01');
  });
});

describe('refusals decide nothing', () => {
  it('every refusal is a DomainError with a code (no crash), and the state is untouched', () => {
    const state = stateAfter([imported()]);
    for (const command of [manual({ reason: '' }), unmatch(), resolveLine({ lineId: 'x' }), reclassify(), importStatement({ closingBalance: '0.00' })]) {
      let caught: unknown;
      try {
        decideBankReconciliation(command, state);
      } catch (error) {
        caught = error;
      }
      expect(isDomainError(caught)).toBe(true);
    }
    expect(statementLineOf(state, 'st-03-1')?.status).toBe('unmatched');
  });
});
