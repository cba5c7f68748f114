import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MoneyType } from '../graphql/common.types.js';
import { Connection } from '../graphql/connection.types.js';
import { DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';

/**
 * GraphQL names are the upper-case domain values (docs/domain.md, "Catalog and pricing rules"); the server keeps the
 * domain's own.
 */
export enum ServiceType {
  BROADBAND = 'broadband',
  VOICE = 'voice',
  VIDEO = 'video',
  BUNDLE = 'bundle',
  ADDON = 'addon',
  CUSTOM = 'custom',
}
registerEnumType(ServiceType, { name: 'ServiceType', description: 'What a product provides; fixed when it is created, and copied by its plans' });

/** Whether a product or plan is on sale. */
export enum CatalogStatus {
  ACTIVE = 'active',
  ARCHIVED = 'archived',
}
registerEnumType(CatalogStatus, { name: 'CatalogStatus', description: 'ACTIVE: on sale; ARCHIVED: no new plans (product) or subscriptions (plan)' });

export enum PlanKind {
  BASE = 'base',
  ADDON = 'addon',
  BUNDLE = 'bundle',
}
registerEnumType(PlanKind, { name: 'PlanKind', description: 'BASE: subscribed to alone; ADDON: attaches to the base plans its version lists; BUNDLE: groups the plans its version lists, at its own price' });

export enum BillingCycleKind {
  MONTHLY = 'monthly',
  QUARTERLY = 'quarterly',
  SEMI_ANNUAL = 'semi_annual',
  ANNUAL = 'annual',
  CUSTOM = 'custom',
}
registerEnumType(BillingCycleKind, { name: 'BillingCycleKind' });

export enum BillingCycleUnit {
  DAYS = 'days',
  MONTHS = 'months',
}
registerEnumType(BillingCycleUnit, { name: 'BillingCycleUnit', description: 'What a custom cycle counts' });

export enum BillingTiming {
  IN_ADVANCE = 'in_advance',
  IN_ARREARS = 'in_arrears',
}
registerEnumType(BillingTiming, { name: 'BillingTiming', description: 'Billed at the start of each period (in advance) or at its end (in arrears)' });

export enum TaxTreatmentKind {
  STANDARD = 'standard',
  EXEMPT = 'exempt',
  RATE = 'rate',
}
registerEnumType(TaxTreatmentKind, { name: 'TaxTreatmentKind', description: "STANDARD: the tenant's default rate; EXEMPT: never taxed; RATE: the plan's own percentage" });

@ObjectType('Product')
export class ProductType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => ServiceType) serviceType!: ServiceType;
  @Field(() => CatalogStatus) status!: CatalogStatus;
  @Field(() => DateTimeScalar) createdAt!: string;
  @Field(() => DateTimeScalar) updatedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) archivedAt!: string | null;
}

@ObjectType('ProductPayload')
export class ProductPayloadType {
  @Field(() => ProductType) product!: ProductType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

export const ProductConnectionType = Connection(ProductType, 'Product');

@ObjectType('BillingCycle', { description: 'How long one period is: unit and count only for CUSTOM cycles' })
export class BillingCycleType {
  @Field(() => BillingCycleKind) kind!: BillingCycleKind;
  @Field(() => BillingCycleUnit, { nullable: true }) unit!: BillingCycleUnit | null;
  @Field(() => Int, { nullable: true }) count!: number | null;
  @Field(() => String, { description: 'e.g. "monthly", "every 14 days"' }) label!: string;
}

@ObjectType('TaxTreatment')
export class TaxTreatmentType {
  @Field(() => TaxTreatmentKind) kind!: TaxTreatmentKind;
  @Field(() => DecimalScalar, { nullable: true, description: 'Percent, e.g. "20"; only for RATE' }) rate!: string | null;
}

@ObjectType('PlanVersion', { description: 'The whole terms of one published version; a version never changes' })
export class PlanVersionType {
  @Field(() => Int) version!: number;
  @Field(() => BillingCycleType) cycle!: BillingCycleType;
  @Field(() => BillingTiming) timing!: BillingTiming;
  @Field(() => [MoneyType], { description: 'The price per cycle per unit, one per currency the version is sold in, sorted by currency' }) prices!: MoneyType[];
  @Field(() => [MoneyType], { description: 'One-off fees billed with the first invoice, by currency; empty when none' }) setupFees!: MoneyType[];
  @Field(() => Int) trialDays!: number;
  @Field(() => TaxTreatmentType) taxTreatment!: TaxTreatmentType;
  @Field(() => [String], { description: 'ADDON plans: the base plans it attaches to' }) basePlanIds!: string[];
  @Field(() => [String], { description: 'BUNDLE plans: the plans it groups' }) bundledPlanIds!: string[];
  @Field(() => DateTimeScalar) publishedAt!: string;
}

@ObjectType('Plan')
export class PlanType {
  @Field(() => ID) id!: string;
  @Field(() => String) productId!: string;
  @Field(() => ServiceType, { description: "The product's, copied" }) serviceType!: ServiceType;
  @Field(() => PlanKind) kind!: PlanKind;
  @Field(() => String) name!: string;
  @Field(() => CatalogStatus) status!: CatalogStatus;
  @Field(() => Int, { description: 'The number of the latest version, the one new subscriptions take' }) currentVersion!: number;
  @Field(() => [String], { description: 'The currencies the current version is priced in' }) currencies!: string[];
  @Field(() => DateTimeScalar) createdAt!: string;
  @Field(() => DateTimeScalar) updatedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) archivedAt!: string | null;
  // `current`, `versions` and `version(number)` are resolved by PlansResolver.
}

@ObjectType('PlanPayload')
export class PlanPayloadType {
  @Field(() => PlanType) plan!: PlanType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

export const PlanConnectionType = Connection(PlanType, 'Plan');

@InputType('ProductFilter')
export class ProductFilterInput {
  @Field(() => ServiceType, { nullable: true }) serviceType?: ServiceType | null;
  @Field(() => Boolean, { nullable: true, description: 'true: archived only; false: on sale only; null: both' }) archived?: boolean | null;
}

@InputType('PlanFilter')
export class PlanFilterInput {
  @Field(() => String, { nullable: true }) productId?: string | null;
  @Field(() => ServiceType, { nullable: true }) serviceType?: ServiceType | null;
  @Field(() => PlanKind, { nullable: true }) kind?: PlanKind | null;
  @Field(() => Boolean, { nullable: true, description: 'true: archived only; false: on sale only; null: both' }) archived?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Plans whose current version is priced in this currency' }) currency?: string | null;
}

@InputType('CreateProductInput')
export class CreateProductInput {
  @Field(() => ID, { description: 'Your id for the product' }) productId!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => ServiceType, { description: 'Fixed from then on' }) serviceType!: ServiceType;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UpdateProductInput', { description: 'Replaces the name and the description: a description left out is removed' })
export class UpdateProductInput {
  @Field(() => ID) productId!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ArchiveProductInput')
export class ArchiveProductInput {
  @Field(() => ID) productId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('BillingCycleInput', { description: 'MONTHLY, QUARTERLY, SEMI_ANNUAL or ANNUAL alone; CUSTOM with unit and count (1-3660 days or 1-120 months)' })
export class BillingCycleInput {
  @Field(() => BillingCycleKind) kind!: BillingCycleKind;
  @Field(() => BillingCycleUnit, { nullable: true }) unit?: BillingCycleUnit | null;
  @Field(() => Int, { nullable: true }) count?: number | null;
}

@InputType('TaxTreatmentInput')
export class TaxTreatmentInput {
  @Field(() => TaxTreatmentKind) kind!: TaxTreatmentKind;
  @Field(() => DecimalScalar, { nullable: true, description: 'Percent 0-100, at most 4 decimals; only with RATE' }) rate?: string | null;
}

@InputType('PlanPriceInput')
export class PlanPriceInput {
  @Field(() => String, { description: 'ISO 4217, e.g. EUR' }) currency!: string;
  @Field(() => DecimalScalar, { description: "Fits the currency's minor unit, e.g. \"49.99\"" }) amount!: string;
}

@InputType('PlanVersionTermsInput', { description: 'The whole terms of a version: changing any of them publishes a new version' })
export class PlanVersionTermsInput {
  @Field(() => BillingCycleInput) cycle!: BillingCycleInput;
  @Field(() => BillingTiming) timing!: BillingTiming;
  @Field(() => [PlanPriceInput], { description: 'At least one; each currency once; >= 0' }) prices!: PlanPriceInput[];
  @Field(() => [PlanPriceInput], { nullable: true, description: 'One-off fees (> 0), in currencies the version has a price in' }) setupFees?: PlanPriceInput[] | null;
  @Field(() => Int, { nullable: true, description: '0-730; default 0' }) trialDays?: number | null;
  @Field(() => TaxTreatmentInput) taxTreatment!: TaxTreatmentInput;
  @Field(() => [String], { nullable: true, description: 'ADDON plans only: the base plans it attaches to (at least one)' }) basePlanIds?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'BUNDLE plans only: the plans it groups (at least two)' }) bundledPlanIds?: string[] | null;
}

@InputType('CreatePlanInput')
export class CreatePlanInput {
  @Field(() => ID, { description: 'Your id for the plan' }) planId!: string;
  @Field(() => String, { description: 'An existing product, on sale' }) productId!: string;
  @Field(() => PlanKind, { description: 'Fixed from then on' }) kind!: PlanKind;
  @Field(() => String) name!: string;
  @Field(() => PlanVersionTermsInput, { description: 'The terms of version 1' }) terms!: PlanVersionTermsInput;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('PublishPlanVersionInput')
export class PublishPlanVersionInput {
  @Field(() => ID) planId!: string;
  @Field(() => PlanVersionTermsInput, { description: 'The whole terms of the next version' }) terms!: PlanVersionTermsInput;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('RenamePlanInput')
export class RenamePlanInput {
  @Field(() => ID) planId!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ArchivePlanInput')
export class ArchivePlanInput {
  @Field(() => ID) planId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UnarchivePlanInput')
export class UnarchivePlanInput {
  @Field(() => ID) planId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}
