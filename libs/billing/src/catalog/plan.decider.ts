import type { Decider } from '../common/decider.js';
import type { PlanCommand } from './plan.commands.js';
import { decidePlan } from './plan.decide.js';
import type { PlanEvent } from './plan.events.js';
import { evolvePlan, initialPlanState, type PlanState } from './plan.state.js';

export { decidePlan } from './plan.decide.js';

/** One plan per stream (`plan-<planId>`): its versions, name and whether it is on sale. */
export const planDecider: Decider<PlanCommand, PlanEvent, PlanState> = {
  decide: decidePlan,
  evolve: evolvePlan,
  initialState: initialPlanState,
};
