import { AMOUNT_INTEGER_DIGITS_MAX, formatDecimal, parseDecimal } from '../../../money/src/index.js';
import { requireKnownFields } from '../catalog/known-fields.js';
import { serviceTypes, type ServiceType } from '../catalog/service-type.js';
import { assertNever } from '../common/assert-never.js';
import { compareCalendarDates, requireCalendarDate } from '../common/calendar-date.js';
import {
  requireBoundedDecimal,
  requireCurrency,
  requireIdentifier,
  requireIntegerInRange,
  requireList,
  requireOneOf,
  requireRecord,
  requireText,
  validationFailed,
} from '../common/validation.js';

/**
 * What a pricing rule does to the running unit price of an item:
 * - `percentage`: takes `percentOff` percent off (0 < percentOff <= 100);
 * - `amount_off`: takes a fixed amount off each unit, per currency (> 0);
 * - `fixed_price`: sets the unit price, per currency (>= 0).
 * Per-unit amounts carry up to 6 decimals, like unit prices (a price per MB may be 0.0045).
 */
export const pricingRuleKinds = ['percentage', 'amount_off', 'fixed_price'] as const;
export type PricingRuleKind = (typeof pricingRuleKinds)[number];

/** `exclusive`: applies alone, and only when it comes first (see price-item.ts); `stackable`: applies with others. */
export const pricingStackings = ['stackable', 'exclusive'] as const;
export type PricingStacking = (typeof pricingStackings)[number];

/** Bounds on a pricing rule (docs/architecture.md, Conventions 12). */
export const pricingRuleLimits = {
  nameLengthMax: 200,
  percentScaleMax: 4,
  /** Decimals of a per-unit amount and of a minimum quantity, as for invoice lines. */
  unitAmountScaleMax: 6,
  quantityScaleMax: 6,
  currenciesMax: 50,
  /** Values one condition lists (plan ids, product ids, service types, segments). */
  conditionValuesMax: 200,
  priorityMax: 1_000_000,
  usageLimitMax: 1_000_000_000,
} as const;

export interface CurrencyAmount {
  currency: string;
  amount: string;
}

export type PricingAdjustment =
  | { kind: 'percentage'; percentOff: string }
  | { kind: 'amount_off'; amountsOff: CurrencyAmount[] }
  | { kind: 'fixed_price'; unitPrices: CurrencyAmount[] };

/**
 * When a rule applies; every condition that is not null must hold. Lists hold at least one value, sorted; the window
 * is [validFrom, validUntil) in calendar dates (validUntil excluded), either end open when null; `usageLimit` is the
 * most times the rule may be applied (the counts arrive with each pricing, see price-item.ts).
 */
export interface PricingConditions {
  planIds: string[] | null;
  productIds: string[] | null;
  serviceTypes: ServiceType[] | null;
  customerSegments: string[] | null;
  minimumQuantity: string | null;
  validFrom: string | null;
  validUntil: string | null;
  usageLimit: number | null;
}

/** Everything one revision of a rule fixes. Lower `priority` applies first; ties go to the lower rule id. */
export interface PricingRuleDefinition {
  name: string;
  adjustment: PricingAdjustment;
  conditions: PricingConditions;
  priority: number;
  stacking: PricingStacking;
}

/** The definition as a caller sends it: conditions, and each condition, may be absent or null (no condition). */
export interface PricingRuleDefinitionInput {
  name: string;
  adjustment: PricingAdjustment;
  conditions?: Partial<PricingConditions> | null;
  priority: number;
  stacking: PricingStacking;
}

/** A rule as the pricing engine reads it: a revision of its definition, and whether it is active. */
export interface PricingRule extends PricingRuleDefinition {
  ruleId: string;
  revision: number;
  active: boolean;
}

export const noPricingConditions: PricingConditions = {
  planIds: null,
  productIds: null,
  serviceTypes: null,
  customerSegments: null,
  minimumQuantity: null,
  validFrom: null,
  validUntil: null,
  usageLimit: null,
};

const conditionFields = Object.keys(noPricingConditions);

type Decimal = ReturnType<typeof parseDecimal>;

/**
 * A definition as sent, validated field by field (VALIDATION_FAILED naming the field; AMOUNT_OUT_OF_RANGE for a
 * figure of 10^12 or more) and made canonical (lists sorted, decimals as written). `field` prefixes the field names
 * ("" for a command's data, "rules[2]" for a rule given to the pricing engine).
 */
export function requirePricingRuleDefinition(value: unknown, field: string): PricingRuleDefinition {
  const at = (name: string): string => (field === '' ? name : `${field}.${name}`);
  const definition = requireRecord(value, field === '' ? 'data' : field, 'name, adjustment, priority and stacking');
  return {
    name: requireText(definition.name, at('name'), pricingRuleLimits.nameLengthMax),
    adjustment: requireAdjustment(definition.adjustment, at('adjustment')),
    conditions: requireConditions(definition.conditions, at('conditions')),
    priority: requireIntegerInRange(definition.priority, at('priority'), 0, pricingRuleLimits.priorityMax),
    stacking: requireOneOf(definition.stacking, at('stacking'), pricingStackings),
  };
}

/** A rule given to the pricing engine (a saved one, or a draft the simulator tries): validated like a command's. */
export function requirePricingRule(value: unknown, field: string): PricingRule {
  const rule = requireRecord(value, field, 'ruleId, revision, active and a definition');
  return {
    ruleId: requireIdentifier(rule.ruleId, `${field}.ruleId`),
    revision: requireIntegerInRange(rule.revision, `${field}.revision`, 1, Number.MAX_SAFE_INTEGER),
    active: requireBoolean(rule.active, `${field}.active`),
    ...requirePricingRuleDefinition(rule, field),
  };
}

/** Whether two definitions say the same thing, so that sending one again is no change ("10" and "10.0" are equal). */
export function samePricingRuleDefinition(a: PricingRuleDefinition, b: PricingRuleDefinition): boolean {
  return (
    a.name === b.name &&
    a.priority === b.priority &&
    a.stacking === b.stacking &&
    sameAdjustment(a.adjustment, b.adjustment) &&
    sameConditions(a.conditions, b.conditions)
  );
}

/** The per-unit amount of an `amount_off` or `fixed_price` rule in `currency`, or undefined when it has none. */
export function adjustmentAmountIn(adjustment: PricingAdjustment, currency: string): string | undefined {
  switch (adjustment.kind) {
    case 'percentage':
      return undefined;
    case 'amount_off':
      return adjustment.amountsOff.find((entry) => entry.currency === currency)?.amount;
    case 'fixed_price':
      return adjustment.unitPrices.find((entry) => entry.currency === currency)?.amount;
    default:
      return assertNever(adjustment, 'pricing adjustment');
  }
}

function requireAdjustment(value: unknown, field: string): PricingAdjustment {
  const adjustment = requireRecord(value, field, `kind (${pricingRuleKinds.join(', ')}) and its figures`);
  const kind = requireOneOf(adjustment.kind, `${field}.kind`, pricingRuleKinds);
  switch (kind) {
    case 'percentage':
      requireKnownFields(adjustment, ['kind', 'percentOff'], field);
      return { kind, percentOff: requirePercentOff(adjustment.percentOff, `${field}.percentOff`) };
    case 'amount_off':
      requireKnownFields(adjustment, ['kind', 'amountsOff'], field);
      return { kind, amountsOff: requireCurrencyAmounts(adjustment.amountsOff, `${field}.amountsOff`, 'positive') };
    case 'fixed_price':
      requireKnownFields(adjustment, ['kind', 'unitPrices'], field);
      return { kind, unitPrices: requireCurrencyAmounts(adjustment.unitPrices, `${field}.unitPrices`, 'non_negative') };
    default:
      return assertNever(kind, 'pricing rule kind');
  }
}

function requirePercentOff(value: unknown, field: string): string {
  const percent = parseDecimal(value, field, { maxScale: pricingRuleLimits.percentScaleMax, maxIntegerDigits: 3 });
  if (percent.lte(0) || percent.gt(100)) {
    throw validationFailed(`${field} must be greater than 0 and at most 100 (got ${JSON.stringify(value)})`, { field });
  }
  return asWritten(percent, value as string);
}

function requireCurrencyAmounts(value: unknown, field: string, sign: 'positive' | 'non_negative'): CurrencyAmount[] {
  const entries = requireList(value, field, pricingRuleLimits.currenciesMax);
  if (entries.length === 0) throw validationFailed(`${field} needs at least one currency`, { field });
  const seen = new Set<string>();
  const amounts = entries.map((entry, index) => {
    const entryField = `${field}[${index}]`;
    const record = requireRecord(entry, entryField, 'currency and amount');
    requireKnownFields(record, ['currency', 'amount'], entryField);
    const currency = requireCurrency(record.currency, `${entryField}.currency`);
    if (seen.has(currency)) throw validationFailed(`${entryField}.currency ${currency} is listed twice: give each currency once`, { field: `${entryField}.currency` });
    seen.add(currency);
    const amountField = `${entryField}.amount`;
    const amount = requireScaledDecimal(record.amount, amountField, pricingRuleLimits.unitAmountScaleMax);
    if (sign === 'positive' ? amount.lte(0) : amount.lt(0)) {
      const rule = sign === 'positive' ? 'greater than 0' : 'at least 0';
      throw validationFailed(`${amountField} must be ${rule} (got ${JSON.stringify(record.amount)})`, { field: amountField });
    }
    return { currency, amount: asWritten(amount, record.amount as string) };
  });
  return amounts.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
}

function requireConditions(value: unknown, field: string): PricingConditions {
  if (value === undefined || value === null) return { ...noPricingConditions };
  const conditions = requireRecord(value, field, conditionFields.join(', '));
  requireKnownFields(conditions, conditionFields, field);
  const validFrom = optional(conditions.validFrom, (date) => requireCalendarDate(date, `${field}.validFrom`));
  const validUntil = optional(conditions.validUntil, (date) => requireCalendarDate(date, `${field}.validUntil`));
  if (validFrom !== null && validUntil !== null && compareCalendarDates(validFrom, validUntil) >= 0) {
    throw validationFailed(`${field}.validUntil ${validUntil} must be after validFrom ${validFrom}: the window [validFrom, validUntil) would be empty`, {
      field: `${field}.validUntil`,
    });
  }
  return {
    planIds: optionalSet(conditions.planIds, `${field}.planIds`, requireIdentifier),
    productIds: optionalSet(conditions.productIds, `${field}.productIds`, requireIdentifier),
    serviceTypes: optionalSet(conditions.serviceTypes, `${field}.serviceTypes`, (entry, entryField) => requireOneOf(entry, entryField, serviceTypes)),
    customerSegments: optionalSet(conditions.customerSegments, `${field}.customerSegments`, requireIdentifier),
    minimumQuantity: optional(conditions.minimumQuantity, (quantity) => requireMinimumQuantity(quantity, `${field}.minimumQuantity`)),
    validFrom,
    validUntil,
    usageLimit: optional(conditions.usageLimit, (limit) => requireIntegerInRange(limit, `${field}.usageLimit`, 1, pricingRuleLimits.usageLimitMax)),
  };
}

function requireMinimumQuantity(value: unknown, field: string): string {
  const quantity = requireScaledDecimal(value, field, pricingRuleLimits.quantityScaleMax);
  if (quantity.lte(0)) throw validationFailed(`${field} must be greater than 0 (got ${JSON.stringify(value)})`, { field });
  return asWritten(quantity, value as string);
}

function optional<Value>(value: unknown, read: (present: unknown) => Value): Value | null {
  return value === undefined || value === null ? null : read(value);
}

/** A condition's list: null when absent; otherwise 1 to conditionValuesMax values, each once, sorted. */
function optionalSet<Value extends string>(value: unknown, field: string, read: (entry: unknown, entryField: string) => Value): Value[] | null {
  if (value === undefined || value === null) return null;
  const entries = requireList(value, field, pricingRuleLimits.conditionValuesMax);
  if (entries.length === 0) {
    throw validationFailed(`${field} must list at least one value, or be left out (null) for no condition: an empty list would match nothing`, { field });
  }
  const values = entries.map((entry, index) => read(entry, `${field}[${index}]`));
  values.forEach((entry, index) => {
    if (values.indexOf(entry) !== index) throw validationFailed(`${field}[${index}] ${entry} is listed twice`, { field: `${field}[${index}]` });
  });
  return [...values].sort();
}

/** A strict decimal of at most `scaleMax` decimals, below 10^12 (AMOUNT_OUT_OF_RANGE above). */
export function requireScaledDecimal(value: unknown, field: string, scaleMax: number): Decimal {
  requireBoundedDecimal(value, field, scaleMax);
  return parseDecimal(value, field, { maxScale: scaleMax, maxIntegerDigits: AMOUNT_INTEGER_DIGITS_MAX });
}

function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw validationFailed(`${field} must be true or false (got ${JSON.stringify(value)})`, { field });
  return value;
}

/** The value with the decimals the caller wrote ("1.50" stays "1.50"), minus any sign on a zero ("-0" -> "0"). */
function asWritten(value: Decimal, text: string): string {
  return formatDecimal(value, text.split('.')[1]?.length ?? 0);
}

function sameDecimal(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return parseDecimal(a, 'a').eq(parseDecimal(b, 'b'));
}

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((entry, index) => entry === b[index]);
}

function sameAmounts(a: readonly CurrencyAmount[], b: readonly CurrencyAmount[]): boolean {
  return a.length === b.length && a.every((entry, index) => entry.currency === b[index]?.currency && sameDecimal(entry.amount, b[index]?.amount ?? null));
}

function sameAdjustment(a: PricingAdjustment, b: PricingAdjustment): boolean {
  if (a.kind === 'percentage' && b.kind === 'percentage') return sameDecimal(a.percentOff, b.percentOff);
  if (a.kind === 'amount_off' && b.kind === 'amount_off') return sameAmounts(a.amountsOff, b.amountsOff);
  if (a.kind === 'fixed_price' && b.kind === 'fixed_price') return sameAmounts(a.unitPrices, b.unitPrices);
  return false;
}

function sameConditions(a: PricingConditions, b: PricingConditions): boolean {
  return (
    sameList(a.planIds, b.planIds) &&
    sameList(a.productIds, b.productIds) &&
    sameList(a.serviceTypes, b.serviceTypes) &&
    sameList(a.customerSegments, b.customerSegments) &&
    sameDecimal(a.minimumQuantity, b.minimumQuantity) &&
    a.validFrom === b.validFrom &&
    a.validUntil === b.validUntil &&
    a.usageLimit === b.usageLimit
  );
}
