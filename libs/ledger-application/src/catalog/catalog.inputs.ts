import type {
  BillingTiming,
  CreatePlan,
  CreateProduct,
  PlanPrice,
  PlanVersionTermsInput,
  PublishPlanVersion,
  RenamePlan,
  UpdateProduct,
} from '../../../billing/src/index.js';

/**
 * What the catalog commands take: plain data, structurally what the GraphQL inputs carry, plus the API's idempotency
 * key (never passed to a decider). The deciders validate every field as unknown input.
 */
export type CreateProductCommandInput = CreateProduct['data'] & { readonly idempotencyKey?: string | null };

export type UpdateProductCommandInput = UpdateProduct['data'] & { readonly idempotencyKey?: string | null };

export interface ProductIdCommandInput {
  readonly productId: string;
  readonly idempotencyKey?: string | null;
}

/** A billing cycle as a client sends it: `unit` and `count` are given for custom cycles, absent or null otherwise. */
export interface BillingCycleCommandInput {
  readonly kind: 'monthly' | 'quarterly' | 'semi_annual' | 'annual' | 'custom';
  readonly unit?: 'days' | 'months' | null;
  readonly count?: number | null;
}

/** A tax treatment as a client sends it: `rate` with kind `rate`, absent or null otherwise. */
export interface TaxTreatmentCommandInput {
  readonly kind: 'standard' | 'exempt' | 'rate';
  readonly rate?: string | null;
}

/** The whole terms of a plan version as a client sends them (see PlanVersionTermsInput). */
export interface PlanVersionTermsCommandInput {
  readonly cycle: BillingCycleCommandInput;
  readonly timing: BillingTiming;
  readonly prices: readonly PlanPrice[];
  readonly setupFees?: readonly PlanPrice[] | null;
  readonly trialDays?: number | null;
  readonly taxTreatment: TaxTreatmentCommandInput;
  readonly basePlanIds?: readonly string[] | null;
  readonly bundledPlanIds?: readonly string[] | null;
}

export type CreatePlanCommandInput = Omit<CreatePlan['data'], 'product' | 'terms'> & {
  readonly terms: PlanVersionTermsCommandInput;
  readonly idempotencyKey?: string | null;
};

export type PublishPlanVersionCommandInput = Omit<PublishPlanVersion['data'], 'terms'> & {
  readonly terms: PlanVersionTermsCommandInput;
  readonly idempotencyKey?: string | null;
};

export type RenamePlanCommandInput = RenamePlan['data'] & { readonly idempotencyKey?: string | null };

export interface PlanIdCommandInput {
  readonly planId: string;
  readonly idempotencyKey?: string | null;
}

/**
 * The terms as the command carries them. GraphQL has no input unions, so a cycle or a tax treatment arrives as one
 * object with the other kinds' fields null; the decider accepts those nulls and checks every field (it reads the
 * terms as unknown input), so the command type here only names what a valid command holds.
 */
export function planTermsOf(terms: PlanVersionTermsCommandInput): PlanVersionTermsInput {
  return terms as PlanVersionTermsInput;
}
