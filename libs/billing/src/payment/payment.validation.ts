import { Money, isCurrencyCode } from '../../../money/src/index.js';
import { requireIdentifier, requireText, validationFailed } from '../shared/validation.js';

/**
 * Input checks shared by the payment, payment-reference and receipt deciders. Values are `unknown`: commands arrive
 * from outside (GraphQL, process managers, replays of old payloads).
 */

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
