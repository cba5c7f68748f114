import { requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { RenamePlanCommandInput } from './catalog.inputs.js';
import type { PlanOutcome } from './catalog-outcome.js';

/** Renames the plan (no new version: a name is not a term); the same name again appends nothing. */
export function renamePlan(services: ApplicationServices, context: CommandContext, input: RenamePlanCommandInput): Promise<PlanOutcome> {
  const planId = requireIdentifier(input.planId, 'planId');
  return executeCommand(services.store, context, aggregates.plan.on(planId, { command: () => ({ type: 'RenamePlan', data: { planId, name: input.name } }) }));
}
