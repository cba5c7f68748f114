import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pricingLimits } from '../../libs/billing/src/index.js';
import { expectRejectedWithoutEvents, headOfLog } from '../support/expect-rejected.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { newTenant, UPSERT_CUSTOMER } from '../support/settings-effect.support.js';

/**
 * Pricing rules over HTTP (every mutation and query, refusals with their codes and nothing appended) and the pricing
 * simulator, priceQuote: list and final prices, the rules applied in order and those skipped with why, on the
 * tenant's today, without writing anything.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

interface Tenant {
  tenantId: string;
  key: string;
}

interface RuleView {
  id: string;
  revision: number;
  name: string;
  kind: string;
  adjustment: { kind: string; percentOff: string | null; amountsOff: { amount: string; currency: string }[] | null; unitPrices: { amount: string; currency: string }[] | null };
  conditions: {
    planIds: string[] | null;
    productIds: string[] | null;
    serviceTypes: string[] | null;
    customerSegments: string[] | null;
    minimumQuantity: string | null;
    validFrom: string | null;
    validUntil: string | null;
    usageLimit: number | null;
  };
  priority: number;
  stacking: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
}

interface QuoteItemView {
  plan: { planId: string; version: number; name: string; status: string; versionUnitPrice: string };
  currency: string;
  quantity: string;
  listUnitPrice: string;
  unitPrice: string;
  listAmount: { amount: string; currency: string };
  amount: { amount: string; currency: string };
  applied: { ruleId: string; revision: number; kind: string; priority: number; stacking: string; unitPriceBefore: string; unitPriceAfter: string; clampedAtZero: boolean }[];
  skipped: { ruleId: string; reason: string }[];
}

interface QuoteView {
  date: string;
  customerId: string | null;
  customerSegment: string | null;
  items: QuoteItemView[];
  totals: { currency: string; listAmount: { amount: string }; amount: { amount: string } }[];
  rulesJudged: number;
}

const RULE_FIELDS =
  'id revision name kind adjustment { kind percentOff amountsOff { amount currency } unitPrices { amount currency } } ' +
  'conditions { planIds productIds serviceTypes customerSegments minimumQuantity validFrom validUntil usageLimit } priority stacking active createdAt updatedAt deactivatedAt';
const ruleMutation = (name: string, input: string) => `mutation ($input: ${input}!) { ${name}(input: $input) { position pricingRule { ${RULE_FIELDS} } } }`;
const MUTATIONS = {
  createPricingRule: ruleMutation('createPricingRule', 'CreatePricingRuleInput'),
  updatePricingRule: ruleMutation('updatePricingRule', 'UpdatePricingRuleInput'),
  deactivatePricingRule: ruleMutation('deactivatePricingRule', 'DeactivatePricingRuleInput'),
  reactivatePricingRule: ruleMutation('reactivatePricingRule', 'ReactivatePricingRuleInput'),
} as const;
type RuleMutation = keyof typeof MUTATIONS;

const RULE_QUERY = `query ($id: ID!, $minPosition: String) { pricingRule(id: $id, minPosition: $minPosition) { ${RULE_FIELDS} } }`;
const RULES_QUERY = `query ($filter: PricingRuleFilter, $first: Int, $after: String, $minPosition: String) {
  pricingRules(filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { node { id priority active kind } } pageInfo { hasNextPage endCursor } } }`;
const QUOTE_QUERY = `query ($input: PriceQuoteInput!, $minPosition: String) { priceQuote(input: $input, minPosition: $minPosition) {
  date customerId customerSegment rulesJudged totals { currency listAmount { amount } amount { amount } }
  items { plan { planId version name status versionUnitPrice } currency quantity listUnitPrice unitPrice listAmount { amount currency } amount { amount currency }
    applied { ruleId revision kind priority stacking unitPriceBefore unitPriceAfter clampedAtZero } skipped { ruleId reason } } } }`;
const CREATE_PRODUCT = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { position } }';
const CREATE_PLAN = 'mutation ($input: CreatePlanInput!) { createPlan(input: $input) { position } }';
const PUBLISH_PLAN_VERSION = 'mutation ($input: PublishPlanVersionInput!) { publishPlanVersion(input: $input) { position } }';
const ARCHIVE_PLAN = 'mutation ($input: ArchivePlanInput!) { archivePlan(input: $input) { position } }';
const UPDATE_TENANT_PROFILE = 'mutation ($input: UpdateTenantProfileInput!) { updateTenantProfile(input: $input) { position } }';

function send(tenant: Tenant, name: RuleMutation, input: Record<string, unknown>): Promise<GraphQLHttpResponse<Record<string, { position: string; pricingRule: RuleView }>>> {
  return ledger.graphql(MUTATIONS[name], { input }, tenant.key);
}

async function sendOk(tenant: Tenant, name: RuleMutation, input: Record<string, unknown>): Promise<{ position: string; pricingRule: RuleView }> {
  return requireData(await send(tenant, name, input), name)[name] as { position: string; pricingRule: RuleView };
}

async function mutateOk(tenant: Tenant, document: string, input: Record<string, unknown>): Promise<string> {
  const data = requireData(await ledger.graphql<Record<string, { position: string }>>(document, { input }, tenant.key), document.slice(0, 60));
  return (Object.values(data)[0] as { position: string }).position;
}

function quote(tenant: Tenant, input: Record<string, unknown>, minPosition?: string): Promise<GraphQLHttpResponse<{ priceQuote: QuoteView }>> {
  return ledger.graphql<{ priceQuote: QuoteView }>(QUOTE_QUERY, { input, minPosition }, tenant.key);
}

async function quoteOk(tenant: Tenant, input: Record<string, unknown>, minPosition?: string): Promise<QuoteView> {
  return requireData(await quote(tenant, input, minPosition), 'priceQuote').priceQuote;
}

const percentOff = (ruleId: string, percent: string, priority: number, extra: Record<string, unknown> = {}) => ({
  ruleId,
  name: `${percent}% off`,
  adjustment: { kind: 'PERCENTAGE', percentOff: percent },
  priority,
  stacking: 'STACKABLE',
  ...extra,
});

const amountOff = (ruleId: string, amount: string, priority: number, extra: Record<string, unknown> = {}) => ({
  ruleId,
  name: `${amount} off`,
  adjustment: { kind: 'AMOUNT_OFF', amountsOff: [{ currency: 'USD', amount }] },
  priority,
  stacking: 'STACKABLE',
  ...extra,
});

const monthlyTerms = (usd: string) => ({ cycle: { kind: 'MONTHLY' }, timing: 'IN_ADVANCE', prices: [{ currency: 'USD', amount: usd }, { currency: 'EUR', amount: '45.00' }], taxTreatment: { kind: 'STANDARD' } });

/** A tenant with product fibre and plan fibre-100 (50.00 USD, 45.00 EUR a month); returns the last position. */
async function withCatalog(): Promise<Tenant & { position: string }> {
  const tenant = await newTenant(ledger, 'pricing');
  await mutateOk(tenant, CREATE_PRODUCT, { productId: 'fibre', name: 'Fibre', serviceType: 'BROADBAND' });
  const position = await mutateOk(tenant, CREATE_PLAN, { planId: 'fibre-100', productId: 'fibre', kind: 'BASE', name: 'Fibre 100', terms: monthlyTerms('50.00') });
  return { ...tenant, position };
}

const fibre = (quantity = '1', extra: Record<string, unknown> = {}) => ({ planId: 'fibre-100', quantity, currency: 'USD', ...extra });

describe('pricing rules', () => {
  it('createPricingRule answers the rule at revision 1, active, with its conditions canonical (lists sorted); pricingRule(id) reads it back', async () => {
    const tenant = await newTenant(ledger, 'pricing');
    const created = await sendOk(tenant, 'createPricingRule', {
      ...amountOff('loyal', '5.00', 20),
      conditions: { planIds: ['plan-b', 'plan-a'], serviceTypes: ['VOICE', 'BROADBAND'], customerSegments: ['smb'], minimumQuantity: '2', validFrom: '2026-01-01', validUntil: '2027-01-01', usageLimit: 100 },
    });
    expect(created.pricingRule).toEqual({
      id: 'loyal',
      revision: 1,
      name: '5.00 off',
      kind: 'AMOUNT_OFF',
      adjustment: { kind: 'AMOUNT_OFF', percentOff: null, amountsOff: [{ amount: '5.00', currency: 'USD' }], unitPrices: null },
      conditions: { planIds: ['plan-a', 'plan-b'], productIds: null, serviceTypes: ['BROADBAND', 'VOICE'], customerSegments: ['smb'], minimumQuantity: '2', validFrom: '2026-01-01', validUntil: '2027-01-01', usageLimit: 100 },
      priority: 20,
      stacking: 'STACKABLE',
      active: true,
      createdAt: expect.any(String),
      updatedAt: created.pricingRule.createdAt,
      deactivatedAt: null,
    });
    const read = requireData(await ledger.graphql<{ pricingRule: RuleView }>(RULE_QUERY, { id: 'loyal', minPosition: created.position }, tenant.key), 'pricingRule').pricingRule;
    expect(read).toEqual(created.pricingRule);
  });

  it('updatePricingRule makes revision 2 with the whole new definition; the same definition again appends nothing', async () => {
    const tenant = await newTenant(ledger, 'pricing');
    await sendOk(tenant, 'createPricingRule', percentOff('promo', '10', 10, { conditions: { usageLimit: 5 } }));
    const updated = await sendOk(tenant, 'updatePricingRule', { ...percentOff('promo', '15', 5), stacking: 'EXCLUSIVE' });
    expect(updated.pricingRule).toMatchObject({ revision: 2, name: '15% off', priority: 5, stacking: 'EXCLUSIVE', adjustment: { percentOff: '15' }, conditions: { usageLimit: null } });
    const head = await headOfLog(ledger);
    // "15.0" is the same percentage as "15": no change.
    expect((await sendOk(tenant, 'updatePricingRule', { ...percentOff('promo', '15.0', 5), name: '15% off', stacking: 'EXCLUSIVE' })).pricingRule).toEqual(updated.pricingRule);
    expect(await headOfLog(ledger)).toBe(head);
  });

  it('deactivatePricingRule and reactivatePricingRule switch it, keeping its revision; a second time appends nothing; an inactive rule is not revised', async () => {
    const tenant = await newTenant(ledger, 'pricing');
    await sendOk(tenant, 'createPricingRule', percentOff('promo', '10', 10));
    const deactivated = await sendOk(tenant, 'deactivatePricingRule', { ruleId: 'promo' });
    expect(deactivated.pricingRule).toMatchObject({ active: false, revision: 1, deactivatedAt: deactivated.pricingRule.updatedAt });
    let head = await headOfLog(ledger);
    await sendOk(tenant, 'deactivatePricingRule', { ruleId: 'promo' });
    expect(await headOfLog(ledger)).toBe(head);
    await expectRejectedWithoutEvents(ledger, 'PRICING_RULE_NOT_ACTIVE', () => send(tenant, 'updatePricingRule', percentOff('promo', '20', 10)));
    const reactivated = await sendOk(tenant, 'reactivatePricingRule', { ruleId: 'promo' });
    expect(reactivated.pricingRule).toMatchObject({ active: true, revision: 1, deactivatedAt: null });
    head = await headOfLog(ledger);
    await sendOk(tenant, 'reactivatePricingRule', { ruleId: 'promo' });
    expect(await headOfLog(ledger)).toBe(head);
    expect((await ledger.tenantEvents(tenant.tenantId)).map((event) => event.type)).toEqual(['PricingRuleCreated', 'PricingRuleDeactivated', 'PricingRuleReactivated']);
  });

  it.each([
    ['a percentage of 0', percentOff('r', '0', 1), 'VALIDATION_FAILED'],
    ['a percentage over 100', percentOff('r', '100.5', 1), 'VALIDATION_FAILED'],
    ['a percentage rule without its percentage', { ...percentOff('r', '10', 1), adjustment: { kind: 'PERCENTAGE' } }, 'VALIDATION_FAILED'],
    ['a percentage rule with amounts off (a figure of another kind)', { ...percentOff('r', '10', 1), adjustment: { kind: 'PERCENTAGE', percentOff: '10', amountsOff: [{ currency: 'USD', amount: '1' }] } }, 'VALIDATION_FAILED'],
    ['an amount off of 0', amountOff('r', '0', 1), 'VALIDATION_FAILED'],
    ['an amount off in an unknown currency', { ...amountOff('r', '1', 1), adjustment: { kind: 'AMOUNT_OFF', amountsOff: [{ currency: 'XYZ', amount: '1' }] } }, 'VALIDATION_FAILED'],
    ['a per-unit amount with 7 decimals', amountOff('r', '0.0000001', 1), 'VALIDATION_FAILED'],
    ['a fixed price of 10^12', { ...amountOff('r', '1', 1), adjustment: { kind: 'FIXED_PRICE', unitPrices: [{ currency: 'USD', amount: '1000000000000' }] } }, 'AMOUNT_OUT_OF_RANGE'],
    ['an empty condition list', percentOff('r', '10', 1, { conditions: { planIds: [] } }), 'VALIDATION_FAILED'],
    ['a window ending before it starts', percentOff('r', '10', 1, { conditions: { validFrom: '2026-05-01', validUntil: '2026-05-01' } }), 'VALIDATION_FAILED'],
    ['a usage limit of 0', percentOff('r', '10', 1, { conditions: { usageLimit: 0 } }), 'VALIDATION_FAILED'],
    ['a negative priority', percentOff('r', '10', -1), 'VALIDATION_FAILED'],
    ['a malformed rule id', percentOff('r 1', '10', 1), 'VALIDATION_FAILED'],
    ['an empty name', { ...percentOff('r', '10', 1), name: '' }, 'VALIDATION_FAILED'],
  ] as const)('createPricingRule refuses %s with %s and appends nothing', async (_case, input, code) => {
    const tenant = await newTenant(ledger, 'pricing');
    await expectRejectedWithoutEvents(ledger, code, () => send(tenant, 'createPricingRule', input));
  });

  it('a rule mutation retried with its key answers the stored rule and appends nothing; other input under the key is IDEMPOTENCY_KEY_REUSED', async () => {
    const tenant = await newTenant(ledger, 'pricing');
    const input = { ...percentOff('promo', '10', 10), idempotencyKey: 'create-promo' };
    const first = await sendOk(tenant, 'createPricingRule', input);
    await sendOk(tenant, 'deactivatePricingRule', { ruleId: 'promo' });
    const head = await headOfLog(ledger);
    expect(await sendOk(tenant, 'createPricingRule', input)).toEqual(first);
    expect(await headOfLog(ledger)).toBe(head);
    await expectRejectedWithoutEvents(ledger, 'IDEMPOTENCY_KEY_REUSED', () => send(tenant, 'createPricingRule', { ...input, priority: 11 }));
  });

  it('another definition under an existing id is ALREADY_EXISTS; a rule never created is NOT_FOUND for every other command', async () => {
    const tenant = await newTenant(ledger, 'pricing');
    await sendOk(tenant, 'createPricingRule', percentOff('promo', '10', 10));
    await expectRejectedWithoutEvents(ledger, 'ALREADY_EXISTS', () => send(tenant, 'createPricingRule', percentOff('promo', '20', 10)));
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => send(tenant, 'updatePricingRule', percentOff('ghost', '20', 10)));
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => send(tenant, 'deactivatePricingRule', { ruleId: 'ghost' }));
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => send(tenant, 'reactivatePricingRule', { ruleId: 'ghost' }));
  });

  it('pricingRules(filter, first, after) lists in the engine order (priority, then rule id), by activity and kind', async () => {
    const tenant = await newTenant(ledger, 'pricing');
    await sendOk(tenant, 'createPricingRule', percentOff('r-c', '10', 5));
    await sendOk(tenant, 'createPricingRule', amountOff('r-a', '1', 20));
    await sendOk(tenant, 'createPricingRule', percentOff('r-b', '5', 5));
    await sendOk(tenant, 'createPricingRule', percentOff('r-d', '5', 0));
    const { position } = await sendOk(tenant, 'deactivatePricingRule', { ruleId: 'r-b' });
    const ids = async (filter: Record<string, unknown> | null) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page += 1) {
        type Page = { pricingRules: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
        const result: Page = requireData(await ledger.graphql<Page>(RULES_QUERY, { filter, first: 1, after, minPosition: position }, tenant.key), 'pricingRules');
        seen.push(...result.pricingRules.edges.map((edge) => edge.node.id));
        if (!result.pricingRules.pageInfo.hasNextPage) break;
        after = result.pricingRules.pageInfo.endCursor;
      }
      return seen;
    };
    expect(await ids(null)).toEqual(['r-d', 'r-b', 'r-c', 'r-a']);
    expect(await ids({ active: true })).toEqual(['r-d', 'r-c', 'r-a']);
    expect(await ids({ active: false })).toEqual(['r-b']);
    expect(await ids({ kind: 'PERCENTAGE' })).toEqual(['r-d', 'r-b', 'r-c']);
    expect(await ids({ kind: 'AMOUNT_OFF', active: true })).toEqual(['r-a']);
    expect(firstErrorCode(await ledger.graphql(RULES_QUERY, { first: 1, after: 'bm90LWEtY3Vyc29y' }, tenant.key))).toBe('VALIDATION_FAILED');
  });

  it(`at most ${pricingLimits.rulesMax} rules are active at once: one more (a creation or a reactivation) is VALIDATION_FAILED and appends nothing`, async () => {
    const tenant = await withCatalog();
    for (let index = 0; index < pricingLimits.rulesMax - 1; index += 1) await sendOk(tenant, 'createPricingRule', percentOff(`bulk-${index}`, '1', index));
    let { position } = await sendOk(tenant, 'createPricingRule', percentOff('spare', '1', 500));
    // The count is the read model's: wait for it to include the last rule, as a client would.
    expect((await quoteOk(tenant, { items: [fibre()] }, position)).rulesJudged).toBe(pricingLimits.rulesMax);
    await expectRejectedWithoutEvents(ledger, 'VALIDATION_FAILED', () => send(tenant, 'createPricingRule', percentOff('one-too-many', '1', 1)));
    position = (await sendOk(tenant, 'deactivatePricingRule', { ruleId: 'spare' })).position;
    expect((await quoteOk(tenant, { items: [fibre()] }, position)).rulesJudged).toBe(pricingLimits.rulesMax - 1);
    position = (await sendOk(tenant, 'createPricingRule', percentOff('one-more', '1', 1))).position;
    expect((await quoteOk(tenant, { items: [fibre()] }, position)).rulesJudged).toBe(pricingLimits.rulesMax);
    await expectRejectedWithoutEvents(ledger, 'VALIDATION_FAILED', () => send(tenant, 'reactivatePricingRule', { ruleId: 'spare' }));
  }, 120_000);
});

describe('priceQuote', () => {
  it('without rules, the list price of the current version: 3 x 50.00 = 150.00, on the tenant today, nothing applied', async () => {
    const tenant = await withCatalog();
    const answer = await quoteOk(tenant, { items: [fibre('3')] }, tenant.position);
    expect(answer).toEqual({
      date: ledger.clock.today(),
      customerId: null,
      customerSegment: null,
      rulesJudged: 0,
      totals: [{ currency: 'USD', listAmount: { amount: '150.00' }, amount: { amount: '150.00' } }],
      items: [
        {
          plan: { planId: 'fibre-100', version: 1, name: 'Fibre 100', status: 'ACTIVE', versionUnitPrice: '50.00' },
          currency: 'USD',
          quantity: '3',
          listUnitPrice: '50.00',
          unitPrice: '50.00',
          listAmount: { amount: '150.00', currency: 'USD' },
          amount: { amount: '150.00', currency: 'USD' },
          applied: [],
          skipped: [],
        },
      ],
    });
  });

  it('a price change makes version 2; a quote for version 1 still prices at the old price, the current one at the new', async () => {
    const tenant = await withCatalog();
    const position = await mutateOk(tenant, PUBLISH_PLAN_VERSION, { planId: 'fibre-100', terms: monthlyTerms('60.00') });
    const answer = await quoteOk(tenant, { items: [fibre('1', { version: 1 }), fibre('1'), fibre('1', { version: 2 })] }, position);
    expect(answer.items.map((item) => [item.plan.version, item.listUnitPrice, item.amount.amount])).toEqual([
      [1, '50.00', '50.00'],
      [2, '60.00', '60.00'],
      [2, '60.00', '60.00'],
    ]);
    expect(answer.totals).toEqual([{ currency: 'USD', listAmount: { amount: '170.00' }, amount: { amount: '170.00' } }]);
  });

  it('a percentage then an amount off, in priority order: 50.00 -> 45.00 -> 40.00 per unit, each step starting where the one before ended', async () => {
    const tenant = await withCatalog();
    // Created in the other order: the priority decides, not the creation.
    await sendOk(tenant, 'createPricingRule', amountOff('five-off', '5.00', 20));
    const { position } = await sendOk(tenant, 'createPricingRule', percentOff('ten-pct', '10', 10));
    const [item] = (await quoteOk(tenant, { items: [fibre('2')] }, position)).items;
    expect(item?.applied).toEqual([
      { ruleId: 'ten-pct', revision: 1, kind: 'PERCENTAGE', priority: 10, stacking: 'STACKABLE', unitPriceBefore: '50.00', unitPriceAfter: '45.00', clampedAtZero: false },
      { ruleId: 'five-off', revision: 1, kind: 'AMOUNT_OFF', priority: 20, stacking: 'STACKABLE', unitPriceBefore: '45.00', unitPriceAfter: '40.00', clampedAtZero: false },
    ]);
    expect(item).toMatchObject({ listUnitPrice: '50.00', unitPrice: '40.00', listAmount: { amount: '100.00' }, amount: { amount: '80.00' }, skipped: [] });
  });

  it('an exclusive rule that comes first applies alone; an exclusive rule after a stackable one is skipped as excluded', async () => {
    const tenant = await withCatalog();
    await sendOk(tenant, 'createPricingRule', percentOff('stack-10', '10', 10));
    await sendOk(tenant, 'createPricingRule', { ...amountOff('excl-late', '20.00', 30), stacking: 'EXCLUSIVE' });
    let position = (await sendOk(tenant, 'createPricingRule', amountOff('stack-5', '5.00', 20))).position;
    const first = (await quoteOk(tenant, { items: [fibre()] }, position)).items[0];
    expect(first?.applied.map((step) => step.ruleId)).toEqual(['stack-10', 'stack-5']);
    expect(first?.skipped).toEqual([{ ruleId: 'excl-late', reason: 'EXCLUDED_BY_EXCLUSIVE_RULE' }]);
    expect(first?.unitPrice).toBe('40.00');

    position = (await sendOk(tenant, 'createPricingRule', { ...percentOff('excl-first', '50', 1), stacking: 'EXCLUSIVE' })).position;
    const second = (await quoteOk(tenant, { items: [fibre()] }, position)).items[0];
    expect(second?.applied.map((step) => [step.ruleId, step.unitPriceBefore, step.unitPriceAfter])).toEqual([['excl-first', '50.00', '25.00']]);
    expect(second?.skipped).toEqual([
      { ruleId: 'stack-10', reason: 'EXCLUDED_BY_EXCLUSIVE_RULE' },
      { ruleId: 'stack-5', reason: 'EXCLUDED_BY_EXCLUSIVE_RULE' },
      { ruleId: 'excl-late', reason: 'EXCLUDED_BY_EXCLUSIVE_RULE' },
    ]);
  });

  it("the validity window is judged on the tenant's today, in its time zone: [validFrom, validUntil), validUntil excluded", async () => {
    const tenant = await withCatalog();
    // 11:00 UTC on 2 March is already 3 March (01:00) in Kiritimati (UTC+14).
    ledger.clock.setInstant('2026-03-02T11:00:00.000Z');
    await mutateOk(tenant, UPDATE_TENANT_PROFILE, { timeZone: 'Pacific/Kiritimati' });
    await sendOk(tenant, 'createPricingRule', percentOff('march-3', '10', 1, { conditions: { validFrom: '2026-03-03', validUntil: '2026-03-04' } }));
    const { position } = await sendOk(tenant, 'createPricingRule', percentOff('until-march-3', '20', 2, { conditions: { validUntil: '2026-03-03' } }));
    const today = await quoteOk(tenant, { items: [fibre()] }, position);
    expect(today.date).toBe('2026-03-03');
    expect(today.items[0]?.applied.map((step) => step.ruleId)).toEqual(['march-3']);
    expect(today.items[0]?.skipped).toEqual([{ ruleId: 'until-march-3', reason: 'OUTSIDE_VALIDITY' }]);
    const dayBefore = await quoteOk(tenant, { items: [fibre()], date: '2026-03-02' });
    expect(dayBefore.items[0]?.applied.map((step) => step.ruleId)).toEqual(['until-march-3']);
    expect(dayBefore.items[0]?.skipped).toEqual([{ ruleId: 'march-3', reason: 'OUTSIDE_VALIDITY' }]);
    const dayAfter = await quoteOk(tenant, { items: [fibre()], date: '2026-03-04' });
    expect(dayAfter.items[0]?.applied).toEqual([]);
    expect(dayAfter.items[0]?.skipped.map((rule) => rule.reason)).toEqual(['OUTSIDE_VALIDITY', 'OUTSIDE_VALIDITY']);
  });

  it('a usage limit counts applications across the items of one quote: limit 1 applies to the first item, the second skips it', async () => {
    const tenant = await withCatalog();
    const { position } = await sendOk(tenant, 'createPricingRule', amountOff('once', '10.00', 1, { conditions: { usageLimit: 1 } }));
    const answer = await quoteOk(tenant, { items: [fibre('2'), fibre('1')] }, position);
    expect(answer.items.map((item) => [item.applied.map((step) => step.ruleId), item.skipped])).toEqual([
      [['once'], []],
      [[], [{ ruleId: 'once', reason: 'USAGE_LIMIT_REACHED' }]],
    ]);
    expect(answer.totals).toEqual([{ currency: 'USD', listAmount: { amount: '150.00' }, amount: { amount: '130.00' } }]);
    // A quote records nothing: the next quote starts from the same count.
    expect((await quoteOk(tenant, { items: [fibre()] })).items[0]?.applied.map((step) => step.ruleId)).toEqual(['once']);
  });

  it('conditions: segment, plan, minimum quantity and currency, each skipped with its reason; a fixed price clamps nothing and an amount off below zero stops at zero', async () => {
    const tenant = await withCatalog();
    await sendOk(tenant, 'createPricingRule', percentOff('smb', '10', 1, { conditions: { customerSegments: ['smb'] } }));
    await sendOk(tenant, 'createPricingRule', percentOff('other-plan', '10', 2, { conditions: { planIds: ['other'] } }));
    await sendOk(tenant, 'createPricingRule', percentOff('bulk', '10', 3, { conditions: { minimumQuantity: '10' } }));
    await sendOk(tenant, 'createPricingRule', { ...amountOff('gbp', '1.00', 4), adjustment: { kind: 'AMOUNT_OFF', amountsOff: [{ currency: 'GBP', amount: '1.00' }] } });
    await sendOk(tenant, 'createPricingRule', { ...amountOff('fixed', '1', 5), adjustment: { kind: 'FIXED_PRICE', unitPrices: [{ currency: 'USD', amount: '30.00' }] } });
    const { position } = await sendOk(tenant, 'createPricingRule', amountOff('huge', '100.00', 6));
    const answer = await quoteOk(tenant, { items: [fibre('1')] }, position);
    const [item] = answer.items;
    expect(item?.skipped).toEqual([
      { ruleId: 'smb', reason: 'SEGMENT_MISMATCH' },
      { ruleId: 'other-plan', reason: 'PLAN_MISMATCH' },
      { ruleId: 'bulk', reason: 'BELOW_MINIMUM_QUANTITY' },
      { ruleId: 'gbp', reason: 'CURRENCY_NOT_PRICED' },
    ]);
    expect(item?.applied.map((step) => [step.ruleId, step.unitPriceBefore, step.unitPriceAfter, step.clampedAtZero])).toEqual([
      ['fixed', '50.00', '30.00', false],
      ['huge', '30.00', '0.00', true],
    ]);
    expect(item?.amount.amount).toBe('0.00');
    const smb = await quoteOk(tenant, { items: [fibre('10')], customerSegment: 'smb' });
    expect(smb.customerSegment).toBe('smb');
    expect(smb.items[0]?.applied.map((step) => step.ruleId)).toEqual(['smb', 'bulk', 'fixed', 'huge']);
  });

  it('an explicit unit price replaces the version price as the list price; amounts round once, half-up, to the currency', async () => {
    const tenant = await withCatalog();
    const { position } = await sendOk(tenant, 'createPricingRule', percentOff('third', '33.3333', 1));
    const [item] = (await quoteOk(tenant, { items: [fibre('3', { unitPrice: '9.99' })] }, position)).items;
    // 9.99 x (100 - 33.3333) x 0.01 = 6.66000333 exactly (never rounded); 3 x that = 19.98000999, rounded once: 19.98.
    expect(item).toMatchObject({ plan: { versionUnitPrice: '50.00' }, listUnitPrice: '9.99', unitPrice: '6.66000333', listAmount: { amount: '29.97' }, amount: { amount: '19.98' } });
  });

  it('quotes in several currencies total per currency; an archived plan is still quoted, with its status', async () => {
    const tenant = await withCatalog();
    const position = await mutateOk(tenant, ARCHIVE_PLAN, { planId: 'fibre-100' });
    const answer = await quoteOk(tenant, { items: [fibre('2'), { planId: 'fibre-100', quantity: '1', currency: 'EUR' }] }, position);
    expect(answer.items.map((item) => item.plan.status)).toEqual(['ARCHIVED', 'ARCHIVED']);
    expect(answer.totals).toEqual([
      { currency: 'EUR', listAmount: { amount: '45.00' }, amount: { amount: '45.00' } },
      { currency: 'USD', listAmount: { amount: '100.00' }, amount: { amount: '100.00' } },
    ]);
  });

  it('a quote writes nothing: the $all head is where it was, with rules applied and usage limits met', async () => {
    const tenant = await withCatalog();
    const { position } = await sendOk(tenant, 'createPricingRule', amountOff('once', '10.00', 1, { conditions: { usageLimit: 1 } }));
    await ledger.graphql(UPSERT_CUSTOMER, { input: { customerId: 'acme', name: 'Acme', billingAddress: { line1: '1 Main St', city: 'Boston', postalCode: '02101', country: 'US' }, taxExempt: false } }, tenant.key);
    const head = await headOfLog(ledger);
    for (let round = 0; round < 3; round += 1) {
      const answer = await quoteOk(tenant, { items: [fibre('1'), fibre('2')], customerId: 'acme', customerSegment: 'smb' }, position);
      expect(answer.items[0]?.applied.map((step) => step.ruleId)).toEqual(['once']);
    }
    expect(await headOfLog(ledger)).toBe(head);
  });

  it('deactivating a rule takes it out of the next quote read at the deactivation position', async () => {
    const tenant = await withCatalog();
    await sendOk(tenant, 'createPricingRule', percentOff('promo', '10', 1));
    const { position } = await sendOk(tenant, 'deactivatePricingRule', { ruleId: 'promo' });
    const answer = await quoteOk(tenant, { items: [fibre()] }, position);
    expect(answer).toMatchObject({ rulesJudged: 0, items: [{ applied: [], skipped: [], unitPrice: '50.00' }] });
  });

  it.each([
    ['a plan never created', { items: [{ planId: 'ghost', quantity: '1', currency: 'USD' }] }, 'NOT_FOUND', 'items[0].planId'],
    ['a version never published', { items: [fibre('1', { version: 2 })] }, 'PLAN_VERSION_NOT_FOUND', 'items[0].version'],
    ['a currency the version has no price in', { items: [fibre('1', { currency: 'GBP' })] }, 'PRICE_NOT_AVAILABLE_IN_CURRENCY', 'items[0].currency'],
    ['a currency that is not one', { items: [fibre('1', { currency: 'usd' })] }, 'VALIDATION_FAILED', 'items[0].currency'],
    ['a quantity of 0 (second item)', { items: [fibre('1'), fibre('0')] }, 'VALIDATION_FAILED', 'items[1].quantity'],
    ['a quantity with 7 decimals', { items: [fibre('1.0000001')] }, 'VALIDATION_FAILED', 'items[0].quantity'],
    ['a negative unit price', { items: [fibre('1', { unitPrice: '-1' })] }, 'VALIDATION_FAILED', 'items[0].unitPrice'],
    ['a version 0', { items: [fibre('1', { version: 0 })] }, 'VALIDATION_FAILED', 'items[0].version'],
    ['no items', { items: [] }, 'VALIDATION_FAILED', 'items'],
    ['51 items', { items: Array.from({ length: 51 }, () => fibre()) }, 'VALIDATION_FAILED', 'items'],
    ['a customer never registered', { items: [fibre()], customerId: 'ghost' }, 'NOT_FOUND', 'customerId'],
    ['a malformed customer id', { items: [fibre()], customerId: 'a b' }, 'VALIDATION_FAILED', 'customerId'],
    ['a malformed segment', { items: [fibre()], customerSegment: 'small business' }, 'VALIDATION_FAILED', 'customerSegment'],
  ] as const)('refuses %s with %s naming %s, and writes nothing', async (_case, input, code, field) => {
    const tenant = await withCatalog();
    const head = await headOfLog(ledger);
    const response = await quote(tenant, input, tenant.position);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(await headOfLog(ledger)).toBe(head);
  });

  it('an auditor may quote and read rules but not change them; another tenant sees none of them', async () => {
    const tenant = await withCatalog();
    const { position } = await sendOk(tenant, 'createPricingRule', percentOff('promo', '10', 1));
    const auditor = { ...tenant, key: await ledger.createKey(tenant.tenantId, 'auditor') };
    expect((await quoteOk(auditor, { items: [fibre()] }, position)).items[0]?.unitPrice).toBe('45.00');
    for (const name of ['createPricingRule', 'updatePricingRule'] as const) await expectRejectedWithoutEvents(ledger, 'FORBIDDEN', () => send(auditor, name, percentOff('promo', '20', 1)));
    for (const name of ['deactivatePricingRule', 'reactivatePricingRule'] as const) await expectRejectedWithoutEvents(ledger, 'FORBIDDEN', () => send(auditor, name, { ruleId: 'promo' }));
    const other = await newTenant(ledger, 'pricing');
    expect(requireData(await ledger.graphql<{ pricingRule: RuleView | null }>(RULE_QUERY, { id: 'promo', minPosition: position }, other.key), 'pricingRule').pricingRule).toBeNull();
    expect(firstErrorCode(await quote(other, { items: [fibre()] }))).toBe('NOT_FOUND');
  });
});
