import { requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { planTermsOf, type PublishPlanVersionCommandInput } from './catalog.inputs.js';
import type { PlanOutcome } from './catalog-outcome.js';
import { withExistingLinkedPlans } from './linked-plans.js';

/**
 * Publishes the plan's next version with the whole new terms (a price change is a new version: subscriptions keep the
 * version they copied). Terms equal to the current version's append nothing; the plans they link to must exist.
 */
export function publishPlanVersion(services: ApplicationServices, context: CommandContext, input: PublishPlanVersionCommandInput): Promise<PlanOutcome> {
  const planId = requireIdentifier(input.planId, 'planId');
  return executeCommand(services.store, context, aggregates.plan.on(planId, {
    command: (state) => withExistingLinkedPlans(services.store, context, state, { type: 'PublishPlanVersion', data: { planId, terms: planTermsOf(input.terms) } }),
  }));
}
