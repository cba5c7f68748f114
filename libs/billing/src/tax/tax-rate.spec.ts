import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { countryCodeCount, isCountryCode } from './country-codes.js';
import { isJurisdiction, jurisdictionApplies, parsePercentage, requireTaxRate, taxRateSchema, type TaxRate } from './tax-rate.js';

const vat: TaxRate = { id: 'vat', name: 'VAT', type: 'vat', rate: '20', jurisdiction: 'GB', inclusive: false, compound: false, active: true };

describe('country codes and jurisdictions', () => {
  it('knows the 249 assigned ISO 3166-1 alpha-2 codes, upper case only', () => {
    expect(countryCodeCount).toBe(249);
    expect(['US', 'CA', 'DE', 'JP', 'KW', 'GB'].every(isCountryCode)).toBe(true);
    expect(['us', 'UK', 'EU', 'ZZ', 'XK', 'USA', '', 42].some(isCountryCode)).toBe(false);
  });

  it.each([
    ['DE', true],
    ['CA-QC', true],
    ['US-NY', true],
    ['FR-75', true],
    ['GB-ENG', true],
    ['ca-qc', false],
    ['CA-', false],
    ['CA-QUEB', false],
    ['ZZ-QC', false],
    ['CA QC', false],
  ])('%s is a jurisdiction: %s', (value, expected) => {
    expect(isJurisdiction(value)).toBe(expected);
  });

  it('applies a country rate to the whole country and a regional rate to its region only', () => {
    expect(jurisdictionApplies('CA', { country: 'CA', region: 'QC' })).toBe(true);
    expect(jurisdictionApplies('CA', { country: 'CA' })).toBe(true);
    expect(jurisdictionApplies('CA-QC', { country: 'CA', region: 'QC' })).toBe(true);
    expect(jurisdictionApplies('CA-QC', { country: 'CA', region: 'ON' })).toBe(false);
    expect(jurisdictionApplies('CA-QC', { country: 'CA' })).toBe(false);
    expect(jurisdictionApplies('CA', { country: 'US', region: 'QC' })).toBe(false);
  });
});

describe('parsePercentage', () => {
  it.each(['0', '20', '9.975', '8.875', '100', '0.0001'])('accepts %s', (value) => {
    expect(parsePercentage(value)?.toFixed()).toBe(value);
  });

  it.each([['-1'], ['100.0001'], ['12.34567'], ['1e2'], [''], [20], [null]])('rejects %p', (value) => {
    expect(parsePercentage(value)).toBeNull();
  });
});

describe('requireTaxRate', () => {
  it('returns a valid rate as it is, and the event schema accepts it', () => {
    expect(requireTaxRate(vat, 'rate')).toEqual(vat);
    expect(taxRateSchema.parse(vat)).toEqual(vat);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an empty id', { id: '' }, /rate\.id is required/],
    ['a blank name', { name: ' ' }, /rate\.name is required/],
    ['an unknown type', { type: 'excise' }, /rate\.type must be one of sales_tax, vat, gst, hst, pst, use_tax, custom/],
    ['a rate as a number', { rate: 20 }, /rate\.rate must be a percentage from 0 to 100/],
    ['a jurisdiction in lower case', { jurisdiction: 'gb' }, /rate\.jurisdiction must be a country code/],
    ['a missing flag', { compound: undefined }, /rate\.compound must be true or false/],
  ])('rejects %s with VALIDATION_FAILED', (_case, change, message) => {
    let thrown: unknown;
    try {
      requireTaxRate({ ...vat, ...change }, 'rate');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('VALIDATION_FAILED');
    expect((thrown as DomainError).message).toMatch(message);
  });
});
