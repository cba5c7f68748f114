import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import type { BankAccountRegistered } from '../banking/bank-account/bank-account.events.js';
import type {
  BankReconciliationEvent,
  MatchDifferenceReclassified,
  PaymentDiscrepancyResolved,
  StatementLineResolved,
  StatementLinesMatched,
  StatementLinesUnmatched,
} from '../banking/bank-reconciliation/bank-reconciliation.events.js';
import { assertBalancedEntry, type JournalEntry } from './general-ledger.journal.js';
import { postingsFor, type LedgerSourceEvent, type MatchedLinesFigures } from './general-ledger.postings.js';

/** Banking postings (docs/banking.md, "General ledger"): every entry balanced, bank lines on their sub-ledger. */

const recordedAt = '2026-03-10T10:00:01.000Z';
const at = '2026-03-10T10:00:00.000Z';

function enveloped(event: BankReconciliationEvent | BankAccountRegistered, eventId = 'evt-1'): LedgerSourceEvent {
  return { ...event, eventId, recordedAt } as LedgerSourceEvent;
}

/** "Dr account[bank account] amount" / "Cr ...", the way an accountant reads them. */
function readable(entry: JournalEntry): string[] {
  return entry.lines.map((line) => {
    const account = line.bankAccountId === undefined ? line.account : `${line.account}:${line.bankAccountId}`;
    return new Big(line.debit).gt(0) ? `Dr ${account} ${line.debit}` : `Cr ${account} ${line.credit}`;
  });
}

function only(entries: JournalEntry[]): JournalEntry {
  expect(entries).toHaveLength(1);
  const [entry] = entries;
  if (entry === undefined) throw new Error('no entry');
  assertBalancedEntry(entry);
  const debits = entry.lines.reduce((sum, line) => sum.plus(line.debit), new Big(0));
  const credits = entry.lines.reduce((sum, line) => sum.plus(line.credit), new Big(0));
  expect(debits.gt(0)).toBe(true);
  expect(debits.eq(credits)).toBe(true);
  return entry;
}

/** Each account's balance (debits - credits) over several entries, zero balances left out. */
function balances(entries: JournalEntry[]): Record<string, string> {
  const sums = new Map<string, Big>();
  for (const entry of entries) {
    for (const line of entry.lines) {
      const key = line.bankAccountId === undefined ? line.account : `${line.account}:${line.bankAccountId}`;
      sums.set(key, (sums.get(key) ?? new Big(0)).plus(line.debit).minus(line.credit));
    }
  }
  return Object.fromEntries([...sums].filter(([, value]) => !value.eq(0)).map(([key, value]) => [key, value.toFixed(2)]));
}

function registered(openingBalance: string, currency = 'USD'): BankAccountRegistered {
  return {
    type: 'BankAccountRegistered',
    data: {
      bankAccountId: 'ba_1',
      name: 'Operating',
      type: 'business_checking',
      currency,
      bankName: 'First Bank',
      numberLast4: '1234',
      numberSecretRef: 'sec_1',
      openingBalance,
      openingBalanceDate: '2026-03-01',
      registeredAt: at,
    },
  };
}

function matched(figures: Partial<StatementLinesMatched['data']> = {}): StatementLinesMatched {
  return {
    type: 'StatementLinesMatched',
    data: {
      matchId: 'm-1',
      bankAccountId: 'ba_1',
      currency: 'USD',
      lineIds: ['st-1-1'],
      payments: [{ paymentId: 'pay-1', amount: '100.00' }],
      lineTotal: '100.00',
      paymentTotal: '100.00',
      difference: '0.00',
      differenceAccount: null,
      dateGapDays: 0,
      decision: { kind: 'rule', ruleId: 'exact', ruleVersion: 1 },
      matchedAt: at,
      ...figures,
    },
  };
}

/** One deposit of 291.30 settling three payments of 100.00 less an 8.70 processor fee. */
const payout = matched({
  payments: [
    { paymentId: 'pay-1', amount: '100.00' },
    { paymentId: 'pay-2', amount: '100.00' },
    { paymentId: 'pay-3', amount: '100.00' },
  ],
  lineTotal: '291.30',
  paymentTotal: '300.00',
  difference: '8.70',
  differenceAccount: 'bank_fees',
});

function figuresOf(event: StatementLinesMatched): MatchedLinesFigures {
  const { matchId, bankAccountId, currency, lineTotal, paymentTotal, difference, differenceAccount } = event.data;
  return { matchId, bankAccountId, currency, lineTotal, paymentTotal, difference, differenceAccount };
}

const unmatched: StatementLinesUnmatched = {
  type: 'StatementLinesUnmatched',
  data: { matchId: 'm-1', bankAccountId: 'ba_1', lineIds: ['st-1-1'], paymentIds: ['pay-1'], actorKeyId: 'key-1', reason: 'wrong customer', unmatchedAt: at },
};

describe('BankAccountRegistered', () => {
  it('posts a positive opening balance Dr bank (on its sub-ledger) | Cr opening_balance_equity', () => {
    const entry = only(postingsFor(enveloped(registered('1000.00'))));
    expect(readable(entry)).toEqual(['Dr bank:ba_1 1000.00', 'Cr opening_balance_equity 1000.00']);
    expect(entry).toMatchObject({ entryId: 'evt-1:0', sourceId: 'ba_1', customerId: '', currency: 'USD', occurredAt: at });
  });

  it('posts an overdrawn opening balance the other way round', () => {
    expect(readable(only(postingsFor(enveloped(registered('-250.00')))))).toEqual(['Dr opening_balance_equity 250.00', 'Cr bank:ba_1 250.00']);
  });

  it('posts nothing for an opening balance of zero', () => {
    expect(postingsFor(enveloped(registered('0.00')))).toEqual([]);
  });

  it('posts yen in whole units', () => {
    expect(readable(only(postingsFor(enveloped(registered('5000', 'JPY')))))).toEqual(['Dr bank:ba_1 5000', 'Cr opening_balance_equity 5000']);
  });
});

describe('StatementLinesMatched', () => {
  it('an exact match moves the money from cash_clearing to the bank', () => {
    const entry = only(postingsFor(enveloped(matched())));
    expect(readable(entry)).toEqual(['Dr bank:ba_1 100.00', 'Cr cash_clearing 100.00']);
    expect(entry.sourceId).toBe('m-1');
  });

  it('a payout less its fee posts the fee to bank_fees: Dr bank 291.30, Dr bank_fees 8.70 | Cr cash_clearing 300.00', () => {
    expect(readable(only(postingsFor(enveloped(payout))))).toEqual(['Dr bank:ba_1 291.30', 'Dr bank_fees 8.70', 'Cr cash_clearing 300.00']);
  });

  it('a line larger than its payments credits the difference to its account', () => {
    const event = matched({ lineTotal: '101.00', difference: '-1.00', differenceAccount: 'reconciliation_suspense' });
    expect(readable(only(postingsFor(enveloped(event))))).toEqual(['Dr bank:ba_1 101.00', 'Cr cash_clearing 100.00', 'Cr reconciliation_suspense 1.00']);
  });

  it('crashes on figures that contradict each other (they cannot balance)', () => {
    expect(() => postingsFor(enveloped(matched({ lineTotal: '99.00', difference: '0.00' })))).toThrow(/does not balance/);
    expect(() => postingsFor(enveloped(matched({ lineTotal: '99.00', difference: '1.00', differenceAccount: null })))).toThrow(/no account for it/);
  });
});

describe('StatementLinesUnmatched', () => {
  it('reverses the match entry line for line, so match + unmatch leave every account at zero', () => {
    const match = only(postingsFor(enveloped(payout, 'evt-m')));
    const reversal = only(postingsFor(enveloped(unmatched, 'evt-u'), { match: figuresOf(payout) }));
    expect(readable(reversal)).toEqual(['Dr cash_clearing 300.00', 'Cr bank:ba_1 291.30', 'Cr bank_fees 8.70']);
    expect(reversal).toMatchObject({ entryId: 'evt-u:0', occurredAt: at, sourceId: 'm-1' });
    expect(balances([match, reversal])).toEqual({});
  });

  it('after a reclassification, reverses the difference from bank_fees where it now is', () => {
    const inSuspense = matched({ lineTotal: '95.00', difference: '5.00', differenceAccount: 'reconciliation_suspense' });
    const reclassified: MatchDifferenceReclassified = {
      type: 'MatchDifferenceReclassified',
      data: { matchId: 'm-1', bankAccountId: 'ba_1', currency: 'USD', amount: '5.00', from: 'reconciliation_suspense', to: 'bank_fees', actorKeyId: 'key-1', reason: 'processor fee', reclassifiedAt: at },
    };
    const entries = [
      ...postingsFor(enveloped(inSuspense, 'evt-m')),
      ...postingsFor(enveloped(reclassified, 'evt-r')),
      ...postingsFor(enveloped(unmatched, 'evt-u'), { match: { ...figuresOf(inSuspense), differenceAccount: 'bank_fees' } }),
    ];
    expect(entries).toHaveLength(3);
    expect(balances(entries)).toEqual({});
  });

  it('refuses to guess: the match figures must be given, and be the match this event names', () => {
    expect(() => postingsFor(enveloped(unmatched))).toThrow(/context.match/);
    expect(() => postingsFor(enveloped(unmatched), { match: { ...figuresOf(payout), matchId: 'm-2' } })).toThrow(/figures of match m-2/);
  });
});

describe('StatementLineResolved', () => {
  const resolved = (amount: string, account: StatementLineResolved['data']['account']): StatementLineResolved => ({
    type: 'StatementLineResolved',
    data: { lineId: 'st-1-4', bankAccountId: 'ba_1', currency: 'USD', amount, account, actorKeyId: 'key-1', reason: 'bank statement', resolvedAt: at },
  });

  it.each([
    ['interest in', '3.21', 'other_income', ['Dr bank:ba_1 3.21', 'Cr other_income 3.21']],
    ['an unexplained deposit', '40.00', 'reconciliation_suspense', ['Dr bank:ba_1 40.00', 'Cr reconciliation_suspense 40.00']],
    ['bank charges out (a negative line)', '-12.50', 'bank_fees', ['Dr bank_fees 12.50', 'Cr bank:ba_1 12.50']],
    ['an unexplained withdrawal', '-7.00', 'reconciliation_suspense', ['Dr reconciliation_suspense 7.00', 'Cr bank:ba_1 7.00']],
  ] as const)('books %s to its account', (_what, amount, account, lines) => {
    const entry = only(postingsFor(enveloped(resolved(amount, account))));
    expect(readable(entry)).toEqual(lines);
    expect(entry.sourceId).toBe('st-1-4');
  });
});

describe('PaymentDiscrepancyResolved', () => {
  const discrepancy = (resolution: PaymentDiscrepancyResolved['data']['resolution']): PaymentDiscrepancyResolved => ({
    type: 'PaymentDiscrepancyResolved',
    data: { paymentId: 'pay-9', bankAccountId: 'ba_1', currency: 'USD', amount: '55.00', resolution, actorKeyId: 'key-1', reason: 'never arrived', resolvedAt: at },
  });

  it('parks a payment with no line in suspense: Dr reconciliation_suspense | Cr cash_clearing', () => {
    expect(readable(only(postingsFor(enveloped(discrepancy('reconciliation_suspense')))))).toEqual(['Dr reconciliation_suspense 55.00', 'Cr cash_clearing 55.00']);
  });

  it('posts nothing for money in transit', () => {
    expect(postingsFor(enveloped(discrepancy('in_transit')))).toEqual([]);
  });
});

describe('MatchDifferenceReclassified', () => {
  const reclassified = (amount: string): MatchDifferenceReclassified => ({
    type: 'MatchDifferenceReclassified',
    data: { matchId: 'm-1', bankAccountId: 'ba_1', currency: 'USD', amount, from: 'reconciliation_suspense', to: 'bank_fees', actorKeyId: 'key-1', reason: 'fee', reclassifiedAt: at },
  });

  it('moves a positive difference Dr bank_fees | Cr reconciliation_suspense', () => {
    expect(readable(only(postingsFor(enveloped(reclassified('2.50')))))).toEqual(['Dr bank_fees 2.50', 'Cr reconciliation_suspense 2.50']);
  });

  it('moves a negative difference the other way round', () => {
    expect(readable(only(postingsFor(enveloped(reclassified('-2.50')))))).toEqual(['Dr reconciliation_suspense 2.50', 'Cr bank_fees 2.50']);
  });
});

describe('banking events that move no money', () => {
  it.each<BankReconciliationEvent | LedgerSourceEvent>([
    {
      type: 'BankStatementImported',
      data: {
        statementId: 'st-1',
        bankAccountId: 'ba_1',
        format: 'csv',
        fileSha256: 'a'.repeat(64),
        statementRef: null,
        currency: 'USD',
        openingBalance: '0.00',
        closingBalance: '10.00',
        fromDate: '2026-03-01',
        toDate: '2026-03-31',
        lines: [],
        duplicateLineCount: 0,
        importedAt: at,
      },
    },
    { type: 'BankAccountVerificationChanged', data: { bankAccountId: 'ba_1', status: 'verified', reason: null, changedAt: at } },
  ] as LedgerSourceEvent[])('$type posts nothing', (event) => {
    expect(postingsFor({ ...event, eventId: 'evt-1', recordedAt } as LedgerSourceEvent)).toEqual([]);
  });
});

describe('the bank sub-ledger', () => {
  it('every bank line names its bank account, and no other line does', () => {
    const entries = [registered('10.00'), matched(), payout].flatMap((event) => postingsFor(enveloped(event)));
    for (const line of entries.flatMap((entry) => entry.lines)) expect(line.bankAccountId !== undefined).toBe(line.account === 'bank');
  });

  it('an entry with a bank line that names no bank account is a broken invariant', () => {
    const [entry] = postingsFor(enveloped(matched()));
    if (entry === undefined) throw new Error('no entry');
    const broken: JournalEntry = { ...entry, lines: entry.lines.map(({ bankAccountId: _dropped, ...line }) => line) };
    expect(() => assertBalancedEntry(broken)).toThrow(/bank account is named on bank lines/);
  });
});
