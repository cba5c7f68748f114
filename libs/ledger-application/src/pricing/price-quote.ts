import {
  DomainError,
  planLimits,
  requireIdentifier,
  translatingMoneyErrors,
  type PlanKind,
  type PricedItem,
  type PricedItemInput,
  type ServiceType,
} from '../../../billing/src/index.js';
import { Money, isCurrencyCode } from '../../../money/src/index.js';
import { PlanQueries, planVersionKey, type PlanRecord, type PlanVersionRecord } from '../../../../projections/catalog/catalog.queries.js';
import { CustomerQueries } from '../../../../projections/customers/customers.queries.js';
import type { ApplicationServices } from '../common/application-services.js';
import { tenantToday } from '../common/billing-settings.js';
import { loadPricingRules, priceItemsWith } from './price-items.js';

/**
 * The pricing simulator: what the items would cost, and why, without changing anything (it reads the read models and
 * appends nothing). Each item names a plan version (or the plan's current one) and a currency; its list unit price
 * is that version's price in the currency unless the item gives one explicitly (a negotiated price). The items are
 * then priced by priceItemsWith with the tenant's rule set, exactly as a bill would price them (price-items.ts).
 *
 * A quote may name an archived plan: its subscriptions are still billed on the versions they hold, and the quote
 * says the plan's status. Checks, in order: the input's shape (VALIDATION_FAILED naming the field), then each plan
 * (NOT_FOUND), version (PLAN_VERSION_NOT_FOUND) and price in the currency (PRICE_NOT_AVAILABLE_IN_CURRENCY), the
 * customer when one is named (NOT_FOUND), then the pricing itself (quantity, unit price, date, segment).
 *
 * The segment priced for is the input's `customerSegment` when it gives one, else the named customer's segment (as
 * the customers read model has it), else none: so a quote for a customer prices what its subscription would.
 */

export interface PriceQuoteItemInput {
  readonly planId: string;
  /** A version number, or null / absent for the plan's current version. */
  readonly version?: number | null;
  readonly quantity: string;
  readonly currency: string;
  /** The list unit price instead of the version's price (e.g. a negotiated one), or null / absent. */
  readonly unitPrice?: string | null;
}

export interface PriceQuoteInput {
  readonly items: readonly PriceQuoteItemInput[];
  /**
   * The segment to price for, overriding the customer's ("what would this customer pay as a non-profit?"). Null /
   * absent: the named customer's segment, or no segment without a customer or for a customer in none (rules with a
   * segment condition then skip as segment_mismatch).
   */
  readonly customerSegment?: string | null;
  /** The customer the quote is for: it must be registered (NOT_FOUND otherwise). */
  readonly customerId?: string | null;
  /** The calendar date to price on ('YYYY-MM-DD'); null / absent: the tenant's today, in its time zone. */
  readonly date?: string | null;
}

/** The plan version an item was priced from. */
export interface QuotedPlan {
  readonly planId: string;
  readonly version: number;
  readonly name: string;
  readonly productId: string;
  readonly serviceType: ServiceType;
  readonly kind: PlanKind;
  readonly status: 'active' | 'archived';
  /** The version's own price in the item's currency (the list unit price unless the item gave one). */
  readonly versionUnitPrice: string;
}

export interface QuotedItem {
  readonly plan: QuotedPlan;
  readonly priced: PricedItem;
}

/** The items of one currency summed: list amounts and priced amounts (each already rounded once). */
export interface PriceQuoteTotal {
  readonly currency: string;
  readonly listAmount: string;
  readonly amount: string;
}

export interface PriceQuote {
  readonly date: string;
  readonly customerId: string | null;
  /** The segment the items were priced for: the input's, or the customer's, or null. */
  readonly customerSegment: string | null;
  readonly items: readonly QuotedItem[];
  /** One per currency, sorted by currency. */
  readonly totals: readonly PriceQuoteTotal[];
  /** How many rules the quote judged (the tenant's active rules). */
  readonly rulesJudged: number;
}

/** Bounds on one quote (docs/architecture.md, Conventions 12). */
export const priceQuoteLimits = {
  itemsMax: 50,
} as const;

interface RequestedItem {
  readonly planId: string;
  readonly version: number | 'current';
  readonly currency: string;
  readonly quantity: string;
  readonly unitPrice: string | null;
}

export async function priceQuote(services: Pick<ApplicationServices, 'db' | 'tenantClock'>, tenantId: string, input: PriceQuoteInput): Promise<PriceQuote> {
  const requested = requireQuoteItems(input.items);
  const customerId = input.customerId === null || input.customerId === undefined ? null : requireIdentifier(input.customerId, 'customerId');

  const plans = new PlanQueries(services.db);
  const found = await plans.plansByIds(tenantId, requested.map((item) => item.planId));
  const selected = requested.map((item, index) => {
    const plan = found.get(item.planId);
    if (plan === undefined) throw new DomainError('NOT_FOUND', `items[${index}].planId: plan ${item.planId} does not exist`, { field: `items[${index}].planId`, planId: item.planId });
    return { item, plan, version: item.version === 'current' ? plan.currentVersion : item.version };
  });
  const versions = await plans.versionsByKeys(tenantId, selected.map(({ plan, version }) => ({ planId: plan.id, version })));
  const resolved = selected.map(({ item, plan, version }, index) => resolveItem(index, item, plan, versions.get(planVersionKey(plan.id, version)), version));

  const customer = customerId === null ? null : await new CustomerQueries(services.db).getCustomer(tenantId, customerId);
  if (customerId !== null && customer === undefined) {
    throw new DomainError('NOT_FOUND', `Customer ${customerId} is not registered`, { field: 'customerId', customerId });
  }
  const customerSegment = input.customerSegment ?? customer?.segment ?? null;
  const date = input.date ?? (await tenantToday(services, tenantId));
  const ruleSet = await loadPricingRules(services, tenantId);
  const priced = priceItemsWith(ruleSet, { items: resolved.map(({ pricing }) => pricing), customerSegment, date });
  const items = resolved.map(({ plan }, index) => ({ plan, priced: priced[index] as PricedItem }));
  return { date, customerId, customerSegment, items, totals: totalsOf(items.map(({ priced: item }) => item)), rulesJudged: ruleSet.rules.length };
}

function requireQuoteItems(items: readonly PriceQuoteItemInput[]): RequestedItem[] {
  if (!Array.isArray(items) || items.length === 0 || items.length > priceQuoteLimits.itemsMax) {
    throw new DomainError('VALIDATION_FAILED', `items must hold 1 to ${priceQuoteLimits.itemsMax} items`, { field: 'items' });
  }
  return items.map((entry, index) => {
    const field = (name: string) => `items[${index}].${name}`;
    const planId = requireIdentifier(entry.planId, field('planId'));
    const version = entry.version === null || entry.version === undefined ? 'current' : entry.version;
    if (version !== 'current' && (!Number.isSafeInteger(version) || version < 1 || version > planLimits.versionsMax)) {
      throw new DomainError('VALIDATION_FAILED', `${field('version')} must be a version number from 1 to ${planLimits.versionsMax}, or null for the current version`, { field: field('version') });
    }
    if (!isCurrencyCode(entry.currency)) {
      throw new DomainError('VALIDATION_FAILED', `${field('currency')} must be an ISO 4217 currency code such as "EUR" (got ${JSON.stringify(entry.currency)})`, { field: field('currency') });
    }
    return { planId, version, currency: entry.currency, quantity: entry.quantity, unitPrice: entry.unitPrice ?? null };
  });
}

function resolveItem(index: number, item: RequestedItem, plan: PlanRecord, version: PlanVersionRecord | undefined, versionNumber: number): { plan: QuotedPlan; pricing: PricedItemInput } {
  if (version === undefined) {
    throw new DomainError('PLAN_VERSION_NOT_FOUND', `items[${index}].version: plan ${plan.id} has no version ${versionNumber} (its versions are 1 to ${plan.currentVersion})`, {
      field: `items[${index}].version`,
      planId: plan.id,
      version: versionNumber,
      latestVersion: plan.currentVersion,
    });
  }
  const price = version.prices.find((entry) => entry.currency === item.currency);
  if (price === undefined) {
    const available = version.prices.map((entry) => entry.currency);
    throw new DomainError(
      'PRICE_NOT_AVAILABLE_IN_CURRENCY',
      `items[${index}].currency: plan ${plan.id} version ${versionNumber} has no price in ${item.currency} (it is priced in ${available.join(', ')})`,
      { field: `items[${index}].currency`, planId: plan.id, version: versionNumber, currency: item.currency, availableCurrencies: available },
    );
  }
  return {
    plan: { planId: plan.id, version: versionNumber, name: plan.name, productId: plan.productId, serviceType: plan.serviceType, kind: plan.kind, status: plan.status, versionUnitPrice: price.amount },
    pricing: {
      planId: plan.id,
      productId: plan.productId,
      serviceType: plan.serviceType,
      quantity: item.quantity,
      unitPrice: item.unitPrice ?? price.amount,
      currency: item.currency,
    },
  };
}

/** Sums are never bounded (docs/domain.md, "The amount bound"): the figures are read as computed amounts. */
function totalsOf(items: readonly PricedItem[]): PriceQuoteTotal[] {
  const currencies = [...new Set(items.map((item) => item.currency))].sort();
  return translatingMoneyErrors(() =>
    currencies.map((currency) => {
      const ofCurrency = items.filter((item) => item.currency === currency);
      const sum = (amounts: readonly string[]) => Money.sum(amounts.map((amount) => Money.parseComputed(amount, currency)), currency).toString();
      return { currency, listAmount: sum(ofCurrency.map((item) => item.listAmount)), amount: sum(ofCurrency.map((item) => item.amount)) };
    }),
  );
}
