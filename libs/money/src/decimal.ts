import Big from 'big.js';
import { assert } from './assertion.js';
import { ZERO } from './decimal-constants.js';
import { MoneyError, describeReceived, receivedForDetails } from './money.errors.js';

/**
 * Strict decimals. Amounts travel as strings ("12.50") and become big.js values here, never JavaScript numbers.
 * Nothing global on Big is set: every rounding names its mode, so code that changes Big.DP or Big.RM elsewhere
 * cannot change what this library computes.
 */

/** Longest decimal string accepted, sign and point included. Bounds the work done on untrusted input. */
export const DECIMAL_TEXT_LENGTH_MAX = 40;
export const DECIMAL_INTEGER_DIGITS_MAX_DEFAULT = 18;
export const DECIMAL_SCALE_MAX_DEFAULT = 12;
/**
 * Longest decimal string read by `parseComputedDecimal`. A sum of amounts below 10^12 (see amount-bound.ts) passes
 * 10^900 only after 10^888 terms, so this bounds the work without ever refusing a real sum.
 */
export const COMPUTED_DECIMAL_TEXT_LENGTH_MAX = 1_000;

/** Optional minus, then "0" or digits without leading zeros, then optionally a point and at least one digit. */
const MINUS = 0x2d;
const PLAIN_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

export type RoundingMode = 'half_up' | 'half_even' | 'down' | 'up';

export interface ParseDecimalOptions {
  /** Most digits accepted after the decimal point (default 12). */
  readonly maxScale?: number;
  /** Most digits accepted before the decimal point (default 18). */
  readonly maxIntegerDigits?: number;
}

/** A decimal read from text, with the number of decimals as written ("1.50" has scale 2). */
export interface ReadDecimal {
  readonly value: Big;
  readonly text: string;
  readonly scale: number;
}

/**
 * Parses a strict decimal string: digits with an optional leading minus and an optional decimal point followed by
 * digits ("12.50", "-3.2", "0"). Rejects with MoneyError: JavaScript numbers (they may already have lost
 * precision), exponents, "+", spaces, ".5", "5.", leading zeros, NaN, Infinity, empty and over-long strings
 * (INVALID_DECIMAL), and more decimals than `maxScale` (TOO_MANY_DECIMALS).
 */
export function parseDecimal(input: unknown, field = 'amount', options: ParseDecimalOptions = {}): Big {
  const maxScale = options.maxScale ?? DECIMAL_SCALE_MAX_DEFAULT;
  assert(isCount(maxScale), `maxScale must be a non-negative integer, got ${String(maxScale)}`);
  const decimal = readDecimal(input, field, options.maxIntegerDigits);
  if (decimal.scale > maxScale) {
    throw new MoneyError(
      'TOO_MANY_DECIMALS',
      `${field} ${describeReceived(decimal.text)} has ${decimal.scale} decimal places; at most ${maxScale} are accepted`,
      { field, received: receivedForDetails(decimal.text), scale: decimal.scale, maxScale },
    );
  }
  return decimal.value;
}

/**
 * Reads a decimal the ledger computed or stored itself (a sum from a read model, a balance, an amount to format for
 * output): the same strict syntax as `parseDecimal`, but without its caps on integer digits and decimals, because
 * a sum of any number of accepted amounts may be longer than any one of them. Input received from outside never
 * comes through here: it goes through `parseDecimal` or `Money.parse`, which stay strict.
 */
export function parseComputedDecimal(input: unknown, field = 'value'): Big {
  return readDecimal(input, field, Number.MAX_SAFE_INTEGER, COMPUTED_DECIMAL_TEXT_LENGTH_MAX).value;
}

/**
 * Checks the syntax and size of a decimal string and reads it, leaving the limit on decimals to the caller
 * (Money.parse checks it against the currency). Not part of the public API.
 */
export function readDecimal(
  input: unknown,
  field: string,
  maxIntegerDigits = DECIMAL_INTEGER_DIGITS_MAX_DEFAULT,
  maxLength = DECIMAL_TEXT_LENGTH_MAX,
): ReadDecimal {
  assert(isCount(maxIntegerDigits), `maxIntegerDigits must be a non-negative integer, got ${String(maxIntegerDigits)}`);
  if (typeof input !== 'string') throw notAStringError(input, field);
  if (input.length > maxLength) {
    throw new MoneyError(
      'INVALID_DECIMAL',
      `${field} ${describeReceived(input)} is too long: at most ${maxLength} characters are accepted`,
      { field, received: receivedForDetails(input), length: input.length, maxLength },
    );
  }
  if (!PLAIN_DECIMAL.test(input)) {
    const hint = syntaxHint(input);
    throw new MoneyError(
      'INVALID_DECIMAL',
      `${field} ${describeReceived(input)} is not a plain decimal: use digits with an optional sign and decimal point, like "12.50"${hint === undefined ? '' : `; ${hint}`}`,
      { field, received: receivedForDetails(input) },
    );
  }
  // Counted in place (no substrings): this runs for every amount a projection folds.
  const negative = input.charCodeAt(0) === MINUS;
  const point = input.indexOf('.');
  const integerDigits = (point === -1 ? input.length : point) - (negative ? 1 : 0);
  if (integerDigits > maxIntegerDigits) {
    throw new MoneyError(
      'INVALID_DECIMAL',
      `${field} ${describeReceived(input)} has ${integerDigits} digits before the decimal point; at most ${maxIntegerDigits} are accepted`,
      { field, received: receivedForDetails(input), integerDigits, maxIntegerDigits },
    );
  }
  const value = new Big(input);
  const scale = point === -1 ? 0 : input.length - point - 1;
  // "-0" and "-0.00" are zero; dropping the sign keeps a negative zero from ever being stored or printed.
  return { value: negative && value.eq(ZERO) ? ZERO : value, text: input, scale };
}

function notAStringError(input: unknown, field: string): MoneyError {
  const details = { field, received: receivedForDetails(input) };
  if (typeof input === 'number') {
    return new MoneyError(
      'INVALID_DECIMAL',
      `${field} must be a decimal string like "12.50", not ${describeReceived(input)}: decimals travel as strings so that no precision is lost to floating point`,
      details,
    );
  }
  return new MoneyError('INVALID_DECIMAL', `${field} must be a decimal string like "12.50"; got ${describeReceived(input)}`, details);
}

/** Names the most likely mistake in a string that is not a plain decimal, to make the error actionable. */
function syntaxHint(input: string): string | undefined {
  if (input === '') return 'the value is empty';
  if (/^[+-]?(NaN|Infinity)$/i.test(input)) return 'NaN and Infinity are not amounts';
  if (/\s/.test(input)) return 'remove the spaces';
  if (/^[+-]?[\d.]+e[+-]?\d+$/i.test(input)) return 'exponents are not accepted, write every digit';
  if (input.startsWith('+')) return 'leave out the "+" sign';
  if (input.includes(',')) return 'use "." as the decimal point, without thousands separators';
  if (/^-?\./.test(input)) return 'write a digit before the decimal point, like "0.5"';
  if (input.endsWith('.')) return 'write digits after the decimal point, or leave the point out';
  if (/^-?0\d/.test(input)) return 'remove the leading zeros';
  return undefined;
}

/**
 * Rounds to `scale` decimals with an explicit mode. 'half_up' rounds a half away from zero (2.5 -> 3,
 * -2.5 -> -3), 'half_even' to the even neighbour (2.5 -> 2, 3.5 -> 4), 'down' towards zero, 'up' away from zero.
 */
export function roundTo(value: Big, scale: number, mode: RoundingMode): Big {
  assert(isCount(scale), `scale must be a non-negative integer, got ${String(scale)}`);
  const rounded = value.round(scale, bigRoundingMode(mode));
  return rounded.eq(ZERO) ? ZERO : rounded;
}

function bigRoundingMode(mode: RoundingMode): Big.RoundingMode {
  switch (mode) {
    case 'half_up':
      return Big.roundHalfUp;
    case 'half_even':
      return Big.roundHalfEven;
    case 'down':
      return Big.roundDown;
    case 'up':
      return Big.roundUp;
    default: {
      const unexpected: never = mode;
      throw new Error(`money invariant broken: unknown rounding mode ${String(unexpected)}`);
    }
  }
}

/**
 * Writes `value` with exactly `scale` decimals and never in exponent notation ("1000.00", "0.000001").
 * The value must already fit `scale`: formatting never rounds, so round first with `roundTo`.
 */
export function formatDecimal(value: Big, scale: number): string {
  assert(isCount(scale), `scale must be a non-negative integer, got ${String(scale)}`);
  if (!value.round(scale, Big.roundDown).eq(value)) {
    assert(false, `formatDecimal would drop digits of ${value.toFixed()} at scale ${scale}: round first`);
  }
  const text = value.toFixed(scale, Big.roundDown);
  // big.js keeps the sign of a negative zero; a written amount never shows one.
  return value.eq(ZERO) ? text.replace(/^-/, '') : text;
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
