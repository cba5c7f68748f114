import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { firstErrorCode, requireData } from '../support/graphql-http.client.js';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { WebhookReceiver } from './webhook-receiver.js';
import { signingSecret, WEBHOOK_DOCUMENTS, WebhookTenant, type WebhookDeliveryView } from './webhook-scenario.js';

/**
 * The dispatcher's feeds end to end (docs/webhooks.md, "Ordering, cursors and replay"): per-endpoint order, a slow
 * endpoint not holding back the others, a new endpoint getting new events only, features.webhooks, replays with the
 * same webhook-ids, the deliveries list, and no secret anywhere it could leak.
 */

let ledger: TestLedger;
const receivers: WebhookReceiver[] = [];

async function receiver(): Promise<WebhookReceiver> {
  const started = await WebhookReceiver.start();
  receivers.push(started);
  return started;
}

beforeAll(async () => {
  ledger = await startTestLedger({ clock: new TestClock(new Date().toISOString()) });
});

afterAll(async () => {
  await ledger?.stop();
});

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((started) => started.close()));
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ids = (requests: readonly { headers: Readonly<Record<string, string>> }[]) => requests.map((request) => request.headers['webhook-id']);

interface ReplayPayload {
  replayWebhookEndpoint: { endpointId: string; round: number; fromPosition: string; position: string };
}

describe('ordering', () => {
  it('each endpoint gets its messages in log order, and a slow endpoint does not hold back a fast one', async () => {
    const slow = await receiver();
    const fast = await receiver();
    slow.answer = () => ({ status: 204, delayMs: 700 });
    const tenant = await WebhookTenant.start(ledger, 'wh-order');
    await tenant.endpoints([
      { id: 'slow', url: slow.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null },
      { id: 'fast', url: fast.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null },
    ]);
    const invoices = [];
    for (let index = 0; index < 4; index += 1) invoices.push(await tenant.invoice());
    const started = Date.now();
    await fast.waitFor(4);
    const fastDone = Date.now() - started;
    // The slow endpoint takes 0.7 s per message; the fast one is not queued behind it.
    expect(slow.requests.length).toBeLessThan(4);
    expect(fastDone).toBeLessThan(2_500);
    await slow.waitFor(4);
    const order = invoices.map((invoice) => invoice.invoiceId);
    expect(fast.requests.map((request) => (JSON.parse(request.body) as { data: { invoiceId: string } }).data.invoiceId)).toEqual(order);
    expect(slow.requests.map((request) => (JSON.parse(request.body) as { data: { invoiceId: string } }).data.invoiceId)).toEqual(order);
    expect(ids(slow.requests)).toEqual(ids(fast.requests));
  });
});

describe('which events an endpoint gets', () => {
  it('a new endpoint gets events after it was added, never earlier ones', async () => {
    const hooks = await receiver();
    const tenant = await WebhookTenant.start(ledger, 'wh-new');
    await tenant.invoice();
    await tenant.endpoints([{ id: 'late', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null }]);
    const { invoiceId } = await tenant.invoice();
    const [request] = await hooks.waitFor(1);
    expect((JSON.parse(request?.body ?? '{}') as { data: { invoiceId: string } }).data.invoiceId).toBe(invoiceId);
    await hooks.expectNoMoreThan(1);
  });

  it('only the subscribed types, and with features.webhooks off nothing at all (nor later)', async () => {
    const hooks = await receiver();
    const tenant = await WebhookTenant.start(ledger, 'wh-feature');
    await tenant.endpoints([{ id: 'voids', url: hooks.url, events: ['INVOICE_VOIDED'], authType: 'NONE', secret: null }]);
    const first = await tenant.invoice();
    await tenant.ok('voidInvoice', WEBHOOK_DOCUMENTS.voidInvoice, { input: { invoiceId: first.invoiceId, reason: 'Issued by mistake' } });
    const [voided] = await hooks.waitFor(1);
    expect(JSON.parse(voided?.body ?? '{}')).toMatchObject({ type: 'invoice.voided' });
    await tenant.features(false);
    const second = await tenant.invoice();
    await tenant.ok('voidInvoice', WEBHOOK_DOCUMENTS.voidInvoice, { input: { invoiceId: second.invoiceId, reason: 'Issued by mistake' } });
    await hooks.expectNoMoreThan(1, 700);
    await tenant.features(true);
    const third = await tenant.invoice();
    await tenant.ok('voidInvoice', WEBHOOK_DOCUMENTS.voidInvoice, { input: { invoiceId: third.invoiceId, reason: 'Issued by mistake' } });
    const [, afterwards] = await hooks.waitFor(2);
    expect(JSON.parse(afterwards?.body ?? '{}')).toMatchObject({ type: 'invoice.voided', data: expect.objectContaining({ invoiceId: third.invoiceId }) });
    await hooks.expectNoMoreThan(2);
  });
});

describe('replay', () => {
  it('from position 0 re-sends everything the endpoint subscribes to, in order, with the same ids, as round 1; then new events come once', async () => {
    const hooks = await receiver();
    const tenant = await WebhookTenant.start(ledger, 'wh-replay');
    const secret = signingSecret();
    const before = await tenant.invoice();
    await tenant.endpoints([{ id: 'erp', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'SIGNATURE', secret }]);
    const live = [await tenant.invoice(), await tenant.invoice(), await tenant.invoice()];
    const firstRound = await hooks.waitFor(3);
    await tenant.waitForDeliveries((list) => list.length === 3 && list.every((delivery) => delivery.status === 'DELIVERED'));
    const replay = requireData(await tenant.send<ReplayPayload>(WEBHOOK_DOCUMENTS.replay, { input: { endpointId: 'erp', fromPosition: '0' } }), 'replayWebhookEndpoint');
    expect(replay.replayWebhookEndpoint).toMatchObject({ endpointId: 'erp', round: 1, fromPosition: '0.0' });
    const all = await hooks.waitFor(7);
    const replayed = all.slice(3);
    // Everything from the start of the log: the invoice issued before the endpoint existed comes first.
    const body = (request: { body: string }) => JSON.parse(request.body) as { data: { invoiceId: string } };
    expect(replayed.map((request) => body(request).data.invoiceId)).toEqual([before, ...live].map((invoice) => invoice.invoiceId));
    expect(ids(replayed.slice(1))).toEqual(ids(firstRound));
    for (const request of replayed) expect(new Webhook(secret).verify(request.body, request.headers)).toBeTruthy();
    const deliveries = await tenant.waitForDeliveries((list) => list.filter((delivery) => delivery.round === 1 && delivery.status === 'DELIVERED').length === 4);
    expect(deliveries.filter((delivery) => delivery.round === 0)).toHaveLength(3);
    // After the replay the endpoint is live again: one new event, one request.
    const next = await tenant.invoice();
    const [last] = (await hooks.waitFor(8)).slice(7);
    expect(body(last as { body: string }).data.invoiceId).toBe(next.invoiceId);
    await hooks.expectNoMoreThan(8);
    const status = requireData(await tenant.send<{ webhookEndpointStatus: { feed: { round: number; startReason: string; startedFrom: string } } }>(WEBHOOK_DOCUMENTS.status, { endpointId: 'erp', minPosition: await tenant.head() }), 'status');
    expect(status.webhookEndpointStatus.feed).toMatchObject({ round: 1, startReason: 'replay', startedFrom: '0.0' });
  });

  it('from a position re-sends only what came after it', async () => {
    const hooks = await receiver();
    const tenant = await WebhookTenant.start(ledger, 'wh-replay-from');
    await tenant.endpoints([{ id: 'erp', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null }]);
    const first = await tenant.invoice();
    const second = await tenant.invoice();
    await hooks.waitFor(2);
    requireData(await tenant.send<ReplayPayload>(WEBHOOK_DOCUMENTS.replay, { input: { endpointId: 'erp', fromPosition: first.position } }), 'replayWebhookEndpoint');
    const [, , replayed] = await hooks.waitFor(3);
    expect((JSON.parse(replayed?.body ?? '{}') as { data: { invoiceId: string } }).data.invoiceId).toBe(second.invoiceId);
    await hooks.expectNoMoreThan(3);
  });

  it.each([
    ['an endpoint the settings do not have', { endpointId: 'nobody', fromPosition: '0' }, 'NOT_FOUND'],
    ['a position that is not one', { endpointId: 'erp', fromPosition: 'yesterday' }, 'VALIDATION_FAILED'],
  ])('is refused for %s, and nothing is appended', async (_case, input, code) => {
    const tenant = await WebhookTenant.start(ledger, 'wh-replay-refused');
    await tenant.endpoints([{ id: 'erp', url: 'https://hooks.example.com/erp', events: ['INVOICE_CREATED'], authType: 'NONE', secret: null }]);
    // The dispatcher starts the new endpoint's feed (an event of its own) right after the settings change.
    await waitFor(async () => (await ledger.tenantEvents(tenant.tenantId)).some((event) => event.type === 'WebhookFeedStarted'));
    const before = (await ledger.tenantEvents(tenant.tenantId)).length;
    expect(firstErrorCode(await tenant.send(WEBHOOK_DOCUMENTS.replay, { input }))).toBe(code);
    expect(await ledger.tenantEvents(tenant.tenantId)).toHaveLength(before);
  });

  it('is refused for a disabled endpoint and while webhooks are off', async () => {
    const tenant = await WebhookTenant.start(ledger, 'wh-replay-off');
    await tenant.endpoints([{ id: 'erp', url: 'https://hooks.example.com/erp', events: ['INVOICE_CREATED'], authType: 'NONE', secret: null, enabled: false }]);
    expect(firstErrorCode(await tenant.send(WEBHOOK_DOCUMENTS.replay, { input: { endpointId: 'erp', fromPosition: '0' } }))).toBe('INVALID_STATE_TRANSITION');
    await tenant.endpoints([{ id: 'erp', url: 'https://hooks.example.com/erp', events: ['INVOICE_CREATED'], authType: 'NONE', secret: null }]);
    await tenant.features(false);
    expect(firstErrorCode(await tenant.send(WEBHOOK_DOCUMENTS.replay, { input: { endpointId: 'erp', fromPosition: '0' } }))).toBe('FEATURE_DISABLED');
  });
});

describe('the webhookDeliveries list', () => {
  it('filters by endpoint, status, event type and message id, newest first, in pages', async () => {
    const ok = await receiver();
    const failing = await receiver();
    failing.answer = () => ({ status: 500 });
    const tenant = await WebhookTenant.start(ledger, 'wh-list');
    await tenant.endpoints([
      { id: 'ok', url: ok.url, events: ['INVOICE_CREATED', 'INVOICE_VOIDED'], authType: 'NONE', secret: null },
      { id: 'failing', url: failing.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null },
    ]);
    const first = await tenant.invoice();
    await tenant.invoice();
    await tenant.ok('voidInvoice', WEBHOOK_DOCUMENTS.voidInvoice, { input: { invoiceId: first.invoiceId, reason: 'Issued by mistake' } });
    const all = await tenant.waitForDeliveries((list) => list.length === 5 && list.filter((delivery) => delivery.status === 'DELIVERED').length === 3);
    // Newest first, by when each delivery was first recorded: within one endpoint that is the log's order (lanes run side by side).
    expect(all.filter((delivery) => delivery.endpointId === 'ok').map((delivery) => delivery.eventType)).toEqual(['INVOICE_VOIDED', 'INVOICE_CREATED', 'INVOICE_CREATED']);
    const key = (list: WebhookDeliveryView[]) => list.map((delivery) => delivery.id);
    expect(key(await tenant.deliveries({ endpointId: 'failing' }))).toEqual(key(all.filter((delivery) => delivery.endpointId === 'failing')));
    expect(key(await tenant.deliveries({ status: 'FAILED' }))).toEqual(key(all.filter((delivery) => delivery.status === 'FAILED')));
    expect(key(await tenant.deliveries({ eventType: 'INVOICE_VOIDED' }))).toEqual(key(all.filter((delivery) => delivery.eventType === 'INVOICE_VOIDED')));
    const messageId = all[1]?.messageId as string;
    expect(key(await tenant.deliveries({ messageId }))).toEqual(key(all.filter((delivery) => delivery.messageId === messageId)));
    const pages: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const data: { webhookDeliveries: { edges: { node: WebhookDeliveryView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = requireData(
        await tenant.send<{ webhookDeliveries: { edges: { node: WebhookDeliveryView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(WEBHOOK_DOCUMENTS.deliveries, { first: 2, after }),
        'webhookDeliveries',
      );
      pages.push(...data.webhookDeliveries.edges.map((edge) => edge.node.id));
      if (!data.webhookDeliveries.pageInfo.hasNextPage) break;
      after = data.webhookDeliveries.pageInfo.endCursor;
    }
    expect(pages).toEqual(key(all));
    expect(firstErrorCode(await tenant.send(WEBHOOK_DOCUMENTS.deliveries, { first: 101 }))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await tenant.send(WEBHOOK_DOCUMENTS.deliveries, { after: 'not-a-cursor' }))).toBe('VALIDATION_FAILED');
  });

  it('shows a tenant only its own deliveries', async () => {
    const hooks = await receiver();
    const tenant = await WebhookTenant.start(ledger, 'wh-mine');
    const other = await WebhookTenant.start(ledger, 'wh-theirs');
    await tenant.endpoints([{ id: 'erp', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null }]);
    await tenant.invoice();
    await tenant.waitForDeliveries((list) => list.length === 1);
    expect(await other.deliveries()).toEqual([]);
  });
});

describe('secrets', () => {
  it('appear in no stored event, read-model row, log line or response, even when a receiver echoes them back', async () => {
    const echo = await receiver();
    // A hostile or careless receiver: its 401 body quotes our Authorization header.
    echo.answer = (request) => ({ status: 401, body: `rejected ${request.headers.authorization ?? ''} ${request.headers['x-api-key'] ?? ''}` });
    const tenant = await WebhookTenant.start(ledger, 'wh-secrets');
    const secrets = [signingSecret(), 'tok_bearer_secret_abcdef0123456789', 'user:basic-secret-abcdef0123', 'key_api_secret_abcdef0123456789'];
    const [signing, bearer, basic, apiKey] = secrets as [string, string, string, string];
    await tenant.endpoints([
      { id: 'signed', url: echo.url, events: ['INVOICE_CREATED'], authType: 'SIGNATURE', secret: signing },
      { id: 'bearer', url: echo.url, events: ['INVOICE_CREATED'], authType: 'BEARER_TOKEN', secret: bearer },
      { id: 'basic', url: echo.url, events: ['INVOICE_CREATED'], authType: 'BASIC_AUTH', secret: basic },
      { id: 'api-key', url: echo.url, events: ['INVOICE_CREATED'], authType: 'API_KEY', secret: apiKey },
    ]);
    await tenant.invoice();
    await echo.waitFor(4);
    const deliveries = await tenant.waitForDeliveries((list) => list.length === 4 && list.every((delivery) => delivery.status === 'FAILED'));
    expect(deliveries.find((delivery) => delivery.endpointId === 'bearer')?.error).toBe('HTTP 401: rejected Bearer [redacted]');
    const forms = secrets.flatMap((secret) => [secret, Buffer.from(secret).toString('base64'), secret.replace(/^whsec_/, '')]);
    const haystacks: string[] = [];
    haystacks.push(JSON.stringify(await tenant.deliveries()));
    haystacks.push((await tenant.send(WEBHOOK_DOCUMENTS.status, { endpointId: 'bearer' })).rawBody);
    const events = await ledger.tenantEvents(tenant.tenantId);
    haystacks.push(JSON.stringify(events.map((event) => ({ type: event.type, data: event.data, metadata: event.metadata }))));
    const { rows } = await sql<{ row: string }>`select row_to_json(d)::text as row from read_models.webhook_deliveries d where tenant_id = ${tenant.tenantId}
      union all select row_to_json(c)::text from read_models.webhook_endpoint_cursors c where tenant_id = ${tenant.tenantId}
      union all select row_to_json(w)::text from read_models.webhook_retry_due_work w where tenant_id = ${tenant.tenantId}`.execute(ledger.services.db);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    haystacks.push(...rows.map((row) => row.row));
    haystacks.push(...ledger.logs);
    for (const form of forms) for (const text of haystacks) expect(text.includes(form)).toBe(false);
    expect(events.some((event) => event.type === 'WebhookDeliveryAttempted')).toBe(true);
  });
});
