import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, postGraphQL, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { collectSubscription, connectWebSocket, WebSocketClosedError } from '../support/graphql-ws.collector.js';
import { INVOICE_FIELDS } from '../support/invoice-api.documents.js';
import { UPSERT_CUSTOMER } from '../support/settings-effect.support.js';
import { issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { exchange, initFrame, subscribeFrame } from '../hostile/raw-websocket.js';

/**
 * What a request may ask for (README, "Limits"), over HTTP and WebSocket: each limit refused with its code and an
 * HTTP 4xx, client mistakes as 4xx with a stable code and no stack logged, 401/403 statuses, subscriptions counted
 * per connection and per key, introspection and suggestions switched by NODE_ENV and LEDGER_INTROSPECTION, and
 * the PDF headers.
 */

const BILLING_EVENTS = 'subscription { billingEvents(types: ["NoSuchEvent"]) { position } }';
const deep = (levels: number) => `{ __type(name: "Invoice") { fields { type { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } } } }`;
const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `a${index}: taxRates { id }`).join(' ')} }`;
const pages = (count: number, first: number) => `{ ${Array.from({ length: count }, (_, index) => `p${index}: invoices(first: ${first}) { edges { node { ...InvoiceFields } } }`).join(' ')} } ${INVOICE_FIELDS}`;

function internalErrorsIn(ledger: TestLedger): string[] {
  return ledger.logs.filter((line) => /internal error|stack|\n\s+at /i.test(line));
}

async function overWebSocket(ledger: TestLedger, payload: { query: string; variables?: unknown; operationName?: unknown }): Promise<readonly string[]> {
  return (await exchange(ledger.url, { init: initFrame(ledger.adminKey), frames: [subscribeFrame('1', payload)], operations: 1 })).codes;
}

describe('with the default limits', () => {
  let ledger: TestLedger;
  let root: string;

  beforeAll(async () => {
    ledger = await startTestLedger();
    root = ledger.url.replace(/\/graphql$/, '');
    await issuedInvoice(ledger, { customerId: 'limits-1' });
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}, key: string | null = ledger.adminKey) =>
    fetch(ledger.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  async function refusal(body: unknown): Promise<{ status: number; code: string | undefined; message: string | undefined }> {
    const response = await post(body);
    const parsed = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    return { status: response.status, code: parsed.errors?.[0]?.extensions?.code, message: parsed.errors?.[0]?.message };
  }

  it.each([
    ['QUERY_TOO_DEEP', 400, { query: deep(12) }],
    ['TOO_MANY_ALIASES', 400, { query: aliases(31) }],
    ['TOO_MANY_DIRECTIVES', 400, { query: `{ __typename ${'@skip(if: false) '.repeat(21)}}` }],
    ['TOO_MANY_TOKENS', 400, { query: `{ ${'a '.repeat(3_001)}}` }],
    ['QUERY_TOO_COMPLEX', 400, { query: pages(2, 100) }],
    ['QUERY_TOO_COMPLEX', 400, { query: 'query Q($n: Int) { a: invoices(first: $n) { edges { node { ...InvoiceFields } } } b: invoices(first: $n) { edges { node { ...InvoiceFields } } } } ' + INVOICE_FIELDS, variables: { n: 100 } }],
    ['DOCUMENT_TOO_LARGE', 413, { query: `{ __typename ${' '.repeat(70_000)}}` }],
    ['DOCUMENT_TOO_LARGE', 413, { query: '{ __typename }', variables: { pad: 'p'.repeat(200_000) } }],
  ])('%s over HTTP (%i) and over WebSocket', async (code, status, body) => {
    expect(await refusal(body)).toMatchObject({ status, code });
    const overWs = await overWebSocket(ledger, body);
    // Over WebSocket the 200 KB body is a message over the 100 KB frame limit: the socket is closed with 1009.
    expect(overWs[0]).toBe(JSON.stringify(body).length > 102_400 ? 'close:1009' : code);
  });

  it('runs an ordinary heavy query: a page of 100 invoices with every field', async () => {
    const response = await post({ query: pages(1, 100) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  it.each([
    ['a NUL in a variable', { query: 'query Q($id: ID!) { invoice(id: $id) { id } }', variables: { id: 'a\u0000b' } }],
    ['a lone surrogate in a variable', { query: 'query Q($id: ID!) { invoice(id: $id) { id } }', variables: { id: 'a\ud800b' } }],
    ['a NUL in a mutation input', { query: 'mutation M($i: VoidInvoiceInput!) { voidInvoice(input: $i) { position } }', variables: { i: { invoiceId: 'x', reason: 'a\u0000' } } }],
    ['a NUL in a string literal', { query: '{ invoice(id: "a\\u0000b") { id } }' }],
    ['a lone surrogate in a string literal', { query: '{ invoice(id: "\\ud800") { id } }' }],
    ['an unknown operationName', { query: 'query A { __typename }', operationName: 'B' }],
    ['several operations without operationName', { query: 'query A { __typename } query B { __typename }' }],
  ])('%s is VALIDATION_FAILED, 400 over HTTP and an error over WebSocket, with no stack logged', async (_name, body) => {
    expect(await refusal(body)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await overWebSocket(ledger, body)).toEqual(['VALIDATION_FAILED']);
    expect(internalErrorsIn(ledger)).toEqual([]);
  });

  it('a subscription over HTTP is VALIDATION_FAILED (400): subscriptions are served over WebSocket', async () => {
    const answer = await refusal({ query: BILLING_EVENTS });
    expect(answer).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(answer.message).toMatch(/WebSocket/);
  });

  it('a persisted-query hash it does not know is PERSISTED_QUERY_NOT_FOUND, so that Apollo clients send the document; then the hash works', async () => {
    const query = '{ __typename }';
    const sha256Hash = (await import('node:crypto')).createHash('sha256').update(query).digest('hex');
    const miss = await post({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(((await miss.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } })).status).toBe(200);
    const hit = await post({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(await hit.json()).toEqual({ data: { __typename: 'Query' } });
    expect(await refusal({ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } })).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('answers 401 UNAUTHENTICATED without a valid key, 403 FORBIDDEN for a role that may not, 400 for parse and validation errors', async () => {
    for (const key of [null, 'wrong-key-wrong-key-wrong-key']) {
      const response = await post({ query: '{ invoices { edges { cursor } } }' }, {}, key);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    }
    const auditor = await ledger.createKey('dev', 'auditor');
    const forbidden: GraphQLHttpResponse<unknown> = await postGraphQL(ledger.url, { query: 'mutation { voidInvoice(input: { invoiceId: "x", reason: "y" }) { position } }', apiKey: auditor });
    expect({ status: forbidden.status, code: firstErrorCode(forbidden) }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await refusal({ query: '{ invoices { ' })).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await refusal({ query: '{ invoicez }' })).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const ok = await postGraphQL(ledger.url, { query: '{ taxRates { id } }', apiKey: auditor });
    expect(ok.status).toBe(200);
  });

  it('body parser refusals keep their 4xx and get a code: malformed JSON, an unsupported charset', async () => {
    expect(await refusal('{"query": ')).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const latin1 = await post(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json; charset=latin1' });
    expect(latin1.status).toBe(415);
  });

  it('limits a connection to 10 active subscriptions; completing one frees its place', async () => {
    const connection = await connectWebSocket(ledger.url, ledger.adminKey);
    try {
      const subscriptions = Array.from({ length: 10 }, () => collectSubscription(connection, 'billingEvents', BILLING_EVENTS));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(subscriptions.filter((subscription) => subscription.errors.length > 0)).toEqual([]);
      const eleventh = collectSubscription(connection, 'billingEvents', BILLING_EVENTS);
      await eleventh.waitFor('a refusal', () => eleventh.errors.length > 0 || eleventh.completed).catch(() => undefined);
      expect(eleventh.errors.flat()).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })]);
      subscriptions[0]!.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const replacement = collectSubscription(connection, 'billingEvents', BILLING_EVENTS);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(replacement.errors).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  it('closes a connection whose connection_init is over the 100 KB message limit (1009), before authentication; others are unaffected', async () => {
    const outcome = await exchange(ledger.url, { init: initFrame(undefined, { pad: 'p'.repeat(200_000) }), frames: [] });
    expect(outcome.codes).toEqual(['close:1009']);
    const connection = await connectWebSocket(ledger.url, ledger.adminKey);
    await connection.close();
    await expect(connectWebSocket(ledger.url, 'wrong-key-wrong-key-wrong-key')).rejects.toBeInstanceOf(WebSocketClosedError);
  });

  it('serves PDFs with Cache-Control: no-store and X-Content-Type-Options: nosniff; a NUL in the id is 400, never 500', async () => {
    const headers = { authorization: `Bearer ${ledger.adminKey}` };
    requireData(await ledger.graphql(UPSERT_CUSTOMER, { input: { customerId: 'cust-pdf', name: 'PDF Customer', billingAddress: { line1: '1 Main Street', city: 'Springfield', postalCode: '62701', country: 'US' }, taxExempt: false } }), 'upsertCustomer');
    const created = requireData(
      await ledger.graphql<{ createCreditNote: { position: string; creditNote: { id: string } } }>(
        'mutation ($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { position creditNote { id } } }',
        { input: { customerId: 'cust-pdf', currency: 'USD', type: 'GOODWILL', reason: 'GOODWILL', lines: [{ description: 'Goodwill', quantity: '1', unitPrice: '5.00' }] } },
      ),
      'createCreditNote',
    ).createCreditNote;
    requireData(await ledger.graphql('query ($id: ID!, $p: String) { creditNote(id: $id, minPosition: $p) { id } }', { id: created.creditNote.id, p: created.position }), 'creditNote');
    const pdf = await fetch(`${root}/credit-notes/${created.creditNote.id}.pdf`, { headers });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('cache-control')).toBe('no-store');
    expect(pdf.headers.get('x-content-type-options')).toBe('nosniff');
    for (const documents of ['receipts', 'credit-notes']) {
      const nul = await fetch(`${root}/${documents}/a%00b.pdf`, { headers });
      expect({ status: nul.status, body: await nul.json() }).toEqual({ status: 400, body: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/NUL/) } });
      const missing = await fetch(`${root}/${documents}/nope.pdf`, { headers });
      expect([missing.status, missing.headers.get('cache-control'), missing.headers.get('x-content-type-options')]).toEqual([404, 'no-store', 'nosniff']);
      const undecodable = await fetch(`${root}/${documents}/a%zzb.pdf`, { headers });
      expect({ status: undecodable.status, code: ((await undecodable.json()) as { code: string }).code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    }
    expect(internalErrorsIn(ledger)).toEqual([]);
  });

  it('keeps introspection and suggestions on outside production', async () => {
    expect((await post({ query: '{ __schema { queryType { name } } }' })).status).toBe(200);
    expect((await refusal({ query: '{ invoicez }' })).message).toMatch(/Did you mean/);
  });
});

describe('with NODE_ENV=production and tighter limits from the environment', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger({
      environment: { NODE_ENV: 'production', LEDGER_MAX_QUERY_COST: '50', LEDGER_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2', LEDGER_WS_MAX_SUBSCRIPTIONS_PER_KEY: '3', LEDGER_WS_MAX_MESSAGE_BYTES: '4096' },
    });
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  it('refuses introspection over HTTP and WebSocket; __typename still works', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Invoice") { name } }']) {
      const response = await ledger.graphql(query);
      expect({ status: response.status, code: firstErrorCode(response) }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect((await overWebSocket(ledger, { query }))[0]).toBe('VALIDATION_FAILED');
    }
    expect(requireData(await ledger.graphql<{ __typename: string }>('{ __typename }'), '__typename')).toEqual({ __typename: 'Query' });
  });

  it('gives no "did you mean" suggestion, in validation errors and in a mistyped enum value of a variable, over both transports', async () => {
    const cases = [
      { query: '{ invoicez }' },
      { query: '{ invoice(id: "x") { numbr } }' },
      { query: 'mutation M($i: RefundPaymentInput!) { refundPayment(input: $i) { position } }', variables: { i: { paymentId: 'x', amount: '1.00', method: 'CARDD', reason: 'r' } } },
    ];
    for (const body of cases) {
      const response = await ledger.graphql(body.query, body.variables);
      expect(response.errors?.length).toBeGreaterThan(0);
      expect(response.rawBody).not.toMatch(/Did you mean/);
      const overWs = await exchange(ledger.url, { init: initFrame(ledger.adminKey), frames: [subscribeFrame('1', body)], operations: 1 });
      expect(JSON.stringify(overWs.messages)).not.toMatch(/Did you mean/);
      expect(overWs.codes[0]).toBe('VALIDATION_FAILED');
    }
  });

  it('takes its limits from the environment: the cost, the message size, subscriptions per connection and per key', async () => {
    const page = (first: number) => `{ invoices(first: ${first}) { edges { node { id } } } }`;
    expect((await ledger.graphql(page(10))).errors).toBeUndefined(); // 1 + 10 x 3 = 31
    expect(firstErrorCode(await ledger.graphql(page(20)))).toBe('QUERY_TOO_COMPLEX'); // 61

    expect((await exchange(ledger.url, { init: initFrame(undefined, { pad: 'p'.repeat(5_000) }), frames: [] })).codes).toEqual(['close:1009']);

    const first = await connectWebSocket(ledger.url, ledger.adminKey);
    const second = await connectWebSocket(ledger.url, ledger.adminKey);
    const otherKey = await ledger.createKey('dev', 'auditor');
    const other = await connectWebSocket(ledger.url, otherKey);
    try {
      const open = [collectSubscription(first, 'billingEvents', BILLING_EVENTS), collectSubscription(first, 'billingEvents', BILLING_EVENTS)];
      await new Promise((resolve) => setTimeout(resolve, 200));
      const thirdOnFirst = collectSubscription(first, 'billingEvents', BILLING_EVENTS);
      await thirdOnFirst.waitFor('a refusal', () => thirdOnFirst.errors.length > 0).catch(() => undefined);
      expect(thirdOnFirst.errors.flat()).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' }, message: expect.stringMatching(/connection/) })]);
      open.push(collectSubscription(second, 'billingEvents', BILLING_EVENTS));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const fourthForKey = collectSubscription(second, 'billingEvents', BILLING_EVENTS);
      await fourthForKey.waitFor('a refusal', () => fourthForKey.errors.length > 0).catch(() => undefined);
      expect(fourthForKey.errors.flat()).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' }, message: expect.stringMatching(/API key/) })]);
      expect(open.flatMap((subscription) => subscription.errors)).toEqual([]);
      const forOtherKey = collectSubscription(other, 'billingEvents', BILLING_EVENTS);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(forOtherKey.errors).toEqual([]);
    } finally {
      await Promise.all([first.close(), second.close(), other.close()]);
    }
    // Closed connections give their places back.
    const again = await connectWebSocket(ledger.url, ledger.adminKey);
    try {
      const subscription = collectSubscription(again, 'billingEvents', BILLING_EVENTS);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(subscription.errors).toEqual([]);
    } finally {
      await again.close();
    }
  });
});

describe('with NODE_ENV=production and LEDGER_INTROSPECTION=on', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger({ environment: { NODE_ENV: 'production', LEDGER_INTROSPECTION: 'on' } });
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  it('serves introspection and suggestions as the setting says', async () => {
    expect(requireData(await ledger.graphql<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }'), '__schema').__schema.queryType.name).toBe('Query');
    expect(await overWebSocket(ledger, { query: '{ __schema { queryType { name } } }' })).toEqual(['OK']);
    expect((await ledger.graphql('{ invoicez }')).rawBody).toMatch(/Did you mean/);
  });
});
