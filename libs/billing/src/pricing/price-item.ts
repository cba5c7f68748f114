import { Money, currencyOf, formatDecimal, parseDecimal } from '../../../money/src/index.js';
import { serviceTypes, type ServiceType } from '../catalog/service-type.js';
import { assertNever } from '../common/assert-never.js';
import { compareCalendarDates, requireCalendarDate } from '../common/calendar-date.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import {
  optionalIdentifier,
  requireAmountWithinBound,
  requireCurrency,
  requireList,
  requireOneOf,
  requireRecord,
  validationFailed,
} from '../common/validation.js';
import {
  adjustmentAmountIn,
  requirePricingRule,
  requireScaledDecimal,
  type PricingRule,
  type PricingRuleKind,
  type PricingStacking,
} from './pricing-rule.definition.js';

/**
 * The pricing engine: one pure function, used alike by invoices, renewals and the simulator, so that what a customer
 * is billed and what the simulator explains can never differ.
 *
 * 1. Every rule is judged against the item, in the order (priority, ruleId): lower priority first, ties to the rule
 *    id (compared as text), so the order is total. A rule is a candidate when it is active and all its conditions
 *    hold; otherwise it is skipped with the first reason, checked in this order: `inactive`, `outside_validity`
 *    (the date is before validFrom, or on or after validUntil: the window is [validFrom, validUntil)),
 *    `plan_mismatch`, `product_mismatch`, `service_type_mismatch`, `segment_mismatch` (including an item without a
 *    customer segment), `below_minimum_quantity`, `currency_not_priced` (an amount_off or fixed_price rule without an
 *    amount in the item's currency), `usage_limit_reached` (the rule's count in `usage` is already its limit).
 * 2. Exclusivity: when the first candidate is exclusive it applies alone and every other candidate is skipped as
 *    `excluded_by_exclusive_rule`. Otherwise every stackable candidate applies, in order, and every exclusive
 *    candidate (all of them come after the first) is skipped as `excluded_by_exclusive_rule`: an exclusive rule
 *    applies only when nothing comes before it.
 * 3. Each applied rule changes the running unit price: `percentage` multiplies it by (100 - percentOff) / 100,
 *    `amount_off` subtracts its amount, `fixed_price` replaces it. A result below zero becomes zero, and the step
 *    says so (`clampedAtZero`). Unit prices are kept exact: never rounded, never divided (the percentage factor is
 *    (100 - p) x 0.01, a multiplication).
 * 4. The line amount is quantity x the final unit price, rounded once, half-up, to the currency's minor unit; the list
 *    amount is quantity x the list unit price, rounded the same way. Both are within the ledger's bound on figures
 *    (AMOUNT_OUT_OF_RANGE otherwise).
 *
 * Usage: a rule is "applied" once per priced item, whatever the quantity. The caller counts the applications of
 * each rule (one per item in which it appears in `explanation.applied`) and passes the counts in `usage`; a rule
 * absent from `usage` has been applied 0 times. Bad input is VALIDATION_FAILED naming the field; rules are validated
 * like the commands that create them, so a draft rule the simulator tries is held to the same bounds.
 */

/** The item to price. planId, productId and serviceType are null for a charge outside the catalog (a one-off line). */
export interface PricedItemInput {
  planId: string | null;
  productId: string | null;
  serviceType: ServiceType | null;
  /** > 0, at most 6 decimals. */
  quantity: string;
  /** The list unit price, >= 0, at most 6 decimals. */
  unitPrice: string;
  currency: string;
}

export interface PriceItemInput {
  item: PricedItemInput;
  customerSegment: string | null;
  /** The calendar date the price is for ('YYYY-MM-DD' in the tenant's zone): the validity windows are judged on it. */
  date: string;
  rules: readonly PricingRule[];
  /** How many times each rule (by id) has been applied so far. */
  usage: ReadonlyMap<string, number>;
}

export const pricingSkipReasons = [
  'inactive',
  'outside_validity',
  'plan_mismatch',
  'product_mismatch',
  'service_type_mismatch',
  'segment_mismatch',
  'below_minimum_quantity',
  'currency_not_priced',
  'usage_limit_reached',
  'excluded_by_exclusive_rule',
] as const;
export type PricingSkipReason = (typeof pricingSkipReasons)[number];

/** One applied rule: the unit price before and after it, exact. */
export interface AppliedPricingStep {
  ruleId: string;
  revision: number;
  name: string;
  kind: PricingRuleKind;
  priority: number;
  stacking: PricingStacking;
  unitPriceBefore: string;
  unitPriceAfter: string;
  /** True when the rule would have taken the unit price below zero and it stopped at zero instead. */
  clampedAtZero: boolean;
}

export interface SkippedPricingRule {
  ruleId: string;
  revision: number;
  name: string;
  priority: number;
  stacking: PricingStacking;
  reason: PricingSkipReason;
}

/** Both lists in the order (priority, ruleId). `applied` chains: each step starts where the one before ended. */
export interface PricingExplanation {
  applied: AppliedPricingStep[];
  skipped: SkippedPricingRule[];
}

/**
 * Unit prices are exact decimal strings with at least the currency's decimals ("45.00", "33.3333333"); amounts are
 * fixed to the currency's minor unit.
 */
export interface PricedItem {
  currency: string;
  quantity: string;
  listUnitPrice: string;
  unitPrice: string;
  listAmount: string;
  amount: string;
  explanation: PricingExplanation;
}

/** Bounds on one pricing (docs/architecture.md, Conventions 12). */
export const pricingLimits = {
  rulesMax: 200,
  quantityScaleMax: 6,
  unitPriceScaleMax: 6,
} as const;

type Decimal = ReturnType<typeof parseDecimal>;

const zero = parseDecimal('0');
const hundred = parseDecimal('100');
const hundredth = parseDecimal('0.01');

interface ValidItem {
  planId: string | null;
  productId: string | null;
  serviceType: ServiceType | null;
  quantity: Decimal;
  quantityText: string;
  unitPrice: Decimal;
  currency: string;
  customerSegment: string | null;
  date: string;
}

export function priceItem(input: PriceItemInput): PricedItem {
  return translatingMoneyErrors(() => {
    const record = requireRecord(input, 'input', 'item, customerSegment, date, rules and usage');
    const item = requireItem(record.item, record.customerSegment, record.date);
    const rules = requireRules(record.rules);
    const usage = requireUsage(record.usage, rules);
    const minorUnit = currencyOf(item.currency).minorUnit;

    const ordered = [...rules].sort(byPriorityThenId);
    const failures = new Map(ordered.map((rule) => [rule.ruleId, conditionFailure(rule, item, usage)] as const));
    const candidates = ordered.filter((rule) => failures.get(rule.ruleId) === null);
    const first = candidates[0];
    const applying = first?.stacking === 'exclusive' ? [first] : candidates.filter((rule) => rule.stacking === 'stackable');

    const applied: AppliedPricingStep[] = [];
    let unitPrice = item.unitPrice;
    for (const rule of applying) {
      const exact = adjusted(unitPrice, rule, item.currency);
      const clampedAtZero = exact.lt(zero);
      const after = clampedAtZero ? zero : exact;
      applied.push({
        ruleId: rule.ruleId,
        revision: rule.revision,
        name: rule.name,
        kind: rule.adjustment.kind,
        priority: rule.priority,
        stacking: rule.stacking,
        unitPriceBefore: exactText(unitPrice, minorUnit),
        unitPriceAfter: exactText(after, minorUnit),
        clampedAtZero,
      });
      unitPrice = after;
    }

    const skipped: SkippedPricingRule[] = ordered
      .filter((rule) => !applying.includes(rule))
      .map((rule) => ({
        ruleId: rule.ruleId,
        revision: rule.revision,
        name: rule.name,
        priority: rule.priority,
        stacking: rule.stacking,
        reason: failures.get(rule.ruleId) ?? 'excluded_by_exclusive_rule',
      }));

    const listAmount = lineAmount(item.quantity, item.unitPrice, item.currency, 'listAmount', 'the list amount (quantity x list unit price)');
    const amount = lineAmount(item.quantity, unitPrice, item.currency, 'amount', 'the priced amount (quantity x unit price)');
    return {
      currency: item.currency,
      quantity: item.quantityText,
      listUnitPrice: exactText(item.unitPrice, minorUnit),
      unitPrice: exactText(unitPrice, minorUnit),
      listAmount,
      amount,
      explanation: { applied, skipped },
    };
  });
}

function byPriorityThenId(a: PricingRule, b: PricingRule): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}

/** The first condition of `rule` that fails for the item, in the documented order, or null when it is a candidate. */
function conditionFailure(rule: PricingRule, item: ValidItem, usage: ReadonlyMap<string, number>): PricingSkipReason | null {
  const conditions = rule.conditions;
  if (!rule.active) return 'inactive';
  if (conditions.validFrom !== null && compareCalendarDates(item.date, conditions.validFrom) < 0) return 'outside_validity';
  if (conditions.validUntil !== null && compareCalendarDates(item.date, conditions.validUntil) >= 0) return 'outside_validity';
  if (!listed(conditions.planIds, item.planId)) return 'plan_mismatch';
  if (!listed(conditions.productIds, item.productId)) return 'product_mismatch';
  if (!listed(conditions.serviceTypes, item.serviceType)) return 'service_type_mismatch';
  if (!listed(conditions.customerSegments, item.customerSegment)) return 'segment_mismatch';
  if (conditions.minimumQuantity !== null && item.quantity.lt(parseDecimal(conditions.minimumQuantity, 'minimumQuantity'))) return 'below_minimum_quantity';
  if (rule.adjustment.kind !== 'percentage' && adjustmentAmountIn(rule.adjustment, item.currency) === undefined) return 'currency_not_priced';
  if (conditions.usageLimit !== null && (usage.get(rule.ruleId) ?? 0) >= conditions.usageLimit) return 'usage_limit_reached';
  return null;
}

/** A condition's list holds the value; no list (null) holds every value, even a missing one. */
function listed(allowed: readonly string[] | null, value: string | null): boolean {
  return allowed === null || (value !== null && allowed.includes(value));
}

/** The running unit price after `rule`, exact and not yet clamped. */
function adjusted(unitPrice: Decimal, rule: PricingRule, currency: string): Decimal {
  const adjustment = rule.adjustment;
  switch (adjustment.kind) {
    case 'percentage':
      return unitPrice.times(hundred.minus(parseDecimal(adjustment.percentOff, 'percentOff'))).times(hundredth);
    case 'amount_off':
      return unitPrice.minus(parseDecimal(requiredAmount(rule, currency), 'amountOff'));
    case 'fixed_price':
      return parseDecimal(requiredAmount(rule, currency), 'unitPrice');
    default:
      return assertNever(adjustment, 'pricing adjustment');
  }
}

function requiredAmount(rule: PricingRule, currency: string): string {
  const amount = adjustmentAmountIn(rule.adjustment, currency);
  // Only candidates are applied, and a rule without an amount in the currency is never one.
  if (amount === undefined) throw new Error(`Pricing rule ${rule.ruleId} was applied without an amount in ${currency}`);
  return amount;
}

function lineAmount(quantity: Decimal, unitPrice: Decimal, currency: string, field: string, what: string): string {
  return requireAmountWithinBound(Money.of(quantity.times(unitPrice), currency, 'half_up'), field, what).toString();
}

/** Every digit of `value`, and at least the currency's decimals ("45" -> "45.00"; "33.3333333" stays). */
function exactText(value: Decimal, minorUnit: number): string {
  const decimals = value.toFixed().split('.')[1]?.length ?? 0;
  return formatDecimal(value, Math.max(decimals, minorUnit));
}

function requireItem(value: unknown, customerSegment: unknown, date: unknown): ValidItem {
  const item = requireRecord(value, 'item', 'planId, productId, serviceType, quantity, unitPrice and currency');
  const currency = requireCurrency(item.currency, 'item.currency');
  const quantity = requireScaledDecimal(item.quantity, 'item.quantity', pricingLimits.quantityScaleMax);
  if (quantity.lte(zero)) throw validationFailed(`item.quantity must be greater than 0 (got ${JSON.stringify(item.quantity)})`, { field: 'item.quantity' });
  const unitPrice = requireScaledDecimal(item.unitPrice, 'item.unitPrice', pricingLimits.unitPriceScaleMax);
  if (unitPrice.lt(zero)) {
    throw validationFailed(`item.unitPrice must not be negative: rules price charges, not credits (got ${JSON.stringify(item.unitPrice)})`, {
      field: 'item.unitPrice',
    });
  }
  return {
    planId: optionalIdentifier(item.planId, 'item.planId'),
    productId: optionalIdentifier(item.productId, 'item.productId'),
    serviceType: item.serviceType === undefined || item.serviceType === null ? null : requireOneOf(item.serviceType, 'item.serviceType', serviceTypes),
    quantity,
    quantityText: formatDecimal(quantity, (item.quantity as string).split('.')[1]?.length ?? 0),
    unitPrice,
    currency,
    customerSegment: optionalIdentifier(customerSegment, 'customerSegment'),
    date: requireCalendarDate(date, 'date'),
  };
}

function requireRules(value: unknown): PricingRule[] {
  const entries = requireList(value, 'rules', pricingLimits.rulesMax);
  const rules = entries.map((entry, index) => requirePricingRule(entry, `rules[${index}]`));
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (seen.has(rule.ruleId)) {
      throw validationFailed(`rules[${index}].ruleId ${rule.ruleId} is given twice: give each rule once (its current revision)`, {
        field: `rules[${index}].ruleId`,
      });
    }
    seen.add(rule.ruleId);
  });
  return rules;
}

/** The number of times each given rule was applied (0 when `usage` has no entry for it), each checked. */
function requireUsage(value: unknown, rules: readonly PricingRule[]): ReadonlyMap<string, number> {
  if (!(value instanceof Map)) throw validationFailed('usage must be a Map from rule id to the number of times the rule was applied', { field: 'usage' });
  const given = value as ReadonlyMap<string, unknown>;
  const counts = new Map<string, number>();
  for (const { ruleId } of rules) {
    const count = given.get(ruleId) ?? 0;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
      throw validationFailed(`usage of ${ruleId} must be a whole number of applications, 0 or more (got ${JSON.stringify(count)})`, {
        field: `usage.${ruleId}`,
      });
    }
    counts.set(ruleId, count);
  }
  return counts;
}
