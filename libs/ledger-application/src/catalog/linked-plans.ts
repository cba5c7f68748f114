import { DomainError, planDecider, type PlanCommand, type PlanEvent, type PlanState } from '../../../billing/src/index.js';
import { aggregates, type CommandContext, type CommandWithoutMetadata } from '../../../application/src/index.js';
import type { EventStore } from '../../../event-store/src/index.js';

/**
 * The command, once its links are checked: decided first (so a bad command is refused by the decider, in its own
 * order of checks, before anything else is read), then, when the decision makes a version, every plan that version
 * links to (an add-on's base plans, a bundle's grouped plans) must exist, or the command is NOT_FOUND naming the
 * field: an add-on attached to, or a bundle of, plans that were never created could never be billed as described.
 * The decider cannot see other streams, so the application reads them: the last event of each linked plan's stream,
 * one indexed read each, in parallel (at most planLimits.linkedPlansMax per list). Existence is what is checked, not
 * status: an archived plan keeps its subscriptions, and an add-on may still attach to them.
 */
export async function withExistingLinkedPlans<Command extends CommandWithoutMetadata<PlanCommand>>(
  store: EventStore,
  context: CommandContext,
  state: PlanState,
  command: Command,
): Promise<Command> {
  const decided = planDecider.decide({ ...command, metadata: { now: context.now } } as PlanCommand, state);
  const linked = decided.flatMap(linkedPlansOf);
  const found = await Promise.all(
    linked.map(async ({ planId }) => (await store.readStream(aggregates.plan.stream(context.tenantId, planId), { direction: 'backwards', fromRevision: 'end', maxCount: 1 })).length > 0),
  );
  const missing = linked.find((_plan, index) => !found[index]);
  if (missing !== undefined) {
    throw new DomainError('NOT_FOUND', `${missing.field} names plan ${missing.planId}, which does not exist: a version links only to existing plans`, {
      field: missing.field,
      planId: missing.planId,
    });
  }
  return command;
}

function linkedPlansOf(event: PlanEvent): { planId: string; field: string }[] {
  if (event.type !== 'PlanCreated' && event.type !== 'PlanVersionPublished') return [];
  const { basePlanIds, bundledPlanIds } = event.data.terms;
  return [...basePlanIds.map((planId) => ({ planId, field: 'terms.basePlanIds' })), ...bundledPlanIds.map((planId) => ({ planId, field: 'terms.bundledPlanIds' }))];
}
