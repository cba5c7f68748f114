export { countryCodeCount, isCountryCode } from './country-codes.js';
export { ExactFraction, allocateUnits, unitsToDecimalString } from './exact-fraction.js';
export * from './invoice-tax.js';
export * from './tax-rate.js';
