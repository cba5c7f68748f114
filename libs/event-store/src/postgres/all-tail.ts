import type { Position, RecordedEvent } from '../event-store.port.js';
import { runAsSystem } from '../../../database/src/database-scope.js';

/** One window of the global log, unfiltered, as the tail reads it (see PostgresEventStore.readSubscriptionPage). */
export interface TailPage {
  readonly events: readonly RecordedEvent[];
  readonly lastScanned: Position | undefined;
  readonly scanned: number;
  readonly heldBack: boolean;
}

/** What the tail needs from the store: kept narrow so that the tail has no SQL of its own. */
export interface TailSource {
  readonly pageSize: number;
  readPage(from: Position): Promise<TailPage>;
  headPosition(): Promise<Position>;
  /** Resolves at the next append (this process or, through NOTIFY, another) or after `timeoutMs`. */
  nextWakeup(timeoutMs: number): { promise: Promise<void>; cancel: () => void };
}

export interface TailTimings {
  /** NOTIFY is only a hint: the tail alone re-reads at this interval in case one was lost. */
  readonly fallbackPollMs: number;
  /** How soon the tail re-reads when committed events wait behind an older, still running transaction. */
  readonly heldBackRetryMs: number;
  /** How long the tail waits after a failed read (the database restarting, a dropped connection). */
  readonly errorRetryMs: number;
}

/** An item of a consumer's queue: an event, or "the log ended here" (the tail read everything up to that position). */
type TailItem = { readonly event: RecordedEvent } | { readonly endOfLog: Position };

/**
 * One subscriber of the shared tail. The tail pushes into a bounded queue and never waits for the consumer: a
 * consumer that falls `limit` items behind is cut off (`overflowed`), drains what it has, and catches up with reads
 * of its own before it joins again. A slow consumer therefore never holds back the others.
 */
export class TailConsumer {
  private items: TailItem[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  overflowed = false;

  constructor(
    readonly matches: (event: RecordedEvent) => boolean,
    private readonly limit: number,
  ) {}

  /** Called by the tail; false when the consumer just overflowed and must be detached. */
  push(event: RecordedEvent): boolean {
    if (this.overflowed) return false;
    if (!this.matches(event)) return true;
    if (this.items.length - this.head >= this.limit) {
      this.overflowed = true;
      this.signal();
      return false;
    }
    this.items.push({ event });
    this.signal();
    return true;
  }

  /** Called by the tail at the end of the log; consecutive ends collapse into the latest. */
  endOfLog(position: Position): void {
    if (this.overflowed) return;
    const last = this.items.at(-1);
    if (last && 'endOfLog' in last && this.items.length > this.head) this.items[this.items.length - 1] = { endOfLog: position };
    else this.items.push({ endOfLog: position });
    this.signal();
  }

  take(): TailItem | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    // Compact now and then instead of shifting on every take.
    if (this.head > 1_024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Resolves when something was pushed (or the consumer overflowed) since the queue was last found empty. */
  ready(): Promise<void> {
    if (this.head < this.items.length || this.overflowed) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  reset(): void {
    this.items = [];
    this.head = 0;
    this.overflowed = false;
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * The one reader of `$all` in a process. It reads the whole log forwards from where it is (unfiltered, one page
 * query per wake-up however many subscribers there are) and hands each event to every attached consumer whose filter
 * wants it. It starts at the head when the first consumer attaches and stops when the last one leaves. Consumers
 * that are behind do not slow it: they read on their own until they reach it (see PostgresEventStore.allMessages).
 */
export class AllTail {
  private readonly consumers = new Set<TailConsumer>();
  /** The last position the tail has scanned; undefined while it is not running. */
  private position: Position | undefined;
  private looping = false;
  private starting: Promise<void> | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private closed = false;
  private pokes = 0;
  private wakeLoop: (() => void) | undefined;

  constructor(
    private readonly source: TailSource,
    private readonly timings: TailTimings,
  ) {}

  /**
   * Attaches a consumer and returns the tail's position at that moment: every event after it that the consumer
   * wants will be pushed to it, everything up to it the consumer must read itself.
   */
  async attach(consumer: TailConsumer): Promise<Position> {
    consumer.reset();
    // In the set before any await: a tail starting for this consumer must not find itself without consumers and stop.
    // Events the tail pushes before the position is known lie at or before it, and the consumer skips those.
    this.consumers.add(consumer);
    for (;;) {
      if (this.closed) throw new Error('the event store is closed');
      if (this.looping && this.position) {
        // A fresh consumer learns it is caught up from the tail's next end of the log: read again now, not at the poll.
        this.poke();
        return this.position;
      }
      this.starting ??= this.start().finally(() => (this.starting = undefined));
      await this.starting;
    }
  }

  detach(consumer: TailConsumer): void {
    this.consumers.delete(consumer);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.poke();
    await this.loopDone;
  }

  private async start(): Promise<void> {
    // The tail serves every scope's subscriptions, so it reads as the system; each consumer's filter (and, for a
    // tenant's subscription, its tenant check) decides what that consumer gets.
    const head = await runAsSystem('event store $all tail', () => this.source.headPosition());
    if (this.looping || this.closed) return;
    this.position = head;
    this.looping = true;
    this.loopDone = runAsSystem('event store $all tail', () => this.loop());
  }

  private poke(): void {
    this.pokes += 1;
    const wake = this.wakeLoop;
    this.wakeLoop = undefined;
    wake?.();
  }

  private async loop(): Promise<void> {
    for (;;) {
      if (this.closed || this.consumers.size === 0) {
        // Decided and reset in one synchronous step, so that attach either sees a running tail or starts a new one.
        this.looping = false;
        this.position = undefined;
        return;
      }
      const from = this.position as Position;
      // Taken before the read: an append that commits during the read still wakes the next one.
      const wake = this.source.nextWakeup(this.timings.fallbackPollMs);
      const pokesBefore = this.pokes;
      let page: TailPage;
      try {
        page = await this.source.readPage(from);
      } catch {
        wake.cancel();
        await this.pause(this.timings.errorRetryMs);
        continue;
      }
      for (const event of page.events) {
        for (const consumer of this.consumers) if (!consumer.push(event)) this.consumers.delete(consumer);
      }
      const to = page.lastScanned ?? from;
      this.position = to;
      if (page.scanned >= this.source.pageSize) {
        wake.cancel();
        continue;
      }
      if (page.heldBack) {
        // Not the end of the log yet: committed events wait behind an older transaction. Their NOTIFY has already
        // fired, so re-read soon rather than at the fallback poll, or as soon as another append commits: the older
        // transaction is most often an append in flight, whose commit wakes us (at once in this process). Waiting out
        // the whole retry delay whatever happened made a read model's freshness at 200 commands/s a p50 of 15-30 ms.
        await this.pause(this.timings.heldBackRetryMs, wake.promise);
        wake.cancel();
        continue;
      }
      for (const consumer of this.consumers) consumer.endOfLog(to);
      if (this.pokes !== pokesBefore) {
        // Poked during the read (a consumer joined, or close): this read may predate it, so read again at once.
        wake.cancel();
        continue;
      }
      await Promise.race([wake.promise, new Promise<void>((resolve) => (this.wakeLoop = resolve))]);
      this.wakeLoop = undefined;
      wake.cancel();
    }
  }

  private async pause(ms: number, orUntil?: Promise<void>): Promise<void> {
    // Only the time, a poke (a consumer joining, close) or `orUntil` ends a pause.
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (timeout = setTimeout(resolve, ms))), new Promise<void>((resolve) => (this.wakeLoop = resolve)), ...(orUntil ? [orUntil] : [])]);
    clearTimeout(timeout);
    this.wakeLoop = undefined;
  }
}

