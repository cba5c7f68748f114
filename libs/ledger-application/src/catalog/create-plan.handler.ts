import { planProductContextOf, requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, load, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { planTermsOf, type CreatePlanCommandInput } from './catalog.inputs.js';
import type { PlanOutcome } from './catalog-outcome.js';
import { withExistingLinkedPlans } from './linked-plans.js';

/**
 * Creates a plan with its version 1 under an existing product on sale. The product is read from its stream on every
 * attempt (its context goes into the command: NOT_FOUND, PRODUCT_NOT_ACTIVE); the plans the version links to must
 * exist. The same plan again appends nothing; another one under that id is ALREADY_EXISTS.
 */
export function createPlan(services: ApplicationServices, context: CommandContext, input: CreatePlanCommandInput): Promise<PlanOutcome> {
  const planId = requireIdentifier(input.planId, 'planId');
  const productId = requireIdentifier(input.productId, 'productId');
  const { idempotencyKey: _key, ...data } = input;
  return executeCommand(services.store, context, aggregates.plan.on(planId, {
    read: async () => planProductContextOf((await load(services.store, aggregates.product, context.tenantId, productId)).state),
    command: (state, product) => withExistingLinkedPlans(services.store, context, state, { type: 'CreatePlan', data: { ...data, terms: planTermsOf(data.terms), product } }),
  }));
}
