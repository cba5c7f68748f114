export { planAllocation, splitOf, type AllocationInput, type AllocationPlan, type AllocationSplit } from './allocation.plan.js';
