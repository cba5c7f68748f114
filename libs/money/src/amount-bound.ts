import Big from 'big.js';
import { assert } from './assertion.js';

/**
 * The one bound on the size of every figure the ledger accepts or decides (amounts, quantities, unit prices, line
 * amounts, document totals, converted totals, exchange rates): an absolute value below 10^12, that is at most 12
 * digits before the decimal point. Amounts then carry their currency's minor unit, so the largest accepted amount
 * is 999,999,999,999.99 USD, 999,999,999,999 JPY, 999,999,999,999.999 KWD; quantities and unit prices carry up to 6
 * decimals and rates up to 12.
 *
 * Why 12 digits: a trillion units of a currency is far beyond any one invoice, payment or credit of a billing
 * operation, even in currencies with many units to the dollar, and it keeps every product the ledger computes from
 * accepted figures exact and small (quantity x unit price has at most 24 integer digits before it is checked).
 *
 * The bound is on each figure, never on sums: balances, lists and reports add up any number of accepted amounts,
 * and read them with `parseComputedDecimal` / `Money.parseComputed`, which have no digit cap.
 */
export const AMOUNT_INTEGER_DIGITS_MAX = 12;

/** 10^12: the first value outside the bound. */
const AMOUNT_LIMIT = new Big(`1${'0'.repeat(AMOUNT_INTEGER_DIGITS_MAX)}`);

/** Whether |value| < 10^12. */
export function isWithinAmountBound(value: Big): boolean {
  return value.abs().lt(AMOUNT_LIMIT);
}

/** The largest value inside the bound with `scale` decimals: "999999999999.99" for 2, "999999999999" for 0. */
export function largestWithinAmountBound(scale: number): string {
  assert(Number.isSafeInteger(scale) && scale >= 0, `scale must be a non-negative integer, got ${String(scale)}`);
  const integer = '9'.repeat(AMOUNT_INTEGER_DIGITS_MAX);
  return scale === 0 ? integer : `${integer}.${'9'.repeat(scale)}`;
}
