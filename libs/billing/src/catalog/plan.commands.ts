import type { DomainCommand } from '../common/command.js';
import type { PlanKind, PlanVersionTermsInput } from './plan.version-terms.js';
import type { ServiceType } from './service-type.js';

/**
 * What CreatePlan needs of the plan's product, read by the application from the product's stream
 * (`planProductContextOf`); null when that stream has no events. The service type is copied into the plan: a
 * product's service type never changes, so the copy never goes stale.
 */
export interface PlanProductContext {
  productId: string;
  serviceType: ServiceType;
  status: 'active' | 'archived';
}

/**
 * Creates a plan of a product with its version 1. The id comes from the caller, so a retried command is recognised.
 * The kind is fixed from then on.
 */
export type CreatePlan = DomainCommand<
  'CreatePlan',
  {
    planId: string;
    productId: string;
    kind: PlanKind;
    name: string;
    terms: PlanVersionTermsInput;
    product: PlanProductContext | null;
  }
>;

/**
 * Publishes the next version of the plan with the whole new terms (a price change, or any change to the setup fee,
 * cycle, timing, trial days, tax treatment or linked plans). Earlier versions stay readable; subscriptions keep theirs.
 */
export type PublishPlanVersion = DomainCommand<'PublishPlanVersion', { planId: string; terms: PlanVersionTermsInput }>;

/** Renames the plan. A name is not a term: no new version. */
export type RenamePlan = DomainCommand<'RenamePlan', { planId: string; name: string }>;

/** No new subscriptions to the plan (PLAN_NOT_ACTIVE); existing ones continue on the terms they copied. */
export type ArchivePlan = DomainCommand<'ArchivePlan', { planId: string }>;

/** Puts an archived plan on sale again, with the versions it had. */
export type UnarchivePlan = DomainCommand<'UnarchivePlan', { planId: string }>;

export type PlanCommand = CreatePlan | PublishPlanVersion | RenamePlan | ArchivePlan | UnarchivePlan;
