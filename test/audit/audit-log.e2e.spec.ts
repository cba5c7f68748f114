import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, postGraphQL, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { collectSubscription, connectWebSocket } from '../support/graphql-ws.collector.js';
import { headOfLog } from '../support/expect-rejected.js';
import { draftInput, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Who did what, through the API (docs/audit-log.md): an invoice drafted and issued with a finance key and paid with a
 * service key; its audit trail shows both actors with their names and roles, each command's ids and the request's
 * correlation id, in log order; the audit log filters and pages; an auditor reads it; another tenant sees nothing;
 * bad input is VALIDATION_FAILED; billingEvents carries the same metadata.
 */

interface Entry {
  position: string;
  eventId: string;
  streamId: string;
  revision: string;
  type: string;
  actor: { id: string; name: string | null; role: string | null } | null;
  commandId: string | null;
  correlationId: string | null;
  causationId: string | null;
  recordedAt: string;
}
interface Page {
  edges: { cursor: string; node: Entry }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const ENTRY = 'position eventId streamId revision type actor { id name role } commandId correlationId causationId recordedAt';
const AUDIT_LOG = `query ($filter: AuditLogFilter, $first: Int, $after: String, $minPosition: String) {
  auditLog(filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { ${ENTRY} } } pageInfo { hasNextPage endCursor } } }`;
const AUDIT_TRAIL = `query ($documentId: ID!, $first: Int, $after: String, $minPosition: String) {
  auditTrail(documentId: $documentId, first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { ${ENTRY} } } pageInfo { hasNextPage endCursor } } }`;
const WHO_AM_I = 'query { whoAmI { keyId keyName role } }';
const CREATE_INVOICE = 'mutation ($input: CreateInvoiceInput!) { createInvoice(input: $input) { position invoice { id } } }';
const ISSUE_INVOICE = 'mutation ($input: IssueInvoiceInput!) { issueInvoice(input: $input) { position invoice { id status } } }';
const CREATE_PAYMENT = 'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { position payment { id status } } }';

let ledger: TestLedger;
let financeKey: string;
let serviceKey: string;
let auditorKey: string;
let otherTenantKey: string;
let finance: { keyId: string; keyName: string };
let service: { keyId: string; keyName: string };
let invoiceId: string;
let paymentId: string;
/** The head of the log once everything the scenario set off is written. */
let head: string;

/** A request as a client sends it, with its own correlation id (the `x-correlation-id` header). */
async function send<Data>(key: string, query: string, variables: Record<string, unknown>, correlationId?: string): Promise<Data> {
  const response = await postGraphQL<Data>(ledger.url, { query, variables, apiKey: key, ...(correlationId === undefined ? {} : { headers: { 'x-correlation-id': correlationId } }) });
  return requireData(response, query.slice(0, 40));
}

function auditLog(key: string, variables: Record<string, unknown>): Promise<GraphQLHttpResponse<{ auditLog: Page }>> {
  return ledger.graphql<{ auditLog: Page }>(AUDIT_LOG, { minPosition: head, ...variables }, key);
}

function auditTrail(key: string, variables: Record<string, unknown>): Promise<GraphQLHttpResponse<{ auditTrail: Page }>> {
  return ledger.graphql<{ auditTrail: Page }>(AUDIT_TRAIL, { minPosition: head, ...variables }, key);
}

async function whoAmI(key: string): Promise<{ keyId: string; keyName: string }> {
  return (await send<{ whoAmI: { keyId: string; keyName: string } }>(key, WHO_AM_I, {})).whoAmI;
}

beforeAll(async () => {
  ledger = await startTestLedger({ clock: new TestClock('2026-03-02T09:00:00.000Z') });
  financeKey = await ledger.createKey('dev', 'finance');
  serviceKey = await ledger.createKey('dev', 'service');
  auditorKey = await ledger.createKey('dev', 'auditor');
  otherTenantKey = await ledger.createKey('globex', 'admin');
  finance = await whoAmI(financeKey);
  service = await whoAmI(serviceKey);
  const draft = await send<{ createInvoice: { invoice: { id: string } } }>(financeKey, CREATE_INVOICE, { input: draftInput({ customerId: 'audit-customer' }) }, 'audit-e2e-create');
  invoiceId = draft.createInvoice.invoice.id;
  await send(financeKey, ISSUE_INVOICE, { input: { invoiceId } }, 'audit-e2e-issue');
  const paid = await send<{ createPayment: { payment: { id: string; status: string } } }>(
    serviceKey,
    CREATE_PAYMENT,
    { input: { customerId: 'audit-customer', amount: '71.96', currency: 'USD', method: 'WIRE_TRANSFER', reference: 'audit-wire-1', allocations: [{ invoiceId, amount: '71.96' }] } },
    'audit-e2e-pay',
  );
  paymentId = paid.createPayment.payment.id;
  // The other tenant works too, on an invoice of its own.
  await send(otherTenantKey, CREATE_INVOICE, { input: draftInput({ customerId: 'audit-customer' }) }, 'audit-e2e-globex');
  head = await headOfLog(ledger);
}, 120_000);

afterAll(async () => {
  await ledger?.stop();
});

async function wholeTrail(key: string, documentId: string, first = 200): Promise<Entry[]> {
  const entries: Entry[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 50; pages += 1) {
    const page: Page = requireData(await auditTrail(key, { documentId, first, after }), 'auditTrail').auditTrail;
    entries.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return entries;
    after = page.pageInfo.endCursor;
  }
  throw new Error('auditTrail did not end');
}

const positionKey = (position: string) => position.split('.').map((part) => BigInt(part));
const inLogOrder = (entries: readonly Entry[]) =>
  entries.every((entry, index) => {
    if (index === 0) return true;
    const [commit, prepare] = positionKey(entry.position) as [bigint, bigint];
    const [previousCommit, previousPrepare] = positionKey((entries[index - 1] as Entry).position) as [bigint, bigint];
    return commit > previousCommit || (commit === previousCommit && prepare > previousPrepare);
  });

describe('auditTrail', () => {
  it("an invoice's trail shows who drafted and issued it (finance) and who paid it (service), with names, roles, command and correlation ids, in log order", async () => {
    const trail = await wholeTrail(auditorKey, invoiceId);
    expect(inLogOrder(trail)).toBe(true);
    const drafted = trail.find((entry) => entry.correlationId === 'audit-e2e-create');
    const issued = trail.find((entry) => entry.correlationId === 'audit-e2e-issue');
    const recorded = trail.find((entry) => entry.type === 'PaymentRecorded');
    expect(drafted).toMatchObject({ streamId: `dev:invoice-${invoiceId}`, revision: '0', actor: { id: `api-key:${finance.keyId}`, name: finance.keyName, role: 'finance' } });
    expect(issued).toMatchObject({ streamId: `dev:invoice-${invoiceId}`, actor: { id: `api-key:${finance.keyId}`, name: finance.keyName, role: 'finance' } });
    expect(recorded).toMatchObject({ streamId: `dev:payment-${paymentId}`, correlationId: 'audit-e2e-pay', actor: { id: `api-key:${service.keyId}`, name: service.keyName, role: 'service' } });
    // Each command has its own id, which is also the cause of its own events; the two mutations are two commands.
    for (const entry of [drafted, issued, recorded] as Entry[]) {
      expect(entry.commandId).toMatch(/^[0-9a-f-]{36}$/);
      expect(entry.causationId).toBe(entry.commandId);
    }
    expect(new Set([drafted?.commandId, issued?.commandId, recorded?.commandId]).size).toBe(3);
    const order = [drafted, issued, recorded].map((entry) => trail.indexOf(entry as Entry));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The payment reaches the invoice through the same idempotent allocation, run in the request right after the
    // payment's append, or by the allocation process manager when it gets there first: the invoice stream's events of
    // it carry the payer's key, or the allocator acting on the payer's command (same correlation id, a recorded cause).
    const invoicePaid = trail.filter((entry) => entry.streamId === `dev:invoice-${invoiceId}` && entry.correlationId === 'audit-e2e-pay');
    expect(invoicePaid.length).toBeGreaterThan(0);
    for (const entry of invoicePaid) {
      if (entry.actor?.id === 'process-manager:payment-allocator') expect(entry.causationId).toMatch(/^[0-9a-f-]{36}$/);
      else expect(entry.actor).toMatchObject({ id: `api-key:${service.keyId}`, name: service.keyName, role: 'service' });
    }
  });

  it('is exactly the events of the tenant that touched the invoice, across streams, whatever the page size', async () => {
    const events = await ledger.tenantEvents('dev');
    const touching = events.filter((event) => event.streamId === `dev:invoice-${invoiceId}` || JSON.stringify(event.data).includes(`"${invoiceId}"`));
    const trail = await wholeTrail(auditorKey, invoiceId);
    expect(trail.map((entry) => entry.eventId)).toEqual(touching.map((event) => event.eventId));
    expect(new Set(trail.map((entry) => entry.streamId.split('-')[0])).size).toBeGreaterThan(1);
    expect((await wholeTrail(auditorKey, invoiceId, 1)).map((entry) => entry.eventId)).toEqual(trail.map((entry) => entry.eventId));
  });

  it("another tenant sees nothing of it, and its own trail of the same customer id holds only its events", async () => {
    expect(await wholeTrail(otherTenantKey, invoiceId)).toEqual([]);
    expect(await wholeTrail(otherTenantKey, paymentId)).toEqual([]);
    const theirs = await wholeTrail(otherTenantKey, 'audit-customer');
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((entry) => entry.streamId.startsWith('globex:'))).toBe(true);
  });
});

describe('auditLog', () => {
  it('lists every event of the tenant in log order, paged without gaps or repeats, and nothing of another tenant', async () => {
    const events = await ledger.tenantEvents('dev');
    const seen: Entry[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages += 1) {
      const page: Page = requireData(await auditLog(auditorKey, { first: 7, after }), 'auditLog').auditLog;
      expect(page.edges.length).toBeLessThanOrEqual(7);
      seen.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.map((entry) => entry.eventId)).toEqual(events.filter((event) => event.position.commit <= BigInt(head.split('.')[0] as string)).map((event) => event.eventId));
    expect(seen.every((entry) => entry.streamId.startsWith('dev:'))).toBe(true);
    const theirs = requireData(await auditLog(otherTenantKey, { first: 200 }), 'auditLog').auditLog.edges.map((edge) => edge.node);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((entry) => entry.streamId.startsWith('globex:'))).toBe(true);
  });

  it.each([
    ['actor', () => ({ actorId: `api-key:${service.keyId}` }), (entry: Entry) => entry.actor?.id === `api-key:${service.keyId}`],
    ['correlation', () => ({ correlationId: 'audit-e2e-issue' }), (entry: Entry) => entry.correlationId === 'audit-e2e-issue'],
    ['types', () => ({ types: ['InvoiceIssued', 'PaymentRecorded'] }), (entry: Entry) => entry.type === 'InvoiceIssued' || entry.type === 'PaymentRecorded'],
    ['category', () => ({ category: 'payment' }), (entry: Entry) => entry.streamId.startsWith('dev:payment-')],
    ['stream', () => ({ streamId: `invoice-${invoiceId}` }), (entry: Entry) => entry.streamId === `dev:invoice-${invoiceId}`],
  ] as const)('filters by %s: exactly the matching entries of the whole log', async (_name, filter, wanted) => {
    const all = requireData(await auditLog(auditorKey, { first: 200 }), 'auditLog').auditLog.edges.map((edge) => edge.node);
    const expected = all.filter(wanted);
    expect(expected.length).toBeGreaterThan(0);
    const filtered = requireData(await auditLog(auditorKey, { first: 200, filter: filter() }), 'auditLog').auditLog.edges.map((edge) => edge.node);
    expect(filtered).toEqual(expected);
  });

  it('bounds by positions (from exclusive, to inclusive) and by recording time', async () => {
    const all = requireData(await auditLog(auditorKey, { first: 200 }), 'auditLog').auditLog.edges.map((edge) => edge.node);
    expect(all.length).toBeGreaterThan(4);
    const [first, , , fourth] = all as [Entry, Entry, Entry, Entry];
    const between = requireData(await auditLog(auditorKey, { first: 200, filter: { fromPosition: first.position, toPosition: fourth.position } }), 'auditLog').auditLog;
    expect(between.edges.map((edge) => edge.node.eventId)).toEqual(all.slice(1, 4).map((entry) => entry.eventId));
    const last = all.at(-1) as Entry;
    const since = requireData(await auditLog(auditorKey, { first: 200, filter: { from: last.recordedAt } }), 'auditLog').auditLog;
    expect(since.edges.map((edge) => edge.node.eventId)).toEqual(all.filter((entry) => entry.recordedAt >= last.recordedAt).map((entry) => entry.eventId));
    const before = requireData(await auditLog(auditorKey, { first: 200, filter: { to: last.recordedAt } }), 'auditLog').auditLog;
    expect(before.edges.map((edge) => edge.node.eventId)).toEqual(all.filter((entry) => entry.recordedAt < last.recordedAt).map((entry) => entry.eventId));
  });

  it.each([
    ['first 0', { first: 0 }],
    ['first over the maximum', { first: 201 }],
    ['a cursor not made by this list', { after: 'bm90LWEtY3Vyc29y' }],
    ['an unknown event type', { filter: { types: ['NoSuchEvent'] } }],
    ['a category that is no name', { filter: { category: 'Invoice!' } }],
    ['a stream with its tenant', { filter: { streamId: 'dev:invoice-1' } }],
    ['a malformed position', { filter: { fromPosition: 'one' } }],
    ['positions the wrong way round', { filter: { fromPosition: '9.9', toPosition: '1.1' } }],
    ['times the wrong way round', { filter: { from: '2026-03-03T00:00:00Z', to: '2026-03-02T00:00:00Z' } }],
    ['a time that is no instant', { filter: { from: 'yesterday' } }],
    ['an actor id with spaces', { filter: { actorId: 'api key' } }],
    ['a malformed minPosition', { minPosition: 'x' }],
  ])('auditLog refuses %s with VALIDATION_FAILED', async (_name, variables) => {
    const response = await auditLog(auditorKey, variables);
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
    expect(response.data?.auditLog ?? null).toBeNull();
  });

  it.each([
    ['first 0', { documentId: 'inv-1', first: 0 }],
    ['an empty document id', { documentId: '' }],
    ['a document id over 300 characters', { documentId: 'x'.repeat(301) }],
    ['a cursor not made by this list', { documentId: 'inv-1', after: Buffer.from(JSON.stringify(['subscription', 'sub-1'])).toString('base64url') }],
  ])('auditTrail refuses %s with VALIDATION_FAILED', async (_name, variables) => {
    const response = await auditTrail(auditorKey, variables);
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
  });

  it('is readable by the auditor, admin and finance roles, and refused to a service key', async () => {
    for (const key of [auditorKey, financeKey, ledger.adminKey]) expect(firstErrorCode(await auditLog(key, { first: 1 }))).toBeUndefined();
    expect(firstErrorCode(await auditLog(serviceKey, { first: 1 }))).toBe('FORBIDDEN');
    expect(firstErrorCode(await auditTrail(serviceKey, { documentId: invoiceId }))).toBe('FORBIDDEN');
  });
});

describe('billingEvents', () => {
  it("shows each event's actor (id, name, role), command, correlation and causation ids", async () => {
    const connection = await connectWebSocket(ledger.url, auditorKey);
    const events = collectSubscription<{ type: string; streamId: string; actor: Entry['actor']; commandId: string; correlationId: string; causationId: string }>(
      connection,
      'billingEvents',
      'subscription ($streams: [String!]) { billingEvents(streams: $streams) { type streamId actor { id name role } commandId correlationId causationId } }',
      { streams: [`invoice-${invoiceId}`] },
    );
    try {
      const received = await events.waitFor('the invoice events', (items) => items.some((item) => item.type === 'InvoiceIssued'));
      const trail = (await wholeTrail(auditorKey, invoiceId)).filter((entry) => entry.streamId === `dev:invoice-${invoiceId}`);
      const issued = received.find((item) => item.type === 'InvoiceIssued');
      expect(issued).toEqual({
        type: 'InvoiceIssued',
        streamId: `dev:invoice-${invoiceId}`,
        actor: { id: `api-key:${finance.keyId}`, name: finance.keyName, role: 'finance' },
        commandId: trail.find((entry) => entry.type === 'InvoiceIssued')?.commandId,
        correlationId: 'audit-e2e-issue',
        causationId: trail.find((entry) => entry.type === 'InvoiceIssued')?.commandId,
      });
    } finally {
      events.stop();
      await connection.close();
    }
  });
});
