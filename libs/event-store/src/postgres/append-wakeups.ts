import pg from 'pg';

/**
 * One dedicated connection (not from the pool) LISTENs for append notifications and wakes every waiting
 * subscription. A notification is only a hint to re-query: readers always read the table, and a timer wakes
 * them anyway, so a lost notification or a dropped connection only delays delivery.
 */
export class AppendWakeups {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly connectionString: string) {}

  /** A promise that resolves at the next append notification, or after `timeoutMs` at the latest. */
  next(timeoutMs: number): { promise: Promise<void>; cancel: () => void } {
    void this.ensureListening();
    let resolveWake!: () => void;
    const promise = new Promise<void>((resolve) => (resolveWake = resolve));
    const timer = setTimeout(() => wake(), timeoutMs);
    const wake = () => {
      clearTimeout(timer);
      this.waiters.delete(wake);
      resolveWake();
    };
    this.waiters.add(wake);
    return { promise, cancel: wake };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const wake of [...this.waiters]) wake();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private ensureListening(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', () => {
      for (const wake of [...this.waiters]) wake();
    });
    client.on('error', () => this.dropAndRetry(client));
    client.on('end', () => this.dropAndRetry(client));
    try {
      await client.connect();
      await client.query('listen event_store_appended');
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
    } catch {
      await client.end().catch(() => undefined);
      this.dropAndRetry(client);
    }
  }

  private dropAndRetry(client: pg.Client): void {
    if (this.client === client) this.client = undefined;
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.ensureListening();
    }, 1_000);
    this.reconnectTimer.unref();
  }
}
