import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../libs/access/src/principal.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { dueWorkCommandId, type DueWorkHandler } from '../../libs/scheduler/src/index.js';
import {
  counterHandler,
  countEntry,
  renewalHandler,
  renewalKey,
  scheduleToyWork,
  toyCount,
  toyCustomerHistory,
  toyDueWorkProjection,
  TOY_COUNT,
  TOY_RENEWAL,
} from '../../libs/scheduler/src/testing/toy-due-work.js';
import { expectRejectedWithoutEvents, headOfLog } from '../support/expect-rejected.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import type { InvoiceView } from '../support/invoice-api.documents.js';
import { draftInput, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Test clocks through the API (docs/architecture.md, "Time"): a tenant on a test clock lives in its simulated time
 * (every command's now, issue and due dates, numbering periods, overdue, exchange-rate defaults), a tenant without one
 * stays on real time in the same process, and advancing the clock runs the tenant's due work in order, each piece at
 * its own due instant. The due work here is the scheduler's toy (libs/scheduler/src/testing/toy-due-work.ts), wired
 * into the API exactly as a feature's would be, so the ledger's own scheduled work list is not needed.
 */

const REAL_START = '2026-03-02T09:00:00.000Z';
/** A toy kind that fails while `flaky.failing` (a broken handler), then counts like toy.count. */
const TOY_FLAKY = 'toy.flaky';
const flaky = { failing: true };

const CLOCK_FIELDS = 'clockId name status frozenTime createdAt updatedAt';
const CREATE = `mutation ($input: CreateTestClockInput!) { createTestClock(input: $input) { position testClock { ${CLOCK_FIELDS} } } }`;
const ADVANCE = `mutation ($input: AdvanceTestClockInput!) { advanceTestClock(input: $input) { position testClock { ${CLOCK_FIELDS} } dueWork { steps done parked dropped lastDueAt } } }`;
const DELETE = `mutation ($input: DeleteTestClockInput!) { deleteTestClock(input: $input) { position testClock { ${CLOCK_FIELDS} } } }`;
const TEST_CLOCK = `query { testClock { ${CLOCK_FIELDS} } }`;
const TENANT_TIME = 'query ($minPosition: String) { tenantTime(minPosition: $minPosition) { now today timeZone testClockId } }';
const UPSERT_CUSTOMER = 'mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { position customer { id registeredAt } } }';
const UPDATE_TENANT = 'mutation ($input: UpdateTenantProfileInput!) { updateTenantProfile(input: $input) { position } }';
const UPDATE_INVOICE_SETTINGS = 'mutation ($input: UpdateInvoiceSettingsInput!) { updateInvoiceSettings(input: $input) { position } }';
const INVOICE_FIELDS = 'id number status issueDate issuedAt dueDate';
const CREATE_INVOICE = `mutation ($input: CreateInvoiceInput!) { createInvoice(input: $input) { position invoice { ${INVOICE_FIELDS} } } }`;
const ISSUE_INVOICE = `mutation ($input: IssueInvoiceInput!) { issueInvoice(input: $input) { position invoice { ${INVOICE_FIELDS} } } }`;
const INVOICE = `query ($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) { ${INVOICE_FIELDS} } }`;
const RECORD_RATE = 'mutation ($input: RecordExchangeRateInput!) { recordExchangeRate(input: $input) { position } }';
const EXCHANGE_RATE = 'query ($minPosition: String) { exchangeRate(base: "EUR", quote: "USD", minPosition: $minPosition) { rate effectiveAt } }';

interface ClockView {
  readonly clockId: string;
  readonly name: string;
  readonly status: 'ACTIVE' | 'DELETED';
  readonly frozenTime: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}
interface DueWorkView {
  readonly steps: number;
  readonly done: number;
  readonly parked: number;
  readonly dropped: number;
  readonly lastDueAt: string | null;
}
interface TenantTimeView {
  readonly now: string;
  readonly today: string;
  readonly timeZone: string;
  readonly testClockId: string | null;
}
type InvoiceTimes = Pick<InvoiceView, 'id' | 'number' | 'status' | 'issueDate' | 'issuedAt' | 'dueDate'>;

let ledger: TestLedger;
const realClock = new TestClock(REAL_START);

beforeAll(async () => {
  ledger = await startTestLedger({
    clock: realClock,
    scheduledWork: (services) => {
      const count = counterHandler(services.store);
      const failingOrCount: DueWorkHandler = async (item, context) => {
        if (flaky.failing) throw new Error('flaky handler: the database went away');
        return count(item, context);
      };
      return { sources: [toyDueWorkProjection()], handlers: { [TOY_COUNT]: count, [TOY_RENEWAL]: renewalHandler(services.store), [TOY_FLAKY]: failingOrCount } };
    },
  });
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
});

/** A fresh tenant with one key per role asked for. */
async function newTenant(prefix: string, ...roles: Role[]): Promise<{ tenantId: string; keys: Record<Role, string> }> {
  const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', ...roles] as Role[]) keys[role] = await ledger.createKey(tenantId, role);
  return { tenantId, keys };
}

function send<Data>(document: string, variables: Record<string, unknown>, key: string): Promise<GraphQLHttpResponse<Data>> {
  return ledger.graphql<Data>(document, variables, key);
}

async function ok<Data>(document: string, variables: Record<string, unknown>, key: string, what: string): Promise<Data> {
  return requireData(await send<Data>(document, variables, key), what);
}

const createClock = (key: string, input: Record<string, unknown>) => send<{ createTestClock: { position: string; testClock: ClockView } }>(CREATE, { input }, key);
const advanceClock = (key: string, input: Record<string, unknown>) => send<{ advanceTestClock: { position: string; testClock: ClockView; dueWork: DueWorkView } }>(ADVANCE, { input }, key);
const deleteClock = (key: string, input: Record<string, unknown>) => send<{ deleteTestClock: { position: string; testClock: ClockView } }>(DELETE, { input }, key);

async function advanced(key: string, input: Record<string, unknown>): Promise<{ position: string; testClock: ClockView; dueWork: DueWorkView }> {
  return requireData(await advanceClock(key, input), 'advanceTestClock').advanceTestClock;
}

async function tenantTime(key: string, minPosition?: string): Promise<TenantTimeView> {
  return (await ok<{ tenantTime: TenantTimeView }>(TENANT_TIME, { minPosition }, key, 'tenantTime')).tenantTime;
}

async function issuedInvoiceOf(key: string, customerId: string): Promise<InvoiceTimes> {
  const draft = await ok<{ createInvoice: { invoice: InvoiceTimes } }>(CREATE_INVOICE, { input: draftInput({ customerId }) }, key, 'createInvoice');
  return (await ok<{ issueInvoice: { invoice: InvoiceTimes } }>(ISSUE_INVOICE, { input: { invoiceId: draft.createInvoice.invoice.id } }, key, 'issueInvoice')).issueInvoice.invoice;
}

async function invoiceOf(key: string, id: string, minPosition: string): Promise<InvoiceTimes> {
  const invoice = (await ok<{ invoice: InvoiceTimes | null }>(INVOICE, { id, minPosition }, key, 'invoice')).invoice;
  if (invoice === null) throw new Error(`invoice ${id} not found`);
  return invoice;
}

/** Registers (or renames) a customer through the API: a toy renewal chain starts at "renewal 0 of N". */
async function upsertCustomer(key: string, customerId: string, name: string): Promise<{ id: string; registeredAt: string }> {
  const input = { customerId, name, billingAddress: { line1: '1 Test Street', city: 'Testville', postalCode: '00000', country: 'US' }, taxExempt: false };
  return (await ok<{ upsertCustomer: { customer: { id: string; registeredAt: string } } }>(UPSERT_CUSTOMER, { input }, key, 'upsertCustomer')).upsertCustomer.customer;
}

/** The customer events of a tenant in log order, as "<customer>@<the instant its command ran at>". */
function customerTimeline(events: readonly RecordedEvent[]): string[] {
  return events
    .filter((event) => event.type === 'CustomerRegistered' || event.type === 'CustomerUpdated')
    .map((event) => `${String(event.data.customerId)}@${String(event.type === 'CustomerRegistered' ? event.data.registeredAt : event.data.updatedAt)}`);
}

async function toyWorkProjected(): Promise<void> {
  const head = await ledger.services.store.headPosition();
  expect(await waitForProjections(ledger.services.db, ['toy_due_work'], head, 10_000)).toBe(true);
}

describe("a tenant's time follows its test clock; a tenant without one stays on real time", () => {
  it('issue date, number period and due date follow the test clock (in the tenant zone); the other tenant issues on real time in the same run', async () => {
    const simulated = await newTenant('sim-invoices');
    const real = await newTenant('real-invoices');
    const key = simulated.keys.admin;
    await ok(UPDATE_TENANT, { input: { timeZone: 'Pacific/Auckland' } }, key, 'updateTenantProfile');
    await ok(UPDATE_INVOICE_SETTINGS, { input: { numberFormat: '{prefix}-{year}{month:02d}-{sequence:04d}' } }, key, 'updateInvoiceSettings');
    // 23:30 UTC on 31 January is already 1 February in Auckland (UTC+13 in summer).
    const created = requireData(await createClock(key, { clockId: 'scenario', name: 'Invoicing scenario', frozenTime: '2031-01-31T23:30:00Z' }), 'createTestClock').createTestClock;
    expect(created.testClock).toMatchObject({ clockId: 'scenario', name: 'Invoicing scenario', status: 'ACTIVE', frozenTime: '2031-01-31T23:30:00.000Z' });
    // The clock's own events are stamped with real time: when, in real life, the clock was created.
    expect(Date.parse(created.testClock.createdAt)).toBeGreaterThanOrEqual(Date.parse(REAL_START));
    expect(created.testClock.createdAt.startsWith('2026-03-02')).toBe(true);

    const simulatedInvoice = await issuedInvoiceOf(key, 'sim-customer');
    expect(simulatedInvoice).toMatchObject({ number: 'INV-203102-0001', status: 'OPEN', issueDate: '2031-02-01', issuedAt: '2031-01-31T23:30:00.000Z', dueDate: '2031-03-03' });
    const realInvoice = await issuedInvoiceOf(real.keys.admin, 'real-customer');
    expect(realInvoice.number).toBe('INV-2026-000001');
    expect(realInvoice.issueDate).toBe('2026-03-02');
    expect(realInvoice.dueDate).toBe('2026-04-01');
    expect(realInvoice.issuedAt?.startsWith('2026-03-02T09:00:')).toBe(true);

    expect(await tenantTime(key)).toEqual({ now: '2031-01-31T23:30:00.000Z', today: '2031-02-01', timeZone: 'Pacific/Auckland', testClockId: 'scenario' });
    const realTime = await tenantTime(real.keys.admin);
    expect(realTime).toMatchObject({ today: '2026-03-02', timeZone: 'UTC', testClockId: null });
    expect(realTime.now.startsWith('2026-03-02T09:00:')).toBe(true);

    // Overdue is judged on the tenant's clock: past the due date for the simulated tenant only.
    const { position } = await advanced(key, { clockId: 'scenario', to: '2031-03-10T00:00:00Z' });
    expect((await invoiceOf(key, simulatedInvoice.id, position)).status).toBe('OVERDUE');
    expect((await invoiceOf(real.keys.admin, realInvoice.id, position)).status).toBe('OPEN');
    // A second invoice after the advance is numbered in the March period and dated by the advanced clock.
    expect(await issuedInvoiceOf(key, 'sim-customer')).toMatchObject({ number: 'INV-203103-0001', issueDate: '2031-03-10', dueDate: '2031-04-09' });
  });

  it("an exchange-rate lookup without asOf takes the tenant's now", async () => {
    const { keys } = await newTenant('sim-rates');
    const key = keys.admin;
    await ok(CREATE, { input: { clockId: 'rates', name: 'Rates', frozenTime: '2031-02-01T00:00:00Z' } }, key, 'createTestClock');
    await ok(RECORD_RATE, { input: { base: 'EUR', quote: 'USD', rate: '1.10', effectiveAt: '2031-01-01T00:00:00Z', source: 'test' } }, key, 'recordExchangeRate');
    const { recordExchangeRate } = await ok<{ recordExchangeRate: { position: string } }>(
      RECORD_RATE,
      { input: { base: 'EUR', quote: 'USD', rate: '1.20', effectiveAt: '2031-03-01T00:00:00Z', source: 'test' } },
      key,
      'recordExchangeRate',
    );
    const rateNow = async (minPosition: string) => (await ok<{ exchangeRate: { rate: string; effectiveAt: string } }>(EXCHANGE_RATE, { minPosition }, key, 'exchangeRate')).exchangeRate;
    expect(await rateNow(recordExchangeRate.position)).toEqual({ rate: '1.1', effectiveAt: '2031-01-01T00:00:00.000Z' });
    await advanced(key, { clockId: 'rates', to: '2031-03-02T00:00:00Z' });
    expect(await rateNow(recordExchangeRate.position)).toEqual({ rate: '1.2', effectiveAt: '2031-03-01T00:00:00.000Z' });
  });

  it('deleting the clock puts the tenant back on real time, for good', async () => {
    const { keys } = await newTenant('sim-delete');
    const key = keys.admin;
    await ok(CREATE, { input: { clockId: 'temporary', name: 'Temporary', frozenTime: '2040-06-01T00:00:00Z' } }, key, 'createTestClock');
    expect((await tenantTime(key)).now).toBe('2040-06-01T00:00:00.000Z');
    const deleted = requireData(await deleteClock(key, { clockId: 'temporary' }), 'deleteTestClock').deleteTestClock;
    expect(deleted.testClock).toMatchObject({ clockId: 'temporary', status: 'DELETED', frozenTime: '2040-06-01T00:00:00.000Z' });
    const time = await tenantTime(key);
    expect(time.testClockId).toBeNull();
    expect(time.now.startsWith('2026-03-02')).toBe(true);
    expect((await ok<{ testClock: ClockView | null }>(TEST_CLOCK, {}, key, 'testClock')).testClock).toMatchObject({ clockId: 'temporary', status: 'DELETED' });
    // Deleting again changes nothing; the clock cannot come back (a new one could move the tenant's time back).
    await expectRejectedWithoutEvents(ledger, 'ALREADY_EXISTS', () => createClock(key, { clockId: 'temporary', name: 'Temporary', frozenTime: '2040-06-01T00:00:00Z' }));
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => advanceClock(key, { clockId: 'temporary', to: '2041-01-01T00:00:00Z' }));
    const before = await headOfLog(ledger);
    expect(requireData(await deleteClock(key, { clockId: 'temporary' }), 'deleteTestClock').deleteTestClock.testClock.status).toBe('DELETED');
    expect(await headOfLog(ledger)).toBe(before);
  });
});

describe('refusals: a clear code, never a 5xx, nothing appended', () => {
  let key: string;
  let keys: Record<Role, string>;

  beforeAll(async () => {
    ({ keys } = await newTenant('refusals', 'finance', 'auditor', 'service'));
    key = keys.admin;
  });

  it('without a clock: testClock is null, and advancing or deleting is NOT_FOUND', async () => {
    expect((await ok<{ testClock: ClockView | null }>(TEST_CLOCK, {}, key, 'testClock')).testClock).toBeNull();
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => advanceClock(key, { clockId: 'none', to: '2030-01-01T00:00:00Z' }));
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => deleteClock(key, { clockId: 'none' }));
  });

  it.each([
    ['a malformed clock id', { clockId: 'not ok!', name: 'Clock', frozenTime: '2030-01-01T00:00:00Z' }, 'VALIDATION_FAILED'],
    ['a blank name', { clockId: 'blank', name: '   ', frozenTime: '2030-01-01T00:00:00Z' }, 'VALIDATION_FAILED'],
    ['a frozen time that is not an instant', { clockId: 'bad-time', name: 'Clock', frozenTime: 'next tuesday' }, 'VALIDATION_FAILED'],
  ])('createTestClock with %s is %s', async (_what, input, code) => {
    await expectRejectedWithoutEvents(ledger, code, () => createClock(key, input));
  });

  it('with a clock: a second clock is ALREADY_EXISTS, the same create again changes nothing', async () => {
    const first = requireData(await createClock(key, { clockId: 'main', name: 'Main', frozenTime: '2030-01-01T00:00:00Z' }), 'createTestClock').createTestClock;
    expect(first.testClock.status).toBe('ACTIVE');
    await expectRejectedWithoutEvents(ledger, 'ALREADY_EXISTS', () => createClock(key, { clockId: 'second', name: 'Second', frozenTime: '2030-01-01T00:00:00Z' }));
    await expectRejectedWithoutEvents(ledger, 'ALREADY_EXISTS', () => createClock(key, { clockId: 'main', name: 'Main', frozenTime: '2031-01-01T00:00:00Z' }));
    const before = await headOfLog(ledger);
    expect(requireData(await createClock(key, { clockId: 'main', name: 'Main', frozenTime: '2030-01-01T00:00:00.000Z' }), 'createTestClock').createTestClock.testClock).toEqual(first.testClock);
    expect(await headOfLog(ledger)).toBe(before);
  });

  it.each([
    ['backwards', { clockId: 'main', to: '2029-12-31T23:59:59Z' }, 'TEST_CLOCK_CANNOT_GO_BACK'],
    ['to where it already is', { clockId: 'main', to: '2030-01-01T00:00:00Z' }, 'TEST_CLOCK_CANNOT_GO_BACK'],
    ['another clock than the tenant has', { clockId: 'other', to: '2030-02-01T00:00:00Z' }, 'NOT_FOUND'],
    ['more than 100 years ahead', { clockId: 'main', to: '2130-01-02T00:00:00Z' }, 'VALIDATION_FAILED'],
    ['to a value that is not an instant', { clockId: 'main', to: 'tomorrow' }, 'VALIDATION_FAILED'],
  ])('advancing %s is %s, and the clock stays where it was', async (_what, input, code) => {
    await expectRejectedWithoutEvents(ledger, code, () => advanceClock(key, input));
    expect((await tenantTime(key)).now).toBe('2030-01-01T00:00:00.000Z');
  });

  it('only admins move clocks; readers see the time; the service role sees neither', async () => {
    for (const role of ['finance', 'auditor', 'service'] as const) {
      await expectRejectedWithoutEvents(ledger, 'FORBIDDEN', () => advanceClock(keys[role], { clockId: 'main', to: '2030-06-01T00:00:00Z' }));
      await expectRejectedWithoutEvents(ledger, 'FORBIDDEN', () => deleteClock(keys[role], { clockId: 'main' }));
      await expectRejectedWithoutEvents(ledger, 'FORBIDDEN', () => createClock(keys[role], { clockId: 'main', name: 'Main', frozenTime: '2030-01-01T00:00:00Z' }));
    }
    for (const role of ['finance', 'auditor'] as const) {
      expect((await tenantTime(keys[role])).testClockId).toBe('main');
      expect((await ok<{ testClock: ClockView | null }>(TEST_CLOCK, {}, keys[role], 'testClock')).testClock?.clockId).toBe('main');
    }
    expect(firstErrorCode(await send(TENANT_TIME, {}, keys.service))).toBe('FORBIDDEN');
    expect(firstErrorCode(await send(TEST_CLOCK, {}, keys.service))).toBe('FORBIDDEN');
  });
});

describe('advanceTestClock runs the due work', () => {
  it('in due order across schedules, each piece at its own due instant, with the command id of its work; the scheduler leaves the tenant alone meanwhile', async () => {
    const { tenantId, keys } = await newTenant('sim-work');
    const key = keys.admin;
    // The simulated time lies before real time: the scheduler would run this work at once if it did not leave
    // test-clock tenants to their clock.
    await ok(CREATE, { input: { clockId: 'work', name: 'Work', frozenTime: '2025-01-15T00:00:00Z' } }, key, 'createTestClock');
    // Chains of toy renewals start from the customer's registration, whose instant is the tenant's now.
    expect(await upsertCustomer(key, 'a', 'renewal 0 of 3')).toEqual({ id: 'a', registeredAt: '2025-01-15T00:00:00.000Z' });
    expect((await advanced(key, { clockId: 'work', to: '2025-01-20T00:00:00Z' })).dueWork).toEqual({ steps: 0, done: 0, parked: 0, dropped: 0, lastDueAt: null });
    expect(await upsertCustomer(key, 'b', 'renewal 0 of 2')).toEqual({ id: 'b', registeredAt: '2025-01-20T00:00:00.000Z' });
    await scheduleToyWork(ledger.services.store, tenantId, [countEntry('count:1', '2025-02-17T12:00:00.000Z')]);
    await toyWorkProjected();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await toyCount(ledger.services.store, tenantId)).toBe(0);
    expect(customerTimeline(await ledger.tenantEvents(tenantId))).toEqual(['a@2025-01-15T00:00:00.000Z', 'b@2025-01-20T00:00:00.000Z']);

    const run = await advanced(key, { clockId: 'work', to: '2025-04-30T00:00:00Z', idempotencyKey: `advance-${tenantId}` });
    expect(run.testClock.frozenTime).toBe('2025-04-30T00:00:00.000Z');
    expect(run.dueWork).toEqual({ steps: 6, done: 6, parked: 0, dropped: 0, lastDueAt: '2025-04-15T00:00:00.000Z' });
    expect(customerTimeline(await ledger.tenantEvents(tenantId))).toEqual([
      'a@2025-01-15T00:00:00.000Z',
      'b@2025-01-20T00:00:00.000Z',
      'a@2025-02-15T00:00:00.000Z',
      'counter@2025-02-17T12:00:00.000Z',
      'b@2025-02-20T00:00:00.000Z',
      'a@2025-03-15T00:00:00.000Z',
      'b@2025-03-20T00:00:00.000Z',
      'a@2025-04-15T00:00:00.000Z',
    ]);
    const chainA = await toyCustomerHistory(ledger.services.store, tenantId, 'a');
    expect(chainA.map(({ name }) => name)).toEqual(['renewal 0 of 3', 'renewal 1 of 3', 'renewal 2 of 3', 'renewal 3 of 3']);
    expect(chainA.slice(1).map(({ commandId }) => commandId)).toEqual([1, 2, 3].map((step) => dueWorkCommandId(tenantId, renewalKey('a', step))));

    // The same request again (same key) answers as before and runs nothing twice; a further advance finds nothing due.
    expect((await advanced(key, { clockId: 'work', to: '2025-04-30T00:00:00Z', idempotencyKey: `advance-${tenantId}` })).dueWork.steps).toBe(6);
    expect((await advanced(key, { clockId: 'work', to: '2025-06-01T00:00:00Z' })).dueWork).toEqual({ steps: 0, done: 0, parked: 0, dropped: 0, lastDueAt: null });
    expect(customerTimeline(await ledger.tenantEvents(tenantId))).toHaveLength(8);
    expect(await toyCount(ledger.services.store, tenantId)).toBe(1);
  });

  it('a run that stops at a failing piece is DUE_WORK_INCOMPLETE: the clock moved, earlier work is done, and the same request again finishes it', async () => {
    const { tenantId, keys } = await newTenant('sim-flaky');
    const key = keys.admin;
    await ok(CREATE, { input: { clockId: 'flaky', name: 'Flaky', frozenTime: '2025-01-01T00:00:00Z' } }, key, 'createTestClock');
    await scheduleToyWork(ledger.services.store, tenantId, [
      countEntry('flaky:1', '2025-01-02T00:00:00.000Z'),
      { workKey: 'flaky:2', kind: TOY_FLAKY, dueAt: '2025-01-03T00:00:00.000Z', payload: { customerId: 'counter' } },
      countEntry('flaky:3', '2025-01-04T00:00:00.000Z'),
    ]);
    await toyWorkProjected();
    flaky.failing = true;
    const input = { clockId: 'flaky', to: '2025-01-10T00:00:00Z', idempotencyKey: `advance-${tenantId}` };
    const stopped = await advanceClock(key, input);
    expect(stopped.status).toBeLessThan(500);
    expect(firstErrorCode(stopped)).toBe('DUE_WORK_INCOMPLETE');
    const error = stopped.errors?.[0] as { message: string; extensions: Record<string, unknown> };
    expect(error.extensions).toMatchObject({ reason: 'failed', steps: 1, done: 1, workKey: 'flaky:2', kind: TOY_FLAKY, dueAt: '2025-01-03T00:00:00.000Z', frozenTime: '2025-01-10T00:00:00.000Z' });
    // The handler's own error stays in the server log.
    expect(error.message).not.toContain('database went away');
    expect(ledger.logs.some((line) => line.includes('database went away'))).toBe(true);
    expect((await tenantTime(key)).now).toBe('2025-01-10T00:00:00.000Z');
    expect(await toyCount(ledger.services.store, tenantId)).toBe(1);

    flaky.failing = false;
    const finished = await advanced(key, input);
    expect(finished.dueWork).toEqual({ steps: 2, done: 2, parked: 0, dropped: 0, lastDueAt: '2025-01-04T00:00:00.000Z' });
    expect(finished.testClock.frozenTime).toBe('2025-01-10T00:00:00.000Z');
    const history = await toyCustomerHistory(ledger.services.store, tenantId, 'counter');
    expect(history.map(({ name, now }) => `${name}@${now}`)).toEqual(['count 1@2025-01-02T00:00:00.000Z', 'count 2@2025-01-03T00:00:00.000Z', 'count 3@2025-01-04T00:00:00.000Z']);
    // One advance event for the two calls: the retry found its command.
    expect((await ledger.tenantEvents(tenantId)).filter((event) => event.type === 'TestClockAdvanced')).toHaveLength(1);
  });
});

describe('the scheduler in the API process', () => {
  it("runs a real-time tenant's due work on its own, at each piece's due instant, and nothing before it is due", async () => {
    const { tenantId } = await newTenant('real-work');
    await scheduleToyWork(ledger.services.store, tenantId, [
      countEntry('real:2', '2026-03-01T06:00:00.000Z'),
      countEntry('real:1', '2026-03-01T00:00:00.000Z'),
      countEntry('real:future', '2030-01-01T00:00:00.000Z'),
    ]);
    const deadline = Date.now() + 15_000;
    while ((await toyCount(ledger.services.store, tenantId)) < 2) {
      if (Date.now() > deadline) throw new Error('the scheduler did not run the due work');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const history = await toyCustomerHistory(ledger.services.store, tenantId, 'counter');
    expect(history.map(({ name, now, commandId }) => ({ name, now, commandId }))).toEqual([
      { name: 'count 1', now: '2026-03-01T00:00:00.000Z', commandId: dueWorkCommandId(tenantId, 'real:1') },
      { name: 'count 2', now: '2026-03-01T06:00:00.000Z', commandId: dueWorkCommandId(tenantId, 'real:2') },
    ]);
    expect(ledger.services.schedulerRunner?.status()).toEqual({ running: true, leaseHeld: true });
  });
});
