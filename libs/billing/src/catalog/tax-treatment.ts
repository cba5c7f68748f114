import { z } from 'zod';
import { formatDecimal, parseDecimal } from '../../../money/src/index.js';
import { assertNever } from '../common/assert-never.js';
import { eventFields } from '../common/event-fields.js';
import { requireOneOf, requireRecord, validationFailed } from '../common/validation.js';
import { parsePercentage, taxRateLimits } from '../tax/tax-rate.js';
import { requireKnownFields } from './known-fields.js';

/**
 * How a plan is taxed, one of three:
 * - `standard`: the tenant's default rate, whatever it is when a subscription takes the plan's terms;
 * - `exempt`: never taxed;
 * - `rate`: this percentage (0..100, at most 4 decimals), whatever the tenant's default.
 * `planTaxRate` turns it into the `taxRate` of PlanTerms.
 */
export type TaxTreatment = { kind: 'standard' } | { kind: 'exempt' } | { kind: 'rate'; rate: string };

export const taxTreatmentKinds = ['standard', 'exempt', 'rate'] as const satisfies readonly TaxTreatment['kind'][];

export const taxTreatmentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('standard') }),
  z.object({ kind: z.literal('exempt') }),
  z.object({ kind: z.literal('rate'), rate: eventFields.decimal }),
]);

/** A tax treatment as sent (VALIDATION_FAILED naming `field` otherwise); a rate keeps the decimals it was written with. */
export function requireTaxTreatment(value: unknown, field: string): TaxTreatment {
  const treatment = requireRecord(value, field, 'kind ("standard", "exempt" or "rate") and, for "rate", rate');
  requireKnownFields(treatment, ['kind', 'rate'], field);
  const kind = requireOneOf(treatment.kind, `${field}.kind`, taxTreatmentKinds);
  if (kind !== 'rate') {
    if (treatment.rate !== undefined && treatment.rate !== null) {
      throw validationFailed(`${field}.rate is only given with kind "rate" (got kind "${kind}")`, { field: `${field}.rate` });
    }
    return { kind };
  }
  return { kind, rate: requirePercentage(treatment.rate, `${field}.rate`) };
}

/**
 * The tenant's default rate as toPlanTerms receives it: a percentage string, or null when the tenant has none to
 * impose (then a `standard` plan leaves its lines to the invoice's tax rules).
 */
export function requireDefaultTaxRate(value: unknown, field: string): string | null {
  return value === null ? null : requirePercentage(value, field);
}

/**
 * The `taxRate` of PlanTerms (a percentage string, or null for "the invoice's tax rules apply as for any line"):
 * - `standard` -> `defaultTaxRate` as given, so null when the tenant passes none;
 * - `exempt`   -> "0": an explicit zero rate, because null would let automatic tax rates apply to the line;
 * - `rate`     -> the plan's own rate.
 */
export function planTaxRate(treatment: TaxTreatment, defaultTaxRate: string | null): string | null {
  switch (treatment.kind) {
    case 'standard':
      return defaultTaxRate;
    case 'exempt':
      return '0';
    case 'rate':
      return treatment.rate;
    default:
      return assertNever(treatment, 'tax treatment');
  }
}

/** Same kind and, for a rate, the same percentage ("20" and "20.0" are the same rate). */
export function sameTaxTreatment(a: TaxTreatment, b: TaxTreatment): boolean {
  if (a.kind === 'rate' && b.kind === 'rate') return parseDecimal(a.rate, 'rate').eq(parseDecimal(b.rate, 'rate'));
  return a.kind === b.kind;
}

function requirePercentage(value: unknown, field: string): string {
  const percentage = parsePercentage(value);
  if (percentage === null) {
    throw validationFailed(
      `${field} must be a percentage from 0 to 100 with at most ${taxRateLimits.rateScaleMax} decimals, as a string like "20" (got ${JSON.stringify(value)})`,
      { field },
    );
  }
  // The decimals as written ("8.50" stays "8.50"), without the sign of a negative zero.
  return formatDecimal(percentage, (value as string).split('.')[1]?.length ?? 0);
}
