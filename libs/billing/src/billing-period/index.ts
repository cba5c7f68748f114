export type { BillingCycle, BillingPeriod, DayFraction, PeriodAlignment } from './billing-period.types.js';
export {
  billingCycleKinds,
  billingCycleLimits,
  billingCycleUnits,
  cycleLabel,
  monthsPerPeriod,
  periodAlignments,
  requireBillingCycle,
  requirePeriodAlignment,
} from './billing-cycle.js';
export {
  billingScheduleLimits,
  boundaryAt,
  isPeriodBoundary,
  periodAfter,
  periodContaining,
  periodsBetween,
  requireBillingPeriod,
  requireBillingSchedule,
  startSchedule,
  type BillingSchedule,
  type ScheduleStart,
  type StartScheduleInput,
} from './billing-schedule.js';
export { daysBetween } from './calendar-days.js';
export { dayFraction, periodAmount, prorate, prorationLimits, requireDayFraction, type ProrateInput } from './proration.js';
