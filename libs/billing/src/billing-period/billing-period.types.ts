/**
 * The shapes every recurring-billing module shares. Calendar dates are 'YYYY-MM-DD' in the tenant's time zone.
 */

/** How long one billing period is. Custom cycles count whole days or whole calendar months. */
export type BillingCycle =
  | { kind: 'monthly' | 'quarterly' | 'semi_annual' | 'annual' }
  | { kind: 'custom'; unit: 'days' | 'months'; count: number };

/**
 * Where period boundaries fall. `anniversary`: on the start date's day (clamped in short months); `calendar`: on the first
 * of the month (and, for quarterly, semi-annual and annual cycles, on the first month of the calendar quarter, half or year),
 * with a prorated first period when the start is not on a boundary.
 */
export type PeriodAlignment = 'anniversary' | 'calendar';

/** A half-open period of calendar dates: it contains `start` and ends before `end`. */
export interface BillingPeriod {
  start: string;
  end: string;
}

/** An exact fraction of whole days: `days` of a period that is `periodDays` long. Never reduced, so it explains itself. */
export interface DayFraction {
  days: number;
  periodDays: number;
}
