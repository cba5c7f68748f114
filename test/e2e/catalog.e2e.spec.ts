import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectRejectedWithoutEvents, headOfLog } from '../support/expect-rejected.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { newTenant } from '../support/settings-effect.support.js';

/**
 * The catalog over HTTP: products and plans with their versions, through every mutation and query, against the real
 * API and read models. Each test has its own tenant; a refusal answers its code, no data, and leaves the $all head
 * where it was.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

interface ProductView {
  id: string;
  name: string;
  description: string | null;
  serviceType: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

interface PlanVersionView {
  version: number;
  cycle: { kind: string; unit: string | null; count: number | null; label: string };
  timing: string;
  prices: { amount: string; currency: string }[];
  setupFees: { amount: string; currency: string }[];
  trialDays: number;
  taxTreatment: { kind: string; rate: string | null };
  basePlanIds: string[];
  bundledPlanIds: string[];
  publishedAt: string;
}

interface PlanView {
  id: string;
  productId: string;
  serviceType: string;
  kind: string;
  name: string;
  status: string;
  currentVersion: number;
  currencies: string[];
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  current: PlanVersionView;
  versions: PlanVersionView[];
}

type Page<Node> = { edges: { cursor: string; node: Node }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const PRODUCT_FIELDS = 'id name description serviceType status createdAt updatedAt archivedAt';
const VERSION_FIELDS = 'version cycle { kind unit count label } timing prices { amount currency } setupFees { amount currency } trialDays taxTreatment { kind rate } basePlanIds bundledPlanIds publishedAt';
const PLAN_FIELDS = `id productId serviceType kind name status currentVersion currencies createdAt updatedAt archivedAt current { ${VERSION_FIELDS} } versions { ${VERSION_FIELDS} }`;

const productMutation = (name: string, input: string) => `mutation ($input: ${input}!) { ${name}(input: $input) { position product { ${PRODUCT_FIELDS} } } }`;
const planMutation = (name: string, input: string) => `mutation ($input: ${input}!) { ${name}(input: $input) { position plan { ${PLAN_FIELDS} } } }`;

const MUTATIONS = {
  createProduct: productMutation('createProduct', 'CreateProductInput'),
  updateProduct: productMutation('updateProduct', 'UpdateProductInput'),
  archiveProduct: productMutation('archiveProduct', 'ArchiveProductInput'),
  createPlan: planMutation('createPlan', 'CreatePlanInput'),
  publishPlanVersion: planMutation('publishPlanVersion', 'PublishPlanVersionInput'),
  renamePlan: planMutation('renamePlan', 'RenamePlanInput'),
  archivePlan: planMutation('archivePlan', 'ArchivePlanInput'),
  unarchivePlan: planMutation('unarchivePlan', 'UnarchivePlanInput'),
} as const;
type MutationName = keyof typeof MUTATIONS;

const PRODUCT_QUERY = `query ($id: ID!, $minPosition: String) { product(id: $id, minPosition: $minPosition) { ${PRODUCT_FIELDS} } }`;
const PRODUCTS_QUERY = `query ($filter: ProductFilter, $first: Int, $after: String, $minPosition: String) {
  products(filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { id serviceType status } } pageInfo { hasNextPage endCursor } } }`;
const PLAN_QUERY = `query ($id: ID!, $number: Int!, $minPosition: String) {
  plan(id: $id, minPosition: $minPosition) { ${PLAN_FIELDS} version(number: $number) { version prices { amount currency } } } }`;
const PLANS_QUERY = `query ($filter: PlanFilter, $first: Int, $after: String, $minPosition: String) {
  plans(filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { id kind status currencies versions { version } } } pageInfo { hasNextPage endCursor } } }`;

interface Tenant {
  tenantId: string;
  key: string;
}

function send<Data = Record<string, { position: string; product?: ProductView; plan?: PlanView }>>(tenant: Tenant, name: MutationName, input: Record<string, unknown>): Promise<GraphQLHttpResponse<Data>> {
  return ledger.graphql<Data>(MUTATIONS[name], { input }, tenant.key);
}

async function sendOk(tenant: Tenant, name: MutationName, input: Record<string, unknown>): Promise<{ position: string; product: ProductView; plan: PlanView }> {
  const data = requireData(await send(tenant, name, input), name);
  return data[name] as { position: string; product: ProductView; plan: PlanView };
}

async function productOf(tenant: Tenant, id: string, minPosition?: string): Promise<ProductView | null> {
  return requireData(await ledger.graphql<{ product: ProductView | null }>(PRODUCT_QUERY, { id, minPosition }, tenant.key), 'product').product;
}

async function planOf(tenant: Tenant, id: string, minPosition?: string, number = 1): Promise<(PlanView & { version: { version: number; prices: { amount: string; currency: string }[] } | null }) | null> {
  type Data = { plan: (PlanView & { version: { version: number; prices: { amount: string; currency: string }[] } | null }) | null };
  return requireData(await ledger.graphql<Data>(PLAN_QUERY, { id, number, minPosition }, tenant.key), 'plan').plan;
}

/** Every page of a list, following endCursor. */
async function allPages<Node>(tenant: Tenant, query: string, field: string, variables: Record<string, unknown>): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page += 1) {
    const data: Record<string, Page<Node>> = requireData(await ledger.graphql<Record<string, Page<Node>>>(query, { ...variables, after }, tenant.key), field);
    const result = data[field] as Page<Node>;
    nodes.push(...result.edges.map((edge) => edge.node));
    if (!result.pageInfo.hasNextPage) return nodes;
    after = result.pageInfo.endCursor;
  }
  throw new Error(`${field} did not end within 20 pages`);
}

const broadband = { productId: 'fibre', name: 'Fibre broadband', description: 'Up to 1 Gbit/s', serviceType: 'BROADBAND' };

const monthlyTerms = {
  cycle: { kind: 'MONTHLY' },
  timing: 'IN_ADVANCE',
  prices: [
    { currency: 'USD', amount: '50.00' },
    { currency: 'EUR', amount: '45.00' },
  ],
  setupFees: [{ currency: 'USD', amount: '25.00' }],
  trialDays: 14,
  taxTreatment: { kind: 'RATE', rate: '20' },
};

/** A tenant with the fibre product and plan fibre-100 (version 1, the terms above). */
async function withFibrePlan(): Promise<Tenant & { position: string }> {
  const tenant = await newTenant(ledger, 'catalog');
  await sendOk(tenant, 'createProduct', broadband);
  const { position } = await sendOk(tenant, 'createPlan', { planId: 'fibre-100', productId: 'fibre', kind: 'BASE', name: 'Fibre 100', terms: monthlyTerms });
  return { ...tenant, position };
}

describe('products', () => {
  it('createProduct answers the product and its position; product(id) reads it back from the read model at that position', async () => {
    const tenant = await newTenant(ledger, 'catalog');
    const created = await sendOk(tenant, 'createProduct', broadband);
    expect(created.product).toEqual({
      id: 'fibre',
      name: 'Fibre broadband',
      description: 'Up to 1 Gbit/s',
      serviceType: 'BROADBAND',
      status: 'ACTIVE',
      createdAt: expect.any(String),
      updatedAt: created.product.createdAt,
      archivedAt: null,
    });
    expect(await productOf(tenant, 'fibre', created.position)).toEqual(created.product);
    expect((await ledger.tenantEvents(tenant.tenantId)).map((event) => [event.type, event.streamId])).toEqual([['ProductCreated', `${tenant.tenantId}:product-fibre`]]);
  });

  it('the same product again appends nothing and answers the same; other data under the same id is ALREADY_EXISTS', async () => {
    const tenant = await newTenant(ledger, 'catalog');
    const first = await sendOk(tenant, 'createProduct', broadband);
    const head = await headOfLog(ledger);
    const again = await sendOk(tenant, 'createProduct', broadband);
    expect(await headOfLog(ledger)).toBe(head);
    expect(again).toEqual(first);
    await expectRejectedWithoutEvents(ledger, 'ALREADY_EXISTS', () => send(tenant, 'createProduct', { ...broadband, serviceType: 'VOICE' }));
  });

  it('updateProduct replaces the name and description (a description left out is removed); the same again appends nothing', async () => {
    const tenant = await newTenant(ledger, 'catalog');
    const created = await sendOk(tenant, 'createProduct', broadband);
    const updated = await sendOk(tenant, 'updateProduct', { productId: 'fibre', name: 'Fibre Max' });
    expect(updated.product).toMatchObject({ name: 'Fibre Max', description: null, serviceType: 'BROADBAND', createdAt: created.product.createdAt });
    expect(updated.product.updatedAt > created.product.updatedAt).toBe(true);
    const head = await headOfLog(ledger);
    expect((await sendOk(tenant, 'updateProduct', { productId: 'fibre', name: 'Fibre Max', description: null })).product).toEqual(updated.product);
    expect(await headOfLog(ledger)).toBe(head);
    expect(await productOf(tenant, 'fibre', updated.position)).toEqual(updated.product);
    const updatedEvent = (await ledger.tenantEvents(tenant.tenantId)).find((event) => event.type === 'ProductUpdated');
    expect(updatedEvent?.data).toMatchObject({ name: 'Fibre Max', description: null, previous: { name: 'Fibre broadband', description: 'Up to 1 Gbit/s' } });
  });

  it('archiveProduct takes it off sale (no new plans: PRODUCT_NOT_ACTIVE); archiving again appends nothing; it can still be renamed', async () => {
    const tenant = await newTenant(ledger, 'catalog');
    await sendOk(tenant, 'createProduct', broadband);
    const archived = await sendOk(tenant, 'archiveProduct', { productId: 'fibre' });
    expect(archived.product).toMatchObject({ status: 'ARCHIVED', archivedAt: archived.product.updatedAt });
    const head = await headOfLog(ledger);
    expect((await sendOk(tenant, 'archiveProduct', { productId: 'fibre' })).product).toEqual(archived.product);
    expect(await headOfLog(ledger)).toBe(head);
    await expectRejectedWithoutEvents(ledger, 'PRODUCT_NOT_ACTIVE', () => send(tenant, 'createPlan', { planId: 'p1', productId: 'fibre', kind: 'BASE', name: 'P1', terms: monthlyTerms }));
    expect((await sendOk(tenant, 'updateProduct', { productId: 'fibre', name: 'Legacy fibre' })).product).toMatchObject({ name: 'Legacy fibre', status: 'ARCHIVED' });
  });

  it.each([
    ['createProduct: an empty name', 'createProduct', { ...broadband, name: '  ' }, 'VALIDATION_FAILED'],
    ['createProduct: a malformed id', 'createProduct', { ...broadband, productId: 'fibre 100' }, 'VALIDATION_FAILED'],
    ['createProduct: a description over 2,000 characters', 'createProduct', { ...broadband, description: 'x'.repeat(2001) }, 'VALIDATION_FAILED'],
    ['createProduct: an unknown service type', 'createProduct', { ...broadband, serviceType: 'RADIO' }, 'VALIDATION_FAILED'],
    ['updateProduct: a product never created', 'updateProduct', { productId: 'nope', name: 'X' }, 'NOT_FOUND'],
    ['archiveProduct: a product never created', 'archiveProduct', { productId: 'nope' }, 'NOT_FOUND'],
    ['archiveProduct: a malformed id', 'archiveProduct', { productId: 'a\u0000b' }, 'VALIDATION_FAILED'],
  ] as const)('refuses %s with %s and appends nothing', async (_case, name, input, code) => {
    const tenant = await newTenant(ledger, 'catalog');
    await expectRejectedWithoutEvents(ledger, code, () => send(tenant, name, input));
  });

  it('products(filter, first, after) pages in id order through each filter: service type, archived, both', async () => {
    const tenant = await newTenant(ledger, 'catalog');
    let position = '';
    for (const [productId, serviceType] of [
      ['p-05', 'VOICE'],
      ['p-01', 'BROADBAND'],
      ['p-04', 'BROADBAND'],
      ['p-02', 'VIDEO'],
      ['p-03', 'BROADBAND'],
    ] as const) {
      position = (await sendOk(tenant, 'createProduct', { productId, name: `Product ${productId}`, serviceType })).position;
    }
    position = (await sendOk(tenant, 'archiveProduct', { productId: 'p-04' })).position;
    const ids = async (filter: Record<string, unknown> | null) =>
      (await allPages<{ id: string }>(tenant, PRODUCTS_QUERY, 'products', { filter, first: 2, minPosition: position })).map((node) => node.id);
    expect(await ids(null)).toEqual(['p-01', 'p-02', 'p-03', 'p-04', 'p-05']);
    expect(await ids({ serviceType: 'BROADBAND' })).toEqual(['p-01', 'p-03', 'p-04']);
    expect(await ids({ archived: true })).toEqual(['p-04']);
    expect(await ids({ archived: false })).toEqual(['p-01', 'p-02', 'p-03', 'p-05']);
    expect(await ids({ serviceType: 'BROADBAND', archived: false })).toEqual(['p-01', 'p-03']);
  });

  it('a cursor that is not one of ours, or a page size out of range, is VALIDATION_FAILED', async () => {
    const tenant = await newTenant(ledger, 'catalog');
    expect(firstErrorCode(await ledger.graphql(PRODUCTS_QUERY, { first: 2, after: 'not-a-cursor' }, tenant.key))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(PRODUCTS_QUERY, { first: 101 }, tenant.key))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(PLANS_QUERY, { first: 0 }, tenant.key))).toBe('VALIDATION_FAILED');
  });
});

describe('plans', () => {
  it('createPlan answers the plan with its version 1 and copies the product service type; plan(id) reads the same back', async () => {
    const tenant = await newTenant(ledger, 'catalog');
    await sendOk(tenant, 'createProduct', broadband);
    const created = await sendOk(tenant, 'createPlan', { planId: 'fibre-100', productId: 'fibre', kind: 'BASE', name: 'Fibre 100', terms: monthlyTerms });
    const version1: PlanVersionView = {
      version: 1,
      cycle: { kind: 'MONTHLY', unit: null, count: null, label: 'monthly' },
      timing: 'IN_ADVANCE',
      // Sorted by currency, whatever order they were sent in.
      prices: [
        { amount: '45.00', currency: 'EUR' },
        { amount: '50.00', currency: 'USD' },
      ],
      setupFees: [{ amount: '25.00', currency: 'USD' }],
      trialDays: 14,
      taxTreatment: { kind: 'RATE', rate: '20' },
      basePlanIds: [],
      bundledPlanIds: [],
      publishedAt: created.plan.createdAt,
    };
    expect(created.plan).toEqual({
      id: 'fibre-100',
      productId: 'fibre',
      serviceType: 'BROADBAND',
      kind: 'BASE',
      name: 'Fibre 100',
      status: 'ACTIVE',
      currentVersion: 1,
      currencies: ['EUR', 'USD'],
      createdAt: expect.any(String),
      updatedAt: created.plan.createdAt,
      archivedAt: null,
      current: version1,
      versions: [version1],
    });
    const read = await planOf(tenant, 'fibre-100', created.position);
    expect(read).toEqual({ ...created.plan, version: { version: 1, prices: version1.prices } });
  });

  it('a price change publishes version 2: version 1 keeps its terms and stays readable; the same terms again append nothing', async () => {
    const tenant = await withFibrePlan();
    const newTerms = { ...monthlyTerms, prices: [{ currency: 'USD', amount: '60.00' }], setupFees: null, trialDays: null, taxTreatment: { kind: 'STANDARD', rate: null } };
    const published = await sendOk(tenant, 'publishPlanVersion', { planId: 'fibre-100', terms: newTerms });
    expect(published.plan).toMatchObject({ currentVersion: 2, currencies: ['USD'], current: { version: 2, prices: [{ amount: '60.00', currency: 'USD' }], setupFees: [], trialDays: 0, taxTreatment: { kind: 'STANDARD', rate: null } } });
    expect(published.plan.versions.map((version) => [version.version, version.prices.map((price) => `${price.amount} ${price.currency}`)])).toEqual([
      [1, ['45.00 EUR', '50.00 USD']],
      [2, ['60.00 USD']],
    ]);
    const head = await headOfLog(ledger);
    expect((await sendOk(tenant, 'publishPlanVersion', { planId: 'fibre-100', terms: newTerms })).plan).toEqual(published.plan);
    expect(await headOfLog(ledger)).toBe(head);
    const read = await planOf(tenant, 'fibre-100', published.position, 1);
    expect(read?.version).toEqual({ version: 1, prices: [{ amount: '45.00', currency: 'EUR' }, { amount: '50.00', currency: 'USD' }] });
    expect(read?.versions).toEqual(published.plan.versions);
    expect((await planOf(tenant, 'fibre-100', published.position, 3))?.version).toBeNull();
  });

  it('a custom cycle and an exempt treatment read back as sent; an amount in JPY keeps no decimals', async () => {
    const tenant = await newTenant(ledger, 'catalog');
    await sendOk(tenant, 'createProduct', { ...broadband, productId: 'tv', serviceType: 'VIDEO' });
    const terms = { cycle: { kind: 'CUSTOM', unit: 'DAYS', count: 14 }, timing: 'IN_ARREARS', prices: [{ currency: 'JPY', amount: '5000' }], taxTreatment: { kind: 'EXEMPT' } };
    const created = await sendOk(tenant, 'createPlan', { planId: 'tv-14', productId: 'tv', kind: 'BASE', name: 'TV fortnightly', terms });
    expect(created.plan.current).toMatchObject({
      cycle: { kind: 'CUSTOM', unit: 'DAYS', count: 14, label: 'every 14 days' },
      timing: 'IN_ARREARS',
      prices: [{ amount: '5000', currency: 'JPY' }],
      taxTreatment: { kind: 'EXEMPT', rate: null },
    });
    expect(created.plan.serviceType).toBe('VIDEO');
  });

  it('renamePlan changes the name and publishes no version; archivePlan and unarchivePlan switch the status, each a second time appending nothing', async () => {
    const tenant = await withFibrePlan();
    const renamed = await sendOk(tenant, 'renamePlan', { planId: 'fibre-100', name: 'Fibre 100 (2026)' });
    expect(renamed.plan).toMatchObject({ name: 'Fibre 100 (2026)', currentVersion: 1 });
    expect(renamed.plan.versions).toHaveLength(1);
    const archived = await sendOk(tenant, 'archivePlan', { planId: 'fibre-100' });
    expect(archived.plan).toMatchObject({ status: 'ARCHIVED', archivedAt: archived.plan.updatedAt });
    let head = await headOfLog(ledger);
    await sendOk(tenant, 'archivePlan', { planId: 'fibre-100' });
    await sendOk(tenant, 'renamePlan', { planId: 'fibre-100', name: 'Fibre 100 (2026)' });
    expect(await headOfLog(ledger)).toBe(head);
    await expectRejectedWithoutEvents(ledger, 'PLAN_NOT_ACTIVE', () => send(tenant, 'publishPlanVersion', { planId: 'fibre-100', terms: { ...monthlyTerms, trialDays: 30 } }));
    const unarchived = await sendOk(tenant, 'unarchivePlan', { planId: 'fibre-100' });
    expect(unarchived.plan).toMatchObject({ status: 'ACTIVE', archivedAt: null, currentVersion: 1 });
    head = await headOfLog(ledger);
    await sendOk(tenant, 'unarchivePlan', { planId: 'fibre-100' });
    expect(await headOfLog(ledger)).toBe(head);
    expect(await planOf(tenant, 'fibre-100', unarchived.position)).toMatchObject({ name: 'Fibre 100 (2026)', status: 'ACTIVE', archivedAt: null });
    expect((await ledger.tenantEvents(tenant.tenantId)).map((event) => event.type)).toEqual(['ProductCreated', 'PlanCreated', 'PlanRenamed', 'PlanArchived', 'PlanUnarchived']);
  });

  it('add-ons attach to existing base plans and bundles group existing plans; a link to a plan never created is NOT_FOUND', async () => {
    const tenant = await withFibrePlan();
    await sendOk(tenant, 'createProduct', { productId: 'extras', name: 'Extras', serviceType: 'ADDON' });
    await sendOk(tenant, 'createProduct', { productId: 'packs', name: 'Packs', serviceType: 'BUNDLE' });
    const addonTerms = { ...monthlyTerms, setupFees: null, basePlanIds: ['fibre-100'] };
    const addon = await sendOk(tenant, 'createPlan', { planId: 'static-ip', productId: 'extras', kind: 'ADDON', name: 'Static IP', terms: addonTerms });
    expect(addon.plan).toMatchObject({ kind: 'ADDON', serviceType: 'ADDON', current: { basePlanIds: ['fibre-100'], bundledPlanIds: [] } });
    const bundle = await sendOk(tenant, 'createPlan', { planId: 'pack', productId: 'packs', kind: 'BUNDLE', name: 'Pack', terms: { ...monthlyTerms, setupFees: null, bundledPlanIds: ['static-ip', 'fibre-100'] } });
    expect(bundle.plan.current.bundledPlanIds).toEqual(['fibre-100', 'static-ip']);
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => send(tenant, 'createPlan', { planId: 'addon-2', productId: 'extras', kind: 'ADDON', name: 'X', terms: { ...addonTerms, basePlanIds: ['fibre-100', 'ghost'] } }));
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => send(tenant, 'publishPlanVersion', { planId: 'static-ip', terms: { ...addonTerms, basePlanIds: ['ghost'] } }));
    const refused = await send(tenant, 'createPlan', { planId: 'addon-2', productId: 'extras', kind: 'ADDON', name: 'X', terms: { ...addonTerms, basePlanIds: ['ghost'] } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'terms.basePlanIds', planId: 'ghost' });
  });

  it.each([
    ['a product never created', { productId: 'ghost' }, 'NOT_FOUND'],
    ['a malformed plan id', { planId: 'fibre/100' }, 'VALIDATION_FAILED'],
    ['no price', { terms: { ...monthlyTerms, prices: [] } }, 'VALIDATION_FAILED'],
    ['a currency listed twice', { terms: { ...monthlyTerms, prices: [{ currency: 'USD', amount: '1.00' }, { currency: 'USD', amount: '2.00' }] } }, 'VALIDATION_FAILED'],
    ['an amount finer than the currency', { terms: { ...monthlyTerms, prices: [{ currency: 'USD', amount: '9.999' }] } }, 'VALIDATION_FAILED'],
    ['a price of 10^12', { terms: { ...monthlyTerms, prices: [{ currency: 'USD', amount: '1000000000000.00' }], setupFees: null } }, 'AMOUNT_OUT_OF_RANGE'],
    ['a setup fee in a currency without a price', { terms: { ...monthlyTerms, setupFees: [{ currency: 'GBP', amount: '5.00' }] } }, 'VALIDATION_FAILED'],
    ['a custom cycle without its count', { terms: { ...monthlyTerms, cycle: { kind: 'CUSTOM', unit: 'MONTHS' } } }, 'VALIDATION_FAILED'],
    ['a count on a monthly cycle', { terms: { ...monthlyTerms, cycle: { kind: 'MONTHLY', count: 2 } } }, 'VALIDATION_FAILED'],
    ['trial days over 730', { terms: { ...monthlyTerms, trialDays: 731 } }, 'VALIDATION_FAILED'],
    ['a tax rate over 100', { terms: { ...monthlyTerms, taxTreatment: { kind: 'RATE', rate: '120' } } }, 'VALIDATION_FAILED'],
    ['a rate with kind STANDARD', { terms: { ...monthlyTerms, taxTreatment: { kind: 'STANDARD', rate: '5' } } }, 'VALIDATION_FAILED'],
    ['base plans on a BASE plan', { terms: { ...monthlyTerms, basePlanIds: ['fibre-100'] } }, 'VALIDATION_FAILED'],
    ['an ADDON plan without base plans', { kind: 'ADDON' }, 'VALIDATION_FAILED'],
    ['a BUNDLE of one plan', { kind: 'BUNDLE', terms: { ...monthlyTerms, bundledPlanIds: ['fibre-100'] } }, 'VALIDATION_FAILED'],
    ['a Decimal sent as a number', { terms: { ...monthlyTerms, prices: [{ currency: 'USD', amount: 50 }] } }, 'VALIDATION_FAILED'],
  ] as const)('createPlan refuses %s with %s and appends nothing', async (_case, change, code) => {
    const tenant = await withFibrePlan();
    const input = { planId: 'new-plan', productId: 'fibre', kind: 'BASE', name: 'New plan', terms: monthlyTerms, ...change };
    await expectRejectedWithoutEvents(ledger, code, () => send(tenant, 'createPlan', input));
  });

  it.each([
    ['publishPlanVersion', { planId: 'ghost', terms: monthlyTerms }],
    ['renamePlan', { planId: 'ghost', name: 'X' }],
    ['archivePlan', { planId: 'ghost' }],
    ['unarchivePlan', { planId: 'ghost' }],
  ] as const)('%s of a plan never created is NOT_FOUND and appends nothing', async (name, input) => {
    const tenant = await withFibrePlan();
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => send(tenant, name, input));
  });

  it('createPlan of the same plan again appends nothing; another plan under its id is ALREADY_EXISTS', async () => {
    const tenant = await withFibrePlan();
    const head = await headOfLog(ledger);
    await sendOk(tenant, 'createPlan', { planId: 'fibre-100', productId: 'fibre', kind: 'BASE', name: 'Fibre 100', terms: monthlyTerms });
    expect(await headOfLog(ledger)).toBe(head);
    await expectRejectedWithoutEvents(ledger, 'ALREADY_EXISTS', () => send(tenant, 'createPlan', { planId: 'fibre-100', productId: 'fibre', kind: 'BASE', name: 'Other', terms: monthlyTerms }));
  });

  it('plans(filter, first, after) pages in id order through each filter: product, service type, kind, archived, currency (of the current version)', async () => {
    const tenant = await withFibrePlan();
    await sendOk(tenant, 'createProduct', { productId: 'phone', name: 'Phone', serviceType: 'VOICE' });
    await sendOk(tenant, 'createProduct', { productId: 'extras', name: 'Extras', serviceType: 'ADDON' });
    const usd = { ...monthlyTerms, prices: [{ currency: 'USD', amount: '10.00' }], setupFees: null };
    await sendOk(tenant, 'createPlan', { planId: 'voice-a', productId: 'phone', kind: 'BASE', name: 'Voice A', terms: usd });
    await sendOk(tenant, 'createPlan', { planId: 'voice-b', productId: 'phone', kind: 'BASE', name: 'Voice B', terms: { ...usd, prices: [{ currency: 'GBP', amount: '8.00' }] } });
    await sendOk(tenant, 'createPlan', { planId: 'addon-tv', productId: 'extras', kind: 'ADDON', name: 'TV', terms: { ...usd, basePlanIds: ['fibre-100', 'voice-a'] } });
    await sendOk(tenant, 'archivePlan', { planId: 'voice-a' });
    // fibre-100 moves from EUR + USD to GBP only: the currency filter follows the current version.
    const { position } = await sendOk(tenant, 'publishPlanVersion', { planId: 'fibre-100', terms: { ...usd, prices: [{ currency: 'GBP', amount: '40.00' }] } });
    const ids = async (filter: Record<string, unknown> | null) => (await allPages<{ id: string }>(tenant, PLANS_QUERY, 'plans', { filter, first: 2, minPosition: position })).map((node) => node.id);
    expect(await ids(null)).toEqual(['addon-tv', 'fibre-100', 'voice-a', 'voice-b']);
    expect(await ids({ productId: 'phone' })).toEqual(['voice-a', 'voice-b']);
    expect(await ids({ serviceType: 'VOICE' })).toEqual(['voice-a', 'voice-b']);
    expect(await ids({ kind: 'ADDON' })).toEqual(['addon-tv']);
    expect(await ids({ archived: true })).toEqual(['voice-a']);
    expect(await ids({ archived: false })).toEqual(['addon-tv', 'fibre-100', 'voice-b']);
    expect(await ids({ currency: 'GBP' })).toEqual(['fibre-100', 'voice-b']);
    expect(await ids({ currency: 'USD' })).toEqual(['addon-tv', 'voice-a']);
    expect(await ids({ currency: 'EUR' })).toEqual([]);
    expect(await ids({ currency: 'USD', archived: false, kind: 'ADDON' })).toEqual(['addon-tv']);
    const nodes = await allPages<{ id: string; versions: { version: number }[] }>(tenant, PLANS_QUERY, 'plans', { filter: null, first: 100, minPosition: position });
    expect(nodes.map((node) => [node.id, node.versions.map((version) => version.version)])).toEqual([
      ['addon-tv', [1]],
      ['fibre-100', [1, 2]],
      ['voice-a', [1]],
      ['voice-b', [1]],
    ]);
  });
});

describe('access, tenancy and idempotency', () => {
  it('an auditor reads the catalog but changes nothing: every catalog mutation is FORBIDDEN and appends nothing', async () => {
    const tenant = await withFibrePlan();
    const auditor = { ...tenant, key: await ledger.createKey(tenant.tenantId, 'auditor') };
    for (const [name, input] of [
      ['createProduct', { ...broadband, productId: 'other' }],
      ['updateProduct', { productId: 'fibre', name: 'X' }],
      ['archiveProduct', { productId: 'fibre' }],
      ['createPlan', { planId: 'p2', productId: 'fibre', kind: 'BASE', name: 'P2', terms: monthlyTerms }],
      ['publishPlanVersion', { planId: 'fibre-100', terms: { ...monthlyTerms, trialDays: 1 } }],
      ['renamePlan', { planId: 'fibre-100', name: 'X' }],
      ['archivePlan', { planId: 'fibre-100' }],
      ['unarchivePlan', { planId: 'fibre-100' }],
    ] as const) {
      await expectRejectedWithoutEvents(ledger, 'FORBIDDEN', () => send(auditor, name, input));
    }
    expect((await planOf(auditor, 'fibre-100', tenant.position))?.name).toBe('Fibre 100');
    expect((await productOf(auditor, 'fibre'))?.name).toBe('Fibre broadband');
  });

  it("another tenant sees none of a tenant's products or plans, and may use the same ids for its own", async () => {
    const one = await withFibrePlan();
    const other = await newTenant(ledger, 'catalog');
    expect(await productOf(other, 'fibre', one.position)).toBeNull();
    expect(await planOf(other, 'fibre-100', one.position)).toBeNull();
    expect(await allPages(other, PLANS_QUERY, 'plans', { first: 10 })).toEqual([]);
    const own = await sendOk(other, 'createProduct', { ...broadband, serviceType: 'VOICE' });
    expect(own.product.serviceType).toBe('VOICE');
    expect((await productOf(one, 'fibre', own.position))?.serviceType).toBe('BROADBAND');
  });

  it('an idempotency key: the same input answers the same payload and appends nothing; other input under it is IDEMPOTENCY_KEY_REUSED', async () => {
    const tenant = await newTenant(ledger, 'catalog');
    const first = await sendOk(tenant, 'createProduct', { ...broadband, idempotencyKey: 'create-fibre' });
    await sendOk(tenant, 'updateProduct', { productId: 'fibre', name: 'Renamed since' });
    const head = await headOfLog(ledger);
    const retried = await sendOk(tenant, 'createProduct', { ...broadband, idempotencyKey: 'create-fibre' });
    expect(retried).toEqual(first);
    expect(await headOfLog(ledger)).toBe(head);
    await expectRejectedWithoutEvents(ledger, 'IDEMPOTENCY_KEY_REUSED', () => send(tenant, 'createProduct', { ...broadband, name: 'Other', idempotencyKey: 'create-fibre' }));
  });

  it('a plan mutation retried with its key answers the stored plan, versions included, and appends nothing', async () => {
    const tenant = await withFibrePlan();
    const input = { planId: 'fibre-100', terms: { ...monthlyTerms, trialDays: 0 }, idempotencyKey: 'price-change' };
    const first = await sendOk(tenant, 'publishPlanVersion', input);
    expect(first.plan.versions.map((version) => version.version)).toEqual([1, 2]);
    await sendOk(tenant, 'renamePlan', { planId: 'fibre-100', name: 'Renamed since' });
    const head = await headOfLog(ledger);
    const retried = await sendOk(tenant, 'publishPlanVersion', input);
    expect(retried).toEqual(first);
    expect(await headOfLog(ledger)).toBe(head);
  });
});
