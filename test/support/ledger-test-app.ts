import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { startLedgerApi, type RunningLedgerApi, type StartOptions } from '../../apps/api/src/ledger-api.js';
import type { LedgerServices } from '../../apps/api/src/ledger-services.js';
import type { Role } from '../../libs/access/src/principal.js';
import type { CommandContext } from '../../libs/application/src/index.js';
import { comparePositions, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { readLedgerConfig } from '../../libs/runtime/src/index.js';
import { waitForEarlierTransactions as waitForEarlierTransactionsToEnd, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { RECEIPT_ISSUER_NAME } from '../../libs/ledger-application/src/receipts/receipt-issuer.process-manager.js';
import { PAYMENT_ALLOCATOR_NAME } from '../../libs/ledger-application/src/payments/payment-allocator.process-manager.js';
import { EMAIL_DELIVERY_NAME } from '../../libs/ledger-application/src/email/email-delivery.process-manager.js';
import { stopWebhookDelivery } from '../../libs/ledger-application/src/webhooks/webhook-dispatcher.process-manager.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { postGraphQL, requireData, type GraphQLHttpResponse } from './graphql-http.client.js';
import {
  CUSTOMER_BALANCE_QUERY,
  INVOICE_QUERY,
  INVOICES_QUERY,
  invoiceMutationDocument,
  type InvoiceConnection,
  type InvoiceMutationName,
  type InvoicePayload,
  type InvoiceView,
  type MoneyView,
} from './invoice-api.documents.js';

/**
 * The real ledger API, started in-process on a fresh database of the run's PostgreSQL server (no mocks), with a
 * controllable clock and a few helpers that speak GraphQL over HTTP the way a client would.
 */

export const DEV_TENANT_ID = 'dev';

/**
 * A clock that starts at a fixed instant and moves one millisecond per reading, so that every command gets its own
 * instant (lists order by draft time) while calendar dates stay predictable. `setDate` jumps to another day.
 */
export class TestClock {
  private current: number;

  constructor(start: string = '2026-03-02T09:00:00.000Z') {
    this.current = Date.parse(start);
  }

  readonly now = (): Date => {
    this.current += 1;
    return new Date(this.current);
  };

  setInstant(instant: string): void {
    const next = Date.parse(instant);
    if (Number.isNaN(next)) throw new Error(`not an instant: ${instant}`);
    this.current = next;
  }

  today(): string {
    return new Date(this.current).toISOString().slice(0, 10);
  }
}

export interface TestLedger {
  readonly url: string;
  readonly services: LedgerServices;
  /** The admin key of the dev tenant. */
  readonly adminKey: string;
  readonly clock: TestClock;
  /** What the API logged (internal errors carry their stack here, under the reference the client got). */
  readonly logs: readonly string[];
  /** Any GraphQL operation, as the dev admin unless another key is given. */
  graphql<Data>(query: string, variables?: Record<string, unknown>, apiKey?: string): Promise<GraphQLHttpResponse<Data>>;
  /** One invoice mutation; the response may carry errors. */
  mutate(name: InvoiceMutationName, input: Record<string, unknown>, apiKey?: string): Promise<GraphQLHttpResponse<Record<string, InvoicePayload>>>;
  /** One invoice mutation that must succeed. */
  mutateOk(name: InvoiceMutationName, input: Record<string, unknown>, apiKey?: string): Promise<InvoicePayload>;
  invoice(id: string, minPosition?: string, apiKey?: string): Promise<InvoiceView | null>;
  invoices(variables: { filter?: Record<string, unknown>; first?: number; after?: string | null; minPosition?: string }, apiKey?: string): Promise<InvoiceConnection>;
  customerCredit(customerId: string, minPosition?: string, apiKey?: string): Promise<readonly MoneyView[]>;
  /** Makes the tenant if needed and registers a new key with this role; returns the key. */
  createKey(tenantId: string, role: Role): Promise<string>;
  /**
   * Every event of a tenant committed before the call, in log order, read straight from the event store (after
   * waiting for the store's readable barrier to pass them: see waitForEarlierTransactions).
   */
  tenantEvents(tenantId?: string): Promise<RecordedEvent[]>;
  stop(): Promise<void>;
}

export function newApiKey(): string {
  return `test_${randomBytes(24).toString('base64url')}`;
}

const READ_PAGE = 1_000;
/** Enough pages for any test's log; a loop without a bound would hide a store that never ends a read. */
const READ_PAGES_MAX = 100;
const LOG_LINES_MAX = 1_000;

/** `environment`: more configuration variables (e.g. LEDGER_MAX_QUERY_COST), read like the process's own. */
export async function startTestLedger(
  options: { clock?: TestClock; echoLogs?: boolean; environment?: Record<string, string>; scheduledWork?: StartOptions['scheduledWork'] } = {},
): Promise<TestLedger> {
  const database: TestDatabase = await createTestDatabase('e2e');
  const adminKey = newApiKey();
  const clock = options.clock ?? new TestClock();
  const logs: string[] = [];
  const log = (message: string) => {
    if (logs.length < LOG_LINES_MAX) logs.push(message);
    if (options.echoLogs || process.env.LEDGER_TEST_ECHO_LOGS === '1') console.log(`[ledger] ${message}`);
  };
  // A directory of the test's own, removed at stop: the mail outbox is written beside the data directory without LEDGER_SMTP_URL.
  const testDirectory = join(tmpdir(), `ledger-test-${randomUUID()}`);
  const dataDirectory = join(testDirectory, 'data');
  let api: RunningLedgerApi;
  try {
    // A secret-store key of the test's own (unless the test brings one), never a key file of the checkout.
    const secretKey = { LEDGER_SECRET_KEY: randomBytes(32).toString('base64') };
    const config = readLedgerConfig({ LEDGER_DATA_DIR: dataDirectory, ...secretKey, ...options.environment, DATABASE_URL: database.connectionString, PORT: '0', HOST: '127.0.0.1', LEDGER_API_KEY: adminKey });
    api = await startLedgerApi({ config, clock: clock.now, log, ...(options.scheduledWork === undefined ? {} : { scheduledWork: options.scheduledWork }) });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const { url, services } = api;

  const graphql = <Data>(query: string, variables: Record<string, unknown> = {}, apiKey: string = adminKey) => postGraphQL<Data>(url, { query, variables, apiKey });
  const mutate = (name: InvoiceMutationName, input: Record<string, unknown>, apiKey?: string) => graphql<Record<string, InvoicePayload>>(invoiceMutationDocument(name), { input }, apiKey);

  return {
    url,
    services,
    adminKey,
    clock,
    logs,
    graphql,
    mutate,
    async mutateOk(name, input, apiKey) {
      const data = requireData(await mutate(name, input, apiKey), name);
      return data[name] as InvoicePayload;
    },
    async invoice(id, minPosition, apiKey) {
      return requireData(await graphql<{ invoice: InvoiceView | null }>(INVOICE_QUERY, { id, minPosition }, apiKey), 'invoice').invoice;
    },
    async invoices(variables, apiKey) {
      return requireData(await graphql<{ invoices: InvoiceConnection }>(INVOICES_QUERY, variables, apiKey), 'invoices').invoices;
    },
    async customerCredit(customerId, minPosition, apiKey) {
      const data = requireData(await graphql<{ customerBalance: { credit: MoneyView[] } }>(CUSTOMER_BALANCE_QUERY, { customerId, minPosition }, apiKey), 'customerBalance');
      return data.customerBalance.credit;
    },
    async createKey(tenantId, role) {
      const key = newApiKey();
      await services.apiKeys.ensureTenant(tenantId, `Tenant ${tenantId}`);
      await services.apiKeys.registerKey(tenantId, role, `${role} key for tests`, key);
      return key;
    },
    async tenantEvents(tenantId = DEV_TENANT_ID) {
      await waitForProcessManagers(services);
      await waitForEarlierTransactions(services.db);
      const events: RecordedEvent[] = [];
      for (let page = 0; page < READ_PAGES_MAX; page += 1) {
        const last = events.at(-1);
        const batch = await services.store.readAll({ fromPosition: last ? last.position : 'start', maxCount: READ_PAGE, filter: { streamPrefixes: [`${tenantId}:`] } });
        events.push(...batch);
        if (batch.length < READ_PAGE) return events;
      }
      throw new Error(`tenant ${tenantId} has more than ${READ_PAGE * READ_PAGES_MAX} events: more than a test should write`);
    },
    async stop() {
      try {
        // Webhook lanes end after their attempt in hand, before the store they record to closes.
        await stopWebhookDelivery(services.store);
        await api.stop();
      } finally {
        await database.drop();
        await rm(testDirectory, { recursive: true, force: true });
      }
    },
  };
}

const SETTLE_WAIT_MS_MAX = 5_000;
const PROCESS_MANAGER_WAIT_MS_MAX = 15_000;
/** The process managers of apps/api/src/process-managers.ts: they append after a payment, asynchronously. */
const PROCESS_MANAGER_NAMES = [PAYMENT_ALLOCATOR_NAME, RECEIPT_ISSUER_NAME, EMAIL_DELIVERY_NAME];

/**
 * The process managers (payment allocation, receipts) append after each payment, asynchronously. A test that reads
 * or counts a tenant's events first lets them catch up with the log as it is now, so that the events do not move
 * under the test.
 */
async function waitForProcessManagers(services: LedgerServices): Promise<void> {
  // They chain (an allocation, then its receipt, then the receipt's email): wait until a pass leaves the head where it was.
  for (let pass = 0; pass < PROCESS_MANAGER_PASSES_MAX; pass += 1) {
    await waitForEarlierTransactions(services.db);
    const head = await services.store.headPosition();
    if (!(await waitForProjections(services.db, PROCESS_MANAGER_NAMES, head, PROCESS_MANAGER_WAIT_MS_MAX))) {
      throw new Error(`the process managers did not reach the head of the log within ${PROCESS_MANAGER_WAIT_MS_MAX} ms`);
    }
    await waitForEarlierTransactions(services.db);
    if (comparePositions(await services.store.headPosition(), head) === 0) return;
  }
}

const PROCESS_MANAGER_PASSES_MAX = 5;

/**
 * A second API node on the test ledger's database, without projections, as another process would be: it shares
 * nothing in memory with the first (its own pools, caches and key hints), only the database.
 */
export function startSecondApiNode(ledger: TestLedger, clock: TestClock): Promise<RunningLedgerApi> {
  const databaseUrl = ledger.services.config.databaseUrl;
  if (databaseUrl === undefined) throw new Error('the test ledger has no database URL');
  const secretKey = ledger.services.config.secretStoreKey === undefined ? {} : { LEDGER_SECRET_KEY: ledger.services.config.secretStoreKey };
  const config = readLedgerConfig({ ...secretKey, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LEDGER_API_KEY: ledger.adminKey, PROJECTIONS: 'off' });
  return startLedgerApi({ config, clock: clock.now });
}

/**
 * The PostgreSQL event store shows $all only below a barrier: transactions older than every running one (so that a
 * reader never skips a late commit). An event committed a moment ago can therefore stay hidden while an unrelated
 * transaction that began before it (a projection batch, say) is still running. This waits until every transaction
 * that had begun when it was called has ended, after which $all shows everything committed before the call.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function waitForEarlierTransactions(db: Kysely<any>): Promise<void> {
  if (!(await waitForEarlierTransactionsToEnd(db, SETTLE_WAIT_MS_MAX))) throw new Error(`transactions older than this wait were still running after ${SETTLE_WAIT_MS_MAX} ms`);
}

/** A command context as a resolver makes one (a fresh command id, which is also its correlation and causation), at the ledger's clock. */
export function commandContext(ledger: TestLedger, tenantId: string, actor: string): CommandContext {
  const commandId = randomUUID();
  return { tenantId, actor, commandId, correlationId: commandId, causationId: commandId, now: ledger.services.clock().toISOString() };
}

/** A draft invoice input with sensible defaults; tests override what they care about. */
export function draftInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerId: 'customer-1',
    currency: 'USD',
    lines: [{ description: 'Consulting hours', quantity: '3', unitPrice: '19.99', taxRate: '20' }],
    ...overrides,
  };
}

/** Creates and issues an invoice; returns the issue payload. */
export async function issuedInvoice(ledger: TestLedger, overrides: Record<string, unknown> = {}, apiKey?: string): Promise<InvoicePayload> {
  const draft = await ledger.mutateOk('createInvoice', draftInput(overrides), apiKey);
  return ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, apiKey);
}

/**
 * The events a request made, without those that background work appends on its own as the clock moves or after a
 * command (the scheduler's overdue marks, reminders and retries; e-mail and webhook delivery records). A test that
 * asserts "this request appended nothing" compares these, so that an invoice falling overdue meanwhile is no failure.
 */
export function withoutBackgroundWork(events: readonly RecordedEvent[]): RecordedEvent[] {
  return events.filter((event) => {
    const actor = String((event.metadata as { actor?: unknown }).actor ?? '');
    return !(actor === 'scheduler' || actor.startsWith('scheduler:') || actor === 'process-manager:email' || actor.startsWith('process-manager:webhook'));
  });
}
