import { Money, isCurrencyCode } from '../../../money/src/index.js';
import { DomainError } from './domain-error.js';

/** Commands arrive from outside (GraphQL, process managers, replays of old payloads), so values are `unknown`. */

export function validationFailed(message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('VALIDATION_FAILED', message, details);
}

const identifierLengthMax = 128;

/** An id chosen by the caller: non-empty, no surrounding whitespace, at most 128 characters. */
export function requireIdentifier(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw validationFailed(`${field} is required and must be a non-empty string`, { field });
  }
  if (value.trim() !== value) throw validationFailed(`${field} must not start or end with whitespace`, { field });
  if (value.length > identifierLengthMax) {
    throw validationFailed(`${field} must be at most ${identifierLengthMax} characters (got ${value.length})`, { field });
  }
  return value;
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

/** A strict decimal string of at most the currency's minor unit of decimals (never rounded), greater than 0. */
export function requirePositiveAmount(value: unknown, currency: string, field: string): Money {
  const amount = Money.parse(value, currency, field);
  if (!amount.isPositive()) throw validationFailed(`${field} must be greater than 0 (got ${amount.toString()})`, { field });
  return amount;
}

/** Like requirePositiveAmount, zero allowed. */
export function requireNonNegativeAmount(value: unknown, currency: string, field: string): Money {
  const amount = Money.parse(value, currency, field);
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
