/**
 * Errors of the money library. A MoneyError is an operating error: the input (an amount, a currency code, a set
 * of ratios) was wrong, and the caller can tell the sender exactly what. `code` is the stable value that the API
 * maps once to a transport error; `reason` says which rule was broken; `details` carries the data behind the message.
 *
 * Programmer errors (a broken invariant inside this library) are not MoneyErrors: see `assertion.ts`.
 */
export type MoneyErrorCode = 'VALIDATION_FAILED' | 'CURRENCY_MISMATCH';

export type MoneyErrorReason =
  | 'INVALID_DECIMAL'
  | 'UNKNOWN_CURRENCY'
  | 'TOO_MANY_DECIMALS'
  | 'CURRENCY_MISMATCH'
  | 'INVALID_ALLOCATION';

export class MoneyError extends Error {
  override readonly name = 'MoneyError';
  readonly code: MoneyErrorCode;
  readonly reason: MoneyErrorReason;
  readonly details: Record<string, unknown>;

  constructor(reason: MoneyErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.reason = reason;
    this.code = codeOfReason(reason);
    this.details = details;
  }
}

function codeOfReason(reason: MoneyErrorReason): MoneyErrorCode {
  switch (reason) {
    case 'CURRENCY_MISMATCH':
      return 'CURRENCY_MISMATCH';
    case 'INVALID_DECIMAL':
    case 'UNKNOWN_CURRENCY':
    case 'TOO_MANY_DECIMALS':
    case 'INVALID_ALLOCATION':
      return 'VALIDATION_FAILED';
    default: {
      const unexpected: never = reason;
      throw new Error(`unknown MoneyError reason ${String(unexpected)}`);
    }
  }
}

/** Longest part of a received string that an error message repeats; the rest is cut so messages stay readable. */
const RECEIVED_TEXT_SHOWN_LENGTH_MAX = 40;

/**
 * Describes a received value for an error message: strings are quoted (with escapes, so control characters and
 * spaces are visible) and cut when long; anything else is named by its type.
 */
export function describeReceived(value: unknown): string {
  if (typeof value === 'string') {
    if (value.length <= RECEIVED_TEXT_SHOWN_LENGTH_MAX) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, RECEIVED_TEXT_SHOWN_LENGTH_MAX))}… (${value.length} characters)`;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'number':
      return `the number ${String(value)}`;
    case 'bigint':
      return `the bigint ${String(value)}`;
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return `the boolean ${String(value)}`;
    default:
      return `a value of type ${typeof value}`;
  }
}

/** The received value as it goes into `details`: strings are cut like in the message, other values are typed. */
export function receivedForDetails(value: unknown): unknown {
  if (typeof value === 'string') return value.slice(0, RECEIVED_TEXT_SHOWN_LENGTH_MAX);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return value;
  if (typeof value === 'bigint') return String(value);
  return `[${Array.isArray(value) ? 'array' : typeof value}]`;
}
