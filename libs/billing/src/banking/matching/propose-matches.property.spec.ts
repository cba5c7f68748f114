import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import type { MatchingCriteria } from '../matching-rules/index.js';
import type { MatchableLine, MatchablePayment, MatchProposal, ProposeMatchesInput, RuleVersion } from './matching.types.js';
import { proposeMatches } from './propose-matches.js';

const bankAccountId = 'ba_main';

// Small pools make near matches, ties and competing rules frequent.
const amount = fc.constantFrom('10.00', '10.05', '20.00', '30.00', '49.65', '50.00', '-20.00');
const date = fc.constantFrom('2026-04-09', '2026-04-10', '2026-04-10', '2026-04-12');
const text = <T extends string>(...values: T[]): fc.Arbitrary<T | null> => fc.constantFrom<T | null>(...values, null);

const lineFields = fc.record({
  valueDate: date,
  amount,
  reference: text('INV-1', 'inv 1', 'INV-2', 'INV2 extra', 'PO-9'),
  counterparty: text('ACME GMBH', 'Acme', 'STRIPE PAYOUT', 'BETA AG'),
  description: text('for INV-2', 'misc'),
});
const paymentFields = fc.record({
  date,
  amount,
  reference: text('INV-1', 'INV-2', 'ch_9'),
  customerName: text('Acme GmbH', 'Beta AG'),
  invoiceNumbers: fc.subarray(['INV-1', 'INV-2']),
});

const criteria: fc.Arbitrary<MatchingCriteria> = fc.record({
  multiplicity: fc.constantFrom('one_to_one', 'one_to_many', 'many_to_one'),
  amountTolerance: fc.constantFrom<MatchingCriteria['amountTolerance']>(
    null,
    { kind: 'absolute', value: '0.35' },
    { kind: 'absolute', value: '1.00' },
    { kind: 'percent', value: '1' },
    { kind: 'percent', value: '0.7' },
  ),
  valueDateWindowDays: fc.constantFrom(0, 1, 3),
  reference: fc.constantFrom<MatchingCriteria['reference']>(null, { operator: 'equals' }, { operator: 'contains' }, { operator: 'pattern', pattern: 'INV*' }),
  counterparty: fc.constantFrom<MatchingCriteria['counterparty']>(
    null,
    { operator: 'equals', value: 'acme gmbh' },
    { operator: 'contains', value: 'ACME' },
    { operator: 'pattern', value: 'stripe *' },
    { operator: 'customer_name' },
  ),
  differenceAccount: fc.constantFrom('bank_fees', 'reconciliation_suspense'),
});

const rule = fc.record({
  priority: fc.constantFrom(1, 2, 3),
  version: fc.integer({ min: 1, max: 3 }),
  bankAccountId: fc.constantFrom(null, bankAccountId, 'ba_other'),
  criteria,
});
const members = fc.uniqueArray(fc.nat({ max: 11 }), { minLength: 2, maxLength: 3 });

/**
 * Random lines and payments, where some lines are the sum of 2-3 payments (less a 0.35 fee at times) and some extra
 * payments the sum of 2-3 lines, so that one-to-many and many-to-one rules find something often enough.
 */
const input: fc.Arbitrary<ProposeMatchesInput> = fc
  .record({
    lines: fc.array(fc.record({ fields: lineFields, sumOf: fc.option(members, { nil: null }), shave: fc.constantFrom('0.00', '0.35') }), { minLength: 1, maxLength: 10 }),
    payments: fc.array(paymentFields, { minLength: 1, maxLength: 10 }),
    splitPayments: fc.array(fc.record({ fields: paymentFields, sumOf: members }), { maxLength: 3 }),
    rules: fc.array(rule, { minLength: 1, maxLength: 3 }),
  })
  .map(({ lines, payments, splitPayments, rules }) => {
    const basePayments = payments.map((fields, index): MatchablePayment => ({ paymentId: `P${index}`, ...fields }));
    const sum = (amounts: readonly string[]): Big => amounts.reduce((total, one) => total.plus(one), new Big(0));
    const builtLines = lines.map(({ fields, sumOf, shave }, index): MatchableLine => {
      const picked = sumOf === null ? [] : [...new Set(sumOf.map((at) => at % basePayments.length))].map((at) => basePayments[at]?.amount ?? '0');
      const derived = sum(picked).minus(shave);
      return { lineId: `L${index}`, ...fields, amount: picked.length >= 2 && derived.gt(0) ? derived.toFixed(2) : fields.amount };
    });
    const extraPayments = splitPayments.map(({ fields, sumOf }, index): MatchablePayment => {
      const picked = [...new Set(sumOf.map((at) => at % builtLines.length))].map((at) => builtLines[at]?.amount ?? '0');
      const derived = sum(picked);
      return { paymentId: `Q${index}`, ...fields, amount: picked.length >= 2 && derived.gt(0) ? derived.toFixed(2) : fields.amount };
    });
    return {
      bankAccountId,
      lines: builtLines,
      payments: [...basePayments, ...extraPayments],
      rules: rules.map((fields, index): RuleVersion => ({ ruleId: `r${index}`, ...fields })),
    };
  });

function shuffled<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

describe('proposeMatches properties', () => {
  it('gives the same proposals whatever the order of lines, payments and rules', () => {
    fc.assert(
      fc.property(
        input.chain((original) =>
          fc.record({ original: fc.constant(original), lines: shuffled(original.lines), payments: shuffled(original.payments), rules: shuffled(original.rules) }),
        ),
        ({ original, lines, payments, rules }) => {
          expect(proposeMatches({ bankAccountId, lines, payments, rules })).toEqual(proposeMatches(original));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never uses a line or a payment twice', () => {
    fc.assert(
      fc.property(input, (generated) => {
        const proposals = proposeMatches(generated);
        const lineIds = proposals.flatMap((proposal) => proposal.lineIds);
        const paymentIds = proposals.flatMap((proposal) => proposal.payments.map(({ paymentId }) => paymentId));
        expect(new Set(lineIds).size).toBe(lineIds.length);
        expect(new Set(paymentIds).size).toBe(paymentIds.length);
      }),
      { numRuns: 300 },
    );
  });

  it('makes only proposals that an independent check of their rule accepts', () => {
    const proposed = { one_to_one: 0, one_to_many: 0, many_to_one: 0 };
    fc.assert(
      fc.property(input, (generated) => {
        for (const proposal of proposeMatches(generated)) {
          expect(violations(generated, proposal)).toEqual([]);
          const rule = generated.rules.find(({ ruleId }) => ruleId === proposal.ruleId);
          if (rule !== undefined) proposed[rule.criteria.multiplicity] += 1;
        }
      }),
      { numRuns: 1_000 },
    );
    // The generator must actually produce matches of every kind for the property to say anything.
    expect(proposed.one_to_one).toBeGreaterThan(25);
    expect(proposed.one_to_many).toBeGreaterThan(10);
    expect(proposed.many_to_one).toBeGreaterThan(4);
  });
});

/** Re-checks a proposal against its rule from the contract's wording, without the engine's code. */
function violations(generated: ProposeMatchesInput, proposal: MatchProposal): string[] {
  const problems: string[] = [];
  const rule = generated.rules.find(({ ruleId }) => ruleId === proposal.ruleId);
  if (rule === undefined) return ['unknown rule'];
  const { criteria } = rule;
  if (rule.version !== proposal.ruleVersion) problems.push('rule version');
  if (rule.bankAccountId !== null && rule.bankAccountId !== generated.bankAccountId) problems.push('rule of another account');
  const lines = proposal.lineIds.map((lineId) => generated.lines.find((line) => line.lineId === lineId));
  const payments = proposal.payments.map(({ paymentId }) => generated.payments.find((payment) => payment.paymentId === paymentId));
  if (lines.some((line) => line === undefined) || payments.some((payment) => payment === undefined)) return [...problems, 'unknown line or payment'];
  const knownLines = lines.filter((line): line is MatchableLine => line !== undefined);
  const knownPayments = payments.filter((payment): payment is MatchablePayment => payment !== undefined);

  const sizes: Record<MatchingCriteria['multiplicity'], [number, number, number, number]> = {
    one_to_one: [1, 1, 1, 1],
    one_to_many: [1, 1, 2, 12],
    many_to_one: [2, 12, 1, 1],
  };
  const [linesMin, linesMax, paymentsMin, paymentsMax] = sizes[criteria.multiplicity];
  if (knownLines.length < linesMin || knownLines.length > linesMax) problems.push('line count');
  if (knownPayments.length < paymentsMin || knownPayments.length > paymentsMax) problems.push('payment count');
  if (knownLines.some((line) => !new Big(line.amount).gt(0))) problems.push('a line of money out');
  proposal.payments.forEach(({ amount }, index) => {
    if (!new Big(amount).eq(knownPayments[index]?.amount ?? 'x')) problems.push('payment amount');
  });

  const lineTotal = knownLines.reduce((sum, line) => sum.plus(line.amount), new Big(0));
  const paymentTotal = knownPayments.reduce((sum, payment) => sum.plus(payment.amount), new Big(0));
  const difference = paymentTotal.minus(lineTotal);
  if (proposal.lineTotal !== lineTotal.toFixed(2) || proposal.paymentTotal !== paymentTotal.toFixed(2) || proposal.difference !== difference.toFixed(2)) {
    problems.push('figures');
  }
  if (proposal.differenceAccount !== (difference.eq(0) ? null : criteria.differenceAccount)) problems.push('difference account');
  if (criteria.differenceAccount === 'bank_fees' && difference.lt(0)) problems.push('bank_fees with a line larger than its payments');
  const tolerance = criteria.amountTolerance;
  const allowed = tolerance === null ? new Big(0) : tolerance.kind === 'absolute' ? new Big(tolerance.value) : paymentTotal.div(100).times(tolerance.value);
  if (difference.abs().gt(allowed)) problems.push(`difference ${difference.toFixed()} beyond ${allowed.toFixed()}`);

  let gap = 0;
  for (const line of knownLines) {
    for (const payment of knownPayments) {
      const days = Math.abs(Date.parse(`${line.valueDate}T00:00:00Z`) - Date.parse(`${payment.date}T00:00:00Z`)) / 86_400_000;
      gap = Math.max(gap, days);
      if (days > criteria.valueDateWindowDays) problems.push('date window');
      if (!referenceHolds(criteria, line, payment)) problems.push('reference');
      if (!counterpartyHolds(criteria, line, payment)) problems.push('counterparty');
    }
  }
  if (gap !== proposal.dateGapDays) problems.push('date gap');
  return problems;
}

function squeeze(value: string | null): string {
  return (value ?? '').split('').filter((char) => char !== '-' && char.trim() !== '').join('').toUpperCase();
}

function wildcard(pattern: string, value: string | null): boolean {
  if (value === null) return false;
  const go = (p: string, t: string): boolean =>
    p === '' ? t === '' : p[0] === '*' ? go(p.slice(1), t) || (t !== '' && go(p, t.slice(1))) : t !== '' && (p[0] === '?' || p[0] === t[0]) && go(p.slice(1), t.slice(1));
  return go(pattern.toUpperCase(), value.toUpperCase());
}

function referenceHolds(criteria: MatchingCriteria, line: MatchableLine, payment: MatchablePayment): boolean {
  const reference = criteria.reference;
  if (reference === null) return true;
  if (reference.operator === 'pattern') return wildcard(reference.pattern, line.reference);
  if (reference.operator === 'equals') return squeeze(line.reference) !== '' && squeeze(line.reference) === squeeze(payment.reference);
  const needles = [payment.reference, ...payment.invoiceNumbers].map(squeeze).filter((needle) => needle !== '');
  return needles.some((needle) => squeeze(line.reference).includes(needle) || squeeze(line.description).includes(needle));
}

function counterpartyHolds(criteria: MatchingCriteria, line: MatchableLine, payment: MatchablePayment): boolean {
  const counterparty = criteria.counterparty;
  if (counterparty === null) return true;
  const name = squeeze(line.counterparty);
  switch (counterparty.operator) {
    case 'equals':
      return name !== '' && name === squeeze(counterparty.value);
    case 'contains':
      return name.includes(squeeze(counterparty.value));
    case 'pattern':
      return wildcard(counterparty.value, line.counterparty);
    case 'customer_name':
      return squeeze(payment.customerName) !== '' && name.includes(squeeze(payment.customerName));
  }
}
