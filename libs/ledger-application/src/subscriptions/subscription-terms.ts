import {
  DomainError,
  requireAddonAllowed,
  requireIdentifier,
  toPlanTerms,
  type BillingSettings,
  type PlanState,
  type PlanTerms,
  type PricedItem,
  type PricedItemInput,
} from '../../../billing/src/index.js';
import { Money } from '../../../money/src/index.js';
import { aggregates, load } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/**
 * How subscription items are priced with the tenant's pricing rules: the pricing feature's one pricing function
 * (libs/ledger-application/src/pricing/price-items.ts, `priceItems`), handed in by the app, since a feature folder of
 * the application layer imports no other feature. Without it, items take their plan version's list price.
 */
export type SubscriptionPricing = (tenantId: string, input: { items: readonly PricedItemInput[]; customerSegment: string | null; date: string }) => Promise<readonly PricedItem[]>;

/** The application's services, with the pricing function when the app provides one. */
export type SubscriptionServices = ApplicationServices & { readonly pricing?: SubscriptionPricing };

/** Which plan version an item takes, and how many. */
export interface RequestedPlan {
  readonly planId: string;
  readonly planVersion: number | 'current';
  /** The field the plan was named in, for errors (`planId`, `addons[1].planId`). */
  readonly field: string;
}

/**
 * The tax rate `toPlanTerms` gives a `standard` plan: with automatic tax on (settings and feature), null, so its lines
 * are taxed like any invoice line (the tenant's rates by the customer's address, exemption and inclusive prices
 * honoured); otherwise the tenant's default rate (tax.defaultRate, "0" untaxed), copied into the terms.
 */
export function standardTaxRateOf(settings: BillingSettings): string | null {
  return settings.tax.calculateAutomatically && settings.features.taxCalculation ? null : settings.tax.defaultRate;
}

/** A plan as its stream says (NOT_FOUND naming the field when it was never created). */
export async function loadPlan(services: Pick<ApplicationServices, 'store'>, tenantId: string, plan: RequestedPlan): Promise<PlanState> {
  const planId = requireIdentifier(plan.planId, plan.field);
  const { state } = await load(services.store, aggregates.plan, tenantId, planId);
  if (state.status === 'none') throw new DomainError('NOT_FOUND', `${plan.field}: plan ${planId} does not exist`, { field: plan.field, planId });
  return state;
}

/**
 * The pricing segment of the subscription's customer, as its stream says now (null: none, or no such customer, which
 * the callers refuse on their own terms): the segment pricedTerms prices with.
 */
export async function loadCustomerSegment(services: Pick<ApplicationServices, 'store'>, tenantId: string, customerId: string): Promise<string | null> {
  const { state } = await load(services.store, aggregates.customer, tenantId, customerId);
  return state.segment;
}

/** The plan kind a base item takes: not an add-on (ADDON_NOT_ALLOWED), which only attaches to a base plan. */
export function requireBasePlan(plan: PlanState, field: string): void {
  if (plan.kind === 'addon') {
    throw new DomainError('ADDON_NOT_ALLOWED', `${field}: plan ${plan.planId} is an add-on: it attaches to a base plan and cannot be the base of a subscription`, {
      field,
      planId: plan.planId,
    });
  }
}

/** An add-on item's plan: an add-on whose current version lists the subscription's base plan (ADDON_NOT_ALLOWED). */
export function requireAddonPlan(plan: PlanState, basePlanId: string, field: string): void {
  try {
    requireAddonAllowed(plan, basePlanId);
  } catch (error) {
    if (error instanceof DomainError) throw new DomainError(error.code, `${field}: ${error.message}`, { ...error.details, field });
    throw error;
  }
}

/**
 * The terms the subscription copies, priced. `toPlanTerms` gives the version's list price in the currency (the gates:
 * PLAN_NOT_ACTIVE, PLAN_VERSION_NOT_FOUND, PRICE_NOT_AVAILABLE_IN_CURRENCY); then the tenant's pricing rules price each
 * item on `date` (the tenant's today) for the customer's segment at that moment (`customerSegment`, from the customer's
 * stream: see loadCustomerSegment) and the subscription keeps the result: rules are applied once, when an item
 * takes its terms (a subscription or a change), and frozen there like the plan version, so that every renewal, every
 * proration and every preview bills the same unit price, and a rule that ends or changes later alters no subscription,
 * nor does a later change of the customer's segment (docs/domain.md, "Subscriptions"). Terms are amounts of their currency, so the priced unit price is rounded once,
 * half-up, to the currency's minor unit.
 */
export async function pricedTerms(
  services: SubscriptionServices,
  tenantId: string,
  items: readonly { readonly plan: PlanState; readonly requested: RequestedPlan; readonly quantity: string }[],
  currency: string,
  settings: BillingSettings,
  date: string,
  customerSegment: string | null,
): Promise<PlanTerms[]> {
  const listed = items.map(({ plan, requested }) => termsNamingTheField(requested.field, () => toPlanTerms(plan, requested.planVersion, currency, standardTaxRateOf(settings))));
  if (services.pricing === undefined || listed.length === 0) return listed;
  const priced = await services.pricing(tenantId, {
    items: listed.map((terms, index) => ({
      planId: terms.planId,
      productId: terms.productId,
      serviceType: terms.serviceType,
      quantity: (items[index] as (typeof items)[number]).quantity,
      unitPrice: terms.unitPrice,
      currency,
    })),
    customerSegment,
    date,
  });
  return listed.map((terms, index) => {
    const result = priced[index];
    if (result === undefined) throw new Error(`pricing answered ${priced.length} items for ${listed.length}`);
    return { ...terms, unitPrice: Money.of(result.unitPrice, currency, 'half_up').toString() };
  });
}

function termsNamingTheField(field: string, work: () => PlanTerms): PlanTerms {
  try {
    return work();
  } catch (error) {
    if (error instanceof DomainError && error.details.field === undefined) throw new DomainError(error.code, `${field}: ${error.message}`, { ...error.details, field });
    throw error;
  }
}

/** 'current' for a version left out. */
export function versionOf(planVersion: number | null | undefined): number | 'current' {
  return planVersion === null || planVersion === undefined ? 'current' : planVersion;
}
