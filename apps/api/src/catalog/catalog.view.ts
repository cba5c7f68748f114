import { cycleLabel, type BillingCycle, type PlanPrice, type PlanState, type ProductState, type TaxTreatment } from '../../../../libs/billing/src/index.js';
import type { PlanRecord, ProductRecord } from '../../../../projections/catalog/catalog.queries.js';
import { money, type MoneyType } from '../graphql/common.types.js';
import type {
  BillingCycleKind,
  BillingCycleType,
  BillingCycleUnit,
  BillingTiming,
  CatalogStatus,
  PlanKind,
  PlanType,
  PlanVersionType,
  ProductType,
  ServiceType,
  TaxTreatmentKind,
  TaxTreatmentType,
} from './catalog.types.js';

/**
 * A Plan as a resolver returns it. A mutation's answer carries every version (its state has them), as plain data, so
 * that the answer an idempotency key stored reads the same when it is replayed; a plan from the read model carries
 * none, and `current`, `versions` and `version(number)` read them only when selected (PlansResolver), so a query costs
 * what it selects.
 */
export interface PlanView extends PlanType {
  readonly versions?: readonly PlanVersionType[];
}

/** The Product as the API shows it, from the decider's state right after a command (mutation payloads). */
export function productViewFromState(state: ProductState): ProductType {
  if (state.status === 'none' || state.productId === null || state.name === null || state.serviceType === null || state.createdAt === null || state.updatedAt === null) {
    throw new Error('a product view was asked of a product that was never created');
  }
  return {
    id: state.productId,
    name: state.name,
    description: state.description,
    serviceType: state.serviceType as ServiceType,
    status: state.status as CatalogStatus,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    archivedAt: state.archivedAt,
  };
}

export function productViewFromRecord(record: ProductRecord): ProductType {
  return { ...record, serviceType: record.serviceType as ServiceType, status: record.status as CatalogStatus };
}

/** The Plan from the decider's state right after a command: every version is in the state. */
export function planViewFromState(state: PlanState): PlanView {
  const { planId, productId, serviceType, kind, name, createdAt, updatedAt } = state;
  if (state.status === 'none' || planId === null || productId === null || serviceType === null || kind === null || name === null || createdAt === null || updatedAt === null) {
    throw new Error('a plan view was asked of a plan that was never created');
  }
  const current = state.versions.at(-1);
  if (current === undefined) throw new Error(`plan ${planId} has no version`);
  const versions = state.versions.map(planVersionView);
  return {
    id: planId,
    productId,
    serviceType: serviceType as ServiceType,
    kind: kind as PlanKind,
    name,
    status: state.status as CatalogStatus,
    currentVersion: current.version,
    currencies: current.prices.map((price) => price.currency),
    createdAt,
    updatedAt,
    archivedAt: state.archivedAt,
    versions,
  };
}

/** The Plan from the read model, without its versions. */
export function planViewFromRecord(record: PlanRecord): PlanView {
  return {
    ...record,
    serviceType: record.serviceType as ServiceType,
    kind: record.kind as PlanKind,
    status: record.status as CatalogStatus,
    currencies: [...record.currencies],
  };
}

/** A version as the state and the read model both hold it. */
interface PlanVersionLike {
  readonly version: number;
  readonly cycle: BillingCycle;
  readonly timing: string;
  readonly prices: readonly PlanPrice[];
  readonly setupFees: readonly PlanPrice[];
  readonly trialDays: number;
  readonly taxTreatment: TaxTreatment;
  readonly basePlanIds: readonly string[];
  readonly bundledPlanIds: readonly string[];
  readonly publishedAt: string;
}

export function planVersionView(version: PlanVersionLike): PlanVersionType {
  return {
    version: version.version,
    cycle: billingCycleView(version.cycle),
    timing: version.timing as BillingTiming,
    prices: version.prices.map(priceView),
    setupFees: version.setupFees.map(priceView),
    trialDays: version.trialDays,
    taxTreatment: taxTreatmentView(version.taxTreatment),
    basePlanIds: [...version.basePlanIds],
    bundledPlanIds: [...version.bundledPlanIds],
    publishedAt: version.publishedAt,
  };
}

export function billingCycleView(cycle: BillingCycle): BillingCycleType {
  return {
    kind: cycle.kind as BillingCycleKind,
    unit: cycle.kind === 'custom' ? (cycle.unit as BillingCycleUnit) : null,
    count: cycle.kind === 'custom' ? cycle.count : null,
    label: cycleLabel(cycle),
  };
}

function taxTreatmentView(treatment: TaxTreatment): TaxTreatmentType {
  return { kind: treatment.kind as TaxTreatmentKind, rate: treatment.kind === 'rate' ? treatment.rate : null };
}

function priceView(price: PlanPrice): MoneyType {
  return money(price.amount, price.currency);
}
