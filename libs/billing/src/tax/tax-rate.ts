import { z } from 'zod';
import { MoneyError, parseDecimal } from '../../../money/src/index.js';
import { requireRecordedIdentifier, requireOneOf, requireText, validationFailed } from '../common/validation.js';
import { isCountryCode } from './country-codes.js';

/** TaxType (docs/domain.md, "Tax"), as the API exposes it. */
export const taxTypes = ['sales_tax', 'vat', 'gst', 'hst', 'pst', 'use_tax', 'custom'] as const;
export type TaxType = (typeof taxTypes)[number];

/** Tax rounding (docs/domain.md, "Tax"): each line's tax rounded, or each rate's total rounded once. */
export const taxRoundings = ['per_line', 'per_invoice'] as const;
export type TaxRounding = (typeof taxRoundings)[number];

export const taxRateLimits = {
  nameLengthMax: 100,
  /** Percentages carry at most 4 decimals ("8.875", "9.975"), like the invoice's per-line rates. */
  rateScaleMax: 4,
} as const;

/**
 * A jurisdiction is a country (ISO 3166-1 alpha-2, "DE") or a country and a region (the ISO 3166-2 subdivision code,
 * "CA-QC", "US-NY"): 1 to 3 upper-case letters or digits after the hyphen.
 */
const jurisdictionPattern = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/;
const regionPattern = /^[A-Z0-9]{1,3}$/;

export function isJurisdiction(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = jurisdictionPattern.exec(value);
  return match !== null && isCountryCode(match[1]);
}

/** A region code as used after the country in a jurisdiction ("QC" of "CA-QC"). */
export function isRegionCode(value: unknown): value is string {
  return typeof value === 'string' && regionPattern.test(value);
}

/**
 * Whether a rate of `jurisdiction` applies to a customer billed at `address`: a country rate ("CA") applies to
 * every address in the country, a regional rate ("CA-QC") only to addresses in that region.
 */
export function jurisdictionApplies(jurisdiction: string, address: { country: string; region?: string | null }): boolean {
  const match = jurisdictionPattern.exec(jurisdiction);
  if (match === null) return false;
  const [, country, region] = match;
  if (country !== address.country) return false;
  return region === undefined || region === address.region;
}

/**
 * A percentage from 0 to 100 with at most 4 decimals, as a strict decimal string ("20", "9.975"); null for anything
 * else (numbers, "1e2", "-1", "100.0001", "12.34567").
 */
export function parsePercentage(value: unknown): ReturnType<typeof parseDecimal> | null {
  try {
    const percentage = parseDecimal(value, 'percentage', { maxScale: taxRateLimits.rateScaleMax, maxIntegerDigits: 3 });
    return percentage.lt(0) || percentage.gt(100) ? null : percentage;
  } catch (error) {
    if (error instanceof MoneyError) return null;
    throw error;
  }
}

const identifier = z.string().min(1).max(128);

/**
 * A tax rate of the tenant (docs/domain.md, "Tax"). `rate` is a percentage string. `inclusive` marks a rate
 * whose tax is already inside the prices it applies to (whatever the tenant-wide tax-inclusive setting says);
 * `compound` applies the rate to the net amount plus the taxes computed before it. A rate is never deleted, only
 * deactivated, so documents that used it can still name it.
 */
export const taxRateSchema = z.object({
  id: identifier,
  name: z.string().min(1).max(taxRateLimits.nameLengthMax),
  type: z.enum(taxTypes),
  rate: z.string().refine((value) => parsePercentage(value) !== null, 'must be a percentage from 0 to 100'),
  jurisdiction: z.string().refine(isJurisdiction, 'must be a country (ISO 3166-1 alpha-2) or country-region code'),
  inclusive: z.boolean(),
  compound: z.boolean(),
  active: z.boolean(),
});

export type TaxRate = z.infer<typeof taxRateSchema>;

/**
 * Checks a tax rate received from outside the settings aggregate (e.g. by the tax engine) and returns it typed;
 * throws VALIDATION_FAILED naming the first broken rule. `field` names the rate in messages ("rates[2]").
 */
export function requireTaxRate(value: unknown, field: string): TaxRate {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validationFailed(`${field} must be a tax rate object`, { field });
  }
  const rate = value as Record<string, unknown>;
  const id = requireRecordedIdentifier(rate.id, `${field}.id`);
  const name = requireText(rate.name, `${field}.name`, taxRateLimits.nameLengthMax);
  const type = requireOneOf(rate.type, `${field}.type`, taxTypes);
  if (parsePercentage(rate.rate) === null) {
    throw validationFailed(`${field}.rate must be a percentage from 0 to 100 with at most ${taxRateLimits.rateScaleMax} decimals, as a string`, {
      field: `${field}.rate`,
    });
  }
  if (!isJurisdiction(rate.jurisdiction)) {
    throw validationFailed(`${field}.jurisdiction must be a country code such as "DE" or a country-region code such as "CA-QC"`, {
      field: `${field}.jurisdiction`,
    });
  }
  for (const flag of ['inclusive', 'compound', 'active'] as const) {
    if (typeof rate[flag] !== 'boolean') throw validationFailed(`${field}.${flag} must be true or false`, { field: `${field}.${flag}` });
  }
  return {
    id,
    name,
    type,
    rate: rate.rate as string,
    jurisdiction: rate.jurisdiction,
    inclusive: rate.inclusive as boolean,
    compound: rate.compound as boolean,
    active: rate.active as boolean,
  };
}
