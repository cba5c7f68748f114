import { formatDecimal, parseDecimal } from '../../../money/src/index.js';
import { periodAmount, requireBillingCycle } from '../billing-period/index.js';
import type { PlanTerms } from '../catalog/plan-terms.js';
import { DomainError } from '../common/domain-error.js';
import {
  requireBoundedDecimal,
  requireCurrency,
  requireIdentifier,
  requireIntegerInRange,
  requireNonNegativeAmount,
  requireOneOf,
  requireRecord,
  requireText,
  validationFailed,
} from '../common/validation.js';
import { subscriptionLimits } from './subscription.limits.js';
import type { ItemConfig } from './subscription.timeline.js';

const serviceTypes = ['broadband', 'voice', 'video', 'bundle', 'addon', 'custom'] as const satisfies readonly PlanTerms['serviceType'][];
const billingTimings = ['in_advance', 'in_arrears'] as const satisfies readonly PlanTerms['timing'][];

/**
 * Plan terms as a command carries them (the application copied them from the catalog, but a command is input): every
 * field checked, and a fresh object returned so nothing else the caller sent rides along into an event. The unit
 * price and the setup fee are amounts of the terms' currency (at most its decimals, >= 0, below 10^12); the tax rate a
 * percentage 0..100 with at most 4 decimals, or null.
 */
export function requirePlanTerms(value: unknown, field: string): PlanTerms {
  const terms = requireRecord(value, field, 'planId, planVersion, productId, name, serviceType, cycle, timing, currency, unitPrice, setupFee, trialDays and taxRate');
  const currency = requireCurrency(terms.currency, `${field}.currency`);
  const unitPrice = requireNonNegativeAmount(terms.unitPrice, currency, `${field}.unitPrice`);
  const setupFee = terms.setupFee === undefined || terms.setupFee === null ? null : requireNonNegativeAmount(terms.setupFee, currency, `${field}.setupFee`);
  return {
    planId: requireIdentifier(terms.planId, `${field}.planId`),
    planVersion: requireIntegerInRange(terms.planVersion, `${field}.planVersion`, 1, Number.MAX_SAFE_INTEGER),
    productId: requireIdentifier(terms.productId, `${field}.productId`),
    name: requireText(terms.name, `${field}.name`, subscriptionLimits.planNameLengthMax),
    serviceType: requireOneOf(terms.serviceType, `${field}.serviceType`, serviceTypes),
    cycle: requireBillingCycle(terms.cycle, `${field}.cycle`),
    timing: requireOneOf(terms.timing, `${field}.timing`, billingTimings),
    currency,
    unitPrice: unitPrice.toString(),
    setupFee: setupFee === null ? null : setupFee.toString(),
    trialDays: requireIntegerInRange(terms.trialDays, `${field}.trialDays`, 0, subscriptionLimits.trialDaysMax),
    taxRate: requireTaxRate(terms.taxRate, `${field}.taxRate`),
  };
}

function requireTaxRate(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  const rate = parseDecimal(value, field, { maxScale: subscriptionLimits.taxRateScaleMax, maxIntegerDigits: 3 });
  if (rate.lt(0) || rate.gt(100)) throw validationFailed(`${field} must be a percentage from 0 to 100 (got ${JSON.stringify(value)})`, { field });
  // The decimals as written ("8.875", "20.0"), without a sign on a zero.
  return formatDecimal(rate, (value as string).split('.')[1]?.length ?? 0);
}

/** A positive decimal string with at most 4 decimals, below 10^12; returned as written. */
export function requireQuantity(value: unknown, field: string): string {
  requireBoundedDecimal(value, field, subscriptionLimits.quantityScaleMax);
  const quantity = parseDecimal(value, field, { maxScale: subscriptionLimits.quantityScaleMax });
  if (!quantity.gt(0)) throw validationFailed(`${field} must be greater than 0 (got ${JSON.stringify(value)})`, { field });
  return value as string;
}

/**
 * Terms another item (or a change) brings must bill with the base item's: the subscription's currency
 * (CURRENCY_MISMATCH), its cycle and its timing (VALIDATION_FAILED), so one period is one invoice.
 */
export function requireCompatibleTerms(terms: PlanTerms, base: Pick<PlanTerms, 'currency' | 'cycle' | 'timing'>, field: string): PlanTerms {
  if (terms.currency !== base.currency) {
    throw new DomainError('CURRENCY_MISMATCH', `${field}.currency ${terms.currency} is not the subscription's currency ${base.currency}`, {
      field: `${field}.currency`,
      currency: terms.currency,
      expected: base.currency,
    });
  }
  if (JSON.stringify(terms.cycle) !== JSON.stringify(base.cycle)) {
    const message = `${field}.cycle ${JSON.stringify(terms.cycle)} is not the base item's cycle ${JSON.stringify(base.cycle)}: every item bills with the same periods`;
    throw validationFailed(message, {
      field: `${field}.cycle`,
    });
  }
  if (terms.timing !== base.timing) {
    throw validationFailed(`${field}.timing ${terms.timing} is not the base item's timing ${base.timing}: every item of a period is billed on one invoice`, {
      field: `${field}.timing`,
    });
  }
  return terms;
}

/** The amount of one full period (unit price x quantity, rounded once): within the bound on figures, else AMOUNT_OUT_OF_RANGE. */
export function periodAmountOf(config: ItemConfig, field: string): string {
  try {
    return periodAmount({ unitPrice: config.terms.unitPrice, quantity: config.quantity, currency: config.terms.currency });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'AMOUNT_OUT_OF_RANGE') {
      throw new DomainError('AMOUNT_OUT_OF_RANGE', `${field}: the amount per period (unit price x quantity) is out of range: ${error.message}`, {
        ...error.details,
        field,
      });
    }
    throw error;
  }
}
