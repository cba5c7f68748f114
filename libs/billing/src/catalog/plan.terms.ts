import { DomainError, translatingMoneyErrors } from '../common/domain-error.js';
import { requireCurrency, requireIdentifier, validationFailed } from '../common/validation.js';
import type { PlanTerms } from './plan-terms.js';
import type { PlanState, PlanVersion } from './plan.state.js';
import type { PlanKind } from './plan.version-terms.js';
import type { ServiceType } from './service-type.js';
import { planTaxRate, requireDefaultTaxRate } from './tax-treatment.js';

/** A plan that has events: every field the creation set is there. */
type ExistingPlan = PlanState & { status: 'active' | 'archived'; planId: string; productId: string; serviceType: ServiceType; kind: PlanKind; name: string };

/**
 * The terms a subscription copies from `version` of the plan (a number, or 'current' for the latest) in `currency`,
 * with its tax rate (see `planTaxRate`; `defaultTaxRate` is the tenant's default rate, or null to leave the lines of a
 * `standard` plan to the invoice's tax rules). The name is the plan's name now: a name is not a term.
 *
 * It is the gate to subscribing: a plan never created is NOT_FOUND, an archived plan PLAN_NOT_ACTIVE (whatever the
 * version: existing subscriptions hold their own copies and never come back here), a version never published
 * PLAN_VERSION_NOT_FOUND, a currency the version has no price in PRICE_NOT_AVAILABLE_IN_CURRENCY. Bad arguments are
 * VALIDATION_FAILED, checked first. To read any version of any plan, archived or not, use `planVersionOf`.
 */
export function toPlanTerms(plan: PlanState, version: number | 'current', currency: string, defaultTaxRate: string | null): PlanTerms {
  return translatingMoneyErrors(() => {
    requireVersionSelector(version);
    const code = requireCurrency(currency, 'currency');
    const taxRateDefault = requireDefaultTaxRate(defaultTaxRate, 'defaultTaxRate');
    const existing = requireExistingPlan(plan);
    if (existing.status === 'archived') {
      throw new DomainError('PLAN_NOT_ACTIVE', `Plan ${existing.planId} is archived: it takes no new subscriptions`, { planId: existing.planId });
    }
    const selected = planVersionOf(existing, version);
    const price = selected.prices.find((entry) => entry.currency === code);
    if (price === undefined) {
      const available = selected.prices.map((entry) => entry.currency);
      throw new DomainError(
        'PRICE_NOT_AVAILABLE_IN_CURRENCY',
        `Plan ${existing.planId} version ${selected.version} has no price in ${code} (it is priced in ${available.join(', ')})`,
        { planId: existing.planId, version: selected.version, currency: code, availableCurrencies: available },
      );
    }
    return {
      planId: existing.planId,
      planVersion: selected.version,
      productId: existing.productId,
      name: existing.name,
      serviceType: existing.serviceType,
      cycle: { ...selected.cycle },
      timing: selected.timing,
      currency: code,
      unitPrice: price.amount,
      setupFee: selected.setupFees.find((fee) => fee.currency === code)?.amount ?? null,
      trialDays: selected.trialDays,
      taxRate: planTaxRate(selected.taxTreatment, taxRateDefault),
    };
  });
}

/**
 * Version `version` of the plan (or its latest, for 'current'), archived or not: versions stay readable forever.
 * NOT_FOUND for a plan never created, PLAN_VERSION_NOT_FOUND for a version never published.
 */
export function planVersionOf(plan: PlanState, version: number | 'current'): PlanVersion {
  requireVersionSelector(version);
  const existing = requireExistingPlan(plan);
  const found = version === 'current' ? existing.versions.at(-1) : existing.versions[version - 1];
  if (found === undefined) {
    throw new DomainError(
      'PLAN_VERSION_NOT_FOUND',
      `Plan ${existing.planId} has no version ${version}: its versions are 1 to ${existing.versions.length}`,
      { planId: existing.planId, version, latestVersion: existing.versions.length },
    );
  }
  return found;
}

/**
 * Refuses to attach `addon` to a subscription of `basePlanId` unless the add-on's current version lists that base
 * plan: ADDON_NOT_ALLOWED for a plan that is not an add-on or does not list it, NOT_FOUND for a plan never created.
 * Whether the add-on takes new subscriptions at all is `toPlanTerms`'s check (PLAN_NOT_ACTIVE).
 */
export function requireAddonAllowed(addon: PlanState, basePlanId: string): void {
  const baseId = requireIdentifier(basePlanId, 'basePlanId');
  const plan = requireExistingPlan(addon);
  if (plan.kind !== 'addon') {
    throw new DomainError('ADDON_NOT_ALLOWED', `Plan ${plan.planId} is a ${plan.kind} plan, not an add-on: only add-on plans attach to a base plan`, {
      planId: plan.planId,
      kind: plan.kind,
      basePlanId: baseId,
    });
  }
  const allowed = planVersionOf(plan, 'current').basePlanIds;
  if (!allowed.includes(baseId)) {
    throw new DomainError('ADDON_NOT_ALLOWED', `Add-on ${plan.planId} attaches to ${allowed.join(', ')}, not to ${baseId}`, {
      planId: plan.planId,
      basePlanId: baseId,
      allowedBasePlanIds: allowed,
    });
  }
}

function requireExistingPlan(plan: PlanState): ExistingPlan {
  if (plan.status === 'none' || plan.planId === null) throw new DomainError('NOT_FOUND', 'The plan does not exist', {});
  return plan as ExistingPlan;
}

function requireVersionSelector(version: unknown): void {
  if (version === 'current' || (typeof version === 'number' && Number.isSafeInteger(version) && version >= 1)) return;
  throw validationFailed(`version must be 'current' or a version number 1, 2, 3... (got ${JSON.stringify(version)})`, { field: 'version' });
}
