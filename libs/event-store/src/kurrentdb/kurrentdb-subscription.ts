/**
 * A port Subscription on top of the client's catch-up subscriptions (`subscribeToAll` / `subscribeToStream`).
 *
 * How the client signals things, and what this does with them:
 * - Events arrive as `data` on an object-mode Readable. The client's `caughtUp` / `fellBehind` are *events of the
 *   stream object* emitted while the client transforms the server's responses, and filtered `$all` subscriptions call
 *   `checkpointReached` the same way. Those side-band signals can overtake events still sitting in the Readable's
 *   buffer, so each is applied only after the events that were pushed before it (counted with `readableLength`).
 *   That keeps the port's order: every event before a caught_up that covers it.
 * - `caught_up` is sent when the server reports caughtUp (catch-up ended) with the furthest position known
 *   delivered: the last event, the last filter checkpoint (events the filter skipped) or the server's caught-up
 *   checkpoint. While live it is sent again whenever the consumer has drained everything received and the position
 *   moved on (a live event, or a checkpoint past skipped events), which is "reached the end having moved on".
 *   After `fellBehind` nothing is reported until the server says caughtUp again. A repeat of an unchanged position
 *   is never sent.
 * - Dropped subscriptions (transient errors, or the server ending the stream) are resumed from the last position
 *   (or revision) applied here, after a bounded exponential backoff; KurrentDB's start is exclusive and events at or
 *   before that point are dropped again here, so nothing is delivered twice. After `attemptsMax` failures in a row
 *   the error is surfaced from `next()`.
 * - Backpressure: when the consumer falls `HIGH_WATER` messages behind, the client stream is paused (the client then
 *   stops reading from gRPC, so the server's flow control holds the rest back) and resumed at `LOW_WATER`.
 */
import type { AllStreamResolvedEvent, CaughtUp, Position as ClientPosition, ReadPosition, ReadRevision, ResolvedEvent } from '@kurrent/kurrentdb-client';
import { START } from '@kurrent/kurrentdb-client';
import type { Position, RecordedEvent, Subscription, SubscriptionMessage } from '../event-store.port.js';
import { comparePositions, maxPosition, START_POSITION } from '../position.js';
import {
  DEFAULT_RETRY_POLICY,
  KurrentDbAssertionError,
  SubscriptionEndedError,
  fromClientCaughtUp,
  fromClientCheckpoint,
  isTransientSubscriptionError,
  originalPosition,
  retryDelayMs,
  toClientPosition,
  toRecordedEvent,
  type FilterPlan,
  type RetryPolicy,
} from './kurrentdb-mapping.js';

const HIGH_WATER = 512;
const LOW_WATER = 128;

/** What the pump needs from the client's subscription object (both StreamSubscription and AllStreamSubscription). */
export interface ClientSubscriptionLike {
  readonly readableLength: number;
  on(event: 'data', listener: (resolved: unknown) => void): unknown;
  on(event: 'caughtUp', listener: (info: CaughtUp) => void): unknown;
  on(event: 'fellBehind', listener: (info: unknown) => void): unknown;
  on(event: 'confirmation', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  unsubscribe(): Promise<void>;
}

/** Tracks what has been delivered, so that a resubscription resumes right after it. */
export interface SubscriptionCursor {
  /** The event to deliver for this resolved event, if any; advances the cursor. Throws for an unreadable event. */
  accept(resolved: unknown): RecordedEvent | undefined;
  checkpoint(position: Position): void;
  caughtUp(info: CaughtUp): void;
  /** The furthest position known delivered (or skipped by the filter); `undefined` before anything. */
  progress(): Position | undefined;
}

/** `$all`: resumes from the last event or checkpoint position; drops what it already passed and what the filter rejects. */
export class AllCursor implements SubscriptionCursor {
  private last: Position | undefined;

  constructor(
    start: Position | undefined,
    private readonly plan: Pick<FilterPlan, 'matches'>,
  ) {
    this.last = start;
  }

  /** Sets the exclusive start once it is known (a subscription from the end resolves it before subscribing). */
  startAfter(position: Position | undefined): void {
    this.last = position;
  }

  resumeFrom(): ReadPosition {
    return this.last ? toClientPosition(this.last) : START;
  }

  accept(resolved: unknown): RecordedEvent | undefined {
    const event = resolved as AllStreamResolvedEvent;
    const position = originalPosition(event);
    if (!position) throw new KurrentDbAssertionError('a $all subscription delivered an event without a position');
    if (this.last && comparePositions(position, this.last) <= 0) return undefined;
    this.last = position;
    const record = event.event;
    if (!record || !this.plan.matches(record.streamId, record.type)) return undefined;
    return toRecordedEvent(event);
  }

  checkpoint(position: Position): void {
    this.last = this.last ? maxPosition(this.last, position) : position;
  }

  caughtUp(info: CaughtUp): void {
    const { position } = fromClientCaughtUp(info);
    if (position) this.checkpoint(position);
  }

  progress(): Position | undefined {
    return this.last;
  }
}

/** One stream: resumes after the last revision delivered; progress is the position of the last event delivered. */
export class StreamCursor implements SubscriptionCursor {
  private lastRevision: bigint | undefined;
  private lastPosition: Position | undefined;

  constructor(startAfterRevision: bigint | undefined) {
    this.lastRevision = startAfterRevision;
  }

  startAfter(revision: bigint | undefined): void {
    this.lastRevision = revision;
  }

  resumeFrom(): ReadRevision {
    return this.lastRevision ?? START;
  }

  accept(resolved: unknown): RecordedEvent | undefined {
    const event = resolved as ResolvedEvent;
    const record = event.link ?? event.event;
    if (!record) throw new KurrentDbAssertionError('a stream subscription delivered a resolved event with neither an event nor a link');
    if (this.lastRevision !== undefined && record.revision <= this.lastRevision) return undefined;
    this.lastRevision = record.revision;
    const recorded = toRecordedEvent(event);
    if (recorded) this.lastPosition = recorded.position;
    return recorded;
  }

  checkpoint(): void {
    // Stream subscriptions have no filter checkpoints.
  }

  caughtUp(): void {
    // The resume point is the last revision delivered; the server's caught-up revision adds nothing to it.
  }

  progress(): Position | undefined {
    return this.lastPosition;
  }
}

export interface PumpOptions {
  readonly cursor: SubscriptionCursor;
  /** Runs once before the first subscription (e.g. to resolve a start at the end); retried like a drop when it fails. */
  readonly prepare?: () => Promise<void>;
  /** Opens the client subscription from the cursor's resume point; `onCheckpoint` must be wired to the filter. */
  readonly subscribe: (onCheckpoint: (position: ClientPosition) => void) => ClientSubscriptionLike;
  readonly retry?: RetryPolicy;
  readonly onClose?: () => void;
}

type Waiter = { resolve: (result: IteratorResult<SubscriptionMessage>) => void; reject: (error: unknown) => void };

export class KurrentDbSubscription implements Subscription {
  private readonly cursor: SubscriptionCursor;
  private readonly retry: RetryPolicy;
  private readonly queue: SubscriptionMessage[] = [];
  private readonly waiters: Waiter[] = [];
  private failure: { error: unknown } | undefined;
  private closed = false;
  private prepared = false;
  private live = false;
  private reported: Position | undefined;
  private source: ClientSubscriptionLike | undefined;
  private generation = 0;
  private failedAttempts = 0;
  private received = 0;
  private deferred: { at: number; apply: () => void }[] = [];
  private paused = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PumpOptions) {
    this.cursor = options.cursor;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    void this.connect();
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
    this.options.onClose?.();
    await this.detach();
  }

  private async next(): Promise<IteratorResult<SubscriptionMessage>> {
    if (this.closed) return { done: true, value: undefined };
    const message = this.queue.shift();
    if (message) {
      if (this.paused && this.queue.length <= LOW_WATER) {
        this.paused = false;
        this.source?.resume();
      }
      return { done: false, value: message };
    }
    if (this.failure) {
      const { error } = this.failure;
      await this.close();
      throw error;
    }
    const progress = this.progressSinceReported();
    if (progress) return { done: false, value: progress };
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** While live and with nothing left to hand over: a caught_up if the position moved on since the last one. */
  private progressSinceReported(): SubscriptionMessage | undefined {
    if (!this.live || this.deferred.length > 0 || (this.source?.readableLength ?? 0) > 0) return undefined;
    const position = this.cursor.progress();
    if (!position || !this.reported || comparePositions(position, this.reported) <= 0) return undefined;
    this.reported = position;
    return { kind: 'caught_up', position };
  }

  private push(message: SubscriptionMessage): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve({ done: false, value: message });
      return;
    }
    this.queue.push(message);
    if (!this.paused && this.queue.length >= HIGH_WATER && this.source) {
      this.paused = true;
      this.source.pause();
    }
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    try {
      if (!this.prepared && this.options.prepare) await this.options.prepare();
      this.prepared = true;
    } catch (error) {
      this.dropped(generation, error);
      return;
    }
    if (this.closed || generation !== this.generation) return;
    let source: ClientSubscriptionLike;
    try {
      source = this.options.subscribe((position) => {
        if (generation !== this.generation) return;
        const checkpoint = fromClientCheckpoint(position);
        if (checkpoint) this.inBand(() => this.cursor.checkpoint(checkpoint));
      });
    } catch (error) {
      this.dropped(generation, error);
      return;
    }
    this.source = source;
    this.received = 0;
    this.deferred = [];
    this.paused = false;
    const current = (listener: () => void) => () => {
      if (generation === this.generation && !this.closed) listener();
    };
    source.on('data', (resolved) => current(() => this.onData(resolved))());
    source.on('caughtUp', (info) => current(() => this.inBand(() => this.onCaughtUp(info)))());
    source.on('fellBehind', current(() => this.inBand(() => (this.live = false))));
    source.on('confirmation', current(() => (this.failedAttempts = 0)));
    source.on('error', (error) => this.dropped(generation, error));
    source.on('end', () => this.dropped(generation, new SubscriptionEndedError()));
    source.on('close', () => this.dropped(generation, new SubscriptionEndedError()));
  }

  private onData(resolved: unknown): void {
    this.received += 1;
    this.failedAttempts = 0;
    let event: RecordedEvent | undefined;
    try {
      event = this.cursor.accept(resolved);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (event) this.push({ kind: 'event', event });
    while (this.deferred[0] && this.deferred[0].at <= this.received) this.deferred.shift()?.apply();
  }

  /** Applies a side-band signal after the events the client pushed before it. */
  private inBand(apply: () => void): void {
    const at = this.received + (this.source?.readableLength ?? 0);
    if (at <= this.received && this.deferred.length === 0) apply();
    else this.deferred.push({ at, apply });
  }

  private onCaughtUp(info: CaughtUp): void {
    this.cursor.caughtUp(info);
    this.live = true;
    this.failedAttempts = 0;
    const position = this.cursor.progress() ?? START_POSITION;
    if (this.reported && comparePositions(position, this.reported) === 0) return;
    this.reported = position;
    this.push({ kind: 'caught_up', position });
  }

  private dropped(generation: number, error: unknown): void {
    if (this.closed || generation !== this.generation) return;
    void this.detach();
    this.live = false;
    if (!isTransientSubscriptionError(error) || this.failedAttempts >= this.retry.attemptsMax) {
      this.fail(error);
      return;
    }
    this.failedAttempts += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) void this.connect();
    }, retryDelayMs(this.failedAttempts, this.retry));
  }

  private fail(error: unknown): void {
    if (this.closed || this.failure) return;
    this.failure = { error };
    void this.detach();
    const waiters = this.waiters.splice(0);
    if (waiters.length > 0) {
      for (const waiter of waiters) waiter.reject(error);
      void this.close();
    }
  }

  private async detach(): Promise<void> {
    this.generation += 1;
    const source = this.source;
    this.source = undefined;
    this.deferred = [];
    if (!source) return;
    // The listeners above ignore a stale generation; an 'error' listener stays so that a late error cannot crash.
    await source.unsubscribe().catch(() => undefined);
  }
}
