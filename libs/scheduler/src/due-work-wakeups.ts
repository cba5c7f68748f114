import pg from 'pg';
import { DUE_WORK_CHANNEL } from './due-work.tables.js';

const RECONNECT_MS = 1_000;

/**
 * One dedicated connection (not from the pool) LISTENs on DUE_WORK_CHANNEL, which the due-work projections notify when
 * a committed batch stated work, in this process or another. A notification is only a hint to look again: the runner
 * also wakes at the next due time and at a fallback poll, so a lost notification or a dropped connection only delays.
 * A notification that arrives while nobody waits is remembered, so one that lands during a scan is not missed.
 */
export class DueWorkWakeups {
  private client: pg.Client | undefined;
  private readonly waiters = new Set<() => void>();
  private pending = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly connectionString: string) {}

  async start(): Promise<void> {
    await this.connect();
  }

  /** Resolves at the next notification (at once if one came since the last wait), or after `timeoutMs`. */
  next(timeoutMs: number): { promise: Promise<void>; cancel: () => void } {
    let resolveWake!: () => void;
    const promise = new Promise<void>((resolve) => (resolveWake = resolve));
    const wake = () => {
      clearTimeout(timer);
      this.waiters.delete(wake);
      resolveWake();
    };
    const timer = setTimeout(wake, Math.max(0, timeoutMs));
    if (this.pending || this.closed) {
      this.pending = false;
      wake();
    } else {
      this.waiters.add(wake);
    }
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

  private wakeAll(): void {
    if (this.waiters.size === 0) this.pending = true;
    for (const wake of [...this.waiters]) wake();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'scheduler-wakeups' });
    client.on('notification', () => this.wakeAll());
    client.on('error', () => this.dropAndRetry(client));
    client.on('end', () => this.dropAndRetry(client));
    try {
      await client.connect();
      await client.query(`listen ${DUE_WORK_CHANNEL}`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      // Anything stated while we were not listening is found by the next scan.
      this.wakeAll();
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
      void this.connect();
    }, RECONNECT_MS);
    this.reconnectTimer.unref();
  }
}
