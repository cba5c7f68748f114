import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectRejectedWithoutEvents } from '../support/expect-rejected.js';
import { collectSubscription, connectWebSocket } from '../support/graphql-ws.collector.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { SubscriptionScenario, SUBSCRIPTION_DOCUMENTS } from '../support/subscription-api.js';

/**
 * A subscription's life through the API (docs/domain.md, "Subscriptions"): the refusals with their codes and nothing
 * appended; the tenant's subscription settings taking effect (credit for unused time on a cancellation now, billing
 * paused or continued while suspended); cancellations at the period end, withdrawn or carried out by the scheduler;
 * the list and its filters; and the subscription's events on the billingEvents subscription.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
});

const UPDATE_SUBSCRIPTION_SETTINGS = 'mutation ($input: UpdateSubscriptionSettingsInput!) { updateSubscriptionSettings(input: $input) { position } }';
const ARCHIVE_PLAN = 'mutation ($input: ArchivePlanInput!) { archivePlan(input: $input) { position } }';

/** A tenant on 2025-04-01 with customer `customer`, a 10.00 monthly plan `fibre`, an add-on `ip` of it, and `other` (no add-ons). */
async function scenarioWithCatalog(prefix: string): Promise<SubscriptionScenario> {
  const scenario = await SubscriptionScenario.start(ledger, prefix, '2025-04-01T09:00:00Z');
  await scenario.customer('customer');
  await scenario.plan({ planId: 'fibre', price: '10.00' });
  await scenario.plan({ planId: 'ip', price: '3.00', kind: 'ADDON', basePlanIds: ['fibre'] });
  await scenario.plan({ planId: 'other', price: '7.00' });
  await scenario.plan({ planId: 'retired', price: '1.00' });
  await scenario.ok('archivePlan', ARCHIVE_PLAN, { input: { planId: 'retired' } });
  return scenario;
}

describe('refusals: a clear code, and nothing appended', () => {
  let scenario: SubscriptionScenario;

  beforeAll(async () => {
    scenario = await scenarioWithCatalog('sub-refusals');
    await scenario.subscribe({ subscriptionId: 'active', planId: 'fibre' });
    await scenario.subscribe({ subscriptionId: 'ending', planId: 'fibre' });
    await scenario.mutateOk('cancelSubscription', 'CancelSubscriptionInput', { subscriptionId: 'ending', at: 'PERIOD_END' });
    await scenario.subscribe({ subscriptionId: 'gone', planId: 'fibre' });
    await scenario.mutateOk('cancelSubscription', 'CancelSubscriptionInput', { subscriptionId: 'gone', at: 'NOW' });
  }, 60_000);

  const create = (input: Record<string, unknown>) => ['createSubscription', 'CreateSubscriptionInput', { subscriptionId: 'new', customerId: 'customer', currency: 'USD', planId: 'fibre', ...input }] as const;
  it.each([
    ['an unknown plan', create({ planId: 'missing' }), 'NOT_FOUND'],
    ['a customer never registered', create({ customerId: 'stranger' }), 'NOT_FOUND'],
    ['an archived plan', create({ planId: 'retired' }), 'PLAN_NOT_ACTIVE'],
    ['a version never published', create({ planVersion: 9 }), 'PLAN_VERSION_NOT_FOUND'],
    ['a currency the tenant does not bill in', create({ currency: 'EUR' }), 'CURRENCY_NOT_SUPPORTED'],
    ['an add-on plan as the base', create({ planId: 'ip' }), 'ADDON_NOT_ALLOWED'],
    ['an add-on on a base plan it does not list', create({ planId: 'other', addons: [{ planId: 'ip' }] }), 'ADDON_NOT_ALLOWED'],
    ['a base plan as an add-on', create({ addons: [{ planId: 'other' }] }), 'ADDON_NOT_ALLOWED'],
    ['a subscription id taken', create({ subscriptionId: 'active' }), 'ALREADY_EXISTS'],
    ['a zero quantity', create({ quantity: '0' }), 'VALIDATION_FAILED'],
    ['a start more than 366 days back', create({ startDate: '2024-03-30' }), 'VALIDATION_FAILED'],
    ['a malformed subscription id', create({ subscriptionId: 'has space' }), 'VALIDATION_FAILED'],
    ['a change of a subscription that does not exist', ['changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'missing', quantity: '2' }], 'NOT_FOUND'],
    ['a change of an item it does not have', ['changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'active', itemId: 'nope', quantity: '2' }], 'NOT_FOUND'],
    ['a change that changes nothing', ['changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'active', quantity: '1' }], 'VALIDATION_FAILED'],
    ['a change of a subscription whose cancellation is scheduled', ['changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'ending', quantity: '2' }], 'SUBSCRIPTION_CANCELLATION_SCHEDULED'],
    ['a change of a terminated subscription', ['changeSubscription', 'ChangeSubscriptionInput', { subscriptionId: 'gone', quantity: '2' }], 'SUBSCRIPTION_TERMINATED'],
    ['a second cancellation at the period end', ['cancelSubscription', 'CancelSubscriptionInput', { subscriptionId: 'ending', at: 'PERIOD_END' }], 'SUBSCRIPTION_CANCELLATION_SCHEDULED'],
    ['withdrawing a cancellation never asked', ['withdrawSubscriptionCancellation', 'SubscriptionIdInput', { subscriptionId: 'active' }], 'INVALID_STATE_TRANSITION'],
    ['resuming a subscription that is not suspended', ['resumeSubscription', 'SubscriptionIdInput', { subscriptionId: 'active' }], 'SUBSCRIPTION_NOT_SUSPENDED'],
    ['activating an active subscription', ['activateSubscription', 'SubscriptionIdInput', { subscriptionId: 'active' }], 'INVALID_STATE_TRANSITION'],
    ['suspending a terminated subscription', ['suspendSubscription', 'SuspendSubscriptionInput', { subscriptionId: 'gone' }], 'SUBSCRIPTION_TERMINATED'],
  ] as const)('%s: %s', async (_case, [name, inputType, input], code) => {
    await expectRejectedWithoutEvents(ledger, code, () => scenario.mutate(name, inputType, input));
  });

  it('the previews refuse what the command would refuse, with the same codes', async () => {
    const preview = (input: Record<string, unknown>) => scenario.send(SUBSCRIPTION_DOCUMENTS.previewSubscriptionChange, { input });
    expect((await preview({ subscriptionId: 'gone', quantity: '2' })).errors?.[0]?.extensions?.code).toBe('SUBSCRIPTION_TERMINATED');
    expect((await preview({ subscriptionId: 'active', planId: 'retired' })).errors?.[0]?.extensions?.code).toBe('PLAN_NOT_ACTIVE');
    expect((await scenario.send(SUBSCRIPTION_DOCUMENTS.upcomingInvoice, { id: 'missing' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // A terminated subscription has no next bill.
    expect(await scenario.upcoming('gone')).toBeNull();
  });
});

describe("the tenant's subscription settings", () => {
  it.each([
    ['credits the unused days by default', null, [{ amount: '5.00', currency: 'USD' }]],
    ['credits nothing when the tenant says so', false, []],
  ])('a cancellation now halfway through a paid month %s', async (_case, creditUnusedTimeOnCancel, credit) => {
    const scenario = await scenarioWithCatalog('sub-cancel');
    if (creditUnusedTimeOnCancel !== null) await scenario.ok('updateSubscriptionSettings', UPDATE_SUBSCRIPTION_SETTINGS, { input: { creditUnusedTimeOnCancel } });
    await scenario.subscribe({ subscriptionId: 'sub', planId: 'fibre' });
    await scenario.advance('2025-04-01T10:00:00Z');
    await scenario.advance('2025-04-16T10:00:00Z');
    const cancelled = await scenario.mutateOk('cancelSubscription', 'CancelSubscriptionInput', { subscriptionId: 'sub', at: 'NOW' });
    expect(cancelled.subscription).toMatchObject({ status: 'TERMINATED', serviceStatus: 'TERMINATED', terminatedOn: '2025-04-16', nextBillDate: null });
    // No charge is left: only the credit, a credit note with no invoice, all of it customer credit.
    expect(cancelled.invoiceId).toBeNull();
    expect(cancelled.creditNoteId === null).toBe(credit.length === 0);
    if (cancelled.creditNoteId !== null) expect(await scenario.creditNote(cancelled.creditNoteId)).toMatchObject({ reason: 'CANCELLATION', status: 'APPLIED' });
    expect(await scenario.customerCredit()).toEqual(credit);
    // Nothing is billed any more: the only work left is the unpaid April invoice's (docs/overdue.md: three reminders,
    // the overdue mark and the late-fee check).
    const invoices = (await scenario.invoicesOf('customer')).map((invoice) => invoice.id);
    expect(await scenario.advance('2025-06-02T00:00:00Z')).toMatchObject({ steps: 5, parked: 0, dropped: 0 });
    expect((await scenario.invoicesOf('customer')).map((invoice) => invoice.id)).toEqual(invoices);
  });

  it('while suspended, billing continues by default (the service stops), and pauses under pause_billing', async () => {
    const scenario = await scenarioWithCatalog('sub-suspend');
    await scenario.subscribe({ subscriptionId: 'continues', planId: 'fibre' });
    await scenario.advance('2025-04-01T10:00:00Z');
    const suspended = await scenario.mutateOk('suspendSubscription', 'SuspendSubscriptionInput', { subscriptionId: 'continues', reason: 'Dunning' });
    expect(suspended.subscription).toMatchObject({ status: 'SUSPENDED', serviceStatus: 'SUSPENDED', suspension: { since: '2025-04-01', policy: 'CONTINUE_BILLING', reason: 'Dunning' } });

    await scenario.ok('updateSubscriptionSettings', UPDATE_SUBSCRIPTION_SETTINGS, { input: { suspensionPolicy: 'PAUSE_BILLING' } });
    await scenario.subscribe({ subscriptionId: 'pauses', planId: 'fibre' });
    await scenario.advance('2025-04-16T10:00:00Z');
    const paused = await scenario.mutateOk('suspendSubscription', 'SuspendSubscriptionInput', { subscriptionId: 'pauses' });
    expect(paused.subscription.suspension).toMatchObject({ since: '2025-04-16', policy: 'PAUSE_BILLING' });
    await scenario.advance('2025-05-01T10:00:00Z');
    // Continuing: May billed in full. Paused: nothing billed for May, and the billed days from April 16 given back.
    const continues = await scenario.subscription('continues');
    expect(continues?.charges.map((charge) => [charge.periodStart, charge.total.amount])).toEqual([
      ['2025-04-01', '10.00'],
      ['2025-05-01', '10.00'],
    ]);
    const pauses = await scenario.subscription('pauses');
    expect(pauses?.charges.map((charge) => [charge.periodStart, charge.charged.amount, charge.credited.amount, charge.invoiceId === null])).toEqual([
      ['2025-04-01', '10.00', '0.00', false],
      ['2025-05-01', '0.00', '5.00', true],
    ]);
    expect(await scenario.customerCredit()).toEqual([{ amount: '5.00', currency: 'USD' }]);
    // Resumed on May 16: the rest of May (16 of 31 days) is charged with June.
    await scenario.advance('2025-05-16T10:00:00Z');
    const resumed = await scenario.mutateOk('resumeSubscription', 'SubscriptionIdInput', { subscriptionId: 'pauses' });
    expect(resumed.subscription).toMatchObject({ status: 'ACTIVE', serviceStatus: 'ACTIVE', suspension: null });
    await scenario.advance('2025-06-01T10:00:00Z');
    expect((await scenario.subscription('pauses'))?.charges.at(-1)).toMatchObject({ periodStart: '2025-06-01', charged: { amount: '15.16' } });
  });
});

describe('cancelling at the period end', () => {
  it('terminates on the day the period ends (nothing billed from then), unless withdrawn before', async () => {
    const scenario = await scenarioWithCatalog('sub-period-end');
    await scenario.subscribe({ subscriptionId: 'ends', planId: 'fibre' });
    await scenario.subscribe({ subscriptionId: 'stays', planId: 'fibre' });
    await scenario.advance('2025-04-01T10:00:00Z');
    expect((await scenario.mutateOk('cancelSubscription', 'CancelSubscriptionInput', { subscriptionId: 'ends', at: 'PERIOD_END' })).subscription.cancellation).toEqual({
      cancelAt: '2025-05-01',
      requestedOn: '2025-04-01',
    });
    await scenario.mutateOk('cancelSubscription', 'CancelSubscriptionInput', { subscriptionId: 'stays', at: 'PERIOD_END' });
    await scenario.advance('2025-04-20T10:00:00Z');
    expect((await scenario.mutateOk('withdrawSubscriptionCancellation', 'SubscriptionIdInput', { subscriptionId: 'stays' })).subscription.cancellation).toBeNull();
    await scenario.advance('2025-05-01T10:00:00Z');
    expect(await scenario.subscription('ends')).toMatchObject({ status: 'TERMINATED', terminatedOn: '2025-05-01', nextBillDate: null });
    expect((await scenario.subscription('ends'))?.charges).toHaveLength(1);
    expect((await scenario.subscription('stays'))?.charges.map((charge) => charge.periodStart)).toEqual(['2025-04-01', '2025-05-01']);
  });
});

describe('queries', () => {
  it('subscriptions filtered by customer, status, plan and next bill date, page by page', async () => {
    const scenario = await scenarioWithCatalog('sub-list');
    await scenario.customer('second');
    await scenario.subscribe({ subscriptionId: 'a', planId: 'fibre', addons: [{ planId: 'ip' }] });
    await scenario.subscribe({ subscriptionId: 'b', planId: 'other', customerId: 'second' });
    await scenario.subscribe({ subscriptionId: 'c', planId: 'fibre', startDate: '2025-04-20' });
    await scenario.subscribe({ subscriptionId: 'd', planId: 'other', startDate: '2025-04-10' });
    await scenario.advance('2025-04-01T10:00:00Z');
    const ids = async (filter: Record<string, unknown>, first = 20, after: string | null = null) => {
      const data = await scenario.ok<{ subscriptions: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
        'subscriptions',
        SUBSCRIPTION_DOCUMENTS.subscriptions,
        { filter, first, after, minPosition: scenario.position },
      );
      return { ids: data.subscriptions.edges.map((edge) => edge.node.id), pageInfo: data.subscriptions.pageInfo };
    };
    expect((await ids({})).ids).toEqual(['a', 'b', 'c', 'd']);
    expect((await ids({ customerId: 'second' })).ids).toEqual(['b']);
    expect((await ids({ status: 'PENDING' })).ids).toEqual(['c', 'd']);
    expect((await ids({ planId: 'ip' })).ids).toEqual(['a']);
    expect((await ids({ planId: 'fibre' })).ids).toEqual(['a', 'c']);
    // Next bills: a and b on May 1, c on April 20, d on April 10: listed by next bill date, then id.
    expect((await ids({ nextBillBefore: '2025-05-02' })).ids).toEqual(['d', 'c', 'a', 'b']);
    expect((await ids({ nextBillBefore: '2025-04-20' })).ids).toEqual(['d']);
    const first = await ids({ nextBillBefore: '2025-05-02' }, 2);
    expect(first).toMatchObject({ ids: ['d', 'c'], pageInfo: { hasNextPage: true } });
    expect((await ids({ nextBillBefore: '2025-05-02' }, 2, first.pageInfo.endCursor)).ids).toEqual(['a', 'b']);
    const page = await ids({}, 3);
    expect((await ids({}, 3, page.pageInfo.endCursor)).ids).toEqual(['d']);
    expect(await scenario.subscription('a')).toMatchObject({
      items: [
        { itemId: 'base', role: 'BASE', planId: 'fibre', planVersion: 1, unitPrice: { amount: '10.00' } },
        { itemId: 'addon-1', role: 'ADDON', planId: 'ip', quantity: '1' },
      ],
      currentPeriod: { start: '2025-04-01', end: '2025-05-01' },
      nextBillDate: '2025-05-01',
      timeZone: 'UTC',
    });
  });

  it('billingEvents delivers the subscription.* and service.* events of the tenant', async () => {
    const scenario = await scenarioWithCatalog('sub-events');
    const connection = await connectWebSocket(ledger.url, scenario.key);
    const events = collectSubscription<{ type: string; streamId: string }>(
      connection,
      'billingEvents',
      'subscription ($categories: [String!]) { billingEvents(categories: $categories) { type streamId } }',
      { categories: ['subscription'] },
    );
    try {
      await scenario.subscribe({ subscriptionId: 'sub', planId: 'fibre' });
      await scenario.mutateOk('suspendSubscription', 'SuspendSubscriptionInput', { subscriptionId: 'sub' });
      const received = await events.waitFor('the subscription and service events', (items) => items.some((item) => item.type === 'ServiceSuspended'));
      expect(received.map((item) => item.type)).toEqual(['SubscriptionCreated', 'SubscriptionActivated', 'ServiceActivated', 'SubscriptionSuspended', 'ServiceSuspended']);
      expect(new Set(received.map((item) => item.streamId))).toEqual(new Set([`${scenario.tenantId}:subscription-sub`]));
    } finally {
      events.stop();
      await connection.close();
    }
  });
});
