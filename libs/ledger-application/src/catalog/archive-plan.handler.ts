import { requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { PlanIdCommandInput } from './catalog.inputs.js';
import type { PlanOutcome } from './catalog-outcome.js';

/** Takes the plan off sale (PLAN_NOT_ACTIVE for new subscriptions; existing ones keep their terms); again appends nothing. */
export function archivePlan(services: ApplicationServices, context: CommandContext, input: PlanIdCommandInput): Promise<PlanOutcome> {
  const planId = requireIdentifier(input.planId, 'planId');
  return executeCommand(services.store, context, aggregates.plan.on(planId, { command: () => ({ type: 'ArchivePlan', data: { planId } }) }));
}
