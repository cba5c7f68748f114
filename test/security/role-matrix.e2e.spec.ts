import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { sql } from 'kysely';
import { operationRoles } from '../../libs/access/src/operation-roles.js';
import { roles, type Role } from '../../libs/access/src/principal.js';
import { runAsSystem } from '../../libs/database/src/index.js';
import { waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { allProjections } from '../../projections/index.js';
import { postGraphQL, requireData } from '../support/graphql-http.client.js';
import { collectSubscription, connectWebSocket, WebSocketClosedError, type WebSocketConnection } from '../support/graphql-ws.collector.js';
import { newApiKey, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { introspectLiveSchema, OperationGenerator, rootOperations, type GeneratedOperation, type IdResolver, type RootKind, type RootOperation } from '../support/schema-operations.js';

/**
 * The role matrix, generated from the live schema: every query, mutation and subscription the API exposes, run by
 * every role, with the ids of the caller's own tenant (A on A) and of another tenant (B on A), plus one pass with no
 * key at all and the PDF routes. The roles table (libs/access/src/operation-roles.ts) is the only expectation:
 *
 * - a role the table does not allow gets FORBIDDEN (HTTP 403), and a refused mutation appends nothing;
 * - an allowed role is never refused (any domain or validation answer is fine: the generated arguments may be off);
 * - no request without a key runs (UNAUTHENTICATED, HTTP 401);
 * - nothing answers 5xx or INTERNAL_SERVER_ERROR;
 * - nothing crosses tenants: B's answers never carry A's marker or an A id B did not send itself, A's answers never
 *   carry B's, and B's mutations on A's ids leave A's events and read models exactly as they were.
 */

const HTTP_CONCURRENCY = 6;
const MUTATION_CONCURRENCY = 4;
const SETTLE_MS_MAX = 15_000;
const SUBSCRIPTION_WAIT_MS = 2_000;
const WEBSOCKET_ANSWER_MS = 10_000;
const BODY_EXCERPT = 1_500;

type TenantLabel = 'A' | 'B';
type Target = 'own' | 'other' | 'no key';

interface SeededIds {
  readonly customerId: string;
  readonly draftInvoiceId: string;
  readonly draftLineId: string;
  readonly issuedInvoiceId: string;
  readonly paymentId: string;
  readonly pendingPaymentId: string;
  readonly receiptId: string;
  readonly draftCreditNoteId: string;
  readonly issuedCreditNoteId: string;
  readonly paymentMethodId: string;
  readonly taxRateId: string;
  /** An auditor key of the tenant, the one revokeApiKey / rotateApiKey / apiKey(id) are pointed at. */
  readonly victimKeyId: string;
}

interface SeededTenant {
  readonly label: TenantLabel;
  readonly tenantId: string;
  /** In every text the tenant wrote (names, descriptions, references, settings): found anywhere else, it leaked. */
  readonly marker: string;
  readonly keys: Readonly<Record<Role, string>>;
  readonly victimKey: string;
  readonly ids: SeededIds;
  /** Every id of the tenant worth looking for in another tenant's answers (documents, lines, key ids). */
  readonly allIds: readonly string[];
}

interface Finding {
  readonly check: string;
  readonly operation: string;
  readonly role: Role | 'none';
  readonly target: Target;
  readonly detail: string;
  readonly request: string;
  readonly response: string;
}

const tally = { markedQueries: 0, overWebSocket: 0, smuggled: 0, combinations: 0, noKey: 0, forbidden: 0, unauthenticated: 0, allowed: 0, leaks: 0, pdf: 0 };

let ledger: TestLedger;
let schema: GraphQLSchema;
let operations: RootOperation[];
let tenantA: SeededTenant;
let tenantB: SeededTenant;

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

async function mapLimit<Item, Result>(items: readonly Item[], limit: number, work: (item: Item) => Promise<Result>): Promise<Result[]> {
  const results: Result[] = new Array<Result>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as Item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function allowedRoles(operation: RootOperation): readonly Role[] {
  const table = operationRoles[operation.kind];
  return Object.hasOwn(table, operation.field) ? (table[operation.field] ?? []) : [];
}

function label(operation: RootOperation): string {
  return `${operation.kind} ${operation.field}`;
}

/** Points every id-like argument at the tenant's seeded documents, by the argument's name and where it sits. */
function idsOf(tenant: SeededTenant): IdResolver {
  const { ids } = tenant;
  const byEntity: readonly (readonly [string, string])[] = [
    ['apikey', ids.victimKeyId],
    ['paymentmethod', ids.paymentMethodId],
    ['creditnote', ids.issuedCreditNoteId],
    ['taxrate', ids.taxRateId],
    ['receipt', ids.receiptId],
    ['payment', ids.paymentId],
    ['invoice', ids.issuedInvoiceId],
    ['customer', ids.customerId],
  ];
  return (name, scope) => {
    const where = scope.toLowerCase();
    switch (name) {
      case 'lineId':
        return ids.draftLineId;
      case 'invoiceId':
      case 'sourceInvoiceId':
      case 'sourceId':
        return /invoiceline|issueinvoice/.test(where) ? ids.draftInvoiceId : ids.issuedInvoiceId;
      case 'customerId':
        return ids.customerId;
      case 'paymentId':
        return /markpayment|retrypayment|cancelpayment/.test(where) ? ids.pendingPaymentId : ids.paymentId;
      case 'creditNoteId':
        return /issuecreditnote/.test(where) ? ids.draftCreditNoteId : ids.issuedCreditNoteId;
      case 'paymentMethodId':
        return ids.paymentMethodId;
      case 'taxRateId':
        return ids.taxRateId;
      case 'id':
        return byEntity.find(([entity]) => where.includes(entity))?.[1];
      default:
        return undefined;
    }
  };
}

function codesOf(errors: readonly unknown[] | undefined): string[] {
  return (errors ?? []).map((error) => String((error as { extensions?: { code?: unknown } }).extensions?.code ?? 'NO_CODE'));
}

function describeRequest(operation: GeneratedOperation, role: Role | 'none', tenant: SeededTenant | undefined): string {
  return `${role} key of ${tenant ? `tenant ${tenant.label} (${tenant.tenantId})` : 'nobody'}: ${operation.document} variables ${JSON.stringify(operation.variables)}`;
}

/** What of `foreign` an answer carries: its marker (any case), or one of its ids the caller did not send or own. */
function leaksOf(body: string, foreign: SeededTenant, sent: string, known: ReadonlySet<string> = new Set()): string[] {
  const found: string[] = [];
  if (body.toLowerCase().includes(foreign.marker.toLowerCase())) found.push(`tenant ${foreign.label}'s marker ${foreign.marker}`);
  for (const id of foreign.allIds) if (body.includes(id) && !sent.includes(id) && !known.has(id)) found.push(`tenant ${foreign.label}'s id ${id}`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Seeding through the API

const UPSERT_CUSTOMER = 'mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } } }';
const CREATE_INVOICE = 'mutation ($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id lines { id } } } }';
const ISSUE_INVOICE = 'mutation ($input: IssueInvoiceInput!) { issueInvoice(input: $input) { invoice { id status } } }';
const ADD_PAYMENT_METHOD = 'mutation ($input: AddPaymentMethodInput!) { addPaymentMethod(input: $input) { paymentMethod { id } } }';
const RECORD_PAYMENT = 'mutation ($input: RecordPaymentInput!) { recordPayment(input: $input) { invoice { id status } } }';
const CREATE_PAYMENT = 'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { payment { id status } } }';
const CREATE_TAX_RATE = 'mutation ($input: CreateTaxRateInput!) { createTaxRate(input: $input) { taxRate { id } } }';
const CREATE_CREDIT_NOTE = 'mutation ($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { creditNote { id status } } }';
const ISSUE_CREDIT_NOTE = 'mutation ($input: IssueCreditNoteInput!) { issueCreditNote(input: $input) { creditNote { id status } } }';
const RECORD_EXCHANGE_RATE = 'mutation ($input: RecordExchangeRateInput!) { recordExchangeRate(input: $input) { position } }';
const UPDATE_COMPANY = 'mutation ($input: UpdateCompanySettingsInput!) { updateCompanySettings(input: $input) { position } }';
const PAYMENTS_OF = 'query ($customerId: String!) { payments(filter: { customerId: $customerId }) { edges { node { id reference status } } } }';
const RECEIPTS_OF = 'query ($paymentId: ID!) { receipts(filter: { paymentId: $paymentId }) { edges { node { id } } } }';
const WHO_AM_I = 'query { whoAmI { keyId tenantId role } }';

/** Waits until the process managers and every projection have caught up with the log. */
async function settle(): Promise<void> {
  await ledger.tenantEvents(tenantA?.tenantId ?? 'dev');
  const head = await ledger.services.store.headPosition();
  const names = allProjections.map((projection) => projection.name);
  if (!(await waitForProjections(ledger.services.db, names, head, SETTLE_MS_MAX))) throw new Error(`the projections did not reach the head of the log within ${SETTLE_MS_MAX} ms`);
}

async function seedTenant(tenantLabel: TenantLabel): Promise<SeededTenant> {
  const tenantId = `matrix-${tenantLabel.toLowerCase()}-${hex(3)}`;
  const marker = `LEAK-MARKER-${tenantLabel}-${hex(6)}`;
  const keys = {} as Record<Role, string>;
  for (const role of roles) keys[role] = await ledger.createKey(tenantId, role);
  const victimKey = newApiKey();
  await ledger.services.apiKeys.registerKey(tenantId, 'auditor', `${marker} victim key`, victimKey);

  const run = async <Data>(document: string, variables: Record<string, unknown>, key: string = keys.admin): Promise<Data> => requireData(await ledger.graphql<Data>(document, variables, key), `seeding ${tenantLabel}: ${document.slice(0, 60)}`);
  const mutate = <Data>(document: string, input: Record<string, unknown>) => run<Data>(document, { input });

  const customerId = `cust-${tenantLabel.toLowerCase()}-${hex(6)}`;
  await mutate(UPSERT_CUSTOMER, {
    customerId,
    name: `${marker} customer`,
    email: `${marker.toLowerCase()}@example.com`,
    billingAddress: { line1: `${marker} street`, city: 'Paris', postalCode: '75001', country: 'FR' },
    taxExempt: false,
  });
  type InvoiceData = { createInvoice: { invoice: { id: string; lines: { id: string }[] } } };
  const draft = (await mutate<InvoiceData>(CREATE_INVOICE, { customerId, currency: 'USD', lines: [{ description: `${marker} draft line`, quantity: '1', unitPrice: '40.00' }] })).createInvoice.invoice;
  const toIssue = (await mutate<InvoiceData>(CREATE_INVOICE, { customerId, currency: 'USD', lines: [{ description: `${marker} issued line`, quantity: '1', unitPrice: '100.00' }] })).createInvoice.invoice;
  await mutate(ISSUE_INVOICE, { invoiceId: toIssue.id });
  const paymentMethodId = (
    await mutate<{ addPaymentMethod: { paymentMethod: { id: string } } }>(ADD_PAYMENT_METHOD, {
      customerId,
      type: 'CARD',
      gatewayToken: `tok_${hex(8)}`,
      holderName: `${marker} holder`,
      brand: 'visa',
      last4: '4242',
      expiryMonth: 12,
      expiryYear: 2030,
    })
  ).addPaymentMethod.paymentMethod.id;
  await mutate(RECORD_PAYMENT, { invoiceId: toIssue.id, amount: '30.00', currency: 'USD', method: 'CASH', reference: `${marker}-paid` });
  const pending = (await mutate<{ createPayment: { payment: { id: string; status: string } } }>(CREATE_PAYMENT, { customerId, amount: '5.00', currency: 'USD', method: 'CARD', paymentMethodId, reference: `${marker}-pending` })).createPayment.payment;
  const taxRateId = (await mutate<{ createTaxRate: { taxRate: { id: string } } }>(CREATE_TAX_RATE, { name: `${marker} VAT`, rate: '5.5', type: 'VAT', jurisdiction: 'FR' })).createTaxRate.taxRate.id;
  type CreditNoteData = { createCreditNote: { creditNote: { id: string } } };
  const creditNote = (description: string) => ({ customerId, currency: 'USD', type: 'ADJUSTMENT', reason: 'BILLING_ERROR', sourceInvoiceId: toIssue.id, lines: [{ description, quantity: '1', unitPrice: '1.00' }] });
  const draftCreditNoteId = (await mutate<CreditNoteData>(CREATE_CREDIT_NOTE, creditNote(`${marker} draft credit`))).createCreditNote.creditNote.id;
  const issuedCreditNoteId = (await mutate<CreditNoteData>(CREATE_CREDIT_NOTE, creditNote(`${marker} issued credit`))).createCreditNote.creditNote.id;
  await mutate(ISSUE_CREDIT_NOTE, { creditNoteId: issuedCreditNoteId });
  await mutate(RECORD_EXCHANGE_RATE, { base: 'USD', quote: 'EUR', rate: '0.9', effectiveAt: '2026-03-01T00:00:00.000Z', source: `${marker} source` });
  await mutate(UPDATE_COMPANY, { name: `${marker} company`, legalName: `${marker} legal` });

  await ledger.tenantEvents(tenantId);
  await waitForProjections(ledger.services.db, allProjections.map((projection) => projection.name), await ledger.services.store.headPosition(), SETTLE_MS_MAX);
  const payments = (await run<{ payments: { edges: { node: { id: string; reference: string; status: string } }[] } }>(PAYMENTS_OF, { customerId })).payments.edges.map(({ node }) => node);
  const paid = payments.find((payment) => payment.reference === `${marker}-paid`);
  if (!paid) throw new Error(`seeding ${tenantLabel}: the recorded payment is not listed: ${JSON.stringify(payments)}`);
  const receiptId = (await run<{ receipts: { edges: { node: { id: string } }[] } }>(RECEIPTS_OF, { paymentId: paid.id })).receipts.edges[0]?.node.id;
  if (!receiptId) throw new Error(`seeding ${tenantLabel}: no receipt for payment ${paid.id}`);
  const keyIds: string[] = [];
  for (const key of [...Object.values(keys), victimKey]) keyIds.push((await run<{ whoAmI: { keyId: string } }>(WHO_AM_I, {}, key)).whoAmI.keyId);

  const ids: SeededIds = {
    customerId,
    draftInvoiceId: draft.id,
    draftLineId: draft.lines[0]?.id ?? 'no line',
    issuedInvoiceId: toIssue.id,
    paymentId: paid.id,
    pendingPaymentId: pending.id,
    receiptId,
    draftCreditNoteId,
    issuedCreditNoteId,
    paymentMethodId,
    taxRateId,
    victimKeyId: keyIds.at(-1) as string,
  };
  const allIds = [...new Set([...Object.values(ids), ...toIssue.lines.map((line) => line.id), ...keyIds])];
  return { label: tenantLabel, tenantId, marker, keys, victimKey, ids, allIds };
}

// ---------------------------------------------------------------------------------------------------------------
// Running one operation

async function eventCount(): Promise<number> {
  const { rows } = await runAsSystem('role matrix', () => sql<{ count: number }>`select count(*)::int as count from event_store.events`.execute(ledger.services.db));
  return rows[0]?.count ?? -1;
}

interface HttpOutcome {
  readonly status: number;
  readonly codes: string[];
  readonly hasData: boolean;
  readonly body: string;
}

async function sendHttp(operation: GeneratedOperation, key: string | undefined): Promise<HttpOutcome> {
  const response = await postGraphQL<Record<string, unknown>>(ledger.url, { query: operation.document, variables: operation.variables, apiKey: key, timeoutMs: 30_000 });
  const hasData = response.data !== null && response.data !== undefined && Object.values(response.data).some((value) => value !== null);
  return { status: response.status, codes: codesOf(response.errors), hasData, body: response.rawBody };
}

/**
 * Sends mutations that must be refused, concurrently, and says how many events each appended: the count is compared
 * around the whole batch, and only when it moved is each one sent again alone, between two counts, to name it.
 */
async function sendRefusedMutations<Run>(runs: readonly Run[], send: (run: Run) => Promise<HttpOutcome>): Promise<{ run: Run; outcome: HttpOutcome; appended: number }[]> {
  const before = await eventCount();
  const outcomes = await mapLimit(runs, HTTP_CONCURRENCY, send);
  if ((await eventCount()) === before) return runs.map((run, index) => ({ run, outcome: outcomes[index] as HttpOutcome, appended: 0 }));
  const results: { run: Run; outcome: HttpOutcome; appended: number }[] = [];
  for (const run of runs) {
    const countBefore = await eventCount();
    const outcome = await send(run);
    results.push({ run, outcome, appended: (await eventCount()) - countBefore });
  }
  return results;
}

interface SubscriptionOutcome {
  readonly closedWith?: number;
  readonly items: readonly unknown[];
  readonly codes: string[];
  readonly body: string;
}

/** Subscribes over graphql-ws and gathers what arrives within a short wait (or until the first event). */
async function sendSubscription(operation: GeneratedOperation, key: string | undefined): Promise<SubscriptionOutcome> {
  let connection;
  try {
    connection = await connectWebSocket(ledger.url, key);
  } catch (error) {
    if (error instanceof WebSocketClosedError) return { closedWith: error.code, items: [], codes: [], body: error.message };
    throw error;
  }
  try {
    const collector = collectSubscription<unknown>(connection, operation.field, operation.document, operation.variables);
    await collector.waitFor('a first event', (items) => items.length > 0, SUBSCRIPTION_WAIT_MS).catch(() => undefined);
    collector.stop();
    const errors = collector.errors.map((error) => (error instanceof Error ? { message: error.message } : error));
    return { items: [...collector.items], codes: codesOf(errors), body: JSON.stringify({ items: collector.items, errors }) };
  } finally {
    await connection.close();
  }
}

/**
 * A query or mutation sent over an open graphql-ws connection (graphql-ws runs them too, not only subscriptions),
 * gathered until the server completes or fails it.
 */
function executeOverWebSocket(connection: WebSocketConnection, operation: GeneratedOperation): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    const results: unknown[] = [];
    const errors: unknown[] = [];
    let hasData = false;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status: 0, codes: codesOf(errors), hasData, body: JSON.stringify({ results, errors }) });
    };
    const timer = setTimeout(() => {
      errors.push({ message: `no answer within ${WEBSOCKET_ANSWER_MS} ms`, extensions: { code: 'NO_ANSWER' } });
      unsubscribe();
      finish();
    }, WEBSOCKET_ANSWER_MS);
    const unsubscribe = connection.client.subscribe<Record<string, unknown>>(
      { query: operation.document, variables: operation.variables },
      {
        next: (result) => {
          results.push(result);
          if (result.errors) errors.push(...result.errors);
          if (result.data && Object.values(result.data).some((value) => value !== null && value !== undefined)) hasData = true;
        },
        error: (error) => {
          if (Array.isArray(error)) errors.push(...(error as unknown[]));
          else errors.push(error instanceof Error ? { message: error.message } : { message: String((error as { reason?: unknown })?.reason ?? error), extensions: { code: `CLOSED_${String((error as { code?: unknown })?.code ?? '')}` } });
          finish();
        },
        complete: finish,
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  ledger = await startTestLedger();
  schema = await introspectLiveSchema(ledger.url, ledger.adminKey);
  operations = rootOperations(schema);
  [tenantA, tenantB] = await Promise.all([seedTenant('A'), seedTenant('B')]);
  await settle();
}, 120_000);

afterAll(async () => {
  const kinds = (kind: RootKind) => operations?.filter((operation) => operation.kind === kind).length ?? 0;
  console.log(
    `role matrix: ${operations?.length ?? 0} operations (${kinds('query')} queries, ${kinds('mutation')} mutations, ${kinds('subscription')} subscriptions) x ${roles.length} roles x 2 tenants = ` +
      `${tally.combinations} runs (${tally.allowed} allowed, ${tally.forbidden} refused FORBIDDEN), + ${tally.noKey} without a key (${tally.unauthenticated} UNAUTHENTICATED), ` +
      `+ ${tally.overWebSocket} refused queries and mutations re-sent over WebSocket, + ${tally.smuggled} hidden in aliases, fragments or behind operationName, + ${tally.pdf} PDF requests; ${tally.markedQueries} queries carry the tenant's marker to its own keys; leaks = ${tally.leaks}`,
  );
  await ledger?.stop();
});

describe('the roles table', () => {
  it('has a decision for exactly the root fields of the live schema, no more and no fewer', () => {
    for (const kind of ['query', 'mutation', 'subscription'] as const) {
      const live = operations.filter((operation) => operation.kind === kind).map((operation) => operation.field).sort();
      const table = Object.keys(operationRoles[kind]).sort();
      expect({ kind, missingFromTable: live.filter((field) => !table.includes(field)), staleInTable: table.filter((field) => !live.includes(field)) }).toEqual({ kind, missingFromTable: [], staleInTable: [] });
      for (const field of table) expect({ kind, field, roles: (operationRoles[kind][field] ?? []).filter((role) => !roles.includes(role)) }).toEqual({ kind, field, roles: [] });
    }
  });
});

describe('every operation x every role x own and other tenant', () => {
  const generatorFor = (tenant: SeededTenant) => new OperationGenerator(schema, idsOf(tenant));

  /** No key: every operation is refused with UNAUTHENTICATED / 401 (a WebSocket is closed with 4401), appending nothing. */
  it('without a key, every operation is UNAUTHENTICATED (HTTP 401) and no mutation appends an event', async () => {
    const findings: Finding[] = [];
    const generator = generatorFor(tenantA);
    const generated = operations.map((operation) => generator.generate(operation));
    const check = (operation: GeneratedOperation, ok: boolean, detail: string, response: string) => {
      tally.noKey += 1;
      if (ok) tally.unauthenticated += 1;
      else findings.push({ check: 'no key is UNAUTHENTICATED', operation: label(operation), role: 'none', target: 'no key', detail, request: describeRequest(operation, 'none', undefined), response: response.slice(0, BODY_EXCERPT) });
    };
    const before = await eventCount();
    expect(before).toBeGreaterThan(0); // the count really sees the log (not an empty, row-filtered view)
    await mapLimit(
      generated.filter((operation) => operation.kind === 'query'),
      HTTP_CONCURRENCY,
      async (operation) => {
        const outcome = await sendHttp(operation, undefined);
        check(operation, outcome.status === 401 && outcome.codes.join() === 'UNAUTHENTICATED' && !outcome.hasData, `HTTP ${outcome.status} ${outcome.codes.join()}`, outcome.body);
      },
    );
    const mutations = await sendRefusedMutations(
      generated.filter((candidate) => candidate.kind === 'mutation'),
      (operation) => sendHttp(operation, undefined),
    );
    for (const { run: operation, outcome, appended } of mutations) {
      check(operation, outcome.status === 401 && outcome.codes.join() === 'UNAUTHENTICATED' && !outcome.hasData && appended === 0, `HTTP ${outcome.status} ${outcome.codes.join()}, ${appended} event(s) appended`, outcome.body);
    }
    for (const operation of generated.filter((candidate) => candidate.kind === 'subscription')) {
      const outcome = await sendSubscription(operation, undefined);
      check(operation, outcome.closedWith === 4401 && outcome.items.length === 0, `closed with ${outcome.closedWith ?? 'nothing'}, ${outcome.items.length} item(s), codes ${outcome.codes.join()}`, outcome.body);
    }
    expect(await eventCount()).toBe(before);
    expect(findings).toEqual([]);
  });

  it('a role the table does not allow gets FORBIDDEN (HTTP 403) on its own tenant and on another, and its mutations append nothing', async () => {
    const findings: Finding[] = [];
    const generator = generatorFor(tenantA);
    const runs = operations.flatMap((operation) =>
      roles
        .filter((role) => !allowedRoles(operation).includes(role))
        .flatMap((role) => [
          { operation: generator.generate(operation), role, caller: tenantA, target: 'own' as const },
          { operation: generator.generate(operation), role, caller: tenantB, target: 'other' as const },
        ]),
    );
    const check = (run: (typeof runs)[number], ok: boolean, detail: string, response: string) => {
      tally.combinations += 1;
      if (ok) tally.forbidden += 1;
      else findings.push({ check: 'a disallowed role is FORBIDDEN', operation: label(run.operation), role: run.role, target: run.target, detail, request: describeRequest(run.operation, run.role, run.caller), response: response.slice(0, BODY_EXCERPT) });
      const leaks = leaksOf(response, run.target === 'other' ? tenantA : tenantB, JSON.stringify(run.operation.variables));
      if (leaks.length > 0) {
        tally.leaks += 1;
        findings.push({ check: 'no leak to another tenant', operation: label(run.operation), role: run.role, target: run.target, detail: leaks.join('; '), request: describeRequest(run.operation, run.role, run.caller), response: response.slice(0, BODY_EXCERPT) });
      }
    };
    const before = await eventCount();
    await mapLimit(
      runs.filter((run) => run.operation.kind === 'query'),
      HTTP_CONCURRENCY,
      async (run) => {
        const outcome = await sendHttp(run.operation, run.caller.keys[run.role]);
        check(run, outcome.status === 403 && outcome.codes.join() === 'FORBIDDEN' && !outcome.hasData, `HTTP ${outcome.status} ${outcome.codes.join()}`, outcome.body);
      },
    );
    const mutations = await sendRefusedMutations(
      runs.filter((candidate) => candidate.operation.kind === 'mutation'),
      (run) => sendHttp(run.operation, run.caller.keys[run.role]),
    );
    for (const { run, outcome, appended } of mutations) {
      check(run, outcome.status === 403 && outcome.codes.join() === 'FORBIDDEN' && !outcome.hasData && appended === 0, `HTTP ${outcome.status} ${outcome.codes.join()}, ${appended} event(s) appended`, outcome.body);
    }
    await Promise.all(
      runs
        .filter((run) => run.operation.kind === 'subscription')
        .map(async (run) => {
          const outcome = await sendSubscription(run.operation, run.caller.keys[run.role]);
          check(run, outcome.codes.join() === 'FORBIDDEN' && outcome.items.length === 0, `closed with ${outcome.closedWith ?? 'nothing'}, ${outcome.items.length} item(s), codes ${outcome.codes.join()}`, outcome.body);
        }),
    );
    expect(await eventCount()).toBe(before);
    expect(findings).toEqual([]);
  });

  it('over WebSocket too, a role the table does not allow gets FORBIDDEN for queries and mutations, and its mutations append nothing', async () => {
    const findings: Finding[] = [];
    const generator = generatorFor(tenantA);
    const connections = new Map<string, WebSocketConnection>();
    try {
      for (const caller of [tenantA, tenantB]) for (const role of roles) connections.set(`${caller.label} ${role}`, await connectWebSocket(ledger.url, caller.keys[role]));
      const runs = operations
        .filter((operation) => operation.kind !== 'subscription')
        .flatMap((operation) =>
          roles
            .filter((role) => !allowedRoles(operation).includes(role))
            .flatMap((role) => [
              { operation: generator.generate(operation), role, caller: tenantA, target: 'own' as const },
              { operation: generator.generate(operation), role, caller: tenantB, target: 'other' as const },
            ]),
        );
      const send = (run: (typeof runs)[number]) => executeOverWebSocket(connections.get(`${run.caller.label} ${run.role}`) as WebSocketConnection, run.operation);
      const check = (run: (typeof runs)[number], outcome: HttpOutcome, appended: number) => {
        tally.overWebSocket += 1;
        const leaks = leaksOf(outcome.body, run.target === 'other' ? tenantA : tenantB, JSON.stringify(run.operation.variables));
        const detail = `WebSocket ${outcome.codes.join()}, ${outcome.hasData ? 'with' : 'no'} data, ${appended} event(s) appended${leaks.length > 0 ? `; leaks: ${leaks.join('; ')}` : ''}`;
        if (outcome.codes.join() !== 'FORBIDDEN' || outcome.hasData || appended !== 0 || leaks.length > 0) {
          if (leaks.length > 0) tally.leaks += 1;
          findings.push({ check: 'a disallowed role is FORBIDDEN over WebSocket', operation: label(run.operation), role: run.role, target: run.target, detail, request: describeRequest(run.operation, run.role, run.caller), response: outcome.body.slice(0, BODY_EXCERPT) });
        }
      };
      const before = await eventCount();
      await mapLimit(
        runs.filter((run) => run.operation.kind === 'query'),
        HTTP_CONCURRENCY,
        async (run) => check(run, await send(run), 0),
      );
      for (const { run, outcome, appended } of await sendRefusedMutations(
        runs.filter((run) => run.operation.kind === 'mutation'),
        send,
      ))
        check(run, outcome, appended);
      expect(await eventCount()).toBe(before);
    } finally {
      await Promise.all([...connections.values()].map((connection) => connection.close()));
    }
    expect(findings).toEqual([]);
  });

  /**
   * The same refusals when the disallowed field hides in the document: behind an alias, in an inline fragment inside
   * a named fragment, next to a field the role may run (queries), or as the operation chosen by operationName after a
   * decoy the role may run. Own tenant, HTTP.
   */
  it('a disallowed field cannot be smuggled in through an alias, a fragment, an allowed neighbour or operationName', async () => {
    const findings: Finding[] = [];
    const generator = generatorFor(tenantA);
    const variants = operations
      .filter((operation) => operation.kind !== 'subscription')
      .flatMap((operation) =>
        roles
          .filter((role) => !allowedRoles(operation).includes(role))
          .flatMap((role) => {
            const generated = generator.generate(operation);
            const rootType = operation.kind === 'query' ? 'Query' : 'Mutation';
            const neighbour = operation.kind === 'query' ? 'whoAmI { role } ' : '';
            const hidden: GeneratedOperation = {
              ...generated,
              document: `${operation.kind} ${generated.name}${generated.header} { ${neighbour}...Hidden } fragment Hidden on ${rootType} { ... on ${rootType} { smuggled: ${generated.body} } }`,
            };
            const chosen: GeneratedOperation = { ...generated, document: `query Decoy { whoAmI { role } } ${generated.document}` };
            return [
              { operation: hidden, operationName: undefined, role },
              { operation: chosen, operationName: generated.name, role },
            ];
          }),
      );
    const send = async ({ operation, operationName, role }: (typeof variants)[number]): Promise<HttpOutcome> => {
      const response = await fetch(ledger.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenantA.keys[role]}` },
        body: JSON.stringify({ query: operation.document, variables: operation.variables, ...(operationName ? { operationName } : {}) }),
      });
      const body = await response.text();
      const parsed = JSON.parse(body) as { data?: Record<string, unknown> | null; errors?: unknown[] };
      return { status: response.status, codes: codesOf(parsed.errors), hasData: Object.values(parsed.data ?? {}).some((value) => value !== null), body };
    };
    const check = (variant: (typeof variants)[number], outcome: HttpOutcome, appended: number) => {
      tally.smuggled += 1;
      if (outcome.status === 403 && outcome.codes.join() === 'FORBIDDEN' && !outcome.hasData && appended === 0) return;
      findings.push({
        check: 'a hidden disallowed field is FORBIDDEN',
        operation: label(variant.operation),
        role: variant.role,
        target: 'own',
        detail: `HTTP ${outcome.status} ${outcome.codes.join()}, ${outcome.hasData ? 'with' : 'no'} data, ${appended} event(s) appended`,
        request: `${describeRequest(variant.operation, variant.role, tenantA)} operationName ${variant.operationName ?? '(none)'}`,
        response: outcome.body.slice(0, BODY_EXCERPT),
      });
    };
    const before = await eventCount();
    await mapLimit(
      variants.filter((variant) => variant.operation.kind === 'query'),
      HTTP_CONCURRENCY,
      async (variant) => check(variant, await send(variant), 0),
    );
    for (const { run, outcome, appended } of await sendRefusedMutations(
      variants.filter((variant) => variant.operation.kind === 'mutation'),
      send,
    ))
      check(run, outcome, appended);
    expect(await eventCount()).toBe(before);
    expect(findings).toEqual([]);
  });

  /** One tenant's view of its own documents: every query the admin may run, and the events of each of its streams. */
  async function snapshotOf(tenant: SeededTenant): Promise<{ streams: Record<string, number>; reads: Record<string, string> }> {
    await settle();
    const { rows } = await runAsSystem('role matrix', () =>
      sql<{ stream_id: string; count: number }>`select stream_id, count(*)::int as count from event_store.events where stream_id like ${`${tenant.tenantId}:%`} group by stream_id order by stream_id`.execute(ledger.services.db),
    );
    const generator = generatorFor(tenant);
    const reads: Record<string, string> = {};
    await mapLimit(
      operations.filter((candidate) => candidate.kind === 'query' && allowedRoles(candidate).includes('admin')),
      HTTP_CONCURRENCY,
      async (operation) => {
        const outcome = await sendHttp(generator.generate(operation), tenant.keys.admin);
        reads[operation.field] = `HTTP ${outcome.status} ${outcome.body}`;
      },
    );
    return { streams: Object.fromEntries(rows.map((row) => [row.stream_id, row.count])), reads };
  }

  /**
   * Allowed roles are never refused and never see the other tenant: answers carry neither its marker nor its ids.
   * Ids: B sends A's ids itself, so an answer may echo those; an A id B did not send in that request is a leak,
   * except one B's own successful mutations made its own (upsertCustomer with A's customer id registers B's customer
   * under that id, which is fine: ids are per tenant).
   */
  async function runAllowed(caller: SeededTenant, target: 'own' | 'other'): Promise<Finding[]> {
    const findings: Finding[] = [];
    const victim = target === 'own' ? tenantB : tenantA;
    const generator = generatorFor(tenantA);
    const pairs = (kind: RootKind) => operations.filter((operation) => operation.kind === kind).flatMap((operation) => allowedRoles(operation).map((role) => ({ operation, role })));
    const record = (operation: GeneratedOperation, role: Role, check: string, detail: string, response: string) =>
      findings.push({ check, operation: label(operation), role, target, detail, request: describeRequest(operation, role, caller), response: response.slice(0, BODY_EXCERPT) });
    const judge = (operation: GeneratedOperation, role: Role, status: number | undefined, codes: string[], body: string) => {
      tally.combinations += 1;
      tally.allowed += 1;
      const refused = codes.filter((code) => code === 'FORBIDDEN' || code === 'UNAUTHENTICATED');
      if (refused.length > 0 || status === 401 || status === 403) record(operation, role, 'an allowed role is not refused', `HTTP ${status ?? 'ws'} ${codes.join()}`, body);
      if ((status !== undefined && status >= 500) || codes.includes('INTERNAL_SERVER_ERROR')) record(operation, role, 'no 5xx / INTERNAL_SERVER_ERROR', `HTTP ${status ?? 'ws'} ${codes.join()}`, body);
    };
    const leakCheck = (operation: GeneratedOperation, role: Role, body: string, known: ReadonlySet<string>) => {
      const leaks = leaksOf(body, victim, JSON.stringify(operation.variables), known);
      if (leaks.length === 0) return;
      tally.leaks += 1;
      record(operation, role, `no leak of tenant ${victim.label}`, leaks.join('; '), body);
    };

    // Queries first, while B has made nothing of A's ids its own: every A id in an answer is then a leak.
    await mapLimit(pairs('query'), HTTP_CONCURRENCY, async ({ operation, role }) => {
      const generated = generator.generate(operation);
      const outcome = await sendHttp(generated, caller.keys[role]);
      judge(generated, role, outcome.status, outcome.codes, outcome.body);
      leakCheck(generated, role, outcome.body, new Set());
    });

    const mutations = await mapLimit(pairs('mutation'), MUTATION_CONCURRENCY, async ({ operation, role }) => {
      const generated = generator.generate(operation);
      const outcome = await sendHttp(generated, caller.keys[role]);
      judge(generated, role, outcome.status, outcome.codes, outcome.body);
      return { generated, role, outcome };
    });
    const adopted = new Set(mutations.filter(({ outcome }) => outcome.hasData).flatMap(({ generated }) => victim.allIds.filter((id) => JSON.stringify(generated.variables).includes(id))));
    for (const { generated, role, outcome } of mutations) leakCheck(generated, role, outcome.body, adopted);

    await Promise.all(
      pairs('subscription').map(async ({ operation, role }) => {
        const generated = generator.generate(operation);
        const outcome = await sendSubscription(generated, caller.keys[role]);
        judge(generated, role, undefined, outcome.codes, outcome.body);
        if (outcome.closedWith !== undefined) record(generated, role, 'an allowed role can subscribe', `the socket was closed with ${outcome.closedWith}`, outcome.body);
        leakCheck(generated, role, outcome.body, adopted);
        // Filtered on one of A's streams: A's key sees its events; B's key must see none (B has no such stream). A
        // subscription without a stream filter (publicEvents) delivers the caller's own events: leakCheck judges those.
        const filteredOnStream = Array.isArray(generated.variables.streams) && generated.variables.streams.length > 0;
        if (target === 'own' && outcome.items.length === 0) record(generated, role, 'a subscription to its own stream delivers its events', 'no event arrived', outcome.body);
        if (target === 'other' && filteredOnStream && outcome.items.length > 0) {
          tally.leaks += 1;
          record(generated, role, 'no leak of tenant A', `${outcome.items.length} event(s) of another tenant's stream delivered`, outcome.body);
        }
      }),
    );
    return findings;
  }

  it("another tenant's allowed roles, on A's ids: never refused, never a leak, and A's events and read models stay exactly as they were", async () => {
    const before = await snapshotOf(tenantA);
    // The marker check has teeth: A's own answers to the very documents B is about to send carry A's marker.
    const marked = Object.keys(before.reads).filter((field) => before.reads[field]?.toLowerCase().includes(tenantA.marker.toLowerCase()));
    tally.markedQueries = marked.length;
    expect(marked).toEqual(expect.arrayContaining(['apiKey', 'apiKeys', 'billingSettings', 'creditNote', 'customer', 'customers', 'exchangeRate', 'invoice', 'payment', 'payments', 'paymentMethod', 'paymentMethods', 'receipt', 'receipts', 'taxRates']));
    expect(Object.keys(before.streams).length).toBeGreaterThan(5);
    const findings = await runAllowed(tenantB, 'other');
    const after = await snapshotOf(tenantA);
    expect(after.streams).toEqual(before.streams);
    // tenantTime reads the clock: its `now` moves between two snapshots whatever B does (the rest of it is compared).
    // A projection's position and lag are the projection's, shared by every tenant (docs/rebuild.md); its state hash
    // is the tenant's and is compared.
    const stable = (field: string, read: string | undefined) => {
      if (field === 'tenantTime') return read?.replace(/"now":"[^"]*"/, '"now":"<clock>"');
      if (field === 'projectionState' || field === 'projectionStates') {
        return read
          ?.replace(/"position":("[^"]*"|null)/g, '"position":"<shared>"')
          .replace(/"lag":\d+/g, '"lag":"<shared>"')
          .replace(/"lagEstimated":(true|false)/g, '"lagEstimated":"<shared>"');
      }
      return read;
    };
    for (const field of Object.keys(before.reads)) expect({ field, read: stable(field, after.reads[field]) }).toEqual({ field, read: stable(field, before.reads[field]) });
    // The key B tried to revoke and rotate still works for A.
    expect((await ledger.graphql<{ whoAmI: { tenantId: string } }>(WHO_AM_I, {}, tenantA.victimKey)).data?.whoAmI.tenantId).toBe(tenantA.tenantId);
    expect(findings).toEqual([]);
  });

  it('the PDF routes: allowed roles get their own documents (200) and 404 for the other tenant, a disallowed role 403, no key 401', async () => {
    const findings: string[] = [];
    const origin = new URL(ledger.url).origin;
    const documents = (tenant: SeededTenant) => [
      { route: 'GET /receipts/:id.pdf', path: `/receipts/${tenant.ids.receiptId}.pdf` },
      { route: 'GET /credit-notes/:id.pdf', path: `/credit-notes/${tenant.ids.issuedCreditNoteId}.pdf` },
    ];
    const get = async (path: string, key: string | undefined) => {
      tally.pdf += 1;
      const response = await fetch(`${origin}${path}`, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
      return { status: response.status, type: response.headers.get('content-type') ?? '', body: Buffer.from(await response.arrayBuffer()) };
    };
    for (const owner of [tenantA, tenantB]) {
      for (const { route, path } of documents(owner)) {
        const anonymous = await get(path, undefined);
        if (anonymous.status !== 401) findings.push(`${path} of ${owner.label} without a key: HTTP ${anonymous.status}, expected 401`);
        for (const caller of [tenantA, tenantB]) {
          for (const role of roles) {
            const allowed = (operationRoles.http[route] ?? []).includes(role);
            const expected = !allowed ? 403 : caller === owner ? 200 : 404;
            const answer = await get(path, caller.keys[role]);
            const where = `${route} ${path} of tenant ${owner.label} with the ${role} key of tenant ${caller.label}`;
            if (answer.status !== expected) findings.push(`${where}: HTTP ${answer.status}, expected ${expected}: ${answer.body.toString('utf8').slice(0, 300)}`);
            if (expected === 200 && answer.type !== 'application/pdf') findings.push(`${where}: content-type ${answer.type}`);
            if (caller !== owner && answer.body.toString('latin1').toLowerCase().includes(owner.marker.toLowerCase())) {
              tally.leaks += 1;
              findings.push(`${where}: the answer carries ${owner.label}'s marker`);
            }
          }
        }
      }
    }
    expect(findings).toEqual([]);
  });

  it("the own tenant's allowed roles, on its own ids: never refused, never 5xx, never tenant B's data", async () => {
    const findings = await runAllowed(tenantA, 'own');
    expect(findings).toEqual([]);
  });

  it('logged no internal error over the whole matrix (a process manager or projection failing behind a 200 included)', () => {
    expect(ledger.logs.filter((line) => /internal error|"level":\s*"?(error|fatal|50|60)\b/i.test(line)).map((line) => line.slice(0, 2_000))).toEqual([]);
  });
});
