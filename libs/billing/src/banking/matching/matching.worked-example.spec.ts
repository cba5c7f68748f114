import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import type { MatchProposal } from './matching.types.js';
import { proposeMatches } from './propose-matches.js';
import {
  payoutExamplePayments,
  payoutExampleRule,
  payoutExampleStatement,
  statementCsv,
  workedExampleBankAccountId,
  workedExampleExactRules,
  workedExampleExpectedExactMatches,
  workedExampleExpectedTolerantMatches,
  workedExamplePayments,
  workedExampleStatement,
  workedExampleTolerantRules,
} from './worked-example.js';

const bankAccountId = workedExampleBankAccountId;
const lines = workedExampleStatement.lines;
const payments = workedExamplePayments;

function pairs(proposals: readonly MatchProposal[]): [number, string, string, string][] {
  return proposals.map((proposal) => {
    expect(proposal.lineIds).toHaveLength(1);
    expect(proposal.payments).toHaveLength(1);
    const lineNumber = Number(proposal.lineIds[0]?.split('-')[1]);
    return [lineNumber, proposal.payments[0]?.paymentId ?? '', proposal.ruleId, proposal.difference];
  });
}

describe('the worked data set (issue 15): 10 payments, 10 statement lines', () => {
  it('is 10 and 10, and the statement balances: opening + lines = closing', () => {
    expect(payments).toHaveLength(10);
    expect(lines).toHaveLength(10);
    const sum = lines.reduce((total, line) => total.plus(line.amount), new Big(workedExampleStatement.openingBalance));
    expect(sum.toFixed(2)).toBe(workedExampleStatement.closingBalance);
  });

  it('matches 2 lines with the EXACT rule set (exact amount, same day, equal reference)', () => {
    const proposals = proposeMatches({ bankAccountId, lines, payments, rules: workedExampleExactRules });
    // line 1  120.00 INV-1001 same day            -> pay_01: everything equal.
    // line 2  250.00 'inv 1002' same day          -> pay_02: references equal once normalised (case, space vs dash).
    // line 3   79.65 vs 80.00                     -> no: amount differs by the 0.35 bank fee.
    // line 4  400.00 value date +2 days           -> no: not the same day.
    // line 5  985.00 vs 1000.00                   -> no: amount differs by 15.00.
    // line 6   60.00 value date +5 days           -> no: not the same day.
    // line 7  150.00 'INV-1007 INV-1008'          -> no: the reference equals neither payment's (and it is ambiguous anyway).
    // line 8   42.00 'XYZ-777'                    -> no: no payment at all.
    // line 9   75.00 reference null               -> no: no reference to compare, amount 0.50 short, a day early.
    // line 10   0.84 interest                     -> no: no payment at all.
    expect(pairs(proposals)).toEqual(workedExampleExpectedExactMatches);
    expect(proposals).toHaveLength(2);
  });

  it('matches 5 lines with the exact rule then a 1% / 3-day rule whose reference may be contained in the line', () => {
    const proposals = proposeMatches({ bankAccountId, lines, payments, rules: workedExampleTolerantRules });
    // line 1  -> pay_01 by the exact rule (priority 10 runs first and takes it).
    // line 2  -> pay_02 by the exact rule.
    // line 3  -> pay_03 by the tolerant rule: 0.35 <= 1% of 80.00 = 0.80; difference 0.35 to reconciliation_suspense.
    // line 4  -> pay_04 by the tolerant rule: value date 2 days after the payment, within 3.
    // line 5  -> no: 15.00 > 1% of 1000.00 = 10.00.
    // line 6  -> no: 5 days > 3.
    // line 7  -> no: pay_07 and pay_08 are equally good (both 150.00, same day, both references in the line): ambiguous.
    // line 8  -> no: no payment's reference or invoice number is in 'XYZ-777'.
    // line 9  -> pay_09 by the tolerant rule: 'INV1009' is in the description, 0.50 <= 0.755, value date 1 day BEFORE.
    // line 10 -> no: no payment.
    // Payments left open: pay_05, pay_06, pay_07, pay_08, pay_10 (pay_10 has no line at all).
    expect(pairs(proposals)).toEqual(workedExampleExpectedTolerantMatches);
    expect(proposals).toHaveLength(5);
    const fee = proposals.find((proposal) => proposal.lineIds[0] === 'st_worked-3');
    expect(fee).toMatchObject({ lineTotal: '79.65', paymentTotal: '80.00', difference: '0.35', differenceAccount: 'reconciliation_suspense', dateGapDays: 0 });
    expect(proposals.find((proposal) => proposal.lineIds[0] === 'st_worked-4')).toMatchObject({ differenceAccount: null, dateGapDays: 2 });
    expect(proposals.find((proposal) => proposal.lineIds[0] === 'st_worked-9')).toMatchObject({ difference: '0.50', dateGapDays: 1 });
    const matchedPayments = proposals.flatMap((proposal) => proposal.payments.map(({ paymentId }) => paymentId));
    expect(payments.map(({ paymentId }) => paymentId).filter((id) => !matchedPayments.includes(id))).toEqual(['pay_05', 'pay_06', 'pay_07', 'pay_08', 'pay_10']);
  });

  it('leaves line 7 open however the similar payments are ordered, and takes it once one of them is gone', () => {
    const reversed = [...payments].reverse();
    const proposals = proposeMatches({ bankAccountId, lines, payments: reversed, rules: workedExampleTolerantRules });
    expect(proposals.some((proposal) => proposal.lineIds.includes('st_worked-7'))).toBe(false);
    const withoutEight = payments.filter(({ paymentId }) => paymentId !== 'pay_08');
    const after = proposeMatches({ bankAccountId, lines, payments: withoutEight, rules: workedExampleTolerantRules });
    expect(after.find((proposal) => proposal.lineIds[0] === 'st_worked-7')?.payments).toEqual([{ paymentId: 'pay_07', amount: '150.00' }]);
  });
});

describe('the payout example: one deposit settles three payments less the processor fee', () => {
  const payoutLines = payoutExampleStatement.lines;

  it('matches one-to-many with the fee as the difference, to bank_fees', () => {
    const proposals = proposeMatches({ bankAccountId, lines: payoutLines, payments: payoutExamplePayments, rules: [payoutExampleRule] });
    expect(proposals).toEqual([
      {
        lineIds: ['st_payout-1'],
        payments: [
          { paymentId: 'pay_c1', amount: '120.00' },
          { paymentId: 'pay_c2', amount: '45.50' },
          { paymentId: 'pay_c3', amount: '310.00' },
        ],
        lineTotal: '461.41',
        paymentTotal: '475.50',
        difference: '14.09',
        differenceAccount: 'bank_fees',
        dateGapDays: 3,
        ruleId: 'card-payouts',
        ruleVersion: 1,
      },
    ]);
  });

  it('does not match when the payout is larger than its payments (a fee never adds money) or the fee is above the tolerance', () => {
    const larger = payoutLines.map((line) => ({ ...line, amount: '476.00' }));
    expect(proposeMatches({ bankAccountId, lines: larger, payments: payoutExamplePayments, rules: [payoutExampleRule] })).toEqual([]);
    // 475.50 * 3.5% = 16.6425: a fee of 16.65 is just above it.
    const feeTooLarge = payoutLines.map((line) => ({ ...line, amount: '458.85' }));
    expect(proposeMatches({ bankAccountId, lines: feeTooLarge, payments: payoutExamplePayments, rules: [payoutExampleRule] })).toEqual([]);
    const feeAtBound = payoutLines.map((line) => ({ ...line, amount: '458.86' }));
    expect(proposeMatches({ bankAccountId, lines: feeAtBound, payments: payoutExamplePayments, rules: [payoutExampleRule] })[0]?.difference).toBe('16.64');
  });

  it('does not apply the payout rule to another bank account', () => {
    expect(proposeMatches({ bankAccountId: 'ba_other', lines: payoutLines, payments: payoutExamplePayments, rules: [payoutExampleRule] })).toEqual([]);
  });

  it('renders the statements as CSV files whose amounts balance', () => {
    const csv = statementCsv(workedExampleStatement).split('\n');
    expect(csv[0]).toBe('Booking date,Value date,Amount,Reference,Counterparty,Description');
    expect(csv[2]).toBe('2026-03-03,2026-03-03,250.00,inv 1002,BRIGHTSIDE LTD,SEPA credit transfer');
    expect(csv[9]).toBe('2026-03-10,2026-03-10,75.00,,HARBOR LLC,Payment for INV1009 thanks');
    expect(csv).toHaveLength(12);
    const payoutTotal = payoutLines.reduce((total, line) => total.plus(line.amount), new Big(payoutExampleStatement.openingBalance));
    expect(payoutTotal.toFixed(2)).toBe(payoutExampleStatement.closingBalance);
  });
});
