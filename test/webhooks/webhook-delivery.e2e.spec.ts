import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { requireData } from '../support/graphql-http.client.js';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { WebhookReceiver, type ReceivedWebhook } from './webhook-receiver.js';
import { signingSecret, WEBHOOK_DOCUMENTS, WebhookTenant } from './webhook-scenario.js';

/**
 * Signed webhook delivery end to end (docs/webhooks.md), against a REAL HTTP receiver and the official Standard Webhooks
 * verifier: the API in process with its projections, dispatcher and scheduler; endpoints configured and invoices issued
 * through GraphQL; retries run by advancing the tenant's test clock; the records read through `webhookDeliveries`.
 */

/** One attempt's whole exchange may take this long here (LEDGER_WEBHOOK_TIMEOUT_MS), so a timeout is quick to show. */
const TIMEOUT_MS = 1_000;
const T0 = '2026-03-02T09:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

let ledger: TestLedger;
const receivers: WebhookReceiver[] = [];

async function receiver(): Promise<WebhookReceiver> {
  const started = await WebhookReceiver.start();
  receivers.push(started);
  return started;
}

beforeAll(async () => {
  // Real time for the process clock: receivers check webhook-timestamp against their own clock (5 minutes' tolerance).
  ledger = await startTestLedger({ clock: new TestClock(new Date().toISOString()), environment: { LEDGER_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) } });
});

afterAll(async () => {
  await ledger?.stop();
});

afterEach(async () => {
  ledger.clock.setInstant(new Date().toISOString());
  await Promise.all(receivers.splice(0).map((started) => started.close()));
});

function verified(secret: string, request: ReceivedWebhook): { type: string; timestamp: string; data: Record<string, unknown> } {
  return new Webhook(secret).verify(request.body, request.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}

describe('signing (Standard Webhooks 1.0)', () => {
  it('the official verifier accepts what the ledger sends, and the headers are those of the spec', async () => {
    const hooks = await receiver();
    const tenant = await WebhookTenant.start(ledger, 'wh-sign');
    const secret = signingSecret();
    await tenant.endpoints([{ id: 'ledger-hooks', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'SIGNATURE', secret }]);
    const { invoiceId } = await tenant.invoice();
    const [request] = await hooks.waitFor(1);
    if (request === undefined) throw new Error('no request');
    const payload = verified(secret, request);
    expect(payload).toMatchObject({ type: 'invoice.created', data: expect.objectContaining({ invoiceId }) });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toMatch(/^billing-ledger-webhooks\//);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const [delivery] = await tenant.waitForDeliveries((list) => list[0]?.status === 'DELIVERED');
    expect(delivery).toMatchObject({ endpointId: 'ledger-hooks', messageId: request.headers['webhook-id'], eventType: 'INVOICE_CREATED', round: 0, attempts: 1, responseStatus: 204, error: null, nextAttemptAt: null });
    expect(delivery?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a tampered body, a wrong secret and a stale timestamp are rejected by the verifier', async () => {
    const hooks = await receiver();
    const tenant = await WebhookTenant.start(ledger, 'wh-reject');
    const secret = signingSecret();
    await tenant.endpoints([{ id: 'ledger-hooks', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'SIGNATURE', secret }]);
    await tenant.invoice();
    const [fresh] = await hooks.waitFor(1);
    if (fresh === undefined) throw new Error('no request');
    expect(() => new Webhook(secret).verify(fresh.body.replace('"invoice.created"', '"invoice.voided"'), fresh.headers)).toThrow('No matching signature found');
    expect(() => new Webhook(signingSecret()).verify(fresh.body, fresh.headers)).toThrow('No matching signature found');
    // The process's real clock ten minutes behind: the message is signed with a timestamp the receiver finds too old.
    ledger.clock.setInstant(new Date(Date.now() - 10 * 60_000).toISOString());
    await tenant.invoice();
    const [, stale] = await hooks.waitFor(2);
    if (stale === undefined) throw new Error('no request');
    expect(() => new Webhook(secret).verify(stale.body, stale.headers)).toThrow('Message timestamp too old');
  });

  it('during a rotation both signatures are sent, and each verifies with its own secret', async () => {
    const hooks = await receiver();
    const tenant = await WebhookTenant.start(ledger, 'wh-rotate');
    const [oldSecret, newSecret] = [signingSecret(), signingSecret()];
    const endpoint = { id: 'ledger-hooks', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'SIGNATURE' } as const;
    await tenant.endpoints([{ ...endpoint, secret: oldSecret }]);
    await tenant.invoice();
    const [before] = await hooks.waitFor(1);
    expect(before?.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    await tenant.endpoints([{ ...endpoint, secret: newSecret }]);
    await tenant.invoice();
    const [, during] = await hooks.waitFor(2);
    if (during === undefined) throw new Error('no request');
    expect(during.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verified(newSecret, during).type).toBe('invoice.created');
    expect(verified(oldSecret, during).type).toBe('invoice.created');
    expect(() => verified(signingSecret(), during)).toThrow('No matching signature found');
  });
});

describe('auth types', () => {
  it('bearer, basic and API-key endpoints each get their own header (and no signature without a whsec_ secret)', async () => {
    const hooks = await receiver();
    const tenant = await WebhookTenant.start(ledger, 'wh-auth');
    const bearer = 'tok_bearer_0123456789abcdef';
    const basic = 'hooks-user:pa55word-0123456789';
    const apiKey = 'key_api_0123456789abcdefgh';
    await tenant.endpoints([
      { id: 'bearer', url: `${hooks.url}?auth=bearer`, events: ['INVOICE_CREATED'], authType: 'BEARER_TOKEN', secret: bearer },
      { id: 'basic', url: `${hooks.url}?auth=basic`, events: ['INVOICE_CREATED'], authType: 'BASIC_AUTH', secret: basic },
      { id: 'api-key', url: `${hooks.url}?auth=api-key`, events: ['INVOICE_CREATED'], authType: 'API_KEY', secret: apiKey },
      { id: 'none', url: `${hooks.url}?auth=none`, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null },
    ]);
    await tenant.invoice();
    const requests = await hooks.waitFor(4);
    const byPath: Record<string, Readonly<Record<string, string>> | undefined> = Object.fromEntries(requests.map((request) => [request.path.split('auth=')[1] ?? '', request.headers]));
    expect(byPath.bearer?.authorization).toBe(`Bearer ${bearer}`);
    expect(byPath.basic?.authorization).toBe(`Basic ${Buffer.from(basic).toString('base64')}`);
    expect(byPath['api-key']?.['x-api-key']).toBe(apiKey);
    expect(byPath.none?.authorization).toBeUndefined();
    for (const headers of Object.values(byPath)) {
      expect(headers?.['webhook-signature']).toBeUndefined();
      expect(headers?.['webhook-id']).toBe(requests[0]?.headers['webhook-id']);
    }
    expect(byPath['api-key']?.authorization).toBeUndefined();
    expect(byPath.bearer?.['x-api-key']).toBeUndefined();
  });
});

describe('retries on the tenant\'s clock', () => {
  it('500, 500, then 200: three requests with the same webhook-id, after 5 s and 5 min of the tenant\'s time, all recorded', async () => {
    const hooks = await receiver();
    hooks.answer = (_request, index) => (index < 2 ? { status: 500, body: 'database unavailable' } : { status: 200 });
    const tenant = await WebhookTenant.start(ledger, 'wh-retry', { testClockAt: T0 });
    const secret = signingSecret();
    await tenant.endpoints([{ id: 'erp', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'SIGNATURE', secret }]);
    await tenant.invoice();
    await hooks.waitFor(1);
    await tenant.waitForDeliveries((list) => list[0]?.status === 'FAILED');
    // Not yet due: four seconds of the tenant's time run nothing.
    expect(await tenant.advance(at(4_000))).toMatchObject({ steps: 0 });
    expect(hooks.requests).toHaveLength(1);
    expect(await tenant.advance(at(6_000))).toMatchObject({ steps: 1, done: 1 });
    expect(hooks.requests).toHaveLength(2);
    expect(await tenant.advance(at(5 * 60_000 + 6_000))).toMatchObject({ steps: 1, done: 1 });
    const requests = await hooks.waitFor(3);
    expect(new Set(requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
    for (const request of requests) expect(verified(secret, request).type).toBe('invoice.created');
    const [delivery] = await tenant.deliveries({ endpointId: 'erp' });
    expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 3, responseStatus: 200, error: null, nextAttemptAt: null, deliveredAt: at(5_000 + 5 * 60_000) });
    expect(delivery?.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, status: 'FAILED', responseStatus: 500, error: 'HTTP 500: database unavailable', attemptedAt: T0, nextAttemptAt: at(5_000) }),
      expect.objectContaining({ attempt: 2, status: 'FAILED', responseStatus: 500, attemptedAt: at(5_000), nextAttemptAt: at(5_000 + 5 * 60_000) }),
      expect.objectContaining({ attempt: 3, status: 'DELIVERED', responseStatus: 200, error: null, attemptedAt: at(5_000 + 5 * 60_000), nextAttemptAt: null }),
    ]);
    // Nothing more is due.
    expect(await tenant.advance(at(48 * 3_600_000))).toMatchObject({ steps: 0 });
    expect(hooks.requests).toHaveLength(3);
  });

  it('Retry-After later than the schedule moves the next attempt (and an earlier one does not)', async () => {
    const hooks = await receiver();
    hooks.answer = (_request, index) => (index === 0 ? { status: 503, headers: { 'retry-after': '120' } } : index === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 });
    const tenant = await WebhookTenant.start(ledger, 'wh-retry-after', { testClockAt: T0 });
    await tenant.endpoints([{ id: 'erp', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null }]);
    await tenant.invoice();
    const [first] = await tenant.waitForDeliveries((list) => list[0]?.status === 'FAILED');
    expect(first).toMatchObject({ responseStatus: 503, nextAttemptAt: at(120_000) });
    // The schedule's 5 s has passed, the receiver's 120 s has not.
    expect(await tenant.advance(at(60_000))).toMatchObject({ steps: 0 });
    expect(hooks.requests).toHaveLength(1);
    expect(await tenant.advance(at(121_000))).toMatchObject({ steps: 1 });
    // Retry-After: 1 is shorter than the schedule's 5 minutes: the schedule holds.
    const [second] = await tenant.deliveries();
    expect(second).toMatchObject({ status: 'FAILED', attempts: 2, responseStatus: 429, nextAttemptAt: at(120_000 + 5 * 60_000) });
  });

  it('a receiver that does not answer in time is a failed attempt with no response status, retried later', async () => {
    const hooks = await receiver();
    hooks.answer = () => ({ status: 200, delayMs: TIMEOUT_MS * 3 });
    const tenant = await WebhookTenant.start(ledger, 'wh-timeout', { testClockAt: T0 });
    await tenant.endpoints([{ id: 'slow', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null }]);
    await tenant.invoice();
    const [delivery] = await tenant.waitForDeliveries((list) => list[0]?.status === 'FAILED');
    expect(delivery).toMatchObject({ attempts: 1, responseStatus: null, nextAttemptAt: at(5_000) });
    expect(delivery?.error).toMatch(/^timed out after \d+ ms$/);
    expect(delivery?.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
    expect(delivery?.durationMs).toBeLessThan(TIMEOUT_MS * 2);
  });

  it('a redirect is not followed: a failure, and its target gets nothing', async () => {
    const hooks = await receiver();
    const elsewhere = await receiver();
    hooks.answer = () => ({ status: 302, headers: { location: elsewhere.url } });
    const tenant = await WebhookTenant.start(ledger, 'wh-redirect', { testClockAt: T0 });
    await tenant.endpoints([{ id: 'moved', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null }]);
    await tenant.invoice();
    const [delivery] = await tenant.waitForDeliveries((list) => list[0]?.status === 'FAILED');
    expect(delivery).toMatchObject({ responseStatus: 302, error: 'HTTP 302 (redirects are not followed)' });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('ten failures give up, on the schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h', async () => {
    const hooks = await receiver();
    hooks.answer = () => ({ status: 500 });
    const tenant = await WebhookTenant.start(ledger, 'wh-give-up', { testClockAt: T0 });
    await tenant.endpoints([{ id: 'down', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null }]);
    await tenant.invoice();
    await tenant.waitForDeliveries((list) => list[0]?.status === 'FAILED');
    expect(await tenant.advance(at(4 * 24 * 3_600_000))).toMatchObject({ steps: 9, done: 9 });
    const [delivery] = await tenant.deliveries();
    expect(delivery).toMatchObject({ status: 'GAVE_UP', attempts: 10, nextAttemptAt: null, error: 'HTTP 500; gave up after 10 attempts' });
    const gaps = (delivery?.attemptLog ?? []).slice(1).map((attempt, index) => (Date.parse(attempt.attemptedAt) - Date.parse(delivery?.attemptLog[index]?.attemptedAt as string)) / 1_000);
    expect(gaps).toEqual([5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400]);
    expect(hooks.requests).toHaveLength(10);
  });
});

describe('410 Gone', () => {
  it('disables the endpoint: no further attempts and no further messages, and the settings say enabled false', async () => {
    const hooks = await receiver();
    hooks.answer = () => ({ status: 410 });
    const tenant = await WebhookTenant.start(ledger, 'wh-gone', { testClockAt: T0 });
    await tenant.endpoints([{ id: 'gone', url: hooks.url, events: ['INVOICE_CREATED', 'INVOICE_VOIDED'], authType: 'NONE', secret: null }]);
    await tenant.invoice();
    const [delivery] = await tenant.waitForDeliveries((list) => list[0]?.status === 'GAVE_UP');
    expect(delivery).toMatchObject({ attempts: 1, responseStatus: 410, nextAttemptAt: null, error: 'HTTP 410 Gone: the endpoint was disabled' });
    const settings = requireData(
      await tenant.send<{ billingSettings: { notifications: { webhooks: { id: string; enabled: boolean }[] } } }>(WEBHOOK_DOCUMENTS.settings, { minPosition: await tenant.head() }),
      'billingSettings',
    );
    expect(settings.billingSettings.notifications.webhooks).toEqual([{ id: 'gone', enabled: false }]);
    await tenant.invoice();
    expect(await tenant.advance(at(48 * 3_600_000))).toMatchObject({ steps: 0 });
    await hooks.expectNoMoreThan(1);
    expect(await tenant.deliveries()).toHaveLength(1);
  });
});

describe('a pending retry whose endpoint can no longer receive it', () => {
  it('is given up without a request when the endpoint is disabled meanwhile', async () => {
    const hooks = await receiver();
    hooks.answer = () => ({ status: 500 });
    const tenant = await WebhookTenant.start(ledger, 'wh-abandon', { testClockAt: T0 });
    const endpoint = { id: 'erp', url: hooks.url, events: ['INVOICE_CREATED'], authType: 'NONE', secret: null } as const;
    await tenant.endpoints([endpoint]);
    await tenant.invoice();
    await tenant.waitForDeliveries((list) => list[0]?.status === 'FAILED');
    await tenant.endpoints([{ ...endpoint, enabled: false }]);
    expect(await tenant.advance(at(60_000))).toMatchObject({ steps: 1, done: 1 });
    expect(hooks.requests).toHaveLength(1);
    const [delivery] = await tenant.deliveries();
    expect(delivery).toMatchObject({ status: 'GAVE_UP', attempts: 1, abandonReason: 'endpoint_disabled', nextAttemptAt: null });
  });
});
