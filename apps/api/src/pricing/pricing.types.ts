import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CatalogStatus, PlanKind, ServiceType } from '../catalog/catalog.types.js';
import { MoneyType } from '../graphql/common.types.js';
import { Connection } from '../graphql/connection.types.js';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';

/**
 * GraphQL names are the upper-case domain values (docs/domain.md, "Catalog and pricing rules"); the server keeps the
 * domain's own.
 */
export enum PricingRuleKind {
  PERCENTAGE = 'percentage',
  AMOUNT_OFF = 'amount_off',
  FIXED_PRICE = 'fixed_price',
}
registerEnumType(PricingRuleKind, { name: 'PricingRuleKind', description: 'PERCENTAGE: percentOff off the unit price; AMOUNT_OFF: an amount off each unit; FIXED_PRICE: sets the unit price' });

export enum PricingStacking {
  STACKABLE = 'stackable',
  EXCLUSIVE = 'exclusive',
}
registerEnumType(PricingStacking, { name: 'PricingStacking', description: 'EXCLUSIVE: applies alone, and only when it is the first rule that holds; STACKABLE: applies with the others' });

export enum PricingSkipReason {
  INACTIVE = 'inactive',
  OUTSIDE_VALIDITY = 'outside_validity',
  PLAN_MISMATCH = 'plan_mismatch',
  PRODUCT_MISMATCH = 'product_mismatch',
  SERVICE_TYPE_MISMATCH = 'service_type_mismatch',
  SEGMENT_MISMATCH = 'segment_mismatch',
  BELOW_MINIMUM_QUANTITY = 'below_minimum_quantity',
  CURRENCY_NOT_PRICED = 'currency_not_priced',
  USAGE_LIMIT_REACHED = 'usage_limit_reached',
  EXCLUDED_BY_EXCLUSIVE_RULE = 'excluded_by_exclusive_rule',
}
registerEnumType(PricingSkipReason, { name: 'PricingSkipReason', description: 'Why a rule did not apply: the first condition that failed, in this order' });

@ObjectType('UnitAmount', { description: 'A per-unit amount in a currency, up to 6 decimals (e.g. a price per MB of "0.0045")' })
export class UnitAmountType {
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String) currency!: string;
}

@ObjectType('PricingAdjustment', { description: 'What the rule does to the running unit price; only the figures of its kind are set' })
export class PricingAdjustmentType {
  @Field(() => PricingRuleKind) kind!: PricingRuleKind;
  @Field(() => DecimalScalar, { nullable: true, description: 'PERCENTAGE: percent off, > 0 and <= 100' }) percentOff!: string | null;
  @Field(() => [UnitAmountType], { nullable: true, description: 'AMOUNT_OFF: the amount off each unit, per currency' }) amountsOff!: UnitAmountType[] | null;
  @Field(() => [UnitAmountType], { nullable: true, description: 'FIXED_PRICE: the unit price, per currency' }) unitPrices!: UnitAmountType[] | null;
}

@ObjectType('PricingConditions', { description: 'When the rule applies: every condition that is set must hold; null means no condition' })
export class PricingConditionsType {
  @Field(() => [String], { nullable: true }) planIds!: string[] | null;
  @Field(() => [String], { nullable: true }) productIds!: string[] | null;
  @Field(() => [ServiceType], { nullable: true }) serviceTypes!: ServiceType[] | null;
  @Field(() => [String], { nullable: true }) customerSegments!: string[] | null;
  @Field(() => DecimalScalar, { nullable: true }) minimumQuantity!: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'The first day it applies' }) validFrom!: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'The first day it no longer applies (excluded)' }) validUntil!: string | null;
  @Field(() => Int, { nullable: true, description: 'The most times it may be applied (once per priced item)' }) usageLimit!: number | null;
}

@ObjectType('PricingRule')
export class PricingRuleType {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: '1, then one more for each update of the definition' }) revision!: number;
  @Field(() => String) name!: string;
  @Field(() => PricingRuleKind) kind!: PricingRuleKind;
  @Field(() => PricingAdjustmentType) adjustment!: PricingAdjustmentType;
  @Field(() => PricingConditionsType) conditions!: PricingConditionsType;
  @Field(() => Int, { description: 'Lower applies first; ties go to the lower rule id' }) priority!: number;
  @Field(() => PricingStacking) stacking!: PricingStacking;
  @Field(() => Boolean) active!: boolean;
  @Field(() => DateTimeScalar) createdAt!: string;
  @Field(() => DateTimeScalar) updatedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) deactivatedAt!: string | null;
}

@ObjectType('PricingRulePayload')
export class PricingRulePayloadType {
  @Field(() => PricingRuleType) pricingRule!: PricingRuleType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

export const PricingRuleConnectionType = Connection(PricingRuleType, 'PricingRule');

@InputType('PricingRuleFilter')
export class PricingRuleFilterInput {
  @Field(() => Boolean, { nullable: true, description: 'true: active only; false: inactive only; null: both' }) active?: boolean | null;
  @Field(() => PricingRuleKind, { nullable: true }) kind?: PricingRuleKind | null;
}

@InputType('UnitAmountInput')
export class UnitAmountInput {
  @Field(() => String, { description: 'ISO 4217, e.g. EUR' }) currency!: string;
  @Field(() => DecimalScalar, { description: 'At most 6 decimals' }) amount!: string;
}

@InputType('PricingAdjustmentInput', { description: 'The kind, and the figures of that kind only: percentOff, amountsOff or unitPrices' })
export class PricingAdjustmentInput {
  @Field(() => PricingRuleKind) kind!: PricingRuleKind;
  @Field(() => DecimalScalar, { nullable: true, description: 'PERCENTAGE: > 0 and <= 100, at most 4 decimals' }) percentOff?: string | null;
  @Field(() => [UnitAmountInput], { nullable: true, description: 'AMOUNT_OFF: > 0, each currency once' }) amountsOff?: UnitAmountInput[] | null;
  @Field(() => [UnitAmountInput], { nullable: true, description: 'FIXED_PRICE: >= 0, each currency once' }) unitPrices?: UnitAmountInput[] | null;
}

@InputType('PricingConditionsInput', { description: 'Leave a condition out (or null) for none; a list given holds at least one value' })
export class PricingConditionsInput {
  @Field(() => [String], { nullable: true }) planIds?: string[] | null;
  @Field(() => [String], { nullable: true }) productIds?: string[] | null;
  @Field(() => [ServiceType], { nullable: true }) serviceTypes?: ServiceType[] | null;
  @Field(() => [String], { nullable: true }) customerSegments?: string[] | null;
  @Field(() => DecimalScalar, { nullable: true }) minimumQuantity?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'The first day it applies' }) validFrom?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'The first day it no longer applies (after validFrom)' }) validUntil?: string | null;
  @Field(() => Int, { nullable: true, description: '1 to 1,000,000,000' }) usageLimit?: number | null;
}

@InputType('CreatePricingRuleInput', { description: 'A new rule: its id and its whole definition' })
export class CreatePricingRuleInput {
  @Field(() => ID, { description: 'Your id for the rule' }) ruleId!: string;
  @Field(() => String) name!: string;
  @Field(() => PricingAdjustmentInput) adjustment!: PricingAdjustmentInput;
  @Field(() => PricingConditionsInput, { nullable: true }) conditions?: PricingConditionsInput | null;
  @Field(() => Int, { description: '0 to 1,000,000; lower applies first' }) priority!: number;
  @Field(() => PricingStacking) stacking!: PricingStacking;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UpdatePricingRuleInput', { description: "The rule's whole new definition: a new revision" })
export class UpdatePricingRuleInput extends CreatePricingRuleInput {}

@InputType('DeactivatePricingRuleInput')
export class DeactivatePricingRuleInput {
  @Field(() => ID) ruleId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ReactivatePricingRuleInput')
export class ReactivatePricingRuleInput {
  @Field(() => ID) ruleId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('PriceQuoteItemInput')
export class PriceQuoteItemInput {
  @Field(() => ID) planId!: string;
  @Field(() => Int, { nullable: true, description: 'A version number; null for the current version' }) version?: number | null;
  @Field(() => DecimalScalar, { description: '> 0, at most 6 decimals' }) quantity!: string;
  @Field(() => String, { description: 'A currency the version is priced in' }) currency!: string;
  @Field(() => DecimalScalar, { nullable: true, description: "The list unit price instead of the version's (e.g. a negotiated one)" }) unitPrice?: string | null;
}

@InputType('PriceQuoteInput')
export class PriceQuoteInput {
  @Field(() => [PriceQuoteItemInput], { description: '1 to 50 items, priced in order: a rule with a usage limit counts its applications across them' }) items!: PriceQuoteItemInput[];
  @Field(() => String, { nullable: true, description: "The customer segment to price for; null: the customer's own segment (setCustomerSegment), or none" }) customerSegment?: string | null;
  @Field(() => ID, { nullable: true, description: 'The customer the quote is for; must be registered' }) customerId?: string | null;
  @Field(() => DateScalar, { nullable: true, description: "The day to price on; default the tenant's today in its time zone" }) date?: string | null;
}

@ObjectType('AppliedPricingStep', { description: 'One applied rule and the unit price before and after it (exact, never rounded)' })
export class AppliedPricingStepType {
  @Field(() => ID) ruleId!: string;
  @Field(() => Int) revision!: number;
  @Field(() => String) name!: string;
  @Field(() => PricingRuleKind) kind!: PricingRuleKind;
  @Field(() => Int) priority!: number;
  @Field(() => PricingStacking) stacking!: PricingStacking;
  @Field(() => DecimalScalar) unitPriceBefore!: string;
  @Field(() => DecimalScalar) unitPriceAfter!: string;
  @Field(() => Boolean, { description: 'The rule would have taken the unit price below zero: it stopped at zero' }) clampedAtZero!: boolean;
}

@ObjectType('SkippedPricingRule')
export class SkippedPricingRuleType {
  @Field(() => ID) ruleId!: string;
  @Field(() => Int) revision!: number;
  @Field(() => String) name!: string;
  @Field(() => Int) priority!: number;
  @Field(() => PricingStacking) stacking!: PricingStacking;
  @Field(() => PricingSkipReason) reason!: PricingSkipReason;
}

@ObjectType('PriceQuotePlan', { description: 'The plan version an item was priced from' })
export class PriceQuotePlanType {
  @Field(() => ID) planId!: string;
  @Field(() => Int) version!: number;
  @Field(() => String) name!: string;
  @Field(() => String) productId!: string;
  @Field(() => ServiceType) serviceType!: ServiceType;
  @Field(() => PlanKind) kind!: PlanKind;
  @Field(() => CatalogStatus, { description: 'An archived plan takes no new subscriptions, but its subscriptions are still billed' }) status!: CatalogStatus;
  @Field(() => DecimalScalar, { description: "The version's price in the item's currency" }) versionUnitPrice!: string;
}

@ObjectType('PriceQuoteItem')
export class PriceQuoteItemType {
  @Field(() => PriceQuotePlanType) plan!: PriceQuotePlanType;
  @Field(() => String) currency!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar, { description: "Before the rules: the item's unit price, or the version's" }) listUnitPrice!: string;
  @Field(() => DecimalScalar, { description: 'After the rules, exact' }) unitPrice!: string;
  @Field(() => MoneyType, { description: 'quantity x list unit price, rounded once, half-up' }) listAmount!: MoneyType;
  @Field(() => MoneyType, { description: 'quantity x unit price, rounded once, half-up' }) amount!: MoneyType;
  @Field(() => [AppliedPricingStepType], { description: 'The rules that applied, in order: each step starts where the one before ended' }) applied!: AppliedPricingStepType[];
  @Field(() => [SkippedPricingRuleType], { description: 'The rules that did not apply, in order, each with its reason' }) skipped!: SkippedPricingRuleType[];
}

@ObjectType('PriceQuoteTotal')
export class PriceQuoteTotalType {
  @Field(() => String) currency!: string;
  @Field(() => MoneyType) listAmount!: MoneyType;
  @Field(() => MoneyType) amount!: MoneyType;
}

@ObjectType('PriceQuote', { description: 'What the items would cost and why: the same prices a bill would charge. Nothing is written' })
export class PriceQuoteType {
  @Field(() => DateScalar, { description: 'The day priced on' }) date!: string;
  @Field(() => ID, { nullable: true }) customerId!: string | null;
  @Field(() => String, { nullable: true }) customerSegment!: string | null;
  @Field(() => [PriceQuoteItemType]) items!: PriceQuoteItemType[];
  @Field(() => [PriceQuoteTotalType], { description: 'One per currency, sorted by currency' }) totals!: PriceQuoteTotalType[];
  @Field(() => Int, { description: "How many rules were judged: the tenant's active rules" }) rulesJudged!: number;
}
