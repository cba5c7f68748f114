import { requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { PlanIdCommandInput } from './catalog.inputs.js';
import type { PlanOutcome } from './catalog-outcome.js';

/** Puts an archived plan on sale again, with every version it had; unarchiving a plan on sale appends nothing. */
export function unarchivePlan(services: ApplicationServices, context: CommandContext, input: PlanIdCommandInput): Promise<PlanOutcome> {
  const planId = requireIdentifier(input.planId, 'planId');
  return executeCommand(services.store, context, aggregates.plan.on(planId, { command: () => ({ type: 'UnarchivePlan', data: { planId } }) }));
}
