import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { sql, type Kysely, type Transaction } from 'kysely';
import { runForTenant } from '../../libs/database/src/index.js';
import { START_POSITION, encodePosition, type Position, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { upsertCustomer } from '../../libs/ledger-application/src/index.js';
import { readAsOf, rebuildProjections, type AsOfPlanEntry, type Projection, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { allProjections } from '../../projections/index.js';
import { CreditNoteQueries } from '../../projections/credit-notes/credit-notes.queries.js';
import { CustomerQueries } from '../../projections/customers/customers.queries.js';
import { GeneralLedgerQueries } from '../../projections/general-ledger/general-ledger.queries.js';
import { InvoiceQueries } from '../../projections/invoices/invoices.queries.js';
import { PaymentQueries } from '../../projections/payments/payments.queries.js';
import { PlanQueries } from '../../projections/catalog/catalog.queries.js';
import { SubscriptionQueries } from '../../projections/subscriptions/subscriptions.queries.js';
import { requireData } from '../support/graphql-http.client.js';
import { commandContext, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { updateSettings } from '../support/settings-effect.support.js';
import { ApplicationLedger, waitForReadModels } from './ledger-model.application.js';
import { stepsArbitrary } from './ledger-model.checks.js';
import { LedgerModel, modelCurrencies, modelCustomers } from './ledger-model.reference.js';
import { mulberry32 } from '../../libs/testing/src/seeded-random.js';

/**
 * Issue 14, part 4, must show: the answer to a query as of a position equals the same query on a fresh rebuild stopped
 * at that position, for random positions over a seeded history.
 *
 * The history is a seeded random sequence of the money model's actions (ledger-model.reference.ts: invoices,
 * payments, refunds, credit notes, customer credit, write-offs, voids) run through the real command handlers of a test
 * ledger whose projector runs live, with customers registered and changed in between. Then, for positions picked by a
 * seeded generator among the tenant's events (plus the start and the end), REAL query classes (invoice list and detail,
 * customer list and detail, payment list and detail, credit notes, journal entries, trial balance, AR aging, and the
 * plans and a subscription made through the API in between: lists, details, versions, items, charges) are run
 * (a) through readAsOf, as the tenant (row-level security on), and (b) on a rebuild of every read model stopped at
 * the position, and must give the same answers.
 */

const SEED = 1_400;
const STEPS = 28;
const POSITIONS = 10;
const TODAY = '2031-06-30';
const PAGE = 100;
const SUBSCRIPTION_ID = 'asof-sub';
const SUBSCRIBER = 'asof-subscriber';

/** Plans and a subscription, made through the API between the money steps (at these step indexes): rows with a history of versions. */
function catalogSteps(currency: string): Map<number, [string, string, Record<string, unknown>][]> {
  const terms = (amount: string) => ({ cycle: { kind: 'MONTHLY' }, timing: 'IN_ADVANCE', prices: [{ currency, amount }], setupFees: null, trialDays: 0, taxTreatment: { kind: 'EXEMPT' }, basePlanIds: null });
  const payload = (name: string, input: string, selection = 'position') => `mutation ($input: ${input}!) { ${name}(input: $input) { ${selection} } }`;
  return new Map([
    [
      3,
      [
        ['createProduct', payload('createProduct', 'CreateProductInput'), { productId: 'asof-product', name: 'Fibre', serviceType: 'BROADBAND' }],
        ['createPlan', payload('createPlan', 'CreatePlanInput'), { planId: 'p-basic', productId: 'asof-product', kind: 'BASE', name: 'Basic', terms: terms('10') }],
        ['createPlan', payload('createPlan', 'CreatePlanInput'), { planId: 'p-pro', productId: 'asof-product', kind: 'BASE', name: 'Pro', terms: terms('20') }],
      ],
    ],
    [8, [['createSubscription', payload('createSubscription', 'CreateSubscriptionInput'), { subscriptionId: SUBSCRIPTION_ID, customerId: SUBSCRIBER, currency, planId: 'p-basic' }]]],
    [12, [['publishPlanVersion', payload('publishPlanVersion', 'PublishPlanVersionInput'), { planId: 'p-basic', terms: terms('12') }]]],
    [20, [['changeSubscription', payload('changeSubscription', 'ChangeSubscriptionInput'), { subscriptionId: SUBSCRIPTION_ID, planId: 'p-pro' }]]],
    [24, [['renamePlan', payload('renamePlan', 'RenamePlanInput'), { planId: 'p-pro', name: 'Pro, renamed' }]]],
  ]);
}

type Db = Kysely<ReadModelDatabase> | Transaction<ReadModelDatabase>;

/** What every query answers for the tenant in one schema: lists, then the detail of everything the final lists name. */
async function answers(db: Db, schema: string, tenantId: string, ids: { invoices: string[]; customers: string[]; payments: string[]; creditNotes: string[] }): Promise<Record<string, unknown>> {
  const invoices = new InvoiceQueries(db, schema);
  const customers = new CustomerQueries(db, schema);
  const payments = new PaymentQueries(db, schema);
  const creditNotes = new CreditNoteQueries(db, schema);
  const ledger = new GeneralLedgerQueries(db, schema);
  const result: Record<string, unknown> = {
    invoiceList: await invoices.listInvoices(tenantId, {}, PAGE, null, TODAY),
    openInvoices: await invoices.listInvoices(tenantId, { status: 'open' }, PAGE, null, TODAY),
    customerList: await customers.listCustomers(tenantId, PAGE, null),
    paymentList: await payments.listPayments(tenantId, {}, PAGE, null),
    creditNoteList: await creditNotes.listCreditNotes(tenantId, {}, PAGE, null),
    journal: await ledger.journalEntries(tenantId, {}, PAGE, null),
    arAging: await ledger.arAging(tenantId, TODAY),
  };
  for (const currency of modelCurrencies) result[`trialBalance:${currency}`] = await ledger.trialBalance(tenantId, TODAY, currency);
  for (const id of ids.invoices) result[`invoice:${id}`] = (await invoices.getInvoice(tenantId, id, TODAY)) ?? null;
  for (const id of ids.customers) {
    result[`customer:${id}`] = (await customers.getCustomer(tenantId, id)) ?? null;
    result[`credit:${id}`] = await invoices.customerCredit(tenantId, id);
  }
  for (const id of ids.payments) result[`payment:${id}`] = (await payments.getPayment(tenantId, id)) ?? null;
  for (const id of ids.creditNotes) result[`creditNote:${id}`] = (await creditNotes.getCreditNote(tenantId, id)) ?? null;
  const plans = new PlanQueries(db, schema);
  const subscriptions = new SubscriptionQueries(db, schema);
  result.planList = await plans.listPlans(tenantId, {}, PAGE, null);
  result.planVersions = await plans.versionsOf(tenantId, ['p-basic', 'p-pro']);
  result['plan:p-basic'] = (await plans.getPlan(tenantId, 'p-basic')) ?? null;
  result.subscriptionList = await subscriptions.listSubscriptions(tenantId, {}, PAGE, null);
  result[`subscription:${SUBSCRIPTION_ID}`] = (await subscriptions.getSubscription(tenantId, SUBSCRIPTION_ID)) ?? null;
  result.subscriptionItems = await subscriptions.itemsOf(tenantId, [SUBSCRIPTION_ID]);
  result.subscriptionCharges = await subscriptions.chargesOf(tenantId, SUBSCRIPTION_ID, modelCurrencies[0]);
  return result;
}

describe('as-of queries equal a rebuild stopped at the position (property, seeded)', () => {
  let ledger: TestLedger;
  const tenantId = 'asof-prop';
  let events: RecordedEvent[];
  const readModels: readonly Projection[] = allProjections.filter((projection) => !projection.sideEffects && projection.history !== false);

  beforeAll(async () => {
    ledger = await startTestLedger();
    const key = await ledger.createKey(tenantId, 'admin');
    await updateSettings(ledger, tenantId, 'payment', { supportedCurrencies: [...modelCurrencies] });
    const [steps] = fc.sample(stepsArbitrary(STEPS, STEPS), { seed: SEED, numRuns: 1 });
    const model = new LedgerModel('');
    const application = new ApplicationLedger(ledger, tenantId);
    const register = (customerId: string, name: string) =>
      upsertCustomer(ledger.services, commandContext(ledger, tenantId, 'test:as-of'), {
        customerId,
        name,
        email: null,
        billingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
        taxExempt: false,
      });
    await register(modelCustomers[0], 'First name');
    await register(SUBSCRIBER, 'Subscriber');
    const catalog = catalogSteps(modelCurrencies[0]);
    for (const [index, step] of (steps ?? []).entries()) {
      // Plans and a subscription change between the money steps (whether or not the step resolves to an action).
      for (const [name, document, input] of catalog.get(index) ?? []) requireData(await ledger.graphql(document, { input }, key), name);
      const action = model.resolve(step);
      if (action === null) continue;
      const prediction = model.predict(action);
      const result = await application.execute(action);
      if (result.outcome === 'ok' && prediction.outcome === 'ok') model.apply(action);
      // Customers change between the money steps: their rows have a history of their own.
      if (index === 5) await register(modelCustomers[1], 'Second');
      if (index === 15) await register(modelCustomers[0], 'First, renamed');
    }
    await waitForReadModels(ledger);
    events = await ledger.tenantEvents(tenantId);
  }, 300_000);

  afterAll(async () => {
    await ledger?.stop();
  });

  it('gives the same answers as of random positions as the rebuild stopped there', async () => {
    const { db, store } = ledger.services;
    const final = await answers(db, 'read_models', tenantId, { invoices: [], customers: [], payments: [], creditNotes: [] });
    const ids = {
      invoices: (final.invoiceList as { edges: { node: { id: string } }[] }).edges.map((edge) => edge.node.id),
      customers: [...modelCustomers],
      payments: (final.paymentList as { edges: { node: { id: string } }[] }).edges.map((edge) => edge.node.id),
      creditNotes: (final.creditNoteList as { edges: { node: { id: string } }[] }).edges.map((edge) => edge.node.id),
    };
    // The seeded history must have produced what the queries show, or the comparison proves little.
    expect(ids.invoices.length).toBeGreaterThan(3);
    expect(ids.payments.length).toBeGreaterThan(0);
    expect(events.length).toBeGreaterThan(40);
    expect((final.subscriptionList as { edges: unknown[] }).edges.length).toBe(1);
    expect((final.planVersions as Map<string, unknown[]>).get('p-basic')?.length).toBe(2);

    const random = mulberry32(SEED);
    const positions: Position[] = [START_POSITION, (events.at(-1) as RecordedEvent).position];
    while (positions.length < POSITIONS + 2) positions.push((events[Math.floor(random() * events.length)] as RecordedEvent).position);
    const modes = new Set<string>();
    for (const [index, position] of positions.entries()) {
      const onPlan = (plan: readonly AsOfPlanEntry[]) => plan.forEach((entry) => modes.add(entry.mode));
      const asOf = await runForTenant({ tenantId }, () => readAsOf({ db, store, projections: readModels, tenantId, position, onPlan }, (trx, schema) => answers(trx, schema, tenantId, ids)));
      const schema = `asof_rebuilt_${index}`;
      await rebuildProjections(store, db, readModels, { buildSchemaOf: (projection) => `${schema}_${projection.name}`, toPosition: position });
      // One schema holding every rebuilt table, as the live one does (an invoice query also reads customer balances).
      await sql.raw(`drop schema if exists ${schema} cascade; create schema ${schema}`).execute(db);
      for (const projection of readModels) {
        for (const table of projection.tables) await sql.raw(`alter table ${schema}_${projection.name}.${table} set schema ${schema}`).execute(db);
        await sql.raw(`drop schema ${schema}_${projection.name} cascade`).execute(db);
      }
      const rebuilt = await answers(db, schema, tenantId, ids);
      expect({ position: encodePosition(position), answers: asOf }).toEqual({ position: encodePosition(position), answers: rebuilt });
      await sql.raw(`drop schema ${schema} cascade`).execute(db);
    }
    // The end and the start differ (the comparison is not between two empty answers), and both paths were taken.
    expect([...modes].sort()).toEqual(['replay', 'view']);
    expect(final.invoiceList).not.toEqual((await runForTenant({ tenantId }, () => readAsOf({ db, store, projections: readModels, tenantId, position: START_POSITION }, (trx, schema) => answers(trx, schema, tenantId, ids)))).invoiceList);
  }, 600_000);
});
