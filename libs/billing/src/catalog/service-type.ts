import type { PlanTerms } from './plan-terms.js';

/** What a product provides. A product's service type is fixed when it is created, and its plans copy it into their terms. */
export const serviceTypes = ['broadband', 'voice', 'video', 'bundle', 'addon', 'custom'] as const;
export type ServiceType = (typeof serviceTypes)[number];

/** The list above and the union PlanTerms spells out must stay the same set: this alias stops compiling otherwise. */
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type RequireTrue<Condition extends true> = Condition;
type _ServiceTypesMatchPlanTerms = RequireTrue<SameSet<ServiceType, PlanTerms['serviceType']>>;
