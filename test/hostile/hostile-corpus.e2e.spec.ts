import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodePosition } from '../../libs/event-store/src/index.js';
import { issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { documentCases, httpCases, webSocketCases, type DocumentCase, type HttpCase, type WebSocketCase } from './hostile-corpus.js';
import { exchange, initFrame, oversizedFrame, subscribeFrame } from './raw-websocket.js';

/**
 * The hostile corpus (hostile-corpus.ts, generated from fixed seeds) against the real app, over HTTP and WebSocket:
 * every request is answered, never with a 5xx (nor a WebSocket 4500 or an INTERNAL_SERVER_ERROR code), within a
 * second, with the refusal its case expects; nothing is appended to the event store; the process's memory stays
 * bounded; and no internal error (a stack) is logged.
 */

const LATENCY_MS_MAX = 1_000;
/**
 * Memory of the process (the app, this client and Jest share it): the peak resident set and the peak heap during the
 * run, above the start, and the heap still held after the run once garbage is collected. The peak heap is mostly
 * garbage not yet collected (the client's multi-megabyte bodies and their parsed copies), so it moves with the
 * collector's timing (167-257 MB seen); what the server keeps is the retained heap, held to a tight bound.
 */
const RSS_GROWTH_MB_MAX = 384;
const HEAP_GROWTH_MB_MAX = 384;
const RETAINED_HEAP_MB_MAX = 32;
const CONCURRENCY = 4;

/** A full garbage collection, to measure what is retained (V8's flag, set at run time). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

interface Result {
  readonly transport: 'http' | 'websocket';
  readonly category: string;
  readonly name: string;
  readonly codes: readonly string[];
  readonly status?: number;
  readonly ms: number;
  readonly expect: readonly string[];
}

let ledger: TestLedger;
let root: string;

beforeAll(async () => {
  ledger = await startTestLedger();
  root = ledger.url.replace(/\/graphql$/, '');
  // A few invoices, so that pages have rows to read.
  for (let index = 0; index < 3; index += 1) await issuedInvoice(ledger, { customerId: `hostile-${index}` });
});

afterAll(async () => {
  await ledger?.stop();
});

async function sendHttp(item: HttpCase): Promise<Result> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(item.headers ?? {})) if (value !== '') headers[name] = value;
  if (item.auth === 'admin') headers.authorization = `Bearer ${ledger.adminKey}`;
  else if (item.auth !== 'none') headers.authorization = item.auth.header;
  const started = performance.now();
  let status: number | undefined;
  let codes: string[];
  try {
    const body = item.body === undefined ? undefined : typeof item.body === 'string' ? Buffer.from(item.body) : item.body;
    const response = await requestOnFreshConnection(`${root}${item.path}`, item.method, headers, body);
    status = response.status;
    codes = codesOfBody(status, response.text);
  } catch (error) {
    codes = [`NETWORK:${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name}`];
  }
  return { transport: 'http', category: item.category, name: item.name, codes, status, ms: performance.now() - started, expect: item.expect };
}

/**
 * One request on a connection of its own (as an attacker's would be). A pooled keep-alive socket can be closed by the
 * server's idle timeout just as the client reuses it, which reads as ECONNRESET without the server having refused
 * anything; a fresh connection per request leaves only the server's own answers and resets to count.
 */
function requestOnFreshConnection(url: string, method: string, headers: Record<string, string>, body: Buffer | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sized = body === undefined ? headers : { ...headers, 'content-length': String(body.length) };
    const outgoing = httpRequest(url, { method, headers: sized, agent: false, timeout: 10_000 }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      incoming.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    outgoing.on('error', (error: Error & { code?: string }) => reject(Object.assign(new Error(error.message), { cause: { code: error.code ?? error.name } })));
    outgoing.end(body);
  });
}

function codesOfBody(status: number, text: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`HTTP:${status}`];
  }
  const { errors, code, data } = (body ?? {}) as { errors?: { extensions?: { code?: string } }[]; code?: string; data?: unknown };
  if (Array.isArray(errors) && errors.length > 0) return errors.map((error) => error.extensions?.code ?? 'NO_CODE');
  if (typeof code === 'string') return [code];
  return data !== undefined && status < 300 ? ['OK'] : [`HTTP:${status}`];
}

function documentOverHttp(item: DocumentCase): HttpCase {
  const body = Buffer.from(JSON.stringify({ query: item.query, variables: item.variables, operationName: item.operationName }));
  return { category: item.category, name: item.name, method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body, auth: 'admin', expect: item.expect };
}

async function sendDocumentOverWebSocket(item: DocumentCase, init: string, frame: string): Promise<Result> {
  const outcome = await exchange(ledger.url, { init, frames: [frame], operations: 1 });
  return { transport: 'websocket', category: item.category, name: item.name, codes: outcome.codes, ms: outcome.ms, expect: item.wsExpect ?? item.expect };
}

async function sendWebSocket(item: WebSocketCase): Promise<Result> {
  const outcome =
    item.kind === 'oversized'
      ? await oversizedFrame(ledger.url, item.bytes, item.authenticated ? ledger.adminKey : undefined)
      : await exchange(ledger.url, {
          init: item.init === 'admin' ? initFrame(ledger.adminKey) : item.init,
          frames: item.frames,
          ...(item.waitForAck === undefined ? {} : { waitForAck: item.waitForAck }),
          ...(item.operations === undefined ? {} : { operations: item.operations }),
          ...(item.protocol === undefined ? {} : { protocol: item.protocol }),
        });
  return { transport: 'websocket', category: item.category, name: item.name, codes: outcome.codes, ms: outcome.ms, expect: item.expect };
}

async function runAll(tasks: readonly (() => Promise<Result>)[]): Promise<Result[]> {
  const results: Result[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < tasks.length; index = next++) results[index] = await tasks[index]!();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

async function eventRows(): Promise<number> {
  const { rows } = await sql<{ count: number }>`select count(*)::int as count from event_store.events`.execute(ledger.services.db);
  return rows[0]!.count;
}

/** The rejection the case expected: its first code (or close code) is one of those listed. */
function unexpected(result: Result): string | undefined {
  if (result.status !== undefined && result.status >= 500) return `HTTP ${result.status}`;
  if (result.codes.some((code) => code === 'INTERNAL_SERVER_ERROR' || code === 'close:4500' || code === 'close:1011' || code === 'TIMEOUT' || code.startsWith('NETWORK:'))) return `answered ${result.codes.join(',')}`;
  const first = result.codes[0];
  if (first === undefined || !result.expect.includes(first)) return `answered ${result.codes.slice(0, 3).join(',') || 'nothing'}, expected one of ${result.expect.join('|')}`;
  if (result.ms > LATENCY_MS_MAX) return `took ${Math.round(result.ms)} ms`;
  return undefined;
}

it('answers a generated corpus of hostile requests over HTTP and WebSocket: no 5xx, nothing appended, fast, bounded memory', async () => {
  // Every body and frame is made before the run, so that the memory measured during it is the server's work.
  const documents = documentCases();
  const tasks: (() => Promise<Result>)[] = [];
  const init = initFrame(ledger.adminKey);
  for (const item of documents) {
    if (item.only !== 'websocket') {
      const request = documentOverHttp(item);
      tasks.push(() => sendHttp(request));
    }
    if (item.only !== 'http') {
      const frame = subscribeFrame('1', { query: item.query, variables: item.variables, operationName: item.operationName });
      tasks.push(() => sendDocumentOverWebSocket(item, init, frame));
    }
  }
  for (const item of httpCases()) tasks.push(() => sendHttp(item));
  for (const item of webSocketCases(ledger.adminKey)) tasks.push(() => sendWebSocket(item));
  expect(tasks.length).toBeGreaterThanOrEqual(1_000);

  await ledger.tenantEvents(); // the process managers have settled: the log does not move by itself from here
  const rowsBefore = await eventRows();
  const headBefore = await ledger.services.store.headPosition();
  collectGarbage();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  }, 10);
  const started = performance.now();
  const results = await runAll(tasks);
  const elapsedMs = performance.now() - started;
  clearInterval(sampler);
  collectGarbage();
  const retainedHeap = process.memoryUsage().heapUsed - baseline.heapUsed;
  await ledger.tenantEvents();
  const rowsAfter = await eventRows();
  const headAfter = await ledger.services.store.headPosition();

  const latencies = results.map((result) => result.ms).sort((a, b) => a - b);
  const slowest = results.reduce((worst, result) => (result.ms > worst.ms ? result : worst));
  const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;
  const byCategory = new Map<string, number>();
  for (const result of results) byCategory.set(`${result.transport}:${result.category}`, (byCategory.get(`${result.transport}:${result.category}`) ?? 0) + 1);
  const statuses = new Map<string, number>();
  for (const result of results) statuses.set(result.status === undefined ? result.codes[0] ?? '-' : String(result.status), (statuses.get(result.status === undefined ? result.codes[0] ?? '-' : String(result.status)) ?? 0) + 1);
  console.log(
    [
      `hostile corpus: ${results.length} requests (${results.filter((result) => result.transport === 'http').length} HTTP, ${results.filter((result) => result.transport === 'websocket').length} WebSocket) in ${Math.round(elapsedMs)} ms, ${CONCURRENCY} at a time`,
      `latency: p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(1)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)} ms, max ${slowest.ms.toFixed(1)} ms (${slowest.transport} ${slowest.category}: ${slowest.name.slice(0, 80)})`,
      `memory: peak RSS +${mb(peakRss - baseline.rss)} MB (from ${mb(baseline.rss)} MB), peak heap +${mb(peakHeap - baseline.heapUsed)} MB (from ${mb(baseline.heapUsed)} MB), heap retained after GC +${mb(retainedHeap)} MB`,
      `event store: ${rowsBefore} -> ${rowsAfter} rows, head ${encodePosition(headBefore)} -> ${encodePosition(headAfter)}`,
      `HTTP statuses / WebSocket outcomes: ${[...statuses].map(([key, count]) => `${key} x${count}`).join(', ')}`,
      `categories: ${[...byCategory].map(([key, count]) => `${key} ${count}`).join(', ')}`,
    ].join('\n'),
  );

  const failures = results.flatMap((result) => {
    const problem = unexpected(result);
    return problem ? [`${result.transport} ${result.category} "${result.name.slice(0, 100)}": ${problem}`] : [];
  });
  expect(failures).toEqual([]);
  expect(rowsAfter).toBe(rowsBefore);
  expect(headAfter).toEqual(headBefore);
  expect(mb(peakRss - baseline.rss)).toBeLessThan(RSS_GROWTH_MB_MAX);
  expect(mb(peakHeap - baseline.heapUsed)).toBeLessThan(HEAP_GROWTH_MB_MAX);
  expect(mb(retainedHeap)).toBeLessThan(RETAINED_HEAP_MB_MAX);
  expect(ledger.logs.filter((line) => /internal error/i.test(line))).toEqual([]);
}, 120_000);
