import Big from 'big.js';

/**
 * Constants built from strings, and used instead of number literals in big.js calls (`x.plus(ONE)`, not
 * `x.plus(1)`), so that the library keeps working if an application turns on Big.strict, which rejects numbers.
 */
export const ZERO = new Big('0');
export const ONE = new Big('1');
