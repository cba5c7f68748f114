import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, as it came over the wire. */
export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly receivedAt: number;
}

/** How the receiver answers one request: a status (2xx by default), headers, a body, and how long it waits first. */
export interface ReceiverAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly delayMs?: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 (node:http, port 0) for the webhook tests: it keeps every request it gets and
 * answers each by `answer(request, index)`; the default answers 204.
 */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  answer: (request: ReceivedWebhook, index: number) => ReceiverAnswer = () => ({ status: 204 });
  private readonly waiters = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(path = '/hooks'): Promise<WebhookReceiver> {
    const holder: { receiver?: WebhookReceiver } = {};
    const server = http.createServer((request, response) => holder.receiver?.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return holder.receiver;
  }

  /** Waits until `count` requests have come (or fails after `timeoutMs`, saying how many did). */
  async waitFor(count: number, timeoutMs = 15_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the receiver got ${this.requests.length} requests, not ${count}, within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 250));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
    return this.requests.slice(0, count);
  }

  /** Lets `ms` pass and checks that no request came meanwhile beyond `count`. */
  async expectNoMoreThan(count: number, ms = 500): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.requests.length > count) throw new Error(`the receiver got ${this.requests.length} requests, expected at most ${count}`);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
      const received: ReceivedWebhook = { path: request.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
      const index = this.requests.length;
      this.requests.push(received);
      for (const waiter of [...this.waiters]) waiter();
      this.waiters.clear();
      const answer = this.answer(received, index);
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status ?? 204, answer.headers ?? {});
        response.end(answer.body ?? '');
      };
      if (answer.delayMs === undefined) send();
      else {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          send();
        }, answer.delayMs);
        this.timers.add(timer);
      }
    });
  }
}
