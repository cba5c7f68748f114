import { assertNever } from '../common/assert-never.js';
import type { PlanEvent } from './plan.events.js';
import type { PlanKind, PlanVersionTerms } from './plan.version-terms.js';
import type { ServiceType } from './service-type.js';

/** One published version: its number (1, 2, 3...), its whole terms and the instant it was published. */
export interface PlanVersion extends PlanVersionTerms {
  version: number;
  publishedAt: string;
}

/**
 * 'none' is a stream without events. `archived`: no new subscriptions; every version stays readable. Versions are
 * never removed or changed: `versions[n - 1]` is version n, the last one is the current one.
 */
export interface PlanState {
  status: 'none' | 'active' | 'archived';
  planId: string | null;
  productId: string | null;
  serviceType: ServiceType | null;
  kind: PlanKind | null;
  name: string | null;
  versions: PlanVersion[];
  createdAt: string | null;
  updatedAt: string | null;
  archivedAt: string | null;
}

export const initialPlanState: PlanState = {
  status: 'none',
  planId: null,
  productId: null,
  serviceType: null,
  kind: null,
  name: null,
  versions: [],
  createdAt: null,
  updatedAt: null,
  archivedAt: null,
};

export function evolvePlan(state: PlanState, event: PlanEvent): PlanState {
  switch (event.type) {
    case 'PlanCreated': {
      const { planId, productId, serviceType, kind, name, terms, createdAt } = event.data;
      return {
        ...initialPlanState,
        status: 'active',
        planId,
        productId,
        serviceType,
        kind,
        name,
        versions: [{ version: 1, ...terms, publishedAt: createdAt }],
        createdAt,
        updatedAt: createdAt,
      };
    }
    case 'PlanVersionPublished': {
      const { version, terms, publishedAt } = event.data;
      // Versions are numbered by the decider from the versions folded so far; any other number is a broken stream.
      if (version !== state.versions.length + 1) {
        throw new Error(`Plan ${state.planId} received version ${version} after ${state.versions.length} versions`);
      }
      return { ...state, versions: [...state.versions, { version, ...terms, publishedAt }], updatedAt: publishedAt };
    }
    case 'PlanRenamed':
      return { ...state, name: event.data.name, updatedAt: event.data.renamedAt };
    case 'PlanArchived':
      return { ...state, status: 'archived', archivedAt: event.data.archivedAt, updatedAt: event.data.archivedAt };
    case 'PlanUnarchived':
      return { ...state, status: 'active', archivedAt: null, updatedAt: event.data.unarchivedAt };
    default:
      return assertNever(event, 'plan event');
  }
}
