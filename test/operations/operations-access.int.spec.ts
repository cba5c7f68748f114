import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLedgerApi, type RunningLedgerApi } from '../../apps/api/src/ledger-api.js';
import { runAsSystem } from '../../libs/database/src/index.js';
import { readLedgerConfig } from '../../libs/runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { draftInput, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Who may read /metrics and /health/ready (LEDGER_OPERATIONS_TOKEN), where they are served (LEDGER_OPERATIONS_PORT),
 * and that neither ever shows a tenant: no tenant or key id in any metric label or in the readiness body, after
 * activity from two tenants.
 */

const API_KEY = 'ops-access-key-0123456789abcdef';
const TOKEN = 'ops-scrape-token-0123456789abcdefghij';

function baseUrl(url: string): string {
  return new URL(url).origin;
}

async function get(url: string, authorization?: string): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(url, { headers: authorization === undefined ? {} : { authorization } });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function startApi(environment: Record<string, string>): Promise<{ api: RunningLedgerApi; database: TestDatabase }> {
  const database = await createTestDatabase('ops_access');
  try {
    const api = await startLedgerApi({ config: readLedgerConfig({ DATABASE_URL: database.connectionString, PORT: '0', HOST: '127.0.0.1', LEDGER_API_KEY: API_KEY, PROJECTIONS: 'off', ...environment }) });
    return { api, database };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

describe('LEDGER_OPERATIONS_TOKEN set', () => {
  let started: { api: RunningLedgerApi; database: TestDatabase };

  beforeAll(async () => {
    started = await startApi({ LEDGER_OPERATIONS_TOKEN: TOKEN });
  });

  afterAll(async () => {
    await started?.api.stop();
    await started?.database.drop();
  });

  it.each(['/metrics', '/health/ready'])('%s answers 401 without the token, with a wrong one or another scheme, and 200 with it', async (path) => {
    const url = `${baseUrl(started.api.url)}${path}`;
    for (const authorization of [undefined, `Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}x`, 'Bearer ', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, TOKEN, `Bearer ${API_KEY}`]) {
      const refused = await get(url, authorization);
      expect({ authorization, status: refused.status }).toEqual({ authorization, status: 401 });
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(JSON.parse(refused.body)).toMatchObject({ error: 'UNAUTHENTICATED' });
      expect(refused.body).not.toContain('ledger_');
    }
    const allowed = await get(url, `Bearer ${TOKEN}`);
    expect(allowed.status).toBe(200);
    expect(await get(url, `bearer   ${TOKEN}`)).toMatchObject({ status: 200 });
    if (path === '/metrics') expect(allowed.body).toMatch(/^ledger_open_subscriptions 0$/m);
    else expect(JSON.parse(allowed.body)).toMatchObject({ status: 'ready' });
  });

  it('keeps /health/live open', async () => {
    expect(await get(`${baseUrl(started.api.url)}/health/live`)).toMatchObject({ status: 200, body: '{"status":"live"}' });
  });
});

describe('LEDGER_OPERATIONS_PORT set (with a token)', () => {
  let started: { api: RunningLedgerApi; database: TestDatabase };

  beforeAll(async () => {
    started = await startApi({ LEDGER_OPERATIONS_PORT: '0', LEDGER_OPERATIONS_TOKEN: TOKEN });
  });

  afterAll(async () => {
    await started?.api.stop();
    await started?.database.drop();
  });

  it('serves /metrics and /health/ready on that port only; the API port answers 404 for them and keeps /health/live', async () => {
    const operations = started.api.operationsUrl;
    expect(operations).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(operations!).port).not.toBe(new URL(started.api.url).port);
    const api = baseUrl(started.api.url);
    for (const path of ['/metrics', '/health/ready']) {
      expect({ path, status: (await get(`${api}${path}`, `Bearer ${TOKEN}`)).status }).toEqual({ path, status: 404 });
    }
    expect((await get(`${api}/health/live`)).status).toBe(200);

    const metrics = await get(`${operations}/metrics`, `Bearer ${TOKEN}`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toMatch(/^ledger_commands_total|^# HELP ledger_commands_total/m);
    const ready = await get(`${operations}/health/ready`, `Bearer ${TOKEN}`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', checks: { database: { status: 'up' }, eventStore: { status: 'up' } } });
    expect(await get(`${operations}/health/live`)).toMatchObject({ status: 200, body: '{"status":"live"}' });
  });

  it('asks for the token there too, and serves nothing else', async () => {
    const operations = started.api.operationsUrl!;
    expect((await get(`${operations}/metrics`)).status).toBe(401);
    expect((await get(`${operations}/health/ready`, 'Bearer wrong-token-wrong-token-wrong')).status).toBe(401);
    expect((await get(`${operations}/graphql`)).status).toBe(404);
    expect((await get(`${operations}/graphiql`)).status).toBe(404);
    expect((await fetch(`${operations}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    const head = await fetch(`${operations}/health/live`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('stops with the app', async () => {
    const { api, database } = await startApi({ LEDGER_OPERATIONS_PORT: '0' });
    try {
      expect((await get(`${api.operationsUrl!}/health/live`)).status).toBe(200);
    } finally {
      await api.stop();
      await database.drop();
    }
    await expect(fetch(`${api.operationsUrl!}/health/live`)).rejects.toThrow();
  });
});

describe('no per-tenant figures (no token, no port of their own)', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger();
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  it('after activity from two tenants, no metric label and nothing in the readiness body names a tenant, key or customer', async () => {
    const suffix = Date.now().toString(36);
    const tenants = [`opstenanta${suffix}`, `opstenantb${suffix}`];
    const secrets: string[] = [];
    for (const [index, tenantId] of tenants.entries()) {
      const key = await ledger.createKey(tenantId, 'admin');
      const principal = await runAsSystem('test: the key id', () => ledger.services.apiKeys.authenticate(key));
      expect(principal?.tenantId).toBe(tenantId);
      const customerId = `opscustomer${index}${suffix}`;
      const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId }), key);
      await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, key);
      await ledger.mutate('issueInvoice', { invoiceId: `missing-${suffix}` }, key); // a refused command: NOT_FOUND
      await ledger.graphql('{ invoices(first: 5) { edges { node { id customerId } } } }', {}, key);
      secrets.push(tenantId, key, principal!.keyId, customerId, draft.invoice.id);
    }
    await ledger.graphql('{ invoices(first: 1) { edges { cursor } } }', {}, 'not-a-key-not-a-key-not-a-key'); // unauthenticated

    const base = baseUrl(ledger.url);
    const metrics = await get(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^ledger_commands_total\{operation="createInvoice",outcome="ok"\} 2$/m); // both tenants, one figure
    expect(metrics.body).toMatch(/^ledger_commands_total\{operation="issueInvoice",outcome="NOT_FOUND"\} 2$/m);
    const samples = metrics.body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(samples.length).toBeGreaterThan(5);
    const labelNames = new Set<string>();
    for (const sample of samples) {
      const labels = /^[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(.*)\})? \S+$/.exec(sample);
      expect({ sample, parsed: labels !== null }).toEqual({ sample, parsed: true });
      for (const [, name, value] of (labels![1] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labelNames.add(name!);
        for (const secret of secrets) expect({ sample, value }).not.toEqual({ sample, value: expect.stringContaining(secret) });
      }
    }
    for (const name of labelNames) expect(name).not.toMatch(/tenant|key|customer|principal|actor|user|invoice/i);
    for (const secret of secrets) expect(metrics.body).not.toContain(secret);

    const ready = await get(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    const strings: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') strings.push(value);
      else if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) {
          strings.push(key);
          walk(item);
        }
      }
    };
    walk(JSON.parse(ready.body));
    expect(strings).toContain('invoices');
    for (const secret of secrets) expect(ready.body).not.toContain(secret);
    for (const text of strings) expect(text).not.toMatch(/tenant/i);
  });
});
