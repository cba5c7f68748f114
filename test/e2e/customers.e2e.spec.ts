import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, requireData } from '../support/graphql-http.client.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { eventCount, newTenant, UPSERT_CUSTOMER } from '../support/settings-effect.support.js';

/** The customer aggregate over HTTP: upsertCustomer, customer(id) and customers(first, after) from the read model. */

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
  email: string | null;
  taxExempt: boolean;
  registeredAt: string;
  updatedAt: string;
  billingAddress: { line1: string; line2: string | null; city: string; region: string | null; postalCode: string; country: string };
}

const CUSTOMER_FIELDS = 'id name email taxExempt registeredAt updatedAt billingAddress { line1 line2 city region postalCode country }';
const CUSTOMER_QUERY = `query Customer($id: ID!, $minPosition: String) { customer(id: $id, minPosition: $minPosition) { ${CUSTOMER_FIELDS} } }`;
const CUSTOMERS_QUERY = `
  query Customers($first: Int, $after: String, $minPosition: String) {
    customers(first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { ${CUSTOMER_FIELDS} } } pageInfo { hasNextPage endCursor } }
  }`;

const acme = {
  customerId: 'acme',
  name: 'Acme Fibre Inc.',
  email: 'billing@acme.example',
  billingAddress: { line1: '1 Rue Sainte-Catherine', city: 'Montréal', region: 'QC', postalCode: 'H3B 1A1', country: 'CA' },
  taxExempt: false,
};

async function upsert(input: Record<string, unknown>, key?: string) {
  return ledger.graphql<{ upsertCustomer: { position: string; customer: CustomerView } }>(UPSERT_CUSTOMER, { input }, key);
}

describe('upsertCustomer', () => {
  it('registers a customer, then reads it back from the read model at the returned position', async () => {
    const { key } = await newTenant(ledger, 'customers');
    const payload = requireData(await upsert(acme, key), 'upsertCustomer').upsertCustomer;
    expect(payload.customer).toEqual({
      id: 'acme',
      name: 'Acme Fibre Inc.',
      email: 'billing@acme.example',
      taxExempt: false,
      billingAddress: { ...acme.billingAddress, line2: null },
      registeredAt: expect.any(String),
      updatedAt: payload.customer.registeredAt,
    });
    const read = requireData(await ledger.graphql<{ customer: CustomerView }>(CUSTOMER_QUERY, { id: 'acme', minPosition: payload.position }, key), 'customer').customer;
    expect(read).toEqual(payload.customer);
  });

  it('the same details again append nothing; changed details are an update with a new updatedAt', async () => {
    const { tenantId, key } = await newTenant(ledger, 'customers');
    const first = requireData(await upsert(acme, key), 'upsertCustomer').upsertCustomer;
    const before = await eventCount(ledger, tenantId);
    const again = requireData(await upsert(acme, key), 'upsertCustomer').upsertCustomer;
    expect(await eventCount(ledger, tenantId)).toBe(before);
    expect(again).toEqual(first);
    const exempt = requireData(await upsert({ ...acme, taxExempt: true, email: null }, key), 'upsertCustomer').upsertCustomer;
    expect(exempt.customer).toMatchObject({ taxExempt: true, email: null, registeredAt: first.customer.registeredAt });
    expect(exempt.customer.updatedAt > first.customer.updatedAt).toBe(true);
    const events = (await ledger.tenantEvents(tenantId)).map((event) => event.type);
    expect(events).toEqual(['CustomerRegistered', 'CustomerUpdated']);
    const read = requireData(await ledger.graphql<{ customer: CustomerView }>(CUSTOMER_QUERY, { id: 'acme', minPosition: exempt.position }, key), 'customer').customer;
    expect(read).toEqual(exempt.customer);
  });

  it.each([
    ['a country that is not ISO 3166-1 alpha-2', { billingAddress: { ...acme.billingAddress, country: 'Canada' } }],
    ['a region with the country in it', { billingAddress: { ...acme.billingAddress, region: 'CA-QC' } }],
    ['an email without "@"', { email: 'billing.acme.example' }],
    ['an empty name', { name: ' ' }],
  ])('refuses %s with VALIDATION_FAILED and appends nothing', async (_case, change) => {
    const { tenantId, key } = await newTenant(ledger, 'customers');
    const response = await upsert({ ...acme, ...change }, key);
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
    expect(await eventCount(ledger, tenantId)).toBe(0);
  });

  it('an auditor may read customers but not write them', async () => {
    const { tenantId } = await newTenant(ledger, 'customers');
    const auditor = await ledger.createKey(tenantId, 'auditor');
    expect(firstErrorCode(await upsert(acme, auditor))).toBe('FORBIDDEN');
    expect(requireData(await ledger.graphql<{ customer: CustomerView | null }>(CUSTOMER_QUERY, { id: 'acme' }, auditor), 'customer').customer).toBeNull();
  });

  it('customers are per tenant: another tenant does not see them', async () => {
    const one = await newTenant(ledger, 'customers');
    const other = await newTenant(ledger, 'customers');
    const payload = requireData(await upsert(acme, one.key), 'upsertCustomer').upsertCustomer;
    expect(requireData(await ledger.graphql<{ customer: CustomerView | null }>(CUSTOMER_QUERY, { id: 'acme', minPosition: payload.position }, other.key), 'customer').customer).toBeNull();
  });
});

describe('customers(first, after)', () => {
  it('pages through every customer in id order with opaque cursors', async () => {
    const { key } = await newTenant(ledger, 'customers');
    let position = '';
    for (const id of ['c-05', 'c-01', 'c-04', 'c-02', 'c-03']) position = requireData(await upsert({ ...acme, customerId: id, name: `Customer ${id}` }, key), 'upsertCustomer').upsertCustomer.position;
    type Page = { customers: { edges: { cursor: string; node: CustomerView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const result: Page = requireData(await ledger.graphql<Page>(CUSTOMERS_QUERY, { first: 2, after, minPosition: position }, key), 'customers');
      seen.push(...result.customers.edges.map((edge) => edge.node.id));
      if (!result.customers.pageInfo.hasNextPage) break;
      after = result.customers.pageInfo.endCursor;
    }
    expect(seen).toEqual(['c-01', 'c-02', 'c-03', 'c-04', 'c-05']);
  });

  it('a cursor that is not one of ours is VALIDATION_FAILED; so is a page size out of range', async () => {
    expect(firstErrorCode(await ledger.graphql(CUSTOMERS_QUERY, { first: 2, after: 'not-a-cursor' }))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(CUSTOMERS_QUERY, { first: 0 }))).toBe('VALIDATION_FAILED');
  });
});
