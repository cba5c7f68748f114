import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, requireData } from '../support/graphql-http.client.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * As-of reads through the API (docs/as-of.md): the same list and detail queries, with `asOf` (a position) or
 * `asOfTime`, answer from the read models as they stood then; the present is unchanged without them; another tenant
 * sees nothing of this one's past; malformed, conflicting and future positions are VALIDATION_FAILED.
 */

const UPSERT_CUSTOMER = 'mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { position customer { id name } } }';
const CREATE_INVOICE = 'mutation ($input: CreateInvoiceInput!) { createInvoice(input: $input) { position invoice { id } } }';
const ISSUE_INVOICE = 'mutation ($input: IssueInvoiceInput!) { issueInvoice(input: $input) { position invoice { id status } } }';
const INVOICE = 'query ($id: ID!, $asOf: String, $asOfTime: DateTime, $minPosition: String) { invoice(id: $id, asOf: $asOf, asOfTime: $asOfTime, minPosition: $minPosition) { id status number total { amount } } }';
const INVOICES = 'query ($asOf: String, $asOfTime: DateTime) { invoices(asOf: $asOf, asOfTime: $asOfTime) { edges { node { id status } } } }';
const CUSTOMER = 'query ($id: ID!, $asOf: String, $asOfTime: DateTime) { customer(id: $id, asOf: $asOf, asOfTime: $asOfTime) { id name } }';
const CUSTOMERS = 'query ($asOf: String, $asOfTime: DateTime) { customers(asOf: $asOf, asOfTime: $asOfTime) { edges { node { id name } } } }';
const PAYMENTS = 'query ($asOf: String) { payments(asOf: $asOf) { edges { node { id } } } }';
const CREDIT_NOTES = 'query ($asOf: String) { creditNotes(asOf: $asOf) { edges { node { id } } } }';

const TENANT = 'asof-e2e';
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

let ledger: TestLedger;
let key: string;
let otherKey: string;
let invoiceId: string;
const at: Record<'customer' | 'draft' | 'issued' | 'renamed', string> = { customer: '', draft: '', issued: '', renamed: '' };
const time: Record<'before' | 'drafted', string> = { before: '', drafted: '' };

const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

async function ask<Data>(query: string, variables: Record<string, unknown>, apiKey = key): Promise<Data> {
  return requireData(await ledger.graphql<Data>(query, variables, apiKey), query.slice(0, 40));
}

beforeAll(async () => {
  ledger = await startTestLedger();
  key = await ledger.createKey(TENANT, 'admin');
  otherKey = await ledger.createKey('asof-other', 'admin');
  await pause();
  time.before = new Date().toISOString();
  await pause();
  at.customer = (await ask<{ upsertCustomer: { position: string } }>(UPSERT_CUSTOMER, { input: { customerId: 'c-1', name: 'Before', email: null, billingAddress: address, taxExempt: false } })).upsertCustomer.position;
  const draft = (await ask<{ createInvoice: { position: string; invoice: { id: string } } }>(CREATE_INVOICE, {
    input: { customerId: 'c-1', currency: 'USD', lines: [{ description: 'Hours', quantity: '2', unitPrice: '50', taxRate: null }] },
  })).createInvoice;
  invoiceId = draft.invoice.id;
  at.draft = draft.position;
  await pause();
  time.drafted = new Date().toISOString();
  await pause();
  at.issued = (await ask<{ issueInvoice: { position: string } }>(ISSUE_INVOICE, { input: { invoiceId } })).issueInvoice.position;
  at.renamed = (await ask<{ upsertCustomer: { position: string } }>(UPSERT_CUSTOMER, { input: { customerId: 'c-1', name: 'After', email: null, billingAddress: address, taxExempt: false } })).upsertCustomer.position;
  // The present, once the read models have it.
  await ask(INVOICE, { id: invoiceId, minPosition: at.renamed });
}, 120_000);

afterAll(async () => {
  await ledger?.stop();
});

describe('asOf and asOfTime on list and detail queries', () => {
  it('shows an invoice as it stood at a position, and as it stands without one', async () => {
    const then = await ask<{ invoice: { status: string; number: string | null } }>(INVOICE, { id: invoiceId, asOf: at.draft });
    const now = await ask<{ invoice: { status: string; number: string | null } }>(INVOICE, { id: invoiceId });
    expect(then.invoice).toMatchObject({ status: 'DRAFT', number: null });
    expect(now.invoice.status).toBe('OPEN');
    expect(now.invoice.number).not.toBeNull();
    expect((await ask<{ invoice: unknown }>(INVOICE, { id: invoiceId, asOf: at.customer })).invoice).toBeNull();
    expect((await ask<{ invoices: { edges: { node: { status: string } }[] } }>(INVOICES, { asOf: at.draft })).invoices.edges.map((edge) => edge.node.status)).toEqual(['DRAFT']);
    expect((await ask<{ invoices: { edges: unknown[] } }>(INVOICES, { asOf: at.customer })).invoices.edges).toEqual([]);
  });

  it('shows a customer before and after it was renamed', async () => {
    expect((await ask<{ customer: { name: string } }>(CUSTOMER, { id: 'c-1', asOf: at.issued })).customer.name).toBe('Before');
    expect((await ask<{ customer: { name: string } }>(CUSTOMER, { id: 'c-1', asOf: at.renamed })).customer.name).toBe('After');
    expect((await ask<{ customers: { edges: { node: { name: string } }[] } }>(CUSTOMERS, { asOf: at.draft })).customers.edges.map((edge) => edge.node.name)).toEqual(['Before']);
  });

  it('resolves a time to the last event at or before it; before the first event the answer is empty', async () => {
    expect((await ask<{ invoice: { status: string } }>(INVOICE, { id: invoiceId, asOfTime: time.drafted })).invoice.status).toBe('DRAFT');
    expect((await ask<{ customers: { edges: unknown[] } }>(CUSTOMERS, { asOfTime: time.before })).customers.edges).toEqual([]);
    expect((await ask<{ invoices: { edges: unknown[] } }>(INVOICES, { asOfTime: time.before })).invoices.edges).toEqual([]);
  });

  it('answers payments and credit notes as of a position too', async () => {
    expect((await ask<{ payments: { edges: unknown[] } }>(PAYMENTS, { asOf: at.draft })).payments.edges).toEqual([]);
    expect((await ask<{ creditNotes: { edges: unknown[] } }>(CREDIT_NOTES, { asOf: at.draft })).creditNotes.edges).toEqual([]);
  });

  it('answers every other wired list and detail query as of a position, each reading only its own read model', async () => {
    const lists = {
      journalEntries: 'query ($asOf: String) { journalEntries(asOf: $asOf) { edges { node { entryId } } } }',
      products: 'query ($asOf: String) { products(asOf: $asOf) { edges { node { id } } } }',
      receipts: 'query ($asOf: String) { receipts(asOf: $asOf) { edges { node { id } } } }',
      paymentMethods: 'query ($asOf: String) { paymentMethods(asOf: $asOf) { edges { node { id } } } }',
      pricingRules: 'query ($asOf: String) { pricingRules(asOf: $asOf) { edges { node { id } } } }',
    };
    for (const [name, query] of Object.entries(lists)) {
      const data = await ask<Record<string, { edges: unknown[] }>>(query, { asOf: at.customer });
      expect({ name, edges: data[name]?.edges }).toEqual({ name, edges: [] });
    }
    const details = {
      product: 'query ($asOf: String) { product(id: "p-none", asOf: $asOf) { id } }',
      receipt: 'query ($asOf: String) { receipt(id: "r-none", asOf: $asOf) { id } }',
      paymentMethod: 'query ($asOf: String) { paymentMethod(id: "pm-none", asOf: $asOf) { id } }',
      pricingRule: 'query ($asOf: String) { pricingRule(id: "pr-none", asOf: $asOf) { id } }',
      payment: 'query ($asOf: String) { payment(id: "pay-none", asOf: $asOf) { id } }',
      creditNote: 'query ($asOf: String) { creditNote(id: "cn-none", asOf: $asOf) { id } }',
    };
    for (const [name, query] of Object.entries(details)) expect({ name, value: (await ask<Record<string, unknown>>(query, { asOf: at.issued }))[name] }).toEqual({ name, value: null });
    const balance = await ask<{ customerBalance: { credit: unknown[] } }>('query ($asOf: String) { customerBalance(customerId: "c-1", asOf: $asOf) { credit { amount } } }', { asOf: at.issued });
    expect(balance.customerBalance.credit).toEqual([]);
    // The issue posted to the general ledger: there as of the end, not as of the draft.
    const journal = 'query ($asOf: String) { journalEntries(asOf: $asOf) { edges { node { entryId } } } }';
    expect((await ask<{ journalEntries: { edges: unknown[] } }>(journal, { asOf: at.renamed })).journalEntries.edges.length).toBeGreaterThan(0);
    expect((await ask<{ journalEntries: { edges: unknown[] } }>(journal, { asOf: at.draft })).journalEntries.edges).toEqual([]);
  });

  it("shows another tenant nothing of this tenant's past", async () => {
    expect((await ask<{ invoice: unknown }>(INVOICE, { id: invoiceId, asOf: at.issued }, otherKey)).invoice).toBeNull();
    expect((await ask<{ customers: { edges: unknown[] } }>(CUSTOMERS, { asOf: at.renamed }, otherKey)).customers.edges).toEqual([]);
  });

  it.each([
    ['a malformed position', { asOf: 'yesterday' }],
    ['a position with a sign', { asOf: '-1.0' }],
    ['both asOf and asOfTime', { asOf: '0.0', asOfTime: '2026-01-01T00:00:00Z' }],
    ['a position beyond the end of the log', { asOf: '18446744073709551615.0' }],
    ['a time that is no time', { asOfTime: 'soon' }],
  ])('refuses %s with VALIDATION_FAILED', async (_case, variables) => {
    const response = await ledger.graphql<{ invoice: unknown }>(INVOICE, { id: invoiceId, ...variables }, key);
    expect(response.data?.invoice ?? null).toBeNull();
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
  });
});
