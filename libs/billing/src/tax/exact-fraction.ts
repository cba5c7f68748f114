import { parseDecimal, type RoundingMode } from '../../../money/src/index.js';

type Decimal = ReturnType<typeof parseDecimal>;

/**
 * An exact rational number on BigInt. Tax-inclusive prices divide by (1 + rates), which rarely terminates in
 * decimal (120 / 1.2 does, 100 / 1.1547375 does not); big.js would cut such a quotient at its global precision
 * (Big.DP, which any code may change) and could then round a half the wrong way. Fractions keep every digit
 * until the single, explicit rounding to a currency's minor unit. Values are kept reduced, denominator > 0.
 */
export class ExactFraction {
  static readonly zero = new ExactFraction(0n, 1n);
  static readonly one = new ExactFraction(1n, 1n);

  private constructor(
    readonly numerator: bigint,
    readonly denominator: bigint,
  ) {
    Object.freeze(this);
  }

  /** The exact value of a decimal (a big.js value or a strict decimal string such as "-12.345"). */
  static of(value: Decimal | string): ExactFraction {
    const text = typeof value === 'string' ? parseDecimal(value, 'value').toFixed() : value.toFixed();
    const negative = text.startsWith('-');
    const [integerDigits = '0', fractionDigits = ''] = text.replace(/^-/, '').split('.');
    const magnitude = BigInt(integerDigits + fractionDigits);
    return ExactFraction.reduced(negative ? -magnitude : magnitude, 10n ** BigInt(fractionDigits.length));
  }

  static ofInteger(value: bigint): ExactFraction {
    return new ExactFraction(value, 1n);
  }

  private static reduced(numerator: bigint, denominator: bigint): ExactFraction {
    if (denominator === 0n) throw new Error('ExactFraction: division by zero');
    const sign = denominator < 0n ? -1n : 1n;
    const divisor = greatestCommonDivisor(absolute(numerator), absolute(denominator));
    return new ExactFraction((sign * numerator) / divisor, (sign * denominator) / divisor);
  }

  plus(other: ExactFraction): ExactFraction {
    return ExactFraction.reduced(this.numerator * other.denominator + other.numerator * this.denominator, this.denominator * other.denominator);
  }

  minus(other: ExactFraction): ExactFraction {
    return this.plus(other.negated());
  }

  times(other: ExactFraction): ExactFraction {
    return ExactFraction.reduced(this.numerator * other.numerator, this.denominator * other.denominator);
  }

  /** Dividing by zero is a programmer error (callers divide by 1 + rates, or by a positive rate). */
  dividedBy(other: ExactFraction): ExactFraction {
    if (other.numerator === 0n) throw new Error('ExactFraction: division by zero');
    return ExactFraction.reduced(this.numerator * other.denominator, this.denominator * other.numerator);
  }

  negated(): ExactFraction {
    return new ExactFraction(-this.numerator, this.denominator);
  }

  isZero(): boolean {
    return this.numerator === 0n;
  }

  compare(other: ExactFraction): -1 | 0 | 1 {
    const difference = this.numerator * other.denominator - other.numerator * this.denominator;
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  }

  /** The value rounded to `scale` decimals with an explicit mode, as a decimal string with exactly `scale` decimals. */
  toDecimalString(scale: number, mode: RoundingMode): string {
    const units = this.roundToUnits(scale, mode);
    const negative = units < 0n;
    const digits = absolute(units).toString().padStart(scale + 1, '0');
    const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return negative ? `-${text}` : text;
  }

  /** The value in units of 10^-scale, rounded with `mode` (e.g. minor units of a currency with `scale` decimals). */
  roundToUnits(scale: number, mode: RoundingMode): bigint {
    if (!Number.isSafeInteger(scale) || scale < 0) throw new Error(`ExactFraction: scale must be a count, got ${scale}`);
    const scaled = this.numerator * 10n ** BigInt(scale);
    const truncated = scaled / this.denominator; // BigInt division truncates towards zero.
    const remainder = absolute(scaled - truncated * this.denominator);
    if (remainder === 0n) return truncated;
    const awayFromZero = scaled < 0n ? truncated - 1n : truncated + 1n;
    const twiceRemainder = 2n * remainder;
    switch (mode) {
      case 'down':
        return truncated;
      case 'up':
        return awayFromZero;
      case 'half_up':
        return twiceRemainder >= this.denominator ? awayFromZero : truncated;
      case 'half_even':
        if (twiceRemainder > this.denominator) return awayFromZero;
        if (twiceRemainder < this.denominator) return truncated;
        return truncated % 2n === 0n ? truncated : awayFromZero;
      default: {
        const unexpected: never = mode;
        throw new Error(`ExactFraction: unknown rounding mode ${String(unexpected)}`);
      }
    }
  }
}

/**
 * Splits `totalUnits` (a whole number of minor units, >= 0) in proportion to `weights` (>= 0) without losing or
 * creating a unit: each part gets the floor of its exact share, and the units left go one each to the largest
 * remainders (ties to the earliest). All-zero weights give all-zero parts, which requires a zero total.
 */
export function allocateUnits(totalUnits: bigint, weights: readonly ExactFraction[]): bigint[] {
  if (totalUnits < 0n) throw new Error(`allocateUnits: the total must not be negative (got ${totalUnits})`);
  if (weights.some((weight) => weight.compare(ExactFraction.zero) < 0)) throw new Error('allocateUnits: weights must not be negative');
  const weightSum = weights.reduce((sum, weight) => sum.plus(weight), ExactFraction.zero);
  if (weightSum.isZero()) {
    if (totalUnits !== 0n) throw new Error(`allocateUnits: cannot split ${totalUnits} units over zero weights`);
    return weights.map(() => 0n);
  }
  const shares = weights.map((weight, index) => {
    const exact = ExactFraction.ofInteger(totalUnits).times(weight).dividedBy(weightSum);
    const units = exact.roundToUnits(0, 'down');
    return { index, units, remainder: exact.minus(ExactFraction.ofInteger(units)) };
  });
  let unitsLeft = totalUnits - shares.reduce((sum, share) => sum + share.units, 0n);
  const byLargestRemainder = [...shares].sort((a, b) => b.remainder.compare(a.remainder) || a.index - b.index);
  for (const share of byLargestRemainder) {
    if (unitsLeft === 0n) break;
    share.units += 1n;
    unitsLeft -= 1n;
  }
  if (unitsLeft !== 0n) throw new Error('allocateUnits: units left unassigned');
  return shares.map((share) => share.units);
}

/** A whole number of minor units as a decimal string with `scale` decimals (1234n, 2 -> "12.34"). */
export function unitsToDecimalString(units: bigint, scale: number): string {
  return ExactFraction.ofInteger(units).dividedBy(ExactFraction.ofInteger(10n ** BigInt(scale))).toDecimalString(scale, 'down');
}

function absolute(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function greatestCommonDivisor(a: bigint, b: bigint): bigint {
  let [x, y] = [a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}
