import { describe, expect, it } from '@jest/globals';
import { allCurrencies, currencyOf, isCurrencyCode } from './currencies.js';
import { captureMoneyError } from './capture-money-error.test-helper.js';

describe('the ISO 4217 currency table', () => {
  it('holds at least 150 currencies, each with a unique three-letter code, a name and a minor unit of 0 to 4', () => {
    const currencies = allCurrencies();
    expect(currencies.length).toBeGreaterThanOrEqual(150);
    expect(new Set(currencies.map((currency) => currency.code)).size).toBe(currencies.length);
    for (const currency of currencies) {
      expect(currency.code).toMatch(/^[A-Z]{3}$/);
      expect(Number.isInteger(currency.minorUnit)).toBe(true);
      expect(currency.minorUnit).toBeGreaterThanOrEqual(0);
      expect(currency.minorUnit).toBeLessThanOrEqual(4);
      expect(currency.name.trim()).not.toBe('');
    }
  });

  it('is ordered by code', () => {
    const codes = allCurrencies().map((currency) => currency.code);
    expect(codes).toEqual([...codes].sort());
  });

  it.each([
    ['USD', 2, 'US Dollar'],
    ['EUR', 2, 'Euro'],
    ['JPY', 0, 'Yen'],
    ['KWD', 3, 'Kuwaiti Dinar'],
    ['CLF', 4, 'Unidad de Fomento'],
  ])('knows %s has minor unit %i and is called %s', (code, minorUnit, name) => {
    expect(currencyOf(code)).toEqual({ code, minorUnit, name });
  });

  it.each([
    ...['JPY', 'CLP', 'ISK', 'KRW', 'VND', 'UGX', 'XAF', 'XOF', 'XPF', 'PYG', 'BIF', 'RWF'].map((code) => [code, 0] as const),
    ...['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((code) => [code, 3] as const),
    ...['CLF', 'UYW'].map((code) => [code, 4] as const),
    ...['GBP', 'CHF', 'CNY', 'INR', 'BRL', 'ZWG', 'XCG', 'SLE', 'VES', 'MRU', 'STN'].map((code) => [code, 2] as const),
  ])('gives %s a minor unit of %i', (code, minorUnit) => {
    expect(currencyOf(code).minorUnit).toBe(minorUnit);
  });

  it.each(['HRK', 'ZWL', 'CUC', 'ANG', 'SLL', 'XAU', 'XXX', 'XTS'])(
    'leaves out %s (withdrawn, or without a minor unit)',
    (code) => {
      expect(isCurrencyCode(code)).toBe(false);
    },
  );
});

describe('currencyOf and isCurrencyCode', () => {
  it('accept exact upper-case codes only', () => {
    expect(isCurrencyCode('USD')).toBe(true);
    expect(isCurrencyCode('usd')).toBe(false);
    expect(isCurrencyCode(' USD')).toBe(false);
    expect(isCurrencyCode('US')).toBe(false);
    expect(isCurrencyCode('')).toBe(false);
  });

  it('suggests the upper-case code for a lower-case one', () => {
    const error = captureMoneyError(() => currencyOf('usd'));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.reason).toBe('UNKNOWN_CURRENCY');
    expect(error.message).toContain('did you mean USD?');
    expect(error.details).toMatchObject({ field: 'currency', received: 'usd', suggestion: 'USD' });
  });

  it('suggests the trimmed code for one padded with spaces', () => {
    expect(captureMoneyError(() => currencyOf(' EUR ')).message).toContain('did you mean EUR?');
  });

  it('rejects an unknown code with the accepted format, without a suggestion', () => {
    const error = captureMoneyError(() => currencyOf('ABC'));
    expect(error.reason).toBe('UNKNOWN_CURRENCY');
    expect(error.message).toBe(
      'currency "ABC" is not a supported ISO 4217 currency code: use an active code of three upper-case letters, like "EUR" or "USD"',
    );
    expect(error.message).not.toContain('did you mean');
  });

  it('rejects a code that is not a string', () => {
    const error = captureMoneyError(() => currencyOf(840 as unknown as string));
    expect(error.reason).toBe('UNKNOWN_CURRENCY');
    expect(error.message).toContain('got the number 840');
    expect(isCurrencyCode(undefined as unknown as string)).toBe(false);
  });

  it('returns currencies that cannot be changed', () => {
    const usd = currencyOf('USD');
    expect(Object.isFrozen(usd)).toBe(true);
    expect(Object.isFrozen(allCurrencies())).toBe(true);
  });
});
