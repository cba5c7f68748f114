import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { sendWebhookRequest, RESPONSE_EXCERPT_BYTES } from './webhook-sender.js';

type Handler = (request: http.IncomingMessage, body: string, response: http.ServerResponse) => void;

describe('sendWebhookRequest against a real HTTP server', () => {
  let server: http.Server;
  let base: string;
  let handler: Handler = (_request, _body, response) => response.end();
  const received: { headers: http.IncomingHttpHeaders; body: string; path: string | undefined }[] = [];
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ headers: request.headers, body, path: request.url });
        handler(request, body, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    received.length = 0;
    handler = (_request, _body, response) => response.end();
  });

  afterAll(async () => {
    agents.http.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('POSTs the body with the given headers and reports the status and duration', async () => {
    handler = (_request, _body, response) => response.writeHead(204).end();
    const result = await sendWebhookRequest({ url: `${base}/hooks`, headers: { 'webhook-id': 'msg-1', 'content-type': 'application/json' }, body: '{"a":"é"}' }, { timeoutMs: 2_000, agents });
    expect(result).toMatchObject({ kind: 'response', status: 204, retryAfter: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ body: '{"a":"é"}', path: '/hooks' });
    expect(received[0]?.headers['webhook-id']).toBe('msg-1');
    expect(received[0]?.headers['content-length']).toBe(String(Buffer.byteLength('{"a":"é"}')));
  });

  it('does not follow a redirect: the 3xx is the result, and the target gets nothing', async () => {
    handler = (request, _body, response) => (request.url === '/elsewhere' ? response.end('moved here') : response.writeHead(307, { location: `${base}/elsewhere` }).end());
    const result = await sendWebhookRequest({ url: `${base}/hooks`, headers: {}, body: '{}' }, { timeoutMs: 2_000, agents });
    expect(result).toMatchObject({ kind: 'response', status: 307 });
    expect(received.map((request) => request.path)).toEqual(['/hooks']);
  });

  it('reports a receiver that does not answer in time as a timeout, near the deadline', async () => {
    handler = () => undefined;
    const result = await sendWebhookRequest({ url: `${base}/slow`, headers: {}, body: '{}' }, { timeoutMs: 300, agents });
    expect(result.kind).toBe('timeout');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2_000);
  });

  it('a receiver that answers and then dribbles its body past the deadline still answered', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200);
      response.write('partial');
    };
    const result = await sendWebhookRequest({ url: `${base}/dribble`, headers: {}, body: '{}' }, { timeoutMs: 300, agents });
    expect(result).toMatchObject({ kind: 'response', status: 200 });
  });

  it('keeps only the start of a failure\'s body, and the Retry-After header', async () => {
    handler = (_request, _body, response) => response.writeHead(503, { 'retry-after': '120' }).end('y'.repeat(50_000));
    const result = await sendWebhookRequest({ url: `${base}/busy`, headers: {}, body: '{}' }, { timeoutMs: 2_000, agents });
    expect(result).toMatchObject({ kind: 'response', status: 503, retryAfter: '120' });
    if (result.kind !== 'response') throw new Error('expected a response');
    expect(result.bodyExcerpt).toBe('y'.repeat(RESPONSE_EXCERPT_BYTES));
  });

  it('a refused connection is a network error carrying only its code (no host or port)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await sendWebhookRequest({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}' }, { timeoutMs: 2_000, agents });
    expect(result).toMatchObject({ kind: 'network_error', code: 'ECONNREFUSED' });
  });

  it.each([['not a URL'], ['ftp://files.example.com/hook'], ['file:///etc/passwd']])('%s is an invalid URL, and nothing is sent', async (url) => {
    expect(await sendWebhookRequest({ url, headers: {}, body: '{}' }, { timeoutMs: 1_000, agents })).toEqual({ kind: 'invalid_url', durationMs: 0 });
  });

  it('reuses a kept-alive connection, and a connection the receiver closed is replaced without a failure', async () => {
    const sockets = new Set<unknown>();
    handler = (request, _body, response) => {
      sockets.add(request.socket);
      response.end('ok');
    };
    for (let index = 0; index < 3; index += 1) expect(await sendWebhookRequest({ url: `${base}/keep`, headers: {}, body: '{}' }, { timeoutMs: 2_000, agents })).toMatchObject({ status: 200 });
    expect(sockets.size).toBe(1);
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await sendWebhookRequest({ url: `${base}/keep`, headers: {}, body: '{}' }, { timeoutMs: 2_000, agents })).toMatchObject({ kind: 'response', status: 200 });
    expect(received).toHaveLength(4);
  });
});
