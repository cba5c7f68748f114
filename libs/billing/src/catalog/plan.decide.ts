import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream } from '../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../common/domain-error.js';
import { requireIdentifier, requireOneOf, requireText, validationFailed } from '../common/validation.js';
import type { ArchivePlan, CreatePlan, PlanCommand, PlanProductContext, PublishPlanVersion, RenamePlan, UnarchivePlan } from './plan.commands.js';
import type { PlanEvent } from './plan.events.js';
import type { PlanState } from './plan.state.js';
import { planKinds, planLimits, requirePlanVersionTerms, samePlanVersionTerms, type PlanKind } from './plan.version-terms.js';
import type { ServiceType } from './service-type.js';

/**
 * Order of checks: the metadata, then the plan id, then (CreatePlan) the whole command's data before the state, or
 * (every other command) whether the plan exists and accepts the command before its data, because the terms are read
 * for the plan's kind. A command that changes nothing (the same plan created again, terms equal to the current
 * version's, the same name, archiving an archived plan, unarchiving an active one) decides no event, so a retry is
 * harmless. An archived plan publishes no version (PLAN_NOT_ACTIVE: unarchive it first) but can be renamed.
 */
export function decidePlan(command: PlanCommand, state: PlanState): PlanEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'CreatePlan':
        return createPlan(command, state);
      case 'PublishPlanVersion':
        return publishPlanVersion(command, state);
      case 'RenamePlan':
        return renamePlan(command, state);
      case 'ArchivePlan':
        return archivePlan(command, state);
      case 'UnarchivePlan':
        return unarchivePlan(command, state);
      default:
        return assertNever(command, 'plan command');
    }
  });
}

type ExistingPlan = PlanState & { status: 'active' | 'archived'; planId: string; productId: string; serviceType: ServiceType; kind: PlanKind; name: string };

function createPlan({ data, metadata }: CreatePlan, state: PlanState): PlanEvent[] {
  const planId = requireIdentifier(data?.planId, 'planId');
  const productId = requireIdentifier(data.productId, 'productId');
  const kind = requireOneOf(data.kind, 'kind', planKinds);
  const name = requireText(data.name, 'name', planLimits.nameLengthMax);
  const terms = requirePlanVersionTerms(data.terms, { planId, kind }, 'terms');
  assertDecidedOnOwnStream('plan', planId, state.planId);
  if (state.status !== 'none') {
    const first = state.versions[0];
    if (state.productId === productId && state.kind === kind && state.name === name && first !== undefined && samePlanVersionTerms(terms, first)) return [];
    throw new DomainError('ALREADY_EXISTS', `Plan ${planId} already exists (status ${state.status}) with other data`, { planId, status: state.status });
  }
  const product = requireProductOnSale(data.product, productId);
  return [
    {
      type: 'PlanCreated',
      data: { planId, productId, serviceType: product.serviceType, kind, name, version: 1, terms, createdAt: metadata.now },
    },
  ];
}

/** The product the plan is created under: it exists (NOT_FOUND) and is not archived (PRODUCT_NOT_ACTIVE). */
function requireProductOnSale(product: PlanProductContext | null | undefined, productId: string): PlanProductContext {
  if (product === null || product === undefined) {
    throw new DomainError('NOT_FOUND', `Product ${productId} does not exist: a plan belongs to an existing product`, { productId });
  }
  // The application reads the product named by the command; another product here is a bug, not input.
  if (product.productId !== productId) {
    throw new Error(`CreatePlan for product ${JSON.stringify(productId)} carried the context of product ${JSON.stringify(product.productId)}`);
  }
  if (product.status !== 'active') {
    throw new DomainError('PRODUCT_NOT_ACTIVE', `Product ${productId} is archived: no new plans are created under it`, { productId, status: product.status });
  }
  return product;
}

function publishPlanVersion({ data, metadata }: PublishPlanVersion, state: PlanState): PlanEvent[] {
  const plan = requireExisting(state, data?.planId);
  if (plan.status === 'archived') {
    throw new DomainError('PLAN_NOT_ACTIVE', `Plan ${plan.planId} is archived: unarchive it before publishing a new version`, { planId: plan.planId });
  }
  const terms = requirePlanVersionTerms(data.terms, plan, 'terms');
  const current = plan.versions.at(-1);
  if (current !== undefined && samePlanVersionTerms(terms, current)) return [];
  if (plan.versions.length >= planLimits.versionsMax) {
    throw validationFailed(`Plan ${plan.planId} has ${plan.versions.length} versions, the most a plan may have: create a new plan for new terms`, {
      field: 'terms',
      planId: plan.planId,
    });
  }
  const { planId, productId, serviceType, kind } = plan;
  return [{ type: 'PlanVersionPublished', data: { planId, productId, serviceType, kind, version: plan.versions.length + 1, terms, publishedAt: metadata.now } }];
}

function renamePlan({ data, metadata }: RenamePlan, state: PlanState): PlanEvent[] {
  const plan = requireExisting(state, data?.planId);
  const name = requireText(data.name, 'name', planLimits.nameLengthMax);
  if (name === plan.name) return [];
  return [{ type: 'PlanRenamed', data: { planId: plan.planId, name, previousName: plan.name, renamedAt: metadata.now } }];
}

function archivePlan({ data, metadata }: ArchivePlan, state: PlanState): PlanEvent[] {
  const plan = requireExisting(state, data?.planId);
  if (plan.status === 'archived') return [];
  return [{ type: 'PlanArchived', data: { planId: plan.planId, archivedAt: metadata.now } }];
}

function unarchivePlan({ data, metadata }: UnarchivePlan, state: PlanState): PlanEvent[] {
  const plan = requireExisting(state, data?.planId);
  if (plan.status === 'active') return [];
  return [{ type: 'PlanUnarchived', data: { planId: plan.planId, unarchivedAt: metadata.now } }];
}

function requireExisting(state: PlanState, planIdInput: unknown): ExistingPlan {
  const planId = requireIdentifier(planIdInput, 'planId');
  if (state.status === 'none') throw new DomainError('NOT_FOUND', `Plan ${planId} does not exist`, { planId });
  assertDecidedOnOwnStream('plan', planId, state.planId);
  return state as ExistingPlan;
}
