import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectRejectedWithoutEvents, headOfLog } from '../support/expect-rejected.js';
import { firstErrorCode, requireData } from '../support/graphql-http.client.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { SubscriptionScenario } from '../support/subscription-api.js';

/**
 * Customer segments over HTTP: setCustomerSegment (set, change, clear, the same value again, refusals with their codes
 * and nothing appended), Customer.segment from the read model, and pricing rules conditioned on a segment applying to
 * the customers in it, in priceQuote and in the terms createSubscription and changeSubscription price, and to no one
 * else.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

interface CustomerView {
  id: string;
  name: string;
  segment: string | null;
  taxExempt: boolean;
  registeredAt: string;
  updatedAt: string;
}

interface QuoteView {
  customerId: string | null;
  customerSegment: string | null;
  items: { unitPrice: string; applied: { ruleId: string }[]; skipped: { ruleId: string; reason: string }[] }[];
}

const CUSTOMER_FIELDS = 'id name segment taxExempt registeredAt updatedAt';
const SET_SEGMENT = `mutation ($input: SetCustomerSegmentInput!) { setCustomerSegment(input: $input) { position customer { ${CUSTOMER_FIELDS} } } }`;
const UPSERT = `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { position customer { ${CUSTOMER_FIELDS} } } }`;
const CUSTOMER = `query ($id: ID!, $minPosition: String) { customer(id: $id, minPosition: $minPosition) { ${CUSTOMER_FIELDS} } }`;
const CUSTOMERS = `query ($minPosition: String) { customers(first: 10, minPosition: $minPosition) { edges { node { id segment } } } }`;
const CREATE_RULE = 'mutation ($input: CreatePricingRuleInput!) { createPricingRule(input: $input) { position } }';
const QUOTE = `query ($input: PriceQuoteInput!, $minPosition: String) { priceQuote(input: $input, minPosition: $minPosition) {
  customerId customerSegment items { unitPrice applied { ruleId } skipped { ruleId reason } } } }`;

type Payload = { position: string; customer: CustomerView };

const address = { line1: '1 Test Street', city: 'Testville', postalCode: '00000', country: 'US' };

/** A tenant on a test clock with plans fibre (50.00 USD a month) and fibre-plus (80.00), and a 20% rule for "enterprise". */
async function pricedTenant(): Promise<SubscriptionScenario> {
  const scenario = await SubscriptionScenario.start(ledger, 'segments', '2026-03-10T12:00:00.000Z');
  await scenario.plan({ planId: 'fibre', price: '50.00' });
  await scenario.plan({ planId: 'fibre-plus', price: '80.00' });
  await scenario.ok('createPricingRule', CREATE_RULE, {
    input: { ruleId: 'enterprise-20', name: '20% for enterprise', adjustment: { kind: 'PERCENTAGE', percentOff: '20' }, priority: 1, stacking: 'STACKABLE', conditions: { customerSegments: ['enterprise'] } },
  });
  return scenario;
}

async function register(scenario: SubscriptionScenario, customerId: string): Promise<Payload> {
  return (await scenario.ok<{ upsertCustomer: Payload }>('upsertCustomer', UPSERT, { input: { customerId, name: `Customer ${customerId}`, billingAddress: address, taxExempt: false } })).upsertCustomer;
}

async function setSegment(scenario: SubscriptionScenario, customerId: string, segment: string | null): Promise<Payload> {
  return (await scenario.ok<{ setCustomerSegment: Payload }>('setCustomerSegment', SET_SEGMENT, { input: { customerId, segment } })).setCustomerSegment;
}

/** One fibre item quoted for the customer (the read models awaited up to the last committed event). */
async function quote(scenario: SubscriptionScenario, input: Record<string, unknown>): Promise<QuoteView> {
  return requireData(await scenario.send<{ priceQuote: QuoteView }>(QUOTE, { input: { items: [{ planId: 'fibre', quantity: '1', currency: 'USD' }], ...input }, minPosition: await scenario.head() }), 'priceQuote').priceQuote;
}

async function subscribe(scenario: SubscriptionScenario, subscriptionId: string, customerId: string): Promise<string | undefined> {
  // The rules are read from their read model: wait for it (a quote with minPosition) before pricing terms.
  await quote(scenario, {});
  const created = await scenario.subscribe({ subscriptionId, customerId, planId: 'fibre' });
  return created.subscription.items.find((item) => item.role === 'BASE')?.unitPrice.amount;
}

describe('setCustomerSegment', () => {
  it('sets, changes and clears the segment; the payload and the read model agree; the same value again appends nothing', async () => {
    const scenario = await pricedTenant();
    const registered = await register(scenario, 'acme');
    expect(registered.customer.segment).toBeNull();

    const set = await setSegment(scenario, 'acme', 'enterprise');
    expect(set.customer).toEqual({ ...registered.customer, segment: 'enterprise', updatedAt: expect.any(String) });
    const read = requireData(await scenario.send<{ customer: CustomerView }>(CUSTOMER, { id: 'acme', minPosition: set.position }), 'customer').customer;
    expect(read).toEqual(set.customer);

    const head = await headOfLog(ledger);
    expect((await setSegment(scenario, 'acme', 'enterprise')).customer).toEqual(set.customer);
    expect(await headOfLog(ledger)).toBe(head);

    await setSegment(scenario, 'acme', 'non-profit');
    const cleared = await setSegment(scenario, 'acme', null);
    expect(cleared.customer.segment).toBeNull();
    const listed = requireData(await scenario.send<{ customers: { edges: { node: { id: string; segment: string | null } }[] } }>(CUSTOMERS, { minPosition: cleared.position }), 'customers');
    expect(listed.customers.edges.map(({ node }) => node)).toEqual([{ id: 'acme', segment: null }]);
    const segmentEvents = (await ledger.tenantEvents(scenario.tenantId)).filter((event) => event.type.startsWith('Customer'));
    expect(segmentEvents.map((event) => [event.type, (event.data as { segment?: unknown }).segment, (event.data as { previous?: unknown }).previous])).toEqual([
      ['CustomerRegistered', undefined, undefined],
      ['CustomerSegmentSet', 'enterprise', null],
      ['CustomerSegmentSet', 'non-profit', 'enterprise'],
      ['CustomerSegmentSet', null, 'non-profit'],
    ]);
  });

  it('upsertCustomer keeps the segment: the CRM sync that sends the whole customer knows nothing of segments', async () => {
    const scenario = await pricedTenant();
    await register(scenario, 'acme');
    await setSegment(scenario, 'acme', 'enterprise');
    const renamed = (await scenario.ok<{ upsertCustomer: Payload }>('upsertCustomer', UPSERT, { input: { customerId: 'acme', name: 'Acme Renamed', billingAddress: address, taxExempt: false } })).upsertCustomer;
    expect(renamed.customer).toMatchObject({ name: 'Acme Renamed', segment: 'enterprise' });
    const read = requireData(await scenario.send<{ customer: CustomerView }>(CUSTOMER, { id: 'acme', minPosition: renamed.position }), 'customer').customer;
    expect(read).toMatchObject({ name: 'Acme Renamed', segment: 'enterprise' });
  });

  it.each([
    ['a customer never registered', { customerId: 'nobody', segment: 'enterprise' }, 'NOT_FOUND'],
    ['clearing the segment of a customer never registered', { customerId: 'nobody', segment: null }, 'NOT_FOUND'],
    ['a segment with a space', { customerId: 'acme', segment: 'big customer' }, 'VALIDATION_FAILED'],
    ['an empty segment (null clears, never "")', { customerId: 'acme', segment: '' }, 'VALIDATION_FAILED'],
    ['a segment of 65 characters', { customerId: 'acme', segment: 'a'.repeat(65) }, 'VALIDATION_FAILED'],
    ['a segment starting with "-"', { customerId: 'acme', segment: '-vip' }, 'VALIDATION_FAILED'],
    ['a malformed customer id', { customerId: 'ac me', segment: 'enterprise' }, 'VALIDATION_FAILED'],
  ])('refuses %s with %s and appends nothing', async (_case, input, code) => {
    const scenario = await pricedTenant();
    await register(scenario, 'acme');
    await setSegment(scenario, 'acme', 'enterprise');
    await expectRejectedWithoutEvents(ledger, code, () => scenario.send(SET_SEGMENT, { input }));
    const read = requireData(await scenario.send<{ customer: CustomerView }>(CUSTOMER, { id: 'acme', minPosition: await scenario.head() }), 'customer').customer;
    expect(read.segment).toBe('enterprise');
  });

  it('an auditor may read the segment but not set it (FORBIDDEN, nothing appended)', async () => {
    const scenario = await pricedTenant();
    await register(scenario, 'acme');
    const auditor = await ledger.createKey(scenario.tenantId, 'auditor');
    const head = await headOfLog(ledger);
    const refused = await ledger.graphql(SET_SEGMENT, { input: { customerId: 'acme', segment: 'enterprise' } }, auditor);
    expect(firstErrorCode(refused)).toBe('FORBIDDEN');
    expect(await headOfLog(ledger)).toBe(head);
    const read = requireData(await ledger.graphql<{ customer: CustomerView }>(CUSTOMER, { id: 'acme', minPosition: head }, auditor), 'customer').customer;
    expect(read.segment).toBeNull();
  });
});

describe('pricing with the customer segment', () => {
  it("priceQuote prices a customer with its segment: the rule applies in it, not outside it, not once it is cleared; an explicit segment overrides the customer's", async () => {
    const scenario = await pricedTenant();
    for (const id of ['ent', 'smb', 'none']) await register(scenario, id);
    await setSegment(scenario, 'ent', 'enterprise');
    await setSegment(scenario, 'smb', 'smb');

    const ent = await quote(scenario, { customerId: 'ent' });
    expect(ent).toMatchObject({ customerId: 'ent', customerSegment: 'enterprise' });
    expect(ent.items[0]).toMatchObject({ unitPrice: '40.00', applied: [{ ruleId: 'enterprise-20' }], skipped: [] });

    for (const [customerId, segment] of [['smb', 'smb'], ['none', null]] as const) {
      const outside = await quote(scenario, { customerId });
      expect(outside).toMatchObject({ customerId, customerSegment: segment });
      expect(outside.items[0]).toMatchObject({ unitPrice: '50.00', applied: [], skipped: [{ ruleId: 'enterprise-20', reason: 'SEGMENT_MISMATCH' }] });
    }

    // The input's segment wins over the customer's, both ways.
    expect((await quote(scenario, { customerId: 'ent', customerSegment: 'smb' })).items[0]).toMatchObject({ unitPrice: '50.00', applied: [] });
    expect((await quote(scenario, { customerId: 'smb', customerSegment: 'enterprise' })).items[0]).toMatchObject({ unitPrice: '40.00' });
    // Without a customer, no segment.
    expect(await quote(scenario, {})).toMatchObject({ customerId: null, customerSegment: null, items: [{ unitPrice: '50.00' }] });

    await setSegment(scenario, 'ent', null);
    const cleared = await quote(scenario, { customerId: 'ent' });
    expect(cleared).toMatchObject({ customerSegment: null, items: [{ unitPrice: '50.00', applied: [], skipped: [{ ruleId: 'enterprise-20', reason: 'SEGMENT_MISMATCH' }] }] });
  });

  it("createSubscription prices its terms with the customer's segment at that moment; the terms stay when the segment changes later", async () => {
    const scenario = await pricedTenant();
    for (const id of ['ent', 'smb', 'none']) await register(scenario, id);
    await setSegment(scenario, 'ent', 'enterprise');
    await setSegment(scenario, 'smb', 'smb');

    expect(await subscribe(scenario, 'sub-ent', 'ent')).toBe('40.00');
    expect(await subscribe(scenario, 'sub-smb', 'smb')).toBe('50.00');
    expect(await subscribe(scenario, 'sub-none', 'none')).toBe('50.00');

    // Cleared: a new subscription takes the list price; the one already priced keeps its frozen terms.
    await setSegment(scenario, 'ent', null);
    expect(await subscribe(scenario, 'sub-ent-2', 'ent')).toBe('50.00');
    expect((await scenario.subscription('sub-ent'))?.items[0]?.unitPrice.amount).toBe('40.00');

    // Put in the segment afterwards: the next subscription gets the rule.
    await setSegment(scenario, 'none', 'enterprise');
    expect(await subscribe(scenario, 'sub-none-2', 'none')).toBe('40.00');
  });

  it("changeSubscription prices the new plan with the customer's segment at the change", async () => {
    const scenario = await pricedTenant();
    for (const id of ['ent', 'smb']) await register(scenario, id);
    expect(await subscribe(scenario, 'sub-ent', 'ent')).toBe('50.00');
    expect(await subscribe(scenario, 'sub-smb', 'smb')).toBe('50.00');
    await setSegment(scenario, 'ent', 'enterprise');
    await setSegment(scenario, 'smb', 'smb');
    await quote(scenario, {});

    const change = async (subscriptionId: string) =>
      (await scenario.mutateOk('changeSubscription', 'ChangeSubscriptionInput', { subscriptionId, planId: 'fibre-plus', effective: 'NOW', prorationBehavior: 'NONE' })).subscription.items.find(
        (item) => item.role === 'BASE',
      );
    expect(await change('sub-ent')).toMatchObject({ planId: 'fibre-plus', unitPrice: { amount: '64.00' } });
    expect(await change('sub-smb')).toMatchObject({ planId: 'fibre-plus', unitPrice: { amount: '80.00' } });
  });
});
