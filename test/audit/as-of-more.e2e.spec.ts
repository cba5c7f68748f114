import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { comparePositions, decodePosition } from '../../libs/event-store/src/index.js';
import { pngOf } from '../../libs/documents/src/logo-fixtures.test-helper.js';
import { firstErrorCode, requireData } from '../support/graphql-http.client.js';
import { issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { SubscriptionScenario } from '../support/subscription-api.js';
import { WebhookReceiver } from '../webhooks/webhook-receiver.js';
import { signingSecret, WebhookTenant } from '../webhooks/webhook-scenario.js';

/**
 * As-of reads through the API, for the queries wired after the first ones (docs/as-of.md): subscriptions and plans
 * (their field resolvers answer from the same past as the query), exchange rates, tax rates, billing settings and
 * their history, the company logo, emails, webhook deliveries and endpoint status, and the audit log and trail (a
 * positional log: as of a position, its events up to it). Each answers the earlier state as of an earlier position,
 * shows another tenant nothing, and refuses a malformed position with VALIDATION_FAILED.
 */

const TENANT = 'asof-more';
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

const SUBSCRIPTION_FIELDS = 'id status items { planId planVersion unitPrice { amount } } charges { sequence reason }';
const DOC = {
  subscription: `query ($id: ID!, $asOf: String, $asOfTime: DateTime) { subscription(id: $id, asOf: $asOf, asOfTime: $asOfTime) { ${SUBSCRIPTION_FIELDS} } }`,
  subscriptionByFragment: `query ($id: ID!, $asOf: String) { subscription(id: $id, asOf: $asOf) { ...S } } fragment S on CustomerSubscription { id ... on CustomerSubscription { charges { sequence } } }`,
  subscriptions: `query ($asOf: String) { subscriptions(asOf: $asOf) { edges { node { ${SUBSCRIPTION_FIELDS} } } } }`,
  plan: 'query ($id: ID!, $asOf: String) { plan(id: $id, asOf: $asOf) { id currentVersion current { prices { amount } } versions { prices { amount } } second: version(number: 2) { prices { amount } } } }',
  plans: 'query ($asOf: String) { plans(asOf: $asOf) { edges { node { id currentVersion current { prices { amount } } } } } }',
  exchangeRate: 'query ($at: DateTime, $knownAsOf: String, $knownAsOfTime: DateTime) { exchangeRate(base: "EUR", quote: "USD", asOf: $at, knownAsOf: $knownAsOf, knownAsOfTime: $knownAsOfTime) { rate } }',
  exchangeRates: 'query ($asOf: String) { exchangeRates(base: "EUR", quote: "USD", asOf: $asOf) { edges { node { rate } } } }',
  convertAmount: 'query ($knownAsOf: String) { convertAmount(amount: "100.00", from: "EUR", to: "USD", asOf: "2025-07-01T00:00:00Z", knownAsOf: $knownAsOf) { converted { amount } } }',
  taxRates: 'query ($asOf: String) { taxRates(asOf: $asOf) { id rate } }',
  billingSettings: 'query ($asOf: String) { billingSettings(asOf: $asOf) { company { name } } }',
  billingSettingsHistory: 'query ($asOf: String) { billingSettingsHistory(asOf: $asOf) { edges { node { section } } } }',
  companyLogo: 'query ($asOf: String) { companyLogo(asOf: $asOf) { contentType width height } }',
  emails: 'query ($asOf: String) { emails(asOf: $asOf) { edges { node { id status } } } }',
  invoiceEmails: 'query ($invoiceId: ID!, $asOf: String) { invoiceEmails(invoiceId: $invoiceId, asOf: $asOf) { id status } }',
  webhookDeliveries: 'query ($asOf: String) { webhookDeliveries(asOf: $asOf) { edges { node { eventType status } } } }',
  webhookEndpointStatus: 'query ($asOf: String) { webhookEndpointStatus(endpointId: "hooks", asOf: $asOf) { enabled } }',
  trialBalance: 'query ($knownAsOf: String, $knownAsOfTime: DateTime) { trialBalance(asOf: "2030-01-01T00:00:00Z", currency: "USD", knownAsOf: $knownAsOf, knownAsOfTime: $knownAsOfTime) { totalDebit { amount } rows { account } } }',
  arAging: 'query ($knownAsOf: String) { arAging(asOf: "2030-01-01", knownAsOf: $knownAsOf) { items { invoiceId } } }',
  auditLog: 'query ($asOf: String, $asOfTime: DateTime, $first: Int) { auditLog(asOf: $asOf, asOfTime: $asOfTime, first: $first) { edges { node { position type } } } }',
  auditTrail: 'query ($id: ID!, $asOf: String) { auditTrail(documentId: $id, asOf: $asOf) { edges { node { position type } } } }',
} as const;

let ledger: TestLedger;
let key: string;
let otherKey: string;
let subscriptions: SubscriptionScenario;
let hooks: WebhookTenant;
let receiver: WebhookReceiver;
let invoiceId: string;
let emailedInvoiceId: string;
const at: Record<string, string> = {};
const time: Record<'before', string> = { before: '' };

type Data = Record<string, unknown>;

async function ask<Result = Data>(query: string, variables: Record<string, unknown>, apiKey = key): Promise<Result> {
  return requireData(await ledger.graphql<Result>(query, variables, apiKey), query.slice(0, 50));
}

async function position(mutation: string, input: Record<string, unknown> | null, name: string, apiKey = key): Promise<string> {
  return (await ask<Record<string, { position: string }>>(mutation, input === null ? {} : { input }, apiKey))[name]?.position as string;
}

/** The last committed event's position (what a read waits for to see the background work done). */
async function head(): Promise<string> {
  return subscriptions.head();
}

async function until<Result>(read: () => Promise<Result>, done: (value: Result) => boolean, what: string): Promise<Result> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  ledger = await startTestLedger();
  key = await ledger.createKey(TENANT, 'admin');
  otherKey = await ledger.createKey('asof-more-other', 'admin');
  time.before = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));

  // Subscriptions and plans, on a tenant of their own with a test clock.
  subscriptions = await SubscriptionScenario.start(ledger, 'asof-sub', '2025-04-01T09:00:00Z');
  await subscriptions.customer('customer');
  at.beforePlans = subscriptions.position;
  await subscriptions.plan({ planId: 'basic', price: '10.00' });
  await subscriptions.plan({ planId: 'pro', price: '20.00' });
  at.plans = subscriptions.position;
  at.subscribed = (await subscriptions.subscribe({ subscriptionId: 'sub', planId: 'basic' })).position;
  // April billed on the first plan; the change below, then May billed on the second.
  await subscriptions.advance('2025-04-01T10:00:00Z');
  at.billed = subscriptions.position;
  const terms = { cycle: { kind: 'MONTHLY' }, timing: 'IN_ADVANCE', prices: [{ currency: 'USD', amount: '12.00' }], setupFees: null, trialDays: 0, taxTreatment: { kind: 'EXEMPT' }, basePlanIds: null };
  await subscriptions.ok('publishPlanVersion', 'mutation ($input: PublishPlanVersionInput!) { publishPlanVersion(input: $input) { position } }', { input: { planId: 'basic', terms } });
  at.changed = (await subscriptions.mutateOk('changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'sub', planId: 'pro', effective: 'NOW', prorationBehavior: 'ALWAYS_INVOICE' })).position;
  await subscriptions.advance('2025-05-01T10:00:00Z');

  // Exchange rates: a rate, then a later one that replaces it from June.
  const record = 'mutation ($input: RecordExchangeRateInput!) { recordExchangeRate(input: $input) { position } }';
  at.start = await position('mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { position } }', { customerId: 'c-1', name: 'One', email: 'one@example.com', billingAddress: address, taxExempt: false }, 'upsertCustomer');
  at.rate1 = await position(record, { base: 'EUR', quote: 'USD', rate: '1.1', effectiveAt: '2025-01-01T00:00:00Z', source: 'manual' }, 'recordExchangeRate');
  at.rate2 = await position(record, { base: 'EUR', quote: 'USD', rate: '1.2', effectiveAt: '2025-06-01T00:00:00Z', source: 'manual' }, 'recordExchangeRate');

  // Settings: a tax rate and its change, the company name twice, a logo uploaded then removed.
  at.tax1 = await position('mutation ($input: CreateTaxRateInput!) { createTaxRate(input: $input) { position } }', { id: 'vat', jurisdiction: 'DE', name: 'VAT', rate: '19', type: 'VAT' }, 'createTaxRate');
  at.tax2 = await position('mutation ($input: UpdateTaxRateInput!) { updateTaxRate(input: $input) { position } }', { taxRateId: 'vat', rate: '20' }, 'updateTaxRate');
  const company = 'mutation ($input: UpdateCompanySettingsInput!) { updateCompanySettings(input: $input) { position } }';
  at.company1 = await position(company, { name: 'Old Co' }, 'updateCompanySettings');
  at.company2 = await position(company, { name: 'New Co' }, 'updateCompanySettings');
  const logo = pngOf({ width: 24, height: 8, colorType: 6, pixel: [10, 123, 131, 255] });
  at.logo = await position('mutation ($input: UploadCompanyLogoInput!) { uploadCompanyLogo(input: $input) { position } }', { contentType: 'image/png', contentBase64: logo.toString('base64') }, 'uploadCompanyLogo');
  at.logoRemoved = await position('mutation { removeCompanyLogo { position } }', null, 'removeCompanyLogo');

  // An invoice (its trail), and one emailed: the email pending as of the request, sent since.
  const draft = await ledger.mutateOk('createInvoice', { customerId: 'c-1', currency: 'USD', lines: [{ description: 'Hours', quantity: '2', unitPrice: '50', taxRate: null }] }, key);
  invoiceId = draft.invoice.id;
  at.draft = draft.position;
  at.issued = (await ledger.mutateOk('issueInvoice', { invoiceId }, key)).position;
  emailedInvoiceId = (await issuedInvoice(ledger, { customerId: 'c-1' }, key)).invoice.id;
  at.emailRequested = await position('mutation ($input: SendInvoiceInput!) { sendInvoice(input: $input) { position } }', { invoiceId: emailedInvoiceId, idempotencyKey: 'asof-send' }, 'sendInvoice');

  // Webhooks: an endpoint, an invoice delivered to it, the endpoint disabled.
  receiver = await WebhookReceiver.start();
  hooks = await WebhookTenant.start(ledger, 'asof-hooks');
  at.hooksStart = await hooks.features(true);
  at.endpoint = await hooks.endpoints([{ id: 'hooks', url: receiver.url, events: ['INVOICE_CREATED'], authType: 'SIGNATURE', secret: signingSecret() }]);
  await hooks.invoice();
  await receiver.waitFor(1);
  await hooks.waitForDeliveries((deliveries) => deliveries.length === 1 && deliveries[0]?.status === 'DELIVERED');
  at.delivered = await head();
  at.endpointDisabled = await position('mutation ($input: DisableWebhookEndpointInput!) { disableWebhookEndpoint(input: $input) { position } }', { endpointId: 'hooks', reason: 'as-of test' }, 'disableWebhookEndpoint', hooks.key);

  // The present, once the read models have it.
  await until(() => ask<{ invoiceEmails: { status: string }[] }>(DOC.invoiceEmails, { invoiceId: emailedInvoiceId }), (data) => data.invoiceEmails.some((email) => email.status === 'SENT'), 'the email was sent');
  at.end = await head();
  await ask('query ($minPosition: String) { plans(minPosition: $minPosition) { edges { node { id } } } }', { minPosition: at.end }, subscriptions.key);
}, 180_000);

afterAll(async () => {
  await receiver?.close();
  await ledger?.stop();
});

type SubscriptionAnswer = { id: string; status: string; items: { planId: string; planVersion: number; unitPrice: { amount: string } }[]; charges: { sequence: number; reason: string }[] } | null;

describe('subscription and subscriptions: the field resolvers answer from the same past', () => {
  const subscriptionAt = async (asOf: string | null): Promise<SubscriptionAnswer> => (await ask<{ subscription: SubscriptionAnswer }>(DOC.subscription, { id: 'sub', asOf }, subscriptions.key)).subscription;

  it('shows the subscription on its first plan before the change, with the charges it had then, and on the new plan now', async () => {
    const then = await subscriptionAt(at.billed as string);
    const now = await subscriptionAt(null);
    expect(then?.items.map((item) => item.planId)).toEqual(['basic']);
    expect(now?.items.map((item) => item.planId)).toEqual(['pro']);
    // April's charge then; more since (read in the as-of transaction, not live).
    expect(then?.charges.length).toBeGreaterThan(0);
    expect(now?.charges.length).toBeGreaterThan(then?.charges.length ?? 0);
    expect((await subscriptionAt(at.subscribed as string))?.charges).toEqual([]);
    expect(then?.charges).toEqual(now?.charges.slice(0, then?.charges.length));
    // As of the end, what the live read model shows.
    expect(await subscriptionAt(at.end as string)).toEqual(now);
    expect(await subscriptionAt(at.plans as string)).toBeNull();
  });

  it('reads the charges inside the as-of transaction when selected through fragments too', async () => {
    const then = await ask<{ subscription: { charges: { sequence: number }[] } }>(DOC.subscriptionByFragment, { id: 'sub', asOf: at.billed }, subscriptions.key);
    const expected = (await subscriptionAt(at.billed as string))?.charges.map((charge) => ({ sequence: charge.sequence }));
    expect(then.subscription.charges).toEqual(expected);
    expect(then.subscription.charges.length).toBeLessThan((await subscriptionAt(null))?.charges.length ?? 0);
  });

  it('lists the subscriptions as they stood', async () => {
    const list = async (asOf: string) => (await ask<{ subscriptions: { edges: { node: NonNullable<SubscriptionAnswer> }[] } }>(DOC.subscriptions, { asOf }, subscriptions.key)).subscriptions.edges.map((edge) => edge.node);
    expect(await list(at.plans as string)).toEqual([]);
    const then = await list(at.subscribed as string);
    expect(then.map((node) => [node.id, node.items[0]?.planId])).toEqual([['sub', 'basic']]);
    expect((await list(at.billed as string))[0]?.charges).toEqual((await subscriptionAt(at.billed as string))?.charges);
    expect((await list(at.changed as string)).map((node) => node.items[0]?.planId)).toEqual(['pro']);
  });

  it('resolves asOfTime: before the first event the subscription does not exist', async () => {
    expect((await ask<{ subscription: unknown }>(DOC.subscription, { id: 'sub', asOfTime: time.before }, subscriptions.key)).subscription).toBeNull();
  });
});

describe('plan and plans: current, versions and version answer from the same past', () => {
  type PlanAnswer = { id: string; currentVersion: number; current: { prices: { amount: string }[] }; versions: { prices: { amount: string }[] }[]; second: { prices: { amount: string }[] } | null } | null;
  const planAt = async (asOf: string | null): Promise<PlanAnswer> => (await ask<{ plan: PlanAnswer }>(DOC.plan, { id: 'basic', asOf }, subscriptions.key)).plan;

  it('shows a plan before its second version was published, and with it now', async () => {
    const then = await planAt(at.subscribed as string);
    expect(then).toEqual({ id: 'basic', currentVersion: 1, current: { prices: [{ amount: '10.00' }] }, versions: [{ prices: [{ amount: '10.00' }] }], second: null });
    const now = await planAt(null);
    expect(now).toEqual({ id: 'basic', currentVersion: 2, current: { prices: [{ amount: '12.00' }] }, versions: [{ prices: [{ amount: '10.00' }] }, { prices: [{ amount: '12.00' }] }], second: { prices: [{ amount: '12.00' }] } });
    expect(await planAt(at.end as string)).toEqual(now);
    expect(await planAt(at.beforePlans as string)).toBeNull();
  });

  it('lists the plans as they stood', async () => {
    const list = async (asOf: string) => (await ask<{ plans: { edges: { node: { id: string; currentVersion: number; current: { prices: { amount: string }[] } } }[] } }>(DOC.plans, { asOf }, subscriptions.key)).plans.edges.map((edge) => edge.node);
    expect(await list(at.beforePlans as string)).toEqual([]);
    expect((await list(at.subscribed as string)).map((node) => [node.id, node.currentVersion, node.current.prices[0]?.amount])).toEqual([
      ['basic', 1, '10.00'],
      ['pro', 1, '20.00'],
    ]);
    expect((await list(at.changed as string)).map((node) => [node.id, node.currentVersion])).toEqual([
      ['basic', 2],
      ['pro', 1],
    ]);
  });
});

describe('exchange rates: knownAsOf (exchangeRate, convertAmount, whose asOf is the effective instant) and asOf (exchangeRates)', () => {
  it('answers the rate in effect in July as recorded before the June rate was, and as recorded now', async () => {
    const rateAt = async (knownAsOf: string | null) => (await ask<{ exchangeRate: { rate: string } }>(DOC.exchangeRate, { at: '2025-07-01T00:00:00Z', knownAsOf })).exchangeRate.rate;
    expect(await rateAt(at.rate1 as string)).toBe('1.1');
    expect(await rateAt(null)).toBe('1.2');
    expect(await rateAt(at.rate2 as string)).toBe('1.2');
    const converted = async (knownAsOf: string | null) => (await ask<{ convertAmount: { converted: { amount: string } } }>(DOC.convertAmount, { knownAsOf })).convertAmount.converted.amount;
    expect(await converted(at.rate1 as string)).toBe('110.00');
    expect(await converted(null)).toBe('120.00');
  });

  it('as known before any rate was recorded: EXCHANGE_RATE_NOT_FOUND, as the present answers an unknown pair', async () => {
    expect(firstErrorCode(await ledger.graphql(DOC.exchangeRate, { at: '2025-07-01T00:00:00Z', knownAsOf: at.start }, key))).toBe('EXCHANGE_RATE_NOT_FOUND');
  });

  it('lists the recorded rates as they stood', async () => {
    const list = async (asOf: string | null) => (await ask<{ exchangeRates: { edges: { node: { rate: string } }[] } }>(DOC.exchangeRates, { asOf })).exchangeRates.edges.map((edge) => edge.node.rate);
    expect(await list(at.start as string)).toEqual([]);
    expect(await list(at.rate1 as string)).toEqual(['1.1']);
    expect(await list(null)).toEqual(['1.2', '1.1']);
  });

  it.each([
    ['a malformed knownAsOf', { knownAsOf: 'yesterday' }, 'knownAsOf'],
    ['both knownAsOf and knownAsOfTime', { knownAsOf: '0.0', knownAsOfTime: '2026-01-01T00:00:00Z' }, 'knownAsOf'],
    ['a knownAsOfTime that is no time', { knownAsOfTime: 'soon' }, 'knownAsOfTime'],
  ])('refuses %s with VALIDATION_FAILED naming the argument', async (_case, variables, field) => {
    const response = await ledger.graphql(DOC.exchangeRate, { at: '2025-07-01T00:00:00Z', ...variables }, key);
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(response.errors)).toContain(field);
  });
});

describe('settings: tax rates, billing settings and their history, the company logo', () => {
  it('shows a tax rate before and after it was changed', async () => {
    const rates = async (asOf: string | null) => (await ask<{ taxRates: { id: string; rate: string }[] }>(DOC.taxRates, { asOf })).taxRates;
    expect(await rates(at.rate2 as string)).toEqual([]);
    expect(await rates(at.tax1 as string)).toEqual([{ id: 'vat', rate: '19' }]);
    expect(await rates(null)).toEqual([{ id: 'vat', rate: '20' }]);
  });

  it('shows the company name as it stood, and the settings history up to then', async () => {
    const name = async (asOf: string | null) => (await ask<{ billingSettings: { company: { name: string | null } } }>(DOC.billingSettings, { asOf })).billingSettings.company.name;
    expect(await name(at.company1 as string)).toBe('Old Co');
    expect(await name(null)).toBe('New Co');
    expect(await name(at.start as string)).not.toBe('Old Co');
    const changes = async (asOf: string | null) => (await ask<{ billingSettingsHistory: { edges: unknown[] } }>(DOC.billingSettingsHistory, { asOf })).billingSettingsHistory.edges.length;
    expect(await changes(at.company1 as string)).toBe((await changes(at.company2 as string)) - 1);
    expect(await changes(at.start as string)).toBe(0);
  });

  it('shows the logo while it was there, and none before or since', async () => {
    const logo = async (asOf: string | null) => (await ask<{ companyLogo: unknown }>(DOC.companyLogo, { asOf })).companyLogo;
    expect(await logo(at.company2 as string)).toBeNull();
    expect(await logo(at.logo as string)).toEqual({ contentType: 'image/png', width: 24, height: 8 });
    expect(await logo(at.logoRemoved as string)).toBeNull();
    expect(await logo(null)).toBeNull();
  });
});

describe('emails and webhooks', () => {
  it('shows an email pending as of its request, sent since, and none before it', async () => {
    const emails = async (asOf: string | null) => (await ask<{ invoiceEmails: { status: string }[] }>(DOC.invoiceEmails, { invoiceId: emailedInvoiceId, asOf })).invoiceEmails.map((email) => email.status);
    expect(await emails(at.issued as string)).toEqual([]);
    expect(await emails(at.emailRequested as string)).toEqual(['PENDING']);
    expect(await emails(null)).toContain('SENT');
    const list = async (asOf: string | null) => (await ask<{ emails: { edges: { node: { status: string } }[] } }>(DOC.emails, { asOf })).emails.edges.map((edge) => edge.node.status);
    expect(await list(at.start as string)).toEqual([]);
    expect(await list(at.end as string)).toEqual(await list(null));
  });

  it("shows an endpoint's status and its deliveries as they stood", async () => {
    const status = async (asOf: string | null) => (await ask<{ webhookEndpointStatus: { enabled: boolean } | null }>(DOC.webhookEndpointStatus, { asOf }, hooks.key)).webhookEndpointStatus;
    expect(await status(at.hooksStart as string)).toBeNull();
    expect(await status(at.endpoint as string)).toEqual({ enabled: true });
    expect(await status(null)).toEqual({ enabled: false });
    const deliveries = async (asOf: string | null) => (await ask<{ webhookDeliveries: { edges: { node: { eventType: string; status: string } }[] } }>(DOC.webhookDeliveries, { asOf }, hooks.key)).webhookDeliveries.edges.map((edge) => edge.node);
    expect(await deliveries(at.endpoint as string)).toEqual([]);
    expect(await deliveries(at.delivered as string)).toEqual([{ eventType: 'INVOICE_CREATED', status: 'DELIVERED' }]);
  });
});

describe('trialBalance and arAging: knownAsOf (their asOf is the instant or date reported on)', () => {
  it('reports on the same date as the ledger knew it before and after the first invoice was issued', async () => {
    const balance = async (knownAsOf: string | null) => (await ask<{ trialBalance: { totalDebit: { amount: string }; rows: unknown[] } }>(DOC.trialBalance, { knownAsOf })).trialBalance;
    expect((await balance(at.draft as string)).totalDebit.amount).toBe('0.00');
    expect((await balance(at.issued as string)).totalDebit.amount).toBe('100.00');
    expect(Number((await balance(null)).totalDebit.amount)).toBeGreaterThan(100);
    const aging = async (knownAsOf: string | null) => (await ask<{ arAging: { items: { invoiceId: string }[] } }>(DOC.arAging, { knownAsOf })).arAging.items.map((item) => item.invoiceId);
    expect(await aging(at.draft as string)).toEqual([]);
    expect(await aging(at.issued as string)).toEqual([invoiceId]);
    expect((await aging(null)).sort()).toEqual([invoiceId, emailedInvoiceId].sort());
  });

  it.each([
    ['trialBalance', DOC.trialBalance],
    ['arAging', DOC.arAging],
  ])('%s refuses a malformed knownAsOf with VALIDATION_FAILED naming it, and shows another tenant nothing', async (name, query) => {
    const response = await ledger.graphql<Data>(query, { knownAsOf: '1.x' }, key);
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(response.errors)).toContain('knownAsOf');
    const other = await ask<Record<string, { totalDebit?: { amount: string }; items?: unknown[] }>>(query, { knownAsOf: at.end }, otherKey);
    expect(other[name]?.totalDebit?.amount ?? other[name]?.items).toEqual(name === 'trialBalance' ? '0.00' : []);
  });
});

describe('auditLog and auditTrail: as of a position, the events up to it', () => {
  type Entries = { edges: { node: { position: string; type: string } }[] };

  it('auditLog as of a position lists exactly the events of the log at or before it', async () => {
    const all = (await ask<{ auditLog: Entries }>(DOC.auditLog, { first: 200 })).auditLog.edges.map((edge) => edge.node);
    const bound = decodePosition(at.tax1 as string);
    const then = (await ask<{ auditLog: Entries }>(DOC.auditLog, { asOf: at.tax1, first: 200 })).auditLog.edges.map((edge) => edge.node);
    expect(then).toEqual(all.filter((entry) => comparePositions(decodePosition(entry.position), bound) <= 0));
    expect(then.at(-1)?.position).toBe(at.tax1);
    expect(then.length).toBeLessThan(all.length);
    expect((await ask<{ auditLog: Entries }>(DOC.auditLog, { asOfTime: time.before })).auditLog.edges).toEqual([]);
  });

  it("auditTrail as of a position lists the document's events up to it", async () => {
    const trail = async (asOf: string | null) => (await ask<{ auditTrail: Entries }>(DOC.auditTrail, { id: invoiceId, asOf })).auditTrail.edges.map((edge) => edge.node.type);
    expect(await trail(at.start as string)).toEqual([]);
    expect(await trail(at.draft as string)).toEqual(['InvoiceDrafted']);
    const now = await trail(null);
    expect(now.slice(0, 1)).toEqual(['InvoiceDrafted']);
    expect(now).toContain('InvoiceIssued');
  });
});

describe('every newly wired query', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['subscription', DOC.subscription, { id: 'sub' }],
    ['subscriptions', DOC.subscriptions, {}],
    ['plan', DOC.plan, { id: 'basic' }],
    ['plans', DOC.plans, {}],
    ['exchangeRates', DOC.exchangeRates, {}],
    ['taxRates', DOC.taxRates, {}],
    ['billingSettings', DOC.billingSettings, {}],
    ['billingSettingsHistory', DOC.billingSettingsHistory, {}],
    ['companyLogo', DOC.companyLogo, {}],
    ['emails', DOC.emails, {}],
    ['invoiceEmails', DOC.invoiceEmails, { invoiceId: 'x' }],
    ['webhookDeliveries', DOC.webhookDeliveries, {}],
    ['webhookEndpointStatus', DOC.webhookEndpointStatus, {}],
    ['auditLog', DOC.auditLog, {}],
    ['auditTrail', DOC.auditTrail, { id: 'x' }],
  ];

  it.each(cases)('%s refuses a malformed asOf with VALIDATION_FAILED', async (name, query, variables) => {
    const response = await ledger.graphql<Data>(query, { ...variables, asOf: 'yesterday' }, key);
    expect(response.data?.[name] ?? null).toBeNull();
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
  });

  it.each(cases)('%s refuses a position beyond the end of the log with VALIDATION_FAILED', async (_name, query, variables) => {
    expect(firstErrorCode(await ledger.graphql<Data>(query, { ...variables, asOf: '18446744073709551615.0' }, key))).toBe('VALIDATION_FAILED');
  });

  it("shows another tenant nothing of these tenants' past", async () => {
    const asOf = at.end;
    const other = async (query: string, variables: Record<string, unknown>) => ask<Data>(query, { ...variables, asOf }, otherKey);
    expect((await other(DOC.subscription, { id: 'sub' })).subscription).toBeNull();
    expect(await other(DOC.subscriptions, {})).toEqual({ subscriptions: { edges: [] } });
    expect((await other(DOC.plan, { id: 'basic' })).plan).toBeNull();
    expect(await other(DOC.plans, {})).toEqual({ plans: { edges: [] } });
    expect(await other(DOC.exchangeRates, {})).toEqual({ exchangeRates: { edges: [] } });
    expect(await other(DOC.taxRates, {})).toEqual({ taxRates: [] });
    expect(await other(DOC.billingSettings, {})).not.toEqual({ billingSettings: { company: { name: 'New Co' } } });
    expect(await other(DOC.billingSettingsHistory, {})).toEqual({ billingSettingsHistory: { edges: [] } });
    expect(await other(DOC.companyLogo, {})).toEqual({ companyLogo: null });
    expect(await other(DOC.emails, {})).toEqual({ emails: { edges: [] } });
    expect(await other(DOC.invoiceEmails, { invoiceId: emailedInvoiceId })).toEqual({ invoiceEmails: [] });
    expect(await other(DOC.webhookDeliveries, {})).toEqual({ webhookDeliveries: { edges: [] } });
    expect(await other(DOC.webhookEndpointStatus, {})).toEqual({ webhookEndpointStatus: null });
    expect(await other(DOC.auditLog, {})).toEqual({ auditLog: { edges: [] } });
    expect(await other(DOC.auditTrail, { id: invoiceId })).toEqual({ auditTrail: { edges: [] } });
  });
});
