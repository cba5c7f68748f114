import type { z } from 'zod';
import { Money, currencyOf } from '../../../money/src/index.js';
import { requireBoundedDecimal, requireText, validationFailed } from '../common/validation.js';

/** Bounds shared by the banking aggregates (docs/banking.md). Everything that grows has a limit. */
export const bankingLimits = {
  nameLengthMax: 200,
  bankNameLengthMax: 200,
  /** A manual decision says why, in 1..500 characters (the audit trail reads it). */
  reasonLengthMax: 500,
  statementRefLengthMax: 200,
  /** The name of the file a statement came in, as the importer gave it. */
  fileNameLengthMax: 255,
  lineTextLengthMax: 1_000,
  /** A statement of at most 50,000 lines (the parser's bound too). */
  statementLinesMax: 50_000,
  /** One match decision names at most this many lines and payments (the engine stops at 12). */
  matchPartsMax: 100,
  /** One RecordMatches command carries at most this many proposals. */
  proposalsMax: 10_000,
} as const;

/** The reason of a manual decision: 1..500 characters, not only whitespace. */
export function requireReason(value: unknown, field = 'reason'): string {
  return requireText(value, field, bankingLimits.reasonLengthMax);
}

/**
 * A signed amount of `currency` (statement lines and balances may be negative): strict decimal, within the bound
 * (AMOUNT_OUT_OF_RANGE), at most the currency's minor unit of decimals, returned fixed to it ("12.5" -> "12.50").
 */
export function requireSignedAmount(value: unknown, currency: string, field: string): Money {
  requireBoundedDecimal(value, field, currencyOf(currency).minorUnit);
  return Money.parse(value, currency, field);
}

/** Optional bank text (reference, counterparty, description): null when absent, null or blank; bounded otherwise. */
export function optionalLineText(value: unknown, field: string, lengthMax: number = bankingLimits.lineTextLengthMax): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw validationFailed(`${field} must be text or null`, { field });
  if (value.trim().length === 0) return null;
  if (value.length > lengthMax) throw validationFailed(`${field} must be at most ${lengthMax} characters (got ${value.length})`, { field });
  return value;
}

/**
 * Reads a structured value (a CSV mapping, matching criteria) through its event schema, so a command can never
 * record what the event contract would refuse. VALIDATION_FAILED lists each problem with its path.
 */
export function requireBySchema<Schema extends z.ZodType>(schema: Schema, value: unknown, field: string): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 20).map((issue) => ({ path: [field, ...issue.path.map(String)].join('.'), message: issue.message }));
  throw validationFailed(`${field} is not valid: ${problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}`, { field, problems });
}
