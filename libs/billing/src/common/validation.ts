import { AMOUNT_INTEGER_DIGITS_MAX, Money, currencyOf, isCurrencyCode, isWithinAmountBound, largestWithinAmountBound, parseComputedDecimal } from '../../../money/src/index.js';
import { DomainError } from './domain-error.js';

/** Commands arrive from outside (GraphQL, process managers, replays of old payloads), so values are `unknown`. */

export function validationFailed(message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('VALIDATION_FAILED', message, details);
}

/**
 * The alphabet and length of every id a caller chooses or names (customerId, invoiceId, paymentId, creditNoteId,
 * paymentMethodId, lineId, tax rate and webhook ids...): 1 to 128 characters, ASCII letters, digits and `_ . : -`,
 * starting with a letter or a digit. The ids the ledger makes (UUIDs) and the usual external ones ("cus_123",
 * "de-vat-19", "INV:2024.001") fit; control characters (ESC, CR, LF), spaces, bidirectional overrides (U+202E),
 * zero-width characters (U+200B) and anything else that could forge a log line, a terminal or a listing do not.
 */
export const identifierLimits = { lengthMax: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/ } as const;

/** Why `value` is not an acceptable id (a phrase to follow the field name), or null when it is one. */
export function identifierProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'is required and must be a non-empty string';
  if (value.length > identifierLimits.lengthMax) return `must be at most ${identifierLimits.lengthMax} characters (got ${value.length})`;
  if (value.trim() !== value) return 'must not start or end with whitespace';
  if (!identifierLimits.pattern.test(value)) {
    const offending = [...value].find((character, index) => !(index === 0 ? /[A-Za-z0-9]/ : /[A-Za-z0-9_.:-]/).test(character));
    const shown = offending === undefined ? '' : ` (it contains ${codePointName(offending)})`;
    return `must start with a letter or a digit and hold only ASCII letters, digits, "_", ".", ":" and "-"${shown}`;
  }
  return null;
}

type Decimal = ReturnType<typeof parseComputedDecimal>;

function codePointName(character: string): string {
  const hex = (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return /^[\x21-\x7E]$/.test(character) ? `"${character}" (U+${hex})` : `U+${hex}`;
}

/** An id chosen or named by the caller: see `identifierLimits`. VALIDATION_FAILED naming `field` otherwise. */
export function requireIdentifier(value: unknown, field: string): string {
  const problem = identifierProblem(value);
  if (problem !== null) throw validationFailed(`${field} ${problem}`, { field });
  return value as string;
}

/**
 * An id the ledger recorded earlier and reads back (the general ledger's postings, the aging of open items, the
 * tenant's tax rates when an invoice is taxed): non-empty and at most 128 characters, as ids were before
 * `identifierLimits`, so that history recorded then stays readable. Never for input: a command's own ids go
 * through `requireIdentifier`.
 */
export function requireRecordedIdentifier(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw validationFailed(`${field} is required and must be a non-empty string`, { field });
  if (value.length > identifierLimits.lengthMax) {
    throw validationFailed(`${field} must be at most ${identifierLimits.lengthMax} characters (got ${value.length})`, { field });
  }
  return value;
}

/**
 * AMOUNT_OUT_OF_RANGE unless |value| is within the ledger's one bound on figures (see libs/money amount-bound.ts):
 * at most 12 digits before the decimal point, with `scale` decimals after it. `what` says what the figure is
 * ("amount", "the invoice total").
 */
export function requireWithinAmountBound(value: Decimal, scale: number, field: string, what: string = field): Decimal {
  if (!isWithinAmountBound(value)) throw outOfRange({ field, value: value.toFixed(), largest: largestWithinAmountBound(scale) }, what);
  return value;
}

/** Like requireWithinAmountBound, for an amount of its currency (shown with the currency's decimals and code). */
export function requireAmountWithinBound(amount: Money, field: string, what: string = field): Money {
  if (isWithinAmountBound(amount.amount)) return amount;
  const currency = amount.currency.code;
  throw outOfRange({ field, value: amount.toString(), largest: Money.largest(currency).toString(), currency }, what);
}

function outOfRange(details: { field: string; value: string; largest: string; currency?: string }, what: string): DomainError {
  const unit = details.currency === undefined ? '' : ` ${details.currency}`;
  return new DomainError(
    'AMOUNT_OUT_OF_RANGE',
    `${what} ${details.value}${unit} is out of range: the largest accepted is ${details.largest}${unit} (at most ${AMOUNT_INTEGER_DIGITS_MAX} digits before the decimal point)`,
    details,
  );
}

/**
 * A strict decimal string whose size is within the bound (AMOUNT_OUT_OF_RANGE otherwise), read without any other
 * limit on its decimals: the caller checks those. Syntax errors are VALIDATION_FAILED.
 */
export function requireBoundedDecimal(value: unknown, field: string, scaleMax: number): Decimal {
  return requireWithinAmountBound(parseComputedDecimal(value, field), scaleMax, field);
}

/** A strict decimal amount of `currency`: syntax (VALIDATION_FAILED), then size (AMOUNT_OUT_OF_RANGE), then decimals. */
function requireBoundedAmount(value: unknown, currency: string, field: string): Money {
  requireBoundedDecimal(value, field, currencyOf(currency).minorUnit);
  return Money.parse(value, currency, field);
}

/** Free text that must say something: not empty, not only whitespace, at most `lengthMax` characters. */
export function requireText(value: unknown, field: string, lengthMax: number): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw validationFailed(`${field} is required and must not be empty`, { field });
  }
  if (value.length > lengthMax) {
    throw validationFailed(`${field} must be at most ${lengthMax} characters (got ${value.length})`, { field });
  }
  return value;
}

export function requireIntegerInRange(value: unknown, field: string, minimum: number, maximum: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
    throw validationFailed(`${field} must be an integer from ${minimum} to ${maximum} (got ${JSON.stringify(value)})`, {
      field,
    });
  }
  return value;
}

export function requireOneOf<const Value extends string>(
  value: unknown,
  field: string,
  allowed: readonly Value[],
): Value {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw validationFailed(`${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`, { field });
  }
  return value as Value;
}

export function requireCurrency(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isCurrencyCode(value)) {
    throw validationFailed(`${field} must be a supported ISO 4217 currency code (got ${JSON.stringify(value)})`, { field });
  }
  return value;
}

/**
 * A strict decimal string of at most the currency's minor unit of decimals (never rounded), greater than 0 and
 * within the ledger's bound on amounts (AMOUNT_OUT_OF_RANGE above it).
 */
export function requirePositiveAmount(value: unknown, currency: string, field: string): Money {
  const amount = requireBoundedAmount(value, currency, field);
  if (!amount.isPositive()) throw validationFailed(`${field} must be greater than 0 (got ${amount.toString()})`, { field });
  return amount;
}

/** Like requirePositiveAmount, zero allowed. */
export function requireNonNegativeAmount(value: unknown, currency: string, field: string): Money {
  const amount = requireBoundedAmount(value, currency, field);
  if (amount.isNegative()) throw validationFailed(`${field} must not be negative (got ${amount.toString()})`, { field });
  return amount;
}

export function requireRecord(value: unknown, field: string, shape: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validationFailed(`${field} must be an object with ${shape}`, { field });
  }
  return value as Record<string, unknown>;
}

/** A list of at most `lengthMax` items (a limit on everything that grows). */
export function requireList(value: unknown, field: string, lengthMax: number): unknown[] {
  if (!Array.isArray(value)) throw validationFailed(`${field} must be a list`, { field });
  if (value.length > lengthMax) {
    throw validationFailed(`${field} has at most ${lengthMax} items (got ${value.length})`, { field, count: value.length });
  }
  return value;
}

/** Absent and null both mean "not set". */
export function optionalIdentifier(value: unknown, field: string): string | null {
  return value === undefined || value === null ? null : requireIdentifier(value, field);
}

export function optionalText(value: unknown, field: string, lengthMax: number): string | null {
  return value === undefined || value === null ? null : requireText(value, field, lengthMax);
}
