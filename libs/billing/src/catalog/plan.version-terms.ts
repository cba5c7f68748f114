import { requireBillingCycle, type BillingCycle } from '../billing-period/index.js';
import {
  requireCurrency,
  requireIdentifier,
  requireIntegerInRange,
  requireList,
  requireNonNegativeAmount,
  requireOneOf,
  requirePositiveAmount,
  requireRecord,
  validationFailed,
} from '../common/validation.js';
import { requireKnownFields } from './known-fields.js';
import type { BillingTiming } from './plan-terms.js';
import { requireTaxTreatment, sameTaxTreatment, type TaxTreatment } from './tax-treatment.js';

/**
 * `base`: subscribed to on its own. `addon`: attaches to a subscription of one of the base plans its version lists.
 * `bundle`: groups the plans its version lists and is billed at its own price (the grouped plans are not billed).
 * A plan's kind is fixed when it is created.
 */
export const planKinds = ['base', 'addon', 'bundle'] as const;
export type PlanKind = (typeof planKinds)[number];

export const billingTimings = ['in_advance', 'in_arrears'] as const satisfies readonly BillingTiming[];

/** Bounds on a plan (docs/architecture.md, Conventions 12). */
export const planLimits = {
  nameLengthMax: 200,
  /** Currencies one version is sold in. */
  currenciesMax: 50,
  /** Base plans an add-on attaches to, plans a bundle groups. */
  linkedPlansMax: 100,
  bundledPlansMin: 2,
  trialDaysMax: 730,
  /** Versions one plan may have; past this, a new plan is the clearer change. */
  versionsMax: 1000,
} as const;

/** An amount in one currency, fixed to the currency's minor unit ("50.00", "5000" JPY). */
export interface PlanPrice {
  currency: string;
  amount: string;
}

/**
 * Everything one plan version fixes: changing any of it publishes a new version. Lists are stored sorted (prices and
 * setup fees by currency, plan ids by id), so that the same terms sent in another order are the same version.
 */
export interface PlanVersionTerms {
  cycle: BillingCycle;
  timing: BillingTiming;
  /** The price per cycle per unit in each currency the version is sold in: at least one, each currency once, >= 0. */
  prices: PlanPrice[];
  /** A one-off fee (> 0) billed with the first invoice, in some of the price currencies; none when empty. */
  setupFees: PlanPrice[];
  trialDays: number;
  taxTreatment: TaxTreatment;
  /** Add-on only (else empty): the base plans it attaches to. */
  basePlanIds: string[];
  /** Bundle only (else empty): the plans it groups, at least two. */
  bundledPlanIds: string[];
}

/** The terms as a caller sends them. Absent or null optional parts mean none (no setup fee, 0 trial days, no list). */
export interface PlanVersionTermsInput {
  cycle: BillingCycle;
  timing: BillingTiming;
  prices: PlanPrice[];
  setupFees?: PlanPrice[] | null;
  trialDays?: number | null;
  taxTreatment: TaxTreatment;
  basePlanIds?: string[] | null;
  bundledPlanIds?: string[] | null;
}

const planVersionTermsFields = ['cycle', 'timing', 'prices', 'setupFees', 'trialDays', 'taxTreatment', 'basePlanIds', 'bundledPlanIds'] as const;

/**
 * The terms of a version of plan `planId` of `kind`, validated field by field (VALIDATION_FAILED naming the field,
 * AMOUNT_OUT_OF_RANGE for a price of 10^12 or more). `field` names the terms in messages ("terms").
 */
export function requirePlanVersionTerms(input: unknown, plan: { planId: string; kind: PlanKind }, field: string): PlanVersionTerms {
  const terms = requireRecord(input, field, 'cycle, timing, prices and taxTreatment');
  requireKnownFields(terms, planVersionTermsFields, field);
  const cycle = requireBillingCycle(terms.cycle, `${field}.cycle`);
  const timing = requireOneOf(terms.timing, `${field}.timing`, billingTimings);
  const prices = requirePrices(terms.prices, `${field}.prices`);
  const pricedCurrencies = new Set(prices.map((price) => price.currency));
  return {
    cycle,
    timing,
    prices,
    setupFees: requireSetupFees(terms.setupFees, pricedCurrencies, `${field}.setupFees`),
    trialDays: isAbsent(terms.trialDays) ? 0 : requireIntegerInRange(terms.trialDays, `${field}.trialDays`, 0, planLimits.trialDaysMax),
    taxTreatment: requireTaxTreatment(terms.taxTreatment, `${field}.taxTreatment`),
    basePlanIds: requireLinkedPlans(terms.basePlanIds, plan, 'addon', 1, `${field}.basePlanIds`),
    bundledPlanIds: requireLinkedPlans(terms.bundledPlanIds, plan, 'bundle', planLimits.bundledPlansMin, `${field}.bundledPlanIds`),
  };
}

/** Whether two versions' terms are the same, so that publishing them again is no change. */
export function samePlanVersionTerms(a: PlanVersionTerms, b: PlanVersionTerms): boolean {
  return (
    sameCycle(a.cycle, b.cycle) &&
    a.timing === b.timing &&
    samePrices(a.prices, b.prices) &&
    samePrices(a.setupFees, b.setupFees) &&
    a.trialDays === b.trialDays &&
    sameTaxTreatment(a.taxTreatment, b.taxTreatment) &&
    sameIds(a.basePlanIds, b.basePlanIds) &&
    sameIds(a.bundledPlanIds, b.bundledPlanIds)
  );
}

function sameCycle(a: BillingCycle, b: BillingCycle): boolean {
  if (a.kind === 'custom' && b.kind === 'custom') return a.unit === b.unit && a.count === b.count;
  return a.kind === b.kind;
}

function samePrices(a: readonly PlanPrice[], b: readonly PlanPrice[]): boolean {
  return a.length === b.length && a.every((price, index) => price.currency === b[index]?.currency && price.amount === b[index]?.amount);
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

function byCurrency(a: PlanPrice, b: PlanPrice): number {
  return a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0;
}

function requirePrices(value: unknown, field: string): PlanPrice[] {
  const entries = requireList(value, field, planLimits.currenciesMax);
  if (entries.length === 0) throw validationFailed(`${field} needs at least one price: a plan is sold in at least one currency`, { field });
  return requireCurrencyAmounts(entries, field, (amount, currency, amountField) => requireNonNegativeAmount(amount, currency, amountField).toString());
}

function requireSetupFees(value: unknown, pricedCurrencies: ReadonlySet<string>, field: string): PlanPrice[] {
  if (isAbsent(value)) return [];
  const entries = requireList(value, field, planLimits.currenciesMax);
  const fees = requireCurrencyAmounts(entries, field, (amount, currency, amountField) => requirePositiveAmount(amount, currency, amountField).toString());
  const index = fees.findIndex((fee) => !pricedCurrencies.has(fee.currency));
  const unpriced = fees[index];
  if (unpriced !== undefined) {
    throw validationFailed(`${field} has a fee in ${unpriced.currency}, a currency the plan has no price in: a setup fee goes with a price`, {
      field,
      currency: unpriced.currency,
    });
  }
  return fees;
}

/** A list of { currency, amount } with each currency once, sorted by currency; `readAmount` checks and writes the amount. */
function requireCurrencyAmounts(
  entries: readonly unknown[],
  field: string,
  readAmount: (amount: unknown, currency: string, amountField: string) => string,
): PlanPrice[] {
  const seen = new Set<string>();
  const amounts = entries.map((entry, index) => {
    const entryField = `${field}[${index}]`;
    const record = requireRecord(entry, entryField, 'currency and amount');
    requireKnownFields(record, ['currency', 'amount'], entryField);
    const currency = requireCurrency(record.currency, `${entryField}.currency`);
    if (seen.has(currency)) {
      throw validationFailed(`${entryField}.currency ${currency} is listed twice: give each currency once`, { field: `${entryField}.currency` });
    }
    seen.add(currency);
    return { currency, amount: readAmount(record.amount, currency, `${entryField}.amount`) };
  });
  return amounts.sort(byCurrency);
}

/**
 * The plan ids an add-on attaches to (`basePlanIds`) or a bundle groups (`bundledPlanIds`): required for that kind
 * (at least `minimum`, each once, never the plan itself), and absent, null or empty for every other kind.
 */
function requireLinkedPlans(value: unknown, plan: { planId: string; kind: PlanKind }, kind: PlanKind, minimum: number, field: string): string[] {
  if (plan.kind !== kind) {
    if (isAbsent(value) || (Array.isArray(value) && value.length === 0)) return [];
    throw validationFailed(`${field} is only given for a plan of kind ${kind} (this plan is ${plan.kind})`, { field });
  }
  const entries = isAbsent(value) ? [] : requireList(value, field, planLimits.linkedPlansMax);
  if (entries.length < minimum) {
    const what = kind === 'addon' ? 'an add-on attaches to at least one base plan' : `a bundle groups at least ${minimum} plans`;
    throw validationFailed(`${field} needs at least ${minimum} plan id${minimum === 1 ? '' : 's'}: ${what}`, { field });
  }
  const ids = entries.map((entry, index) => requireIdentifier(entry, `${field}[${index}]`));
  ids.forEach((id, index) => {
    if (id === plan.planId) throw validationFailed(`${field}[${index}] is the plan itself (${id})`, { field: `${field}[${index}]` });
    if (ids.indexOf(id) !== index) throw validationFailed(`${field}[${index}] ${id} is listed twice: give each plan once`, { field: `${field}[${index}]` });
  });
  return [...ids].sort();
}
