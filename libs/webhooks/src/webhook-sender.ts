import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';

/** One POST of a webhook: where, with which headers, what body. */
export interface WebhookHttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What an attempt's HTTP exchange gave: a response (any status), or why there was none. */
export type WebhookHttpResult =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly durationMs: number;
      /** The Retry-After header as received, or null. */
      readonly retryAfter: string | null;
      /** The first bytes of the body (at most RESPONSE_EXCERPT_BYTES), for the attempt's error; never stored whole. */
      readonly bodyExcerpt: string;
    }
  | { readonly kind: 'timeout'; readonly durationMs: number }
  | { readonly kind: 'network_error'; readonly durationMs: number; readonly code: string }
  | { readonly kind: 'invalid_url'; readonly durationMs: number };

export interface WebhookSendOptions {
  /** The whole exchange (connect, send, response headers) must finish within this (LEDGER_WEBHOOK_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** Connection pools; the module's own keep-alive agents by default. */
  readonly agents?: { readonly http: http.Agent; readonly https: https.Agent };
}

/** Bytes of a response body kept for an error excerpt; the rest is drained (2xx) or dropped with the connection. */
export const RESPONSE_EXCERPT_BYTES = 1_024;
/** A successful response's body is read (and dropped) up to this, so the connection can be reused; beyond it the connection is closed. */
const DRAIN_BYTES_MAX = 64 * 1_024;

/** Keep-alive pools shared by every delivery of the process: a lane posting to one receiver reuses its connection. */
export const defaultWebhookAgents: { readonly http: http.Agent; readonly https: https.Agent } = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/**
 * POSTs one webhook and reports what happened, never throwing for the receiver's behaviour. Redirects are NOT followed
 * (a 3xx is reported as the response it is, which the caller counts as a failure): a redirect could send a signed
 * message, or the endpoint's credentials, somewhere the tenant never configured. The timeout covers the whole
 * exchange up to the response's first bytes; a request on a kept-alive connection the receiver had just closed is
 * sent once more on a fresh one (Node's documented race), which is not a second delivery.
 */
export async function sendWebhookRequest(request: WebhookHttpRequest, options: WebhookSendOptions): Promise<WebhookHttpResult> {
  const started = performance.now();
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { kind: 'invalid_url', durationMs: 0 };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'invalid_url', durationMs: 0 };
  const agents = options.agents ?? defaultWebhookAgents;
  const deadline = started + options.timeoutMs;
  const first = await exchange(url, request, agents, deadline);
  const outcome = first.kind === 'stale_connection' ? await exchange(url, request, agents, deadline) : first;
  const durationMs = Math.max(0, Math.round(performance.now() - started));
  switch (outcome.kind) {
    case 'response':
      return { kind: 'response', status: outcome.status, durationMs, retryAfter: outcome.retryAfter, bodyExcerpt: outcome.bodyExcerpt };
    case 'timeout':
      return { kind: 'timeout', durationMs };
    case 'stale_connection':
      return { kind: 'network_error', durationMs, code: 'ECONNRESET' };
    case 'network_error':
      return { kind: 'network_error', durationMs, code: outcome.code };
  }
}

type Exchange =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfter: string | null; readonly bodyExcerpt: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network_error'; readonly code: string }
  | { readonly kind: 'stale_connection' };

function exchange(url: URL, request: WebhookHttpRequest, agents: { readonly http: http.Agent; readonly https: https.Agent }, deadline: number): Promise<Exchange> {
  return new Promise<Exchange>((resolve) => {
    let settled = false;
    const finish = (result: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const body = Buffer.from(request.body, 'utf8');
    const transport = url.protocol === 'https:' ? https : http;
    const outgoing = transport.request(url, {
      method: 'POST',
      agent: url.protocol === 'https:' ? agents.https : agents.http,
      headers: { ...request.headers, 'content-length': String(body.length) },
    });
    /** Set once the response's status line has arrived: a deadline after it keeps the response (the receiver answered). */
    let answered: (() => void) | undefined;
    const timer = setTimeout(
      () => {
        if (answered) answered();
        else finish({ kind: 'timeout' });
        outgoing.destroy();
      },
      Math.max(0, deadline - performance.now()),
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      if (outgoing.reusedSocket && error.code === 'ECONNRESET') finish({ kind: 'stale_connection' });
      else finish({ kind: 'network_error', code: errorCodeOf(error) });
    });
    outgoing.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const retryAfterHeader = response.headers['retry-after'];
      const retryAfter = typeof retryAfterHeader === 'string' ? retryAfterHeader : null;
      const chunks: Buffer[] = [];
      let kept = 0;
      let read = 0;
      const success = status >= 200 && status < 300;
      const done = () => finish({ kind: 'response', status, retryAfter, bodyExcerpt: Buffer.concat(chunks).toString('utf8') });
      answered = done;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (kept < RESPONSE_EXCERPT_BYTES) {
          const part = chunk.subarray(0, RESPONSE_EXCERPT_BYTES - kept);
          chunks.push(part);
          kept += part.length;
        }
        // Enough read: a failure's excerpt is all we keep, and a huge success body is not worth reading to the end.
        if ((!success && kept >= RESPONSE_EXCERPT_BYTES) || read > DRAIN_BYTES_MAX) {
          done();
          response.destroy();
        }
      });
      response.on('end', done);
      response.on('error', done);
      response.on('close', done);
    });
    outgoing.end(body);
  });
}

/** A network error's code (ECONNREFUSED, ENOTFOUND, ...): never its message, which names the host and port. */
function errorCodeOf(error: NodeJS.ErrnoException): string {
  const code = typeof error.code === 'string' ? error.code : 'ERROR';
  return /^[A-Z0-9_]{1,40}$/.test(code) ? code : 'ERROR';
}
