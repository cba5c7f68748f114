import type { PricedItem, PricingAdjustment, PricingConditions, PricingRuleState } from '../../../../libs/billing/src/index.js';
import type { PriceQuote } from '../../../../libs/ledger-application/src/pricing/index.js';
import type { PricingRuleRecord } from '../../../../projections/pricing-rules/pricing-rules.queries.js';
import type { CatalogStatus, PlanKind, ServiceType } from '../catalog/catalog.types.js';
import { money } from '../graphql/common.types.js';
import type {
  PriceQuoteItemType,
  PriceQuoteType,
  PricingAdjustmentType,
  PricingConditionsType,
  PricingRuleKind,
  PricingRuleType,
  PricingSkipReason,
  PricingStacking,
} from './pricing.types.js';

/** The PricingRule from the decider's state right after a command (mutation payloads). */
export function pricingRuleViewFromState(state: PricingRuleState): PricingRuleType {
  const { ruleId, definition, createdAt, updatedAt } = state;
  if (state.status === 'none' || ruleId === null || definition === null || createdAt === null || updatedAt === null) {
    throw new Error('a pricing rule view was asked of a rule that was never created');
  }
  return {
    id: ruleId,
    revision: state.revision,
    name: definition.name,
    kind: definition.adjustment.kind as PricingRuleKind,
    adjustment: adjustmentView(definition.adjustment),
    conditions: conditionsView(definition.conditions),
    priority: definition.priority,
    stacking: definition.stacking as PricingStacking,
    active: state.status === 'active',
    createdAt,
    updatedAt,
    deactivatedAt: state.deactivatedAt,
  };
}

export function pricingRuleViewFromRecord(record: PricingRuleRecord): PricingRuleType {
  return {
    ...record,
    kind: record.kind as PricingRuleKind,
    adjustment: adjustmentView(record.adjustment),
    conditions: conditionsView(record.conditions),
    stacking: record.stacking as PricingStacking,
  };
}

function adjustmentView(adjustment: PricingAdjustment): PricingAdjustmentType {
  return {
    kind: adjustment.kind as PricingRuleKind,
    percentOff: adjustment.kind === 'percentage' ? adjustment.percentOff : null,
    amountsOff: adjustment.kind === 'amount_off' ? adjustment.amountsOff.map((entry) => ({ ...entry })) : null,
    unitPrices: adjustment.kind === 'fixed_price' ? adjustment.unitPrices.map((entry) => ({ ...entry })) : null,
  };
}

function conditionsView(conditions: PricingConditions): PricingConditionsType {
  return { ...conditions, serviceTypes: conditions.serviceTypes === null ? null : conditions.serviceTypes.map((type) => type as ServiceType) };
}

export function priceQuoteView(quote: PriceQuote): PriceQuoteType {
  return {
    date: quote.date,
    customerId: quote.customerId,
    customerSegment: quote.customerSegment,
    items: quote.items.map(({ plan, priced }) => ({
      plan: { ...plan, serviceType: plan.serviceType as ServiceType, kind: plan.kind as PlanKind, status: plan.status as CatalogStatus },
      ...pricedItemView(priced),
    })),
    totals: quote.totals.map((total) => ({ currency: total.currency, listAmount: money(total.listAmount, total.currency), amount: money(total.amount, total.currency) })),
    rulesJudged: quote.rulesJudged,
  };
}

function pricedItemView(priced: PricedItem): Omit<PriceQuoteItemType, 'plan'> {
  return {
    currency: priced.currency,
    quantity: priced.quantity,
    listUnitPrice: priced.listUnitPrice,
    unitPrice: priced.unitPrice,
    listAmount: money(priced.listAmount, priced.currency),
    amount: money(priced.amount, priced.currency),
    applied: priced.explanation.applied.map((step) => ({ ...step, kind: step.kind as PricingRuleKind, stacking: step.stacking as PricingStacking })),
    skipped: priced.explanation.skipped.map((rule) => ({ ...rule, stacking: rule.stacking as PricingStacking, reason: rule.reason as PricingSkipReason })),
  };
}
