import { z } from 'zod';
import { parseComputedDecimal } from '../../../../money/src/index.js';
import { eventFields } from '../../common/event-fields.js';

const { decimal } = eventFields;

/**
 * What a matching rule compares between a statement line and a payment (docs/banking.md, "Matching rules"). The
 * matching engine (../matching) reads it; the decider validates it with `matchingCriteriaSchema` before the rule is
 * recorded, so every rule in a stream is one the engine can run.
 */
export const matchingCriteriaLimits = {
  /** A wildcard pattern or counterparty value: short, so that matching stays cheap and listings stay readable. */
  patternLengthMax: 100,
  valueDateWindowDaysMax: 31,
} as const;

/** Printable characters only (no control characters, no line breaks): a pattern is shown in listings and logs. */
const printable = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u;

/**
 * A wildcard pattern (`*` any run, `?` one character, case-insensitive), never a user regex (ReDoS): 1..100 printable
 * characters. The engine matches it with a glob matcher bounded by text length x pattern length, never a backtracking regex
 * (docs/matching.md).
 */
export const wildcardPatternSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(matchingCriteriaLimits.patternLengthMax, `must be at most ${matchingCriteriaLimits.patternLengthMax} characters`)
  .regex(printable, 'must hold only printable characters');

export const matchMultiplicities = ['one_to_one', 'one_to_many', 'many_to_one'] as const;
export type MatchMultiplicity = (typeof matchMultiplicities)[number];

/** Where a tolerated amount difference is posted: a processor payout rule uses bank_fees. */
export const matchDifferenceAccounts = ['bank_fees', 'reconciliation_suspense'] as const;
export type MatchDifferenceAccount = (typeof matchDifferenceAccounts)[number];

const nonNegativeDecimal = decimal.refine((value) => !value.startsWith('-'), 'must not be negative');

/** Compared exactly (a float would accept "100.0000000000000001"). */
function atMostHundred(value: string): boolean {
  try {
    return parseComputedDecimal(value, 'value').lte(100);
  } catch {
    return false;
  }
}

/** null = the amounts must be equal. Percent: |difference| <= paymentTotal * value / 100, compared exactly. */
export const amountToleranceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('absolute'), value: nonNegativeDecimal }),
  z.object({
    kind: z.literal('percent'),
    value: nonNegativeDecimal.refine(atMostHundred, 'must be from 0 to 100'),
  }),
]);
export type AmountTolerance = z.infer<typeof amountToleranceSchema>;

export const referenceCriterionSchema = z.discriminatedUnion('operator', [
  z.object({ operator: z.literal('equals') }),
  z.object({ operator: z.literal('contains') }),
  z.object({ operator: z.literal('pattern'), pattern: wildcardPatternSchema }),
]);
export type ReferenceCriterion = z.infer<typeof referenceCriterionSchema>;

export const counterpartyCriterionSchema = z.discriminatedUnion('operator', [
  z.object({ operator: z.literal('equals'), value: wildcardPatternSchema }),
  z.object({ operator: z.literal('contains'), value: wildcardPatternSchema }),
  z.object({ operator: z.literal('pattern'), value: wildcardPatternSchema }),
  z.object({ operator: z.literal('customer_name') }),
]);
export type CounterpartyCriterion = z.infer<typeof counterpartyCriterionSchema>;

export const matchingCriteriaSchema = z.object({
  multiplicity: z.enum(matchMultiplicities),
  amountTolerance: amountToleranceSchema.nullable(),
  valueDateWindowDays: z.number().int().min(0).max(matchingCriteriaLimits.valueDateWindowDaysMax),
  reference: referenceCriterionSchema.nullable(),
  counterparty: counterpartyCriterionSchema.nullable(),
  differenceAccount: z.enum(matchDifferenceAccounts),
});

export type MatchingCriteria = z.infer<typeof matchingCriteriaSchema>;
