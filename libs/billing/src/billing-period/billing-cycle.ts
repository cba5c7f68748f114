import { assertNever } from '../common/assert-never.js';
import { requireIntegerInRange, requireOneOf, requireRecord, validationFailed } from '../common/validation.js';
import type { BillingCycle, PeriodAlignment } from './billing-period.types.js';

/** Bounds on custom cycles: ten years of days (3660 covers two leap days) or of months. */
export const billingCycleLimits = { customDaysMax: 3660, customMonthsMax: 120 } as const;

export const billingCycleKinds = ['monthly', 'quarterly', 'semi_annual', 'annual', 'custom'] as const;
export const billingCycleUnits = ['days', 'months'] as const;
export const periodAlignments = ['anniversary', 'calendar'] as const satisfies readonly PeriodAlignment[];

const cycleKeys = new Set(['kind', 'unit', 'count']);

/**
 * A billing cycle from outside (a command, a plan version): `{ kind }` for the named cycles, `{ kind: 'custom', unit,
 * count }` with 1..3660 days or 1..120 months. A fresh object is returned, so nothing else the caller sent rides
 * along into an event. Unknown keys, and a unit or count on a named cycle, are refused rather than ignored: they
 * mean the sender thinks the cycle is something it is not. VALIDATION_FAILED naming the field otherwise.
 */
export function requireBillingCycle(input: unknown, field: string): BillingCycle {
  const record = requireRecord(input, field, `a kind (${billingCycleKinds.join(', ')}), and a unit and count for custom cycles`);
  const unknownKey = Object.keys(record).find((key) => !cycleKeys.has(key));
  if (unknownKey !== undefined) {
    throw validationFailed(`${field} has an unknown field ${JSON.stringify(unknownKey)}: a cycle has kind, unit and count`, {
      field: `${field}.${unknownKey}`,
    });
  }
  const kind = requireOneOf(record.kind, `${field}.kind`, billingCycleKinds);
  if (kind !== 'custom') {
    for (const key of ['unit', 'count'] as const) {
      if (record[key] !== undefined && record[key] !== null) {
        throw validationFailed(`${field}.${key} is only for custom cycles (the cycle is ${kind})`, { field: `${field}.${key}` });
      }
    }
    return { kind };
  }
  const unit = requireOneOf(record.unit, `${field}.unit`, billingCycleUnits);
  const countMax = unit === 'days' ? billingCycleLimits.customDaysMax : billingCycleLimits.customMonthsMax;
  const count = requireIntegerInRange(record.count, `${field}.count`, 1, countMax);
  return { kind: 'custom', unit, count };
}

export function requirePeriodAlignment(input: unknown, field: string): PeriodAlignment {
  return requireOneOf(input, field, periodAlignments);
}

/** Calendar months in one period of a month-based cycle, or null for a cycle counted in days. */
export function monthsPerPeriod(cycle: BillingCycle): number | null {
  switch (cycle.kind) {
    case 'monthly':
      return 1;
    case 'quarterly':
      return 3;
    case 'semi_annual':
      return 6;
    case 'annual':
      return 12;
    case 'custom':
      return cycle.unit === 'months' ? cycle.count : null;
    default:
      return assertNever(cycle, 'billing cycle');
  }
}

/** How a person reads the cycle on a plan or an invoice line: 'monthly', 'semi-annual', 'every 14 days', 'every month'. */
export function cycleLabel(cycle: BillingCycle): string {
  switch (cycle.kind) {
    case 'monthly':
    case 'quarterly':
    case 'annual':
      return cycle.kind;
    case 'semi_annual':
      return 'semi-annual';
    case 'custom': {
      const unit = cycle.unit === 'days' ? 'day' : 'month';
      return cycle.count === 1 ? `every ${unit}` : `every ${cycle.count} ${unit}s`;
    }
    default:
      return assertNever(cycle, 'billing cycle');
  }
}
