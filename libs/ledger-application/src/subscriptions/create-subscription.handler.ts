import { DomainError, calendarDateInZone, requireCurrencySupported, requireIdentifier, requireQuantity, type SubscriptionItemInput } from '../../../billing/src/index.js';
import { aggregates, load, type CommandContext } from '../../../application/src/index.js';
import { runSubscriptionCommand, type SubscriptionOutcome } from './subscription-command.js';
import type { CreateSubscriptionCommandInput } from './subscription.inputs.js';
import { loadPlan, pricedTerms, requireAddonPlan, requireBasePlan, versionOf, type RequestedPlan, type SubscriptionServices } from './subscription-terms.js';

/**
 * Subscribes a registered customer (NOT_FOUND otherwise) to a plan version, with add-ons. The tenant's settings decide
 * what is allowed (invoicing on, the currency supported: every renewal is an invoice) and give the subscription its
 * day: `today` is the tenant's clock (the command's `now`, real time or its test clock) in the tenant's zone, which
 * the subscription keeps as its own (SubscriptionCreated.timeZone). Each item copies its plan version's terms in the
 * currency (toPlanTerms, with the tenant's standard tax rate), priced by the tenant's pricing rules on that day for
 * the customer's segment (subscription-terms.ts). The first period is billed by the scheduler when it falls due, like every later one.
 */
export function createSubscription(services: SubscriptionServices, context: CommandContext, input: CreateSubscriptionCommandInput): Promise<SubscriptionOutcome> {
  const subscriptionId = requireIdentifier(input.subscriptionId, 'subscriptionId');
  return runSubscriptionCommand(services, context, subscriptionId, async (_history, settings) => {
    const customerId = requireIdentifier(input.customerId, 'customerId');
    const customer = await load(services.store, aggregates.customer, context.tenantId, customerId);
    if (customer.state.details === null) throw new DomainError('NOT_FOUND', `Customer ${customerId} is not registered: register it before subscribing it`, { field: 'customerId', customerId });
    if (!settings.features.invoicing) {
      throw new DomainError('FEATURE_DISABLED', "Invoicing is turned off in this tenant's billing settings (features.invoicing): a subscription bills by invoices", { feature: 'invoicing' });
    }
    requireCurrencySupported(settings, input.currency);
    const timeZone = settings.tenant.timeZone;
    const today = calendarDateInZone(context.now, timeZone);
    const base: RequestedPlan = { planId: input.planId, planVersion: versionOf(input.planVersion), field: 'planId' };
    const addons = (input.addons ?? []).map((addon, index): RequestedPlan & { itemId: string; quantity: string } => ({
      planId: addon.planId,
      planVersion: versionOf(addon.planVersion),
      field: `addons[${index}].planId`,
      itemId: addon.itemId ?? `addon-${index + 1}`,
      quantity: requireQuantity(addon.quantity ?? '1', `addons[${index}].quantity`),
    }));
    const baseQuantity = requireQuantity(input.quantity ?? '1', 'quantity');
    const basePlan = await loadPlan(services, context.tenantId, base);
    requireBasePlan(basePlan, base.field);
    const addonPlans = await Promise.all(addons.map((addon) => loadPlan(services, context.tenantId, addon)));
    addonPlans.forEach((plan, index) => requireAddonPlan(plan, basePlan.planId as string, (addons[index] as RequestedPlan).field));
    const [baseTerms, ...addonTerms] = await pricedTerms(
      services,
      context.tenantId,
      [{ plan: basePlan, requested: base, quantity: baseQuantity }, ...addons.map((addon, index) => ({ plan: addonPlans[index] as typeof basePlan, requested: addon, quantity: addon.quantity }))],
      input.currency,
      settings,
      today,
      customer.state.segment,
    );
    if (baseTerms === undefined) throw new Error('no terms for the base item');
    return {
      type: 'CreateSubscription',
      data: {
        subscriptionId,
        customerId,
        currency: input.currency,
        base: { itemId: 'base', terms: baseTerms, quantity: baseQuantity },
        addons: addons.map((addon, index): SubscriptionItemInput => ({ itemId: addon.itemId, terms: addonTerms[index] as SubscriptionItemInput['terms'], quantity: addon.quantity })),
        startDate: input.startDate ?? today,
        alignment: input.alignment ?? 'anniversary',
        anchorDay: input.anchorDay ?? null,
        today,
        timeZone,
      },
    };
  });
}
