import { DomainError, currentConfig, requireIdentifier, requireQuantity, type BillingSettings, type ChangeSubscription, type PlanTerms } from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import { commandInvoiceId } from '../../../../projections/subscriptions/subscription-documents.js';
import { runSubscriptionCommand, type SubscriptionOutcome } from './subscription-command.js';
import type { SubscriptionHistory } from './subscription-stream.js';
import type { ChangeSubscriptionCommandInput } from './subscription.inputs.js';
import { loadCustomerSegment, loadPlan, pricedTerms, requireAddonPlan, requireBasePlan, versionOf, type SubscriptionServices } from './subscription-terms.js';
import { todayOf } from './subscription-today.js';

/**
 * Moves one item to another plan version and/or quantity (libs/billing/src/subscription/subscription.changes.ts for
 * when it takes effect and what it prorates). A new plan's terms are read and priced like a new subscription's, on
 * the subscription's today; a base item takes a plan that is not an add-on, an add-on item an add-on allowed on the
 * base item's plan. With `always_invoice` the proration lines are invoiced now (an invoice and a credit note named
 * after the command), in the same atomic append.
 */
export function changeSubscription(services: SubscriptionServices, context: CommandContext, input: ChangeSubscriptionCommandInput): Promise<SubscriptionOutcome> {
  const subscriptionId = requireIdentifier(input.subscriptionId, 'subscriptionId');
  return runSubscriptionCommand(services, context, subscriptionId, async (history, settings) => ({
    type: 'ChangeSubscription',
    data: await changeCommandData(services, context, history, settings, input),
  }));
}

/** ChangeSubscription's data as the handler builds it; the change preview builds it the same way. */
export async function changeCommandData(
  services: SubscriptionServices,
  context: Pick<CommandContext, 'tenantId' | 'now' | 'commandId'>,
  history: SubscriptionHistory,
  settings: BillingSettings,
  input: ChangeSubscriptionCommandInput,
): Promise<ChangeSubscription['data']> {
  const { state } = history;
  const itemId = input.itemId ?? 'base';
  const today = todayOf(context, history);
  const prorationBehavior = input.prorationBehavior ?? 'create_prorations';
  let newTerms: PlanTerms | null = null;
  if (input.planId !== undefined && input.planId !== null) {
    const requested = { planId: input.planId, planVersion: versionOf(input.planVersion), field: 'planId' };
    const plan = await loadPlan(services, context.tenantId, requested);
    const item = state.items.find((candidate) => candidate.itemId === itemId);
    const base = state.items.find((candidate) => candidate.role === 'base');
    if (item?.role === 'addon' && base !== undefined) requireAddonPlan(plan, currentConfig(base).terms.planId, 'planId');
    else if (item !== undefined) requireBasePlan(plan, 'planId');
    const quantity = input.quantity ?? (item === undefined ? '1' : currentConfig(item).quantity);
    if (state.currency === null) throw new DomainError('NOT_FOUND', `Subscription ${state.subscriptionId ?? input.subscriptionId} does not exist`, { subscriptionId: input.subscriptionId });
    const segment = state.customerId === null ? null : await loadCustomerSegment(services, context.tenantId, state.customerId);
    newTerms = (await pricedTerms(services, context.tenantId, [{ plan, requested, quantity: requireQuantity(quantity, 'quantity') }], state.currency, settings, today, segment))[0] ?? null;
  }
  return {
    subscriptionId: input.subscriptionId,
    itemId,
    newTerms,
    quantity: input.quantity ?? null,
    effective: input.effective ?? 'default',
    prorationBehavior,
    invoiceId: prorationBehavior === 'always_invoice' ? commandInvoiceId(context.commandId) : null,
    today,
  };
}
