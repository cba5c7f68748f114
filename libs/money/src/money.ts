import Big from 'big.js';
import { assert } from './assertion.js';
import { type Currency, type CurrencyCode, currencyOf } from './currencies.js';
import { COMPUTED_DECIMAL_TEXT_LENGTH_MAX, type RoundingMode, formatDecimal, parseComputedDecimal, parseDecimal, readDecimal, roundTo } from './decimal.js';
import { largestWithinAmountBound } from './amount-bound.js';
import { MoneyError, describeReceived, receivedForDetails } from './money.errors.js';
import { ONE, ZERO } from './decimal-constants.js';

/**
 * Most parts one allocation may produce. Invoices split over a handful of lines or instalments; the bound keeps a
 * bad request from asking for millions of parts (docs/architecture.md, Conventions 12: a limit on everything that
 * grows).
 */
export const ALLOCATION_PARTS_MAX = 10_000;

/** Exact share computations divide with big.js and then correct the quotient; one step each way always suffices. */
const QUOTIENT_CORRECTION_STEPS_MAX = 2;

export interface MoneyJson {
  readonly amount: string;
  readonly currency: CurrencyCode;
}

/**
 * An amount of one currency, always a whole number of its minor unit (12.50 USD, 1250 JPY, 1.250 KWD).
 * Immutable: every operation returns a new Money. Arithmetic across currencies throws CURRENCY_MISMATCH.
 */
export class Money {
  private constructor(
    readonly amount: Big,
    readonly currency: Currency,
  ) {
    Object.freeze(this);
  }

  /**
   * An amount rounded to the currency's minor unit with an explicit mode (default half-up), for computed values
   * such as `unit price × quantity` and for amounts the ledger stored itself (a balance, a read model's sum), which
   * may have any number of integer digits. Input received from outside goes through `Money.parse`, which never
   * rounds and keeps its digit cap.
   */
  static of(amount: string | Big, currencyCode: CurrencyCode, rounding: RoundingMode = 'half_up'): Money {
    const currency = currencyOf(currencyCode);
    const value = amount instanceof Big ? amount : parseComputedDecimal(amount, 'amount');
    return new Money(roundTo(value, currency.minorUnit, rounding), currency);
  }

  /**
   * Reads an amount received from outside (API input, an event): a strict decimal string with at most as many
   * decimals as the currency has ("10.001" USD and "5.5" JPY are TOO_MANY_DECIMALS). Never rounds.
   */
  static parse(amount: unknown, currencyCode: CurrencyCode, field = 'amount'): Money {
    const currency = currencyOf(currencyCode);
    const decimal = readDecimal(amount, field);
    if (decimal.scale > currency.minorUnit) throw tooManyDecimalsError(decimal.text, decimal.scale, currency, field);
    return new Money(decimal.value, currency);
  }

  /**
   * Reads an amount the ledger computed or stored itself (a read model's sum, a balance, a document's figure) exactly
   * like `parse` (never rounded, at most the currency's decimals) but without the cap on integer digits that input
   * has: a sum of accepted amounts may be longer than any one of them.
   */
  static parseComputed(amount: unknown, currencyCode: CurrencyCode, field = 'amount'): Money {
    const currency = currencyOf(currencyCode);
    const decimal = readDecimal(amount, field, Number.MAX_SAFE_INTEGER, COMPUTED_DECIMAL_TEXT_LENGTH_MAX);
    if (decimal.scale > currency.minorUnit) throw tooManyDecimalsError(decimal.text, decimal.scale, currency, field);
    return new Money(decimal.value, currency);
  }

  /** The largest amount of the currency the ledger accepts (see amount-bound.ts): 999999999999.99 USD. */
  static largest(currencyCode: CurrencyCode): Money {
    const currency = currencyOf(currencyCode);
    return new Money(new Big(largestWithinAmountBound(currency.minorUnit)), currency);
  }

  static zero(currencyCode: CurrencyCode): Money {
    return new Money(ZERO, currencyOf(currencyCode));
  }

  /** Adds up `items`, all in `currencyCode`; an empty list is zero, so the currency is needed up front. */
  static sum(items: readonly Money[], currencyCode: CurrencyCode): Money {
    let total = Money.zero(currencyCode);
    for (const item of items) total = total.plus(item);
    return total;
  }

  static min(a: Money, b: Money): Money {
    return b.lessThan(a) ? b : a;
  }

  static max(a: Money, b: Money): Money {
    return b.greaterThan(a) ? b : a;
  }

  plus(other: Money): Money {
    this.assertSameCurrency(other, 'add');
    return this.withAmount(this.amount.plus(other.amount));
  }

  minus(other: Money): Money {
    this.assertSameCurrency(other, 'subtract');
    return this.withAmount(this.amount.minus(other.amount));
  }

  /** Multiplies by an exact factor ("1.5", "0.2") and rounds the product to the minor unit with `rounding`. */
  times(factor: string | Big, rounding: RoundingMode): Money {
    const exactFactor = factor instanceof Big ? factor : parseDecimal(factor, 'factor');
    return this.withAmount(roundTo(this.amount.times(exactFactor), this.currency.minorUnit, rounding));
  }

  negated(): Money {
    return this.withAmount(this.amount.neg());
  }

  isZero(): boolean {
    return this.amount.eq(ZERO);
  }

  isPositive(): boolean {
    return this.amount.gt(ZERO);
  }

  isNegative(): boolean {
    return this.amount.lt(ZERO);
  }

  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency(other, 'compare');
    return this.amount.cmp(other.amount);
  }

  /** Same currency and same amount. Unlike `compare`, different currencies are simply not equal. */
  equals(other: Money): boolean {
    return this.currency.code === other.currency.code && this.amount.eq(other.amount);
  }

  greaterThan(other: Money): boolean {
    return this.compare(other) > 0;
  }

  lessThan(other: Money): boolean {
    return this.compare(other) < 0;
  }

  /**
   * Splits this amount in proportion to `ratios` without losing or creating a minor unit: each part gets the
   * floor of its exact share in minor units, and the units left over go one each to the parts with the largest
   * remainders (ties to the earliest). Every part is within one minor unit of its exact share; a zero ratio gets
   * zero. A negative amount splits like its absolute value, negated. Ratios are decimal strings or Big values,
   * non-negative, with a positive sum (else INVALID_ALLOCATION).
   */
  allocate(ratios: ReadonlyArray<string | Big>): Money[] {
    const weights = readRatios(ratios);
    const weightSum = weights.reduce((sum, weight) => sum.plus(weight), ZERO);
    if (!weightSum.gt(ZERO)) {
      throw new MoneyError('INVALID_ALLOCATION', 'ratios add up to zero: at least one ratio must be positive', {
        field: 'ratios',
        received: weights.map((weight) => weight.toFixed()),
      });
    }
    const minorUnitsPerUnit = new Big(`1e${this.currency.minorUnit}`);
    const totalMinorUnits = this.amount.abs().times(minorUnitsPerUnit);
    assert(isInteger(totalMinorUnits), `amount ${this.amount.toFixed()} is not a whole number of minor units`);

    const shares = weights.map((weight, index) => {
      const { quotient, remainder } = divideWithRemainder(totalMinorUnits.times(weight), weightSum);
      return { index, minorUnits: quotient, remainder };
    });
    let unitsLeft = totalMinorUnits.minus(shares.reduce((sum, share) => sum.plus(share.minorUnits), ZERO));
    const byLargestRemainder = [...shares].sort((a, b) => b.remainder.cmp(a.remainder) || a.index - b.index);
    for (const share of byLargestRemainder) {
      if (!unitsLeft.gt(ZERO)) break;
      share.minorUnits = share.minorUnits.plus(ONE);
      unitsLeft = unitsLeft.minus(ONE);
    }
    assert(unitsLeft.eq(ZERO), 'allocation left minor units unassigned');

    const minorUnitSize = new Big(`1e-${this.currency.minorUnit}`);
    const negative = this.amount.lt(ZERO);
    return shares.map((share) => {
      const part = share.minorUnits.times(minorUnitSize);
      return this.withAmount(negative ? part.neg() : part);
    });
  }

  /** Splits into `parts` amounts as equal as possible; earlier parts get the extra minor units. */
  allocateEvenly(parts: number): Money[] {
    if (!Number.isSafeInteger(parts) || parts < 1 || parts > ALLOCATION_PARTS_MAX) {
      throw new MoneyError(
        'INVALID_ALLOCATION',
        `parts must be a whole number from 1 to ${ALLOCATION_PARTS_MAX}; got ${describeReceived(parts)}`,
        { field: 'parts', received: receivedForDetails(parts) },
      );
    }
    return this.allocate(new Array<string>(parts).fill('1'));
  }

  /** The amount with exactly the currency's decimals: "12.50", "1000" (JPY), "1.250" (KWD). */
  toString(): string {
    return formatDecimal(this.amount, this.currency.minorUnit);
  }

  toJSON(): MoneyJson {
    return { amount: this.toString(), currency: this.currency.code };
  }

  private withAmount(amount: Big): Money {
    // Normalising zero keeps "-0" out of results such as negating or subtracting equal amounts.
    return new Money(amount.eq(ZERO) ? ZERO : amount, this.currency);
  }

  private assertSameCurrency(other: Money, operation: string): void {
    if (other.currency.code === this.currency.code) return;
    throw new MoneyError(
      'CURRENCY_MISMATCH',
      `cannot ${operation} ${other.currency.code} and ${this.currency.code}: amounts must be in the same currency`,
      { operation, left: this.toJSON(), right: other.toJSON() },
    );
  }
}

function tooManyDecimalsError(text: string, scale: number, currency: Currency, field: string): MoneyError {
  const { code, minorUnit } = currency;
  const allowed = minorUnit === 0 ? `${code} has no minor unit: send a whole number` : `${code} has ${minorUnit}: send at most ${minorUnit}`;
  return new MoneyError(
    'TOO_MANY_DECIMALS',
    `${field} ${describeReceived(text)} has ${scale} decimal place${scale === 1 ? '' : 's'} but ${allowed}, like "${formatDecimal(new Big('12'), minorUnit)}"; amounts are never rounded on input`,
    { field, received: receivedForDetails(text), scale, currency: code, minorUnit },
  );
}

function readRatios(ratios: ReadonlyArray<string | Big>): Big[] {
  if (!Array.isArray(ratios) || ratios.length === 0 || ratios.length > ALLOCATION_PARTS_MAX) {
    throw new MoneyError(
      'INVALID_ALLOCATION',
      `ratios must be a list of 1 to ${ALLOCATION_PARTS_MAX} decimals, like ["1", "1", "2"]; got ${Array.isArray(ratios) ? `${ratios.length} ratios` : describeReceived(ratios)}`,
      { field: 'ratios', count: Array.isArray(ratios) ? ratios.length : undefined },
    );
  }
  return ratios.map((ratio, index) => {
    const field = `ratios[${index}]`;
    const weight = ratio instanceof Big ? ratio : parseDecimal(ratio, field);
    if (weight.lt(ZERO)) {
      throw new MoneyError('INVALID_ALLOCATION', `${field} is ${weight.toFixed()}: ratios must not be negative`, {
        field,
        received: weight.toFixed(),
      });
    }
    return weight;
  });
}

/**
 * Integer quotient and remainder of `dividend / divisor` (dividend >= 0, divisor > 0), exactly. big.js division
 * stops at Big.DP decimals and rounds with Big.RM, so the truncated quotient can be one off; multiplying back
 * (which is exact) finds and corrects that.
 */
function divideWithRemainder(dividend: Big, divisor: Big): { quotient: Big; remainder: Big } {
  let quotient = dividend.div(divisor).round(0, Big.roundDown);
  let remainder = dividend.minus(quotient.times(divisor));
  for (let step = 0; step < QUOTIENT_CORRECTION_STEPS_MAX && remainder.lt(ZERO); step += 1) {
    quotient = quotient.minus(ONE);
    remainder = remainder.plus(divisor);
  }
  for (let step = 0; step < QUOTIENT_CORRECTION_STEPS_MAX && remainder.gte(divisor); step += 1) {
    quotient = quotient.plus(ONE);
    remainder = remainder.minus(divisor);
  }
  assert(remainder.gte(ZERO) && remainder.lt(divisor), 'integer division remainder out of range');
  return { quotient, remainder };
}

function isInteger(value: Big): boolean {
  return value.round(0, Big.roundDown).eq(value);
}
