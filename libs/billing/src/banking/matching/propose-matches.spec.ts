import { describe, expect, it } from '@jest/globals';
import { isDomainError } from '../../common/domain-error.js';
import type { MatchingCriteria } from '../matching-rules/index.js';
import type { MatchableLine, MatchablePayment, MatchProposal, ProposeMatchesInput, RuleVersion } from './matching.types.js';
import { proposeMatches } from './propose-matches.js';

const bankAccountId = 'ba_main';

function line(lineId: string, amount: string, overrides: Partial<MatchableLine> = {}): MatchableLine {
  return { lineId, valueDate: '2026-04-10', amount, reference: null, counterparty: null, description: null, ...overrides };
}

function payment(paymentId: string, amount: string, overrides: Partial<MatchablePayment> = {}): MatchablePayment {
  return { paymentId, date: '2026-04-10', amount, reference: null, customerName: null, invoiceNumbers: [], ...overrides };
}

const exact: MatchingCriteria = {
  multiplicity: 'one_to_one',
  amountTolerance: null,
  valueDateWindowDays: 0,
  reference: null,
  counterparty: null,
  differenceAccount: 'reconciliation_suspense',
};

function rule(ruleId: string, criteria: Partial<MatchingCriteria> = {}, extra: Partial<RuleVersion> = {}): RuleVersion {
  return { ruleId, version: 1, priority: 100, bankAccountId: null, criteria: { ...exact, ...criteria }, ...extra };
}

function run(lines: MatchableLine[], payments: MatchablePayment[], rules: RuleVersion[]): MatchProposal[] {
  return proposeMatches({ bankAccountId, lines, payments, rules });
}

/** "L1=P1" per proposal, lines and payments joined with '+': short enough for tables. */
function summary(proposals: readonly MatchProposal[]): string[] {
  return proposals.map((proposal) => `${proposal.lineIds.join('+')}=${proposal.payments.map(({ paymentId }) => paymentId).join('+')}`);
}

function refusal(input: ProposeMatchesInput): { code: string; message: string } {
  try {
    proposeMatches(input);
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('proposeMatches: one to one', () => {
  it('matches equal amounts on the same day and writes the figures at the amounts scale', () => {
    expect(run([line('L1', '100.00')], [payment('P1', '100.00')], [rule('r1')])).toEqual([
      {
        lineIds: ['L1'],
        payments: [{ paymentId: 'P1', amount: '100.00' }],
        lineTotal: '100.00',
        paymentTotal: '100.00',
        difference: '0.00',
        differenceAccount: null,
        dateGapDays: 0,
        ruleId: 'r1',
        ruleVersion: 1,
      },
    ]);
  });

  it.each([
    // [what, tolerance, line amount, payment amount, matches, difference]
    ['exact: a cent off', null, '99.99', '100.00', false, null],
    ['absolute 0.50: 0.50 short', { kind: 'absolute', value: '0.50' }, '99.50', '100.00', true, '0.50'],
    ['absolute 0.50: 0.51 short', { kind: 'absolute', value: '0.50' }, '99.49', '100.00', false, null],
    ['absolute 0.50: 0.50 over', { kind: 'absolute', value: '0.50' }, '100.50', '100.00', true, '-0.50'],
    ['absolute 0.005: a cent off', { kind: 'absolute', value: '0.005' }, '99.99', '100.00', false, null],
    ['percent 1: 1.00 of 100.00', { kind: 'percent', value: '1' }, '99.00', '100.00', true, '1.00'],
    ['percent 1: 1.01 of 100.00', { kind: 'percent', value: '1' }, '98.99', '100.00', false, null],
    // The bound is 1% of the PAYMENT: 1% of 80.00 is 0.80 (of the line 79.20 it would be 0.792).
    ['percent 1 of the payment, not the line', { kind: 'percent', value: '1' }, '79.20', '80.00', true, '0.80'],
    ['percent 0.5: 0.37 of 75.00 (0.375 allowed, no rounding)', { kind: 'percent', value: '0.5' }, '74.63', '75.00', true, '0.37'],
    ['percent 0.5: 0.38 of 75.00', { kind: 'percent', value: '0.5' }, '74.62', '75.00', false, null],
    ['percent 0: exact only', { kind: 'percent', value: '0' }, '99.99', '100.00', false, null],
  ] as const)('%s', (_what, tolerance, lineAmount, paymentAmount, matches, difference) => {
    const proposals = run([line('L1', lineAmount)], [payment('P1', paymentAmount)], [rule('r1', { amountTolerance: tolerance })]);
    expect(proposals).toHaveLength(matches ? 1 : 0);
    if (matches) expect(proposals[0]).toMatchObject({ difference, differenceAccount: 'reconciliation_suspense' });
  });

  it('with bank_fees takes a line smaller than its payment but never a larger one', () => {
    const fees = rule('fees', { amountTolerance: { kind: 'absolute', value: '1.00' }, differenceAccount: 'bank_fees' });
    expect(run([line('L1', '99.65')], [payment('P1', '100.00')], [fees])[0]).toMatchObject({ difference: '0.35', differenceAccount: 'bank_fees' });
    expect(run([line('L1', '100.35')], [payment('P1', '100.00')], [fees])).toEqual([]);
  });

  it.each([
    ['same day, window 0', '2026-04-10', 0, true],
    ['a day later, window 0', '2026-04-11', 0, false],
    ['3 days later, window 3', '2026-04-13', 3, true],
    ['3 days earlier, window 3', '2026-04-07', 3, true],
    ['4 days later, window 3', '2026-04-14', 3, false],
    ['4 days earlier, window 3', '2026-04-06', 3, false],
    ['across a month end', '2026-05-01', 21, true],
    ['across a leap day', '2028-03-01', 2, false],
  ])('value date window: %s', (_what, valueDate, window, matches) => {
    const paymentDate = valueDate.startsWith('2028') ? '2028-02-27' : '2026-04-10';
    const proposals = run([line('L1', '10.00', { valueDate })], [payment('P1', '10.00', { date: paymentDate })], [rule('r1', { valueDateWindowDays: window })]);
    expect(proposals).toHaveLength(matches ? 1 : 0);
  });

  it('reports the date gap', () => {
    const proposals = run([line('L1', '10.00', { valueDate: '2026-04-07' })], [payment('P1', '10.00')], [rule('r1', { valueDateWindowDays: 5 })]);
    expect(proposals[0]?.dateGapDays).toBe(3);
  });

  it.each([
    // [what, criterion, line reference, line description, payment reference, invoice numbers, matches]
    ['equals, same text', { operator: 'equals' }, 'INV-7', null, 'INV-7', [], true],
    ['equals, case and spaces differ', { operator: 'equals' }, ' inv 7 ', null, 'INV-7', [], true],
    ['equals, different', { operator: 'equals' }, 'INV-70', null, 'INV-7', [], false],
    ['equals, line has none', { operator: 'equals' }, null, 'INV-7', 'INV-7', [], false],
    ['equals, neither has one', { operator: 'equals' }, null, null, null, [], false],
    ['contains, in the reference', { operator: 'contains' }, 'Payment INV-7 thanks', null, 'INV 7', [], true],
    ['contains, in the description', { operator: 'contains' }, null, 'for inv7', 'INV-7', [], true],
    ['contains, an invoice number', { operator: 'contains' }, 'settles INV-900', null, 'ch_123', ['INV-900'], true],
    ['contains, nowhere', { operator: 'contains' }, 'INV-8', 'nothing', 'INV-7', ['INV-9'], false],
    ['contains, payment has nothing to look for', { operator: 'contains' }, 'INV-8', null, null, [], false],
    ['pattern INV-*', { operator: 'pattern', pattern: 'INV-*' }, 'inv-12345', null, null, [], true],
    ['pattern INV-*, spaced reference', { operator: 'pattern', pattern: 'INV-*' }, 'INV 12345', null, null, [], false],
    ['pattern, line has no reference', { operator: 'pattern', pattern: '*' }, null, null, null, [], false],
  ] as const)('reference %s', (_what, reference, lineReference, description, paymentReference, invoiceNumbers, matches) => {
    const proposals = run(
      [line('L1', '10.00', { reference: lineReference, description })],
      [payment('P1', '10.00', { reference: paymentReference, invoiceNumbers })],
      [rule('r1', { reference })],
    );
    expect(proposals).toHaveLength(matches ? 1 : 0);
  });

  it.each([
    // [what, criterion, line counterparty, customer name, matches]
    ['equals', { operator: 'equals', value: 'Acme GmbH' }, 'ACME GMBH', null, true],
    ['equals, longer name', { operator: 'equals', value: 'Acme' }, 'ACME GMBH', null, false],
    ['contains', { operator: 'contains', value: 'acme' }, 'ACME GMBH', null, true],
    ['contains, absent', { operator: 'contains', value: 'acme' }, 'BETA', null, false],
    ['contains, line has none', { operator: 'contains', value: 'acme' }, null, null, false],
    ['pattern', { operator: 'pattern', value: 'STRIPE*' }, 'Stripe Payments', null, true],
    ['pattern, not anchored at the start', { operator: 'pattern', value: 'STRIPE*' }, 'VIA STRIPE', null, false],
    ['customer_name, equal', { operator: 'customer_name' }, 'ACME GMBH', 'Acme GmbH', true],
    ['customer_name, contained', { operator: 'customer_name' }, 'SEPA ACME GMBH BERLIN', 'Acme GmbH', true],
    ['customer_name, other customer', { operator: 'customer_name' }, 'BETA AG', 'Acme GmbH', false],
    ['customer_name, payment has no customer name', { operator: 'customer_name' }, 'BETA AG', null, false],
  ] as const)('counterparty %s', (_what, counterparty, lineCounterparty, customerName, matches) => {
    const proposals = run(
      [line('L1', '10.00', { counterparty: lineCounterparty })],
      [payment('P1', '10.00', { customerName })],
      [rule('r1', { counterparty })],
    );
    expect(proposals).toHaveLength(matches ? 1 : 0);
  });

  it('leaves a line with two equally good payments unmatched, and both payments too', () => {
    expect(run([line('L1', '50.00')], [payment('P1', '50.00'), payment('P2', '50.00')], [rule('r1')])).toEqual([]);
  });

  it('leaves a payment with two equally good lines unmatched', () => {
    expect(run([line('L1', '50.00'), line('L2', '50.00')], [payment('P1', '50.00')], [rule('r1')])).toEqual([]);
  });

  it('takes the strictly better candidate: smaller difference first, then smaller date gap', () => {
    const tolerant = rule('r1', { amountTolerance: { kind: 'absolute', value: '1.00' }, valueDateWindowDays: 5 });
    expect(summary(run([line('L1', '50.00')], [payment('P1', '50.50'), payment('P2', '50.00', { date: '2026-04-14' })], [tolerant]))).toEqual(['L1=P2']);
    expect(summary(run([line('L1', '50.00')], [payment('P1', '50.00', { date: '2026-04-12' }), payment('P2', '50.00', { date: '2026-04-09' })], [tolerant]))).toEqual([
      'L1=P2',
    ]);
  });

  it('pairs two lines and two payments when each is the other one best choice', () => {
    const tolerant = rule('r1', { amountTolerance: { kind: 'absolute', value: '1.00' } });
    expect(summary(run([line('L1', '50.00'), line('L2', '50.60')], [payment('P1', '50.10'), payment('P2', '50.70')], [tolerant]))).toEqual(['L1=P1', 'L2=P2']);
  });

  it('does not take a pair whose payment prefers another line', () => {
    // L1's best is P1 (0.30 away); P1's best is L2 (0.00 away) and L2's is P1: L2=P1. L1 has no other candidate.
    const tolerant = rule('r1', { amountTolerance: { kind: 'absolute', value: '0.50' } });
    expect(summary(run([line('L1', '50.30'), line('L2', '50.00')], [payment('P1', '50.00')], [tolerant]))).toEqual(['L2=P1']);
  });

  it('ignores lines of money out and zero amounts', () => {
    expect(run([line('L1', '-50.00'), line('L2', '0.00')], [payment('P1', '50.00'), payment('P2', '0.00')], [rule('r1', { amountTolerance: { kind: 'absolute', value: '100.00' } })])).toEqual([]);
  });
});

describe('proposeMatches: rules', () => {
  it('runs rules by priority: a higher-priority exact rule takes a line before a tolerant one', () => {
    const tolerant = rule('a-tolerant', { amountTolerance: { kind: 'percent', value: '5' } }, { priority: 20 });
    const strict = rule('z-exact', {}, { priority: 10, version: 3 });
    // Both rules would match L1=P1: the one that runs first decides, and the proposal records it and its version.
    const proposals = run([line('L1', '100.00')], [payment('P1', '100.00')], [tolerant, strict]);
    expect(proposals).toMatchObject([{ ruleId: 'z-exact', ruleVersion: 3 }]);
    const swapped = run([line('L1', '100.00')], [payment('P1', '100.00')], [{ ...tolerant, priority: 5 }, strict]);
    expect(swapped).toMatchObject([{ ruleId: 'a-tolerant', ruleVersion: 1 }]);
  });

  it('lets the first rule consume what it matches, so a later rule sees the rest', () => {
    // The exact rule takes L1=P1; the tolerant rule then sees L2 and P2 only (0.90 apart) and takes them.
    const strict = rule('exact', {}, { priority: 10 });
    const tolerant = rule('tolerant', { amountTolerance: { kind: 'absolute', value: '1.00' } }, { priority: 20 });
    const lines = [line('L1', '100.00'), line('L2', '99.50')];
    const payments = [payment('P1', '100.00'), payment('P2', '100.40')];
    const proposals = run(lines, payments, [tolerant, strict]);
    expect(proposals.map((proposal) => `${summary([proposal])[0]} by ${proposal.ruleId}`)).toEqual(['L1=P1 by exact', 'L2=P2 by tolerant']);
    // The tolerant rule alone sees P1 as L2's best too (0.50 < 0.90), and P1 prefers L1: L2 stays open in that run.
    expect(summary(run(lines, payments, [tolerant]))).toEqual(['L1=P1']);
  });

  it('breaks priority ties by ruleId', () => {
    const proposals = run([line('L1', '10.00')], [payment('P1', '10.00')], [rule('b'), rule('a')]);
    expect(proposals[0]?.ruleId).toBe('a');
  });

  it('applies a rule restricted to a bank account only to that account', () => {
    const restricted = rule('r1', {}, { bankAccountId: 'ba_other' });
    expect(run([line('L1', '10.00')], [payment('P1', '10.00')], [restricted])).toEqual([]);
    expect(run([line('L1', '10.00')], [payment('P1', '10.00')], [{ ...restricted, bankAccountId }])).toHaveLength(1);
  });
});

describe('proposeMatches: one to many', () => {
  const payout = rule('payout', { multiplicity: 'one_to_many', amountTolerance: { kind: 'absolute', value: '5.00' }, differenceAccount: 'bank_fees', valueDateWindowDays: 2 });

  it('settles several payments with one line, the fee as the difference', () => {
    const proposals = run([line('L1', '147.00')], [payment('P1', '50.00'), payment('P2', '100.00'), payment('P3', '30.00')], [payout]);
    expect(proposals).toEqual([
      expect.objectContaining({ lineIds: ['L1'], payments: [{ paymentId: 'P1', amount: '50.00' }, { paymentId: 'P2', amount: '100.00' }], difference: '3.00', differenceAccount: 'bank_fees' }),
    ]);
  });

  it('prefers an exact sum, then fewer payments', () => {
    expect(summary(run([line('L1', '150.00')], [payment('P1', '50.00'), payment('P2', '100.00'), payment('P3', '48.00'), payment('P4', '103.00')], [payout]))).toEqual([
      'L1=P1+P2',
    ]);
    // 20 + 30 + 100 = 150 and 50 + 100 = 150: both exact, the pair wins.
    expect(summary(run([line('L1', '150.00')], [payment('P1', '50.00'), payment('P2', '100.00'), payment('P3', '20.00'), payment('P4', '30.00')], [payout]))).toEqual([
      'L1=P1+P2',
    ]);
  });

  it('proposes nothing when two subsets are equally good', () => {
    expect(run([line('L1', '150.00')], [payment('P1', '50.00'), payment('P2', '100.00'), payment('P3', '50.00')], [payout])).toEqual([]);
  });

  it('never makes a one-to-one match (a subset has 2..12 payments)', () => {
    expect(run([line('L1', '150.00')], [payment('P1', '150.00')], [payout])).toEqual([]);
  });

  it('only uses payments inside the date window and passing the other criteria', () => {
    const proposals = run(
      [line('L1', '150.00', { valueDate: '2026-04-10' })],
      [payment('P1', '50.00'), payment('P2', '100.00', { date: '2026-04-13' }), payment('P3', '100.00', { date: '2026-04-08' })],
      [payout],
    );
    expect(summary(proposals)).toEqual(['L1=P1+P3']);
  });

  it('gives a payment claimed by two lines to neither', () => {
    const lines = [line('L1', '150.00'), line('L2', '150.00')];
    expect(run(lines, [payment('P1', '50.00'), payment('P2', '100.00')], [payout])).toEqual([]);
  });

  it('matches 12 of 24 candidate payments (meet in the middle)', () => {
    // Powers of two in cents make every sum unique: the line is the sum of 12 of them.
    const payments = Array.from({ length: 24 }, (_, index) => payment(`P${String(index).padStart(2, '0')}`, ((2 ** index) / 100).toFixed(2)));
    const chosen = [0, 2, 3, 5, 8, 9, 11, 13, 17, 19, 20, 23];
    const total = chosen.reduce((sum, index) => sum + 2 ** index, 0);
    const exactPayout = rule('payout', { multiplicity: 'one_to_many' });
    const proposals = run([line('L1', (total / 100).toFixed(2))], payments, [exactPayout]);
    expect(proposals[0]?.payments.map(({ paymentId }) => paymentId)).toEqual(chosen.map((index) => `P${String(index).padStart(2, '0')}`));
    expect(proposals[0]?.difference).toBe('0.00');
  });

  it('gives up when more than 24 payments are candidates', () => {
    // 25 powers of two in cents, all below the line: 0.01 + 167772.16 is the one exact answer, but 25 > 24.
    const payments = Array.from({ length: 25 }, (_, index) => payment(`P${String(index).padStart(2, '0')}`, ((2 ** index) / 100).toFixed(2)));
    const exactPayout = rule('payout', { multiplicity: 'one_to_many' });
    expect(run([line('L1', '167772.17')], payments, [exactPayout])).toEqual([]);
    // Without an unrelated payment, 24 remain and the answer is found.
    expect(summary(run([line('L1', '167772.17')], payments.filter(({ paymentId }) => paymentId !== 'P05'), [exactPayout]))).toEqual(['L1=P00+P24']);
    // Payments above the line's bound are not candidates: 25 payments of which 22 are too large leave 3.
    const mostlyLarge = payments.map((one, index) => (index < 3 ? one : { ...one, amount: '900000.00' }));
    expect(summary(run([line('L1', '0.03')], mostlyLarge, [exactPayout]))).toEqual(['L1=P00+P01']);
  });

  it('applies a percent tolerance against the payments total, never more than the payments when bank_fees', () => {
    const percent = rule('payout', { multiplicity: 'one_to_many', amountTolerance: { kind: 'percent', value: '2' }, differenceAccount: 'bank_fees' });
    // 300.00 paid, 2% = 6.00.
    expect(run([line('L1', '294.00')], [payment('P1', '100.00'), payment('P2', '200.00')], [percent])[0]?.difference).toBe('6.00');
    expect(run([line('L1', '293.99')], [payment('P1', '100.00'), payment('P2', '200.00')], [percent])).toEqual([]);
    expect(run([line('L1', '300.01')], [payment('P1', '100.00'), payment('P2', '200.00')], [percent])).toEqual([]);
    const suspense = rule('payout', { multiplicity: 'one_to_many', amountTolerance: { kind: 'percent', value: '2' }, differenceAccount: 'reconciliation_suspense' });
    // Over: |300 - 306| = 6.00 <= 2% of 300 = 6.00.
    expect(run([line('L1', '306.00')], [payment('P1', '100.00'), payment('P2', '200.00')], [suspense])[0]?.difference).toBe('-6.00');
    expect(run([line('L1', '306.01')], [payment('P1', '100.00'), payment('P2', '200.00')], [suspense])).toEqual([]);
  });
});

describe('proposeMatches: many to one', () => {
  const split = rule('split', { multiplicity: 'many_to_one', valueDateWindowDays: 3 });

  it('settles one payment with several lines', () => {
    const proposals = run([line('L1', '40.00'), line('L2', '60.00', { valueDate: '2026-04-12' }), line('L3', '25.00')], [payment('P1', '100.00')], [split]);
    expect(proposals).toEqual([
      {
        lineIds: ['L1', 'L2'],
        payments: [{ paymentId: 'P1', amount: '100.00' }],
        lineTotal: '100.00',
        paymentTotal: '100.00',
        difference: '0.00',
        differenceAccount: null,
        dateGapDays: 2,
        ruleId: 'split',
        ruleVersion: 1,
      },
    ]);
  });

  it('applies the tolerance to the payment: difference = payment - lines', () => {
    const tolerant = rule('split', { multiplicity: 'many_to_one', amountTolerance: { kind: 'percent', value: '1' } });
    expect(run([line('L1', '40.00'), line('L2', '59.00')], [payment('P1', '100.00')], [tolerant])[0]).toMatchObject({ difference: '1.00', lineTotal: '99.00' });
    expect(run([line('L1', '40.00'), line('L2', '58.99')], [payment('P1', '100.00')], [tolerant])).toEqual([]);
  });

  it('gives a line claimed by two payments to neither, and an ambiguous split to nobody', () => {
    expect(run([line('L1', '40.00'), line('L2', '60.00')], [payment('P1', '100.00'), payment('P2', '100.00')], [split])).toEqual([]);
    expect(run([line('L1', '40.00'), line('L2', '60.00'), line('L3', '60.00')], [payment('P1', '100.00')], [split])).toEqual([]);
  });
});

describe('proposeMatches: refusals', () => {
  const ok: ProposeMatchesInput = { bankAccountId, lines: [line('L1', '10.00')], payments: [payment('P1', '10.00')], rules: [rule('r1')] };

  it.each<[string, ProposeMatchesInput, string, RegExp]>([
    ['a line listed twice', { ...ok, lines: [line('L1', '10.00'), line('L1', '11.00')] }, 'VALIDATION_FAILED', /line L1 is listed twice/],
    ['a payment listed twice', { ...ok, payments: [payment('P1', '10.00'), payment('P1', '11.00')] }, 'VALIDATION_FAILED', /payment P1 is listed twice/],
    ['a rule listed twice', { ...ok, rules: [rule('r1'), rule('r1', {}, { version: 2 })] }, 'VALIDATION_FAILED', /rule r1 is listed twice/],
    ['a bad amount', { ...ok, lines: [line('L1', '1e3')] }, 'VALIDATION_FAILED', /lines\[0\]\.amount/],
    ['an amount out of range', { ...ok, payments: [payment('P1', '1000000000000.00')] }, 'AMOUNT_OUT_OF_RANGE', /payments\[0\]\.amount/],
    ['a bad date', { ...ok, payments: [payment('P1', '10.00', { date: '2026-02-30' })] }, 'VALIDATION_FAILED', /payments\[0\]\.date/],
    ['a bad value date', { ...ok, lines: [line('L1', '10.00', { valueDate: '10/04/2026' })] }, 'VALIDATION_FAILED', /lines\[0\]\.valueDate/],
    ['a bad line id', { ...ok, lines: [line('L 1', '10.00')] }, 'VALIDATION_FAILED', /lines\[0\]\.lineId/],
    ['a bad bank account id', { ...ok, bankAccountId: '' }, 'VALIDATION_FAILED', /bankAccountId/],
    ['a priority out of range', { ...ok, rules: [rule('r1', {}, { priority: 1001 })] }, 'VALIDATION_FAILED', /priority/],
    ['a version of 0', { ...ok, rules: [rule('r1', {}, { version: 0 })] }, 'VALIDATION_FAILED', /version/],
    ['a window of 32 days', { ...ok, rules: [rule('r1', { valueDateWindowDays: 32 })] }, 'VALIDATION_FAILED', /valueDateWindowDays/],
    ['a percent above 100', { ...ok, rules: [rule('r1', { amountTolerance: { kind: 'percent', value: '100.5' } })] }, 'VALIDATION_FAILED', /amountTolerance/],
    ['a negative tolerance', { ...ok, rules: [rule('r1', { amountTolerance: { kind: 'absolute', value: '-1' } })] }, 'VALIDATION_FAILED', /amountTolerance/],
    ['an empty pattern', { ...ok, rules: [rule('r1', { reference: { operator: 'pattern', pattern: '' } })] }, 'VALIDATION_FAILED', /pattern/],
    ['a counterparty value of 101 characters', { ...ok, rules: [rule('r1', { counterparty: { operator: 'equals', value: 'x'.repeat(101) } })] }, 'VALIDATION_FAILED', /counterparty/],
  ])('refuses %s', (_what, input, code, message) => {
    const refused = refusal(input);
    expect(refused.code).toBe(code);
    expect(refused.message).toMatch(message);
  });

  it('accepts the same input when it is well formed', () => {
    expect(proposeMatches(ok)).toHaveLength(1);
  });

  it('proposes nothing without rules, lines or payments', () => {
    expect(proposeMatches({ ...ok, rules: [] })).toEqual([]);
    expect(proposeMatches({ ...ok, lines: [] })).toEqual([]);
    expect(proposeMatches({ ...ok, payments: [] })).toEqual([]);
  });
});
