import pg from 'pg';

/**
 * The shortest time between two NOTIFYs of this process. The first append after a quiet spell is announced at once; a
 * burst is announced at most this often (every append of the gap shares the next NOTIFY). A NOTIFY is a transaction
 * of its own on the server: at 8 busy writers one went out for every two or three appends, which cost the appends a
 * good part of a core on this 2-core machine. Other processes' readers learn of an append at most this much later;
 * this process's own readers are woken at once, whatever the spacing.
 */
export const NOTIFY_MIN_INTERVAL_MS = 5;

/**
 * One dedicated connection (not from the pool) LISTENs for append notifications and wakes every waiting
 * subscription. A notification is only a hint to re-query: readers always read the table, and a timer wakes
 * them anyway, so a lost notification or a dropped connection only delays delivery.
 */
export class AppendWakeups {
  private client: pg.Client | undefined;
  private notifier: Promise<pg.Client> | undefined;
  /** The backend of our own NOTIFY connection: its notifications come back to our LISTEN, after we woke everyone. */
  private notifierProcessId: number | undefined;
  private announcing = false;
  private lastNotifyAt = Number.NEGATIVE_INFINITY;
  private announceAgain = false;
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

  /**
   * Called after an append has committed: wakes this process's subscribers at once, and other processes through
   * one NOTIFY on a connection of its own with synchronous_commit off. Appends that land while a NOTIFY is in flight
   * share the next one. Sending it outside the append keeps NOTIFY's commit lock off the append path (it would
   * otherwise serialise every append's commit, WAL flush included).
   */
  announce(): void {
    for (const wake of [...this.waiters]) wake();
    if (this.closed) return;
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = true;
    void this.sendNotify();
  }

  private async sendNotify(): Promise<void> {
    try {
      do {
        const wait = this.lastNotifyAt + NOTIFY_MIN_INTERVAL_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (this.closed) return;
        this.announceAgain = false;
        const client = await this.notifierClient();
        this.lastNotifyAt = performance.now();
        await client.query("select pg_notify('event_store_appended', '')");
      } while (this.announceAgain && !this.closed);
    } catch {
      // A lost wake-up only delays other processes until their fallback poll; drop the connection and move on.
      const broken = this.notifier;
      this.notifier = undefined;
      void broken?.then((client) => client.end()).catch(() => undefined);
    } finally {
      this.announcing = false;
    }
  }

  private notifierClient(): Promise<pg.Client> {
    this.notifier ??= (async () => {
      const client = new pg.Client({ connectionString: this.connectionString, application_name: 'event-store-notifier' });
      client.on('error', () => {
        this.notifier = undefined;
      });
      await client.connect();
      await client.query('set synchronous_commit = off');
      this.notifierProcessId = (client as unknown as { processID: number | null }).processID ?? undefined;
      return client;
    })();
    return this.notifier;
  }

  async close(): Promise<void> {
    this.closed = true;
    const notifier = this.notifier;
    this.notifier = undefined;
    await notifier?.then((client) => client.end()).catch(() => undefined);
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
    client.on('notification', (message) => {
      // Our own NOTIFY: announce() woke this process's waiters when it sent it; waking them again costs a read.
      if (message.processId === this.notifierProcessId) return;
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
