import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startLedgerApi, type RunningLedgerApi } from '../../apps/api/src/ledger-api.js';
import { readLedgerConfig } from '../../libs/runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { launchChromium, type HeadlessBrowser } from '../support/headless-chromium.js';
import { draftInput, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * The GraphiQL page, bundled with the service (no CDN), in a real headless Chromium against the real app: a person
 * opens /graphql, types an API key, runs a query and a subscription, and sees the results. The page may load
 * nothing from anywhere but the app itself.
 */

const PAGE_WAIT_MS = 30_000;
const RESULT_WAIT_MS = 15_000;

function origin(url: string): string {
  return new URL(url).origin;
}

/** Replaces the operation in the query editor by typing it, waits until GraphiQL has parsed it (the tab shows its name), and runs it. */
async function runOperation(page: Page, operationName: string, document: string): Promise<void> {
  await page.locator('.graphiql-query-editor .monaco-editor').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(document);
  await page.locator('.graphiql-tab-active', { hasText: operationName }).waitFor({ timeout: RESULT_WAIT_MS });
  await page.locator('.graphiql-execute-button').click();
}

/** Waits until the response pane shows `text`; fails with what it does show. */
async function waitForResponseText(page: Page, text: string): Promise<void> {
  try {
    // A locator, not page.waitForFunction: that evaluates a function in the page, which its CSP (no eval) refuses.
    await page.locator('.graphiql-response .view-lines', { hasText: text }).waitFor({ timeout: RESULT_WAIT_MS });
  } catch {
    const shown = await page.locator('.graphiql-response').innerText().catch(() => '(no response pane)');
    throw new Error(`the response pane never showed "${text}"; it shows:\n${shown}`);
  }
}

describe('GraphiQL (LEDGER_GRAPHIQL=on, the default outside production)', () => {
  let ledger: TestLedger | undefined;
  let browser: HeadlessBrowser | undefined;
  let page: Page;
  const requested: string[] = [];
  const graphqlAuthorizations: (string | undefined)[] = [];
  const introspections: Promise<string>[] = [];
  const framesSent: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    ledger = await startTestLedger();
    page = await browser.newPage();
    page.on('request', (request) => {
      requested.push(request.url());
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') graphqlAuthorizations.push(request.headers().authorization);
    });
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && response.request().postData()?.includes('IntrospectionQuery')) introspections.push(response.text().catch(() => ''));
    });
    page.on('websocket', (socket) => {
      requested.push(socket.url());
      socket.on('framesent', (frame) => framesSent.push(String(frame.payload)));
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await ledger?.stop();
  });

  it('opens at /graphql in a browser, takes an API key, runs a query and shows its result', async () => {
    const created = await ledger!.mutateOk('createInvoice', draftInput({ customerId: 'graphiql-customer-1' }));
    await page.goto(ledger!.url);
    await page.locator('.graphiql-container').waitFor({ timeout: PAGE_WAIT_MS });
    expect(await page.getByRole('status').innerText()).toMatch(/No key/);

    await page.getByLabel('API key').fill(ledger!.adminKey);
    await page.getByRole('button', { name: 'Use key' }).click();
    expect(await page.getByRole('status').innerText()).toMatch(/Key in use/);
    await runOperation(page, 'LedgerInvoices', `query LedgerInvoices { invoices(first: 5, minPosition: "${created.position}") { edges { node { id customerId status } } } }`);
    await waitForResponseText(page, created.invoice.id);
    await waitForResponseText(page, 'graphiql-customer-1');

    expect(graphqlAuthorizations).toContain(`Bearer ${ledger!.adminKey}`);
    // GraphiQL read the schema (for completion and the docs) through the same endpoint.
    expect((await Promise.all(introspections)).some((body) => body.includes('"__schema"') && body.includes('"billingEvents"'))).toBe(true);
    // The key lives in this tab's sessionStorage only, never in localStorage (where GraphiQL keeps its tabs).
    const storage = await page.evaluate<{ session: string; local: string }>('({ session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage) })');
    expect(storage.session).toContain(ledger!.adminKey);
    expect(storage.local).not.toContain(ledger!.adminKey);
  }, 90_000);

  it('runs a subscription over graphql-ws with the key in connection_init and shows an event as it happens', async () => {
    await runOperation(page, 'LedgerEvents', 'subscription LedgerEvents { billingEvents(types: ["InvoiceDrafted"]) { type streamId } }');
    const subscribed = () => framesSent.some((frame) => frame.includes('"subscribe"') && frame.includes('LedgerEvents'));
    for (const deadline = Date.now() + RESULT_WAIT_MS; !subscribed() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(subscribed()).toBe(true);
    const init = framesSent.map((frame) => JSON.parse(frame) as { type: string; payload?: unknown }).find((message) => message.type === 'connection_init');
    expect(init?.payload).toEqual({ authorization: `Bearer ${ledger!.adminKey}` });

    // Created after the subscription is open: it arrives live and is the newest event the pane shows.
    const live = await ledger!.mutateOk('createInvoice', draftInput({ customerId: 'graphiql-customer-2' }));
    await waitForResponseText(page, live.invoice.id);
    await waitForResponseText(page, 'InvoiceDrafted');
  }, 60_000);

  it('forgets the key when asked', async () => {
    await page.getByRole('button', { name: 'Forget key' }).click();
    expect(await page.getByRole('status').innerText()).toMatch(/No key/);
    expect(await page.evaluate<string>('JSON.stringify(sessionStorage)')).not.toContain(ledger!.adminKey);
  });

  it('loaded nothing from outside the app (no CDN) and broke no rule of its Content-Security-Policy', () => {
    const appOrigin = origin(ledger!.url);
    const webSocketOrigin = appOrigin.replace(/^http/, 'ws');
    const foreign = requested.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && origin(url) !== appOrigin && origin(url) !== webSocketOrigin);
    expect(foreign).toEqual([]);
    const paths = new Set(requested.filter((url) => url.startsWith('http')).map((url) => new URL(url).pathname));
    for (const asset of ['graphiql.js', 'graphiql.css', 'editor.worker.js', 'graphql.worker.js']) expect(paths).toContain(`/graphiql/assets/${asset}`);
    expect(requested.some((url) => url.startsWith(`${webSocketOrigin}/graphql`))).toBe(true);
    expect(consoleErrors.filter((message) => /Content Security Policy/i.test(message))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('serves the page only to browsers: JSON GraphQL over GET and POST answers as before, CSRF prevention included', async () => {
    const base = origin(ledger!.url);
    const html = await fetch(ledger!.url, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await html.text();
    expect(body).toContain('graphiql/assets/graphiql.js');
    expect(body).toContain('Content-Security-Policy');

    // A GET without a preflight-forcing header is still refused as a possible CSRF, exactly as without GraphiQL.
    const blocked = await fetch(`${ledger!.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', authorization: `Bearer ${ledger!.adminKey}` } });
    expect(blocked.status).toBe(400);
    expect(await blocked.text()).toMatch(/Cross-Site Request Forgery/);
    const allowed = await fetch(`${ledger!.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true', authorization: `Bearer ${ledger!.adminKey}` } });
    expect(await allowed.json()).toEqual({ data: { __typename: 'Query' } });
    const posted = await ledger!.graphql<{ __typename: string }>('{ __typename }');
    expect(posted.data).toEqual({ __typename: 'Query' });

    const page = await fetch(`${base}/graphiql`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const script = await fetch(`${base}/graphiql/assets/graphiql.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${base}/graphiql/assets/unknown.js`)).status).toBe(404);
    expect((await fetch(`${base}/graphiql/assets/..%2Fbundle.json`)).status).toBe(404);
  });
});

describe('GraphiQL switched off (LEDGER_GRAPHIQL=off)', () => {
  let database: TestDatabase;
  let api: RunningLedgerApi;

  beforeAll(async () => {
    database = await createTestDatabase('graphiql_off');
    api = await startLedgerApi({ config: readLedgerConfig({ DATABASE_URL: database.connectionString, PORT: '0', HOST: '127.0.0.1', LEDGER_API_KEY: 'graphiql-off-key-0123456789abcdef', PROJECTIONS: 'off', LEDGER_GRAPHIQL: 'off' }) });
  });

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  it('answers 404 for the page and its files, and /graphql gives a browser no page', async () => {
    const base = origin(api.url);
    expect((await fetch(`${base}/graphiql`)).status).toBe(404);
    expect((await fetch(`${base}/graphiql/assets/graphiql.js`)).status).toBe(404);
    const browserGet = await fetch(api.url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(browserGet.headers.get('content-type')).not.toMatch(/text\/html/);
    expect(await browserGet.text()).not.toContain('graphiql');
  });
});
