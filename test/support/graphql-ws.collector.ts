import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * GraphQL subscriptions over graphql-ws for end-to-end tests. Every wait has a bound, so a subscription that never
 * delivers fails the test with what it did receive instead of hanging until Jest's own timeout.
 */

const CONNECT_TIMEOUT_MS = 5_000;
export const SUBSCRIPTION_WAIT_MS_DEFAULT = 5_000;

export interface WebSocketConnection {
  readonly client: Client;
  readonly close: () => Promise<void>;
}

/** The http(s) URL of the GraphQL endpoint as a ws(s) URL: subscriptions share the /graphql path. */
export function webSocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

/**
 * Connects and waits for connection_ack. Rejects with `WebSocketClosedError` when the server closes the socket
 * before acknowledging (a bad key closes it with 4401).
 */
export function connectWebSocket(httpUrl: string, apiKey: string | undefined): Promise<WebSocketConnection> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const client = createClient({
      url: webSocketUrl(httpUrl),
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      shouldRetry: () => false,
      // A refused connection is reported through `closed` below; the default would also print it to the console.
      onNonLazyError: () => undefined,
      connectionParams: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` },
      on: {
        connected: () => settle(() => resolve({ client, close: async () => void (await client.dispose()) })),
        closed: (event) => {
          const { code, reason } = event as { code?: number; reason?: string };
          settle(() => reject(new WebSocketClosedError(code ?? -1, reason ?? '')));
        },
        error: (error) => settle(() => reject(error instanceof Error ? error : new Error(`WebSocket error: ${String(error)}`))),
      },
    });
    const timer = setTimeout(() => settle(() => reject(new Error(`no connection_ack within ${CONNECT_TIMEOUT_MS} ms`))), CONNECT_TIMEOUT_MS);
    function settle(action: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    }
  });
}

export class WebSocketClosedError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`the server closed the WebSocket with code ${code}: ${reason}`);
    this.name = 'WebSocketClosedError';
  }
}

export interface SubscriptionCollector<Item> {
  /** Everything delivered so far, in delivery order. */
  readonly items: readonly Item[];
  /** GraphQL errors delivered on the subscription, and a transport error if one ended it. */
  readonly errors: readonly unknown[];
  readonly completed: boolean;
  /** Resolves with the items once `predicate` holds; rejects after `timeoutMs` with what had arrived. */
  waitFor(description: string, predicate: (items: readonly Item[]) => boolean, timeoutMs?: number): Promise<readonly Item[]>;
  waitForCount(count: number, timeoutMs?: number): Promise<readonly Item[]>;
  /** Stops the subscription (the connection stays open for others). */
  stop(): void;
}

/**
 * Starts one subscription on an open connection and collects the `field` of every result (e.g. `billingEvents`).
 */
export function collectSubscription<Item>(connection: WebSocketConnection, field: string, query: string, variables: Record<string, unknown> = {}): SubscriptionCollector<Item> {
  const items: Item[] = [];
  const errors: unknown[] = [];
  let completed = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const unsubscribe = connection.client.subscribe<Record<string, Item>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors && result.errors.length > 0) errors.push(...result.errors);
        const item = result.data?.[field];
        if (item !== undefined) items.push(item);
        notify();
      },
      error: (error) => {
        errors.push(error);
        completed = true;
        notify();
      },
      complete: () => {
        completed = true;
        notify();
      },
    },
  );
  return {
    items,
    errors,
    get completed() {
      return completed;
    },
    waitFor(description, predicate, timeoutMs = SUBSCRIPTION_WAIT_MS_DEFAULT) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(items)) {
            finish();
            resolve(items);
          } else if (completed) {
            finish();
            reject(new Error(`the subscription ended before ${description}; received ${items.length} item(s), errors ${JSON.stringify(errors)}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}; received ${items.length} item(s): ${JSON.stringify(items).slice(0, 2_000)}; errors ${JSON.stringify(errors)}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    waitForCount(count, timeoutMs) {
      return this.waitFor(`${count} item(s)`, (received) => received.length >= count, timeoutMs);
    },
    stop: () => unsubscribe(),
  };
}

/** Waits a fixed time: used only to show that something does NOT arrive within a bound. */
export function pause(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
