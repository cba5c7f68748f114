import {
  isDomainError,
  planProductContextOf,
  type PlanCommand,
  type PlanVersionTermsInput,
  type PricingRuleCommand,
  type PricingRuleDefinitionInput,
  type ProductCommand,
  type ServiceType,
} from '../../libs/billing/src/index.js';
import { aggregates, executeCommand, load, uuidV5, type CommandContext, type CommandWithoutMetadata } from '../../libs/application/src/index.js';
import type { EventStore, RecordedEvent } from '../../libs/event-store/src/index.js';
import { mulberry32 } from '../../libs/testing/src/seeded-random.js';
import { readSettledLog } from '../../libs/testing/src/settled-log.js';

/**
 * A catalog history for the projection specs, made by the real deciders through the one executor and recorded by the
 * real store: products, plans and pricing rules in two tenants under the same ids (so that a row keyed without its
 * tenant would collide), driven by a seeded generator so that a run can be replayed. Commands a decider refuses (an
 * archived product, a rule never created...) are simply not recorded, as a client would see them refused.
 *
 * recordedAt is replaced by one instant a second apart in log order, so two runs give byte-identical rows.
 */
export const catalogHistoryTenants = ['cat-one', 'cat-two'] as const;

const PRODUCT_IDS = ['p-0', 'p-1', 'p-2', 'p-3', 'p-4'];
const PLAN_IDS = ['plan-0', 'plan-1', 'plan-2', 'plan-3', 'plan-4', 'plan-5', 'plan-6'];
const RULE_IDS = ['r-0', 'r-1', 'r-2', 'r-3', 'r-4', 'r-5'];
const SERVICE_TYPES: ServiceType[] = ['broadband', 'voice', 'video', 'bundle', 'addon', 'custom'];
const PRICES: Record<string, string[]> = { USD: ['0.00', '9.99', '50.00', '120.50'], EUR: ['45.00', '8.10'], JPY: ['5000', '980'] };

export async function catalogHistory(store: EventStore, steps: number, seed: number): Promise<RecordedEvent[]> {
  const random = mulberry32(seed);
  const pick = <Value>(values: readonly Value[]): Value => values[Math.floor(random() * values.length)] as Value;
  const chance = (probability: number) => random() < probability;
  const base = Date.parse('2026-01-05T08:00:00.000Z');

  for (let step = 0; step < steps; step += 1) {
    const tenantId = pick(catalogHistoryTenants);
    const context: CommandContext = {
      tenantId,
      actor: 'catalog-history',
      commandId: uuidV5(`catalog-history:${seed}:${step}`),
      correlationId: 'catalog-history',
      causationId: 'catalog-history',
      now: new Date(base + step * 60_000).toISOString(),
    };
    try {
      const roll = random();
      if (roll < 0.25) await productCommand(store, context, pick(PRODUCT_IDS), pick, chance);
      else if (roll < 0.65) await planCommand(store, context, pick(PLAN_IDS), pick, chance);
      else await ruleCommand(store, context, pick(RULE_IDS), pick, chance);
    } catch (error) {
      if (!isDomainError(error)) throw error;
    }
  }
  const events = await readSettledLog(store, { filter: { streamPrefixes: catalogHistoryTenants.map((tenant) => `${tenant}:`) } });
  const recordedBase = Date.parse('2026-02-01T00:00:00.000Z');
  return events.map((event, index) => ({ ...event, recordedAt: new Date(recordedBase + index * 1_000) }));
}

type Pick = <Value>(values: readonly Value[]) => Value;

async function productCommand(store: EventStore, context: CommandContext, productId: string, pick: Pick, chance: (probability: number) => boolean): Promise<void> {
  const { state } = await load(store, aggregates.product, context.tenantId, productId);
  const described = { name: pick(['Fibre', 'Phone', 'TV', 'Extras']), description: chance(0.5) ? null : pick(['Fast', 'Cheap', 'Unlimited']) };
  const command: CommandWithoutMetadata<ProductCommand> =
    state.status === 'none'
      ? { type: 'CreateProduct', data: { productId, serviceType: pick(SERVICE_TYPES), ...described } }
      : chance(0.7)
        ? { type: 'UpdateProduct', data: { productId, ...described } }
        : { type: 'ArchiveProduct', data: { productId } };
  await executeCommand(store, context, aggregates.product.on(productId, { command: () => command }));
}

async function planCommand(store: EventStore, context: CommandContext, planId: string, pick: Pick, chance: (probability: number) => boolean): Promise<void> {
  const { state } = await load(store, aggregates.plan, context.tenantId, planId);
  if (state.status === 'none') {
    const productId = pick(PRODUCT_IDS);
    const kind = pick(['base', 'base', 'addon', 'bundle'] as const);
    const others = PLAN_IDS.filter((id) => id !== planId);
    const linked = kind === 'addon' ? { basePlanIds: [pick(others)] } : kind === 'bundle' ? { bundledPlanIds: others.slice(0, 2) } : {};
    await executeCommand(store, context, aggregates.plan.on(planId, {
      read: async () => planProductContextOf((await load(store, aggregates.product, context.tenantId, productId)).state),
      command: (_state, product) => ({ type: 'CreatePlan', data: { planId, productId, kind, name: `Plan ${planId}`, terms: { ...randomTerms(pick, chance), ...linked }, product } }),
    }));
    return;
  }
  const linked = { basePlanIds: state.versions.at(-1)?.basePlanIds ?? null, bundledPlanIds: state.versions.at(-1)?.bundledPlanIds ?? null };
  const command: CommandWithoutMetadata<PlanCommand> = pick([
    { type: 'PublishPlanVersion', data: { planId, terms: { ...randomTerms(pick, chance), ...linked } } },
    { type: 'PublishPlanVersion', data: { planId, terms: { ...randomTerms(pick, chance), ...linked } } },
    { type: 'RenamePlan', data: { planId, name: pick(['Basic', 'Plus', 'Max']) } },
    { type: 'ArchivePlan', data: { planId } },
    { type: 'UnarchivePlan', data: { planId } },
  ] as const);
  await executeCommand(store, context, aggregates.plan.on(planId, { command: () => command }));
}

function randomTerms(pick: Pick, chance: (probability: number) => boolean): PlanVersionTermsInput {
  const currencies = Object.keys(PRICES).filter((currency, index) => index === 0 || chance(0.5));
  const prices = currencies.map((currency) => ({ currency, amount: pick(PRICES[currency] as string[]) }));
  return {
    cycle: pick([{ kind: 'monthly' }, { kind: 'annual' }, { kind: 'custom', unit: 'days', count: 14 }] as const),
    timing: pick(['in_advance', 'in_arrears'] as const),
    prices,
    setupFees: chance(0.3) ? [{ currency: 'USD', amount: '25.00' }] : null,
    trialDays: pick([0, 14, 30]),
    taxTreatment: pick([{ kind: 'standard' }, { kind: 'exempt' }, { kind: 'rate', rate: '8.5' }] as const),
  };
}

async function ruleCommand(store: EventStore, context: CommandContext, ruleId: string, pick: Pick, chance: (probability: number) => boolean): Promise<void> {
  const { state } = await load(store, aggregates.pricingRule, context.tenantId, ruleId);
  const definition = (): PricingRuleDefinitionInput => ({
    name: pick(['Spring promo', 'Loyalty', 'Bulk']),
    adjustment: pick([
      { kind: 'percentage', percentOff: pick(['10', '12.5', '100']) },
      { kind: 'amount_off', amountsOff: [{ currency: 'USD', amount: pick(['1', '0.0045']) }] },
      { kind: 'fixed_price', unitPrices: [{ currency: 'EUR', amount: '0' }, { currency: 'USD', amount: '19.99' }] },
    ] as const),
    conditions: chance(0.5) ? null : { planIds: chance(0.5) ? [pick(PLAN_IDS)] : null, customerSegments: chance(0.5) ? ['smb'] : null, validFrom: '2026-01-01', usageLimit: chance(0.5) ? 3 : null },
    priority: pick([0, 10, 20]),
    stacking: pick(['stackable', 'exclusive'] as const),
  });
  const command: CommandWithoutMetadata<PricingRuleCommand> =
    state.status === 'none'
      ? { type: 'CreatePricingRule', data: { ruleId, ...definition() } }
      : pick([
          { type: 'UpdatePricingRule', data: { ruleId, ...definition() } },
          { type: 'DeactivatePricingRule', data: { ruleId } },
          { type: 'ReactivatePricingRule', data: { ruleId } },
        ] as const);
  await executeCommand(store, context, aggregates.pricingRule.on(ruleId, { command: () => command }));
}

