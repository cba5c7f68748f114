import type { EventStore, Position, RecordedEvent, Subscription, SubscriptionMessage } from '../src/event-store.port.js';
import { comparePositions } from '../src/position.js';

/**
 * Bounded waits for tests of an event store. Every wait has a deadline that fails the test with a message saying
 * what did not arrive, so a broken subscription fails one test instead of hanging the run.
 */
export const WAIT_MS_MAX = 10_000;
/** More messages than any test expects: a guard against a subscription that repeats itself forever. */
const MESSAGES_PER_WAIT_MAX = 10_000;
const READABLE_POLL_MS = 10;

/** Reads a subscription message by message, each read bounded by a deadline. */
export class SubscriptionReader {
  private readonly iterator: AsyncIterator<SubscriptionMessage>;

  constructor(readonly subscription: Subscription) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  /** The next message, or a failure when none arrives within `timeoutMs`. */
  async next(timeoutMs = WAIT_MS_MAX): Promise<IteratorResult<SubscriptionMessage>> {
    const next = this.iterator.next();
    // If the deadline wins, the iterator may still settle later; that must not surface as an unhandled rejection.
    next.catch(() => undefined);
    return withDeadline(next, timeoutMs, 'the next subscription message');
  }

  /** The events delivered before the first caught_up message, and that message's position. */
  async untilCaughtUp(eventsMax: number): Promise<{ events: RecordedEvent[]; position: Position }> {
    const deadline = Date.now() + WAIT_MS_MAX;
    const events: RecordedEvent[] = [];
    while (events.length <= eventsMax) {
      const result = await this.next(deadline - Date.now());
      if (result.done) throw new Error(`the subscription ended before catching up (after ${events.length} events)`);
      if (result.value.kind === 'caught_up') return { events, position: result.value.position };
      events.push(result.value.event);
    }
    throw new Error(`more than ${eventsMax} events arrived before caught_up`);
  }

  /** The next `count` events. caught_up messages in between are skipped: they repeat whenever the end is reached. */
  async nextEvents(count: number): Promise<RecordedEvent[]> {
    const deadline = Date.now() + WAIT_MS_MAX;
    const events: RecordedEvent[] = [];
    for (let messages = 0; events.length < count; messages += 1) {
      if (messages >= MESSAGES_PER_WAIT_MAX) throw new Error(`${messages} messages arrived but only ${events.length} of ${count} events`);
      const result = await this.next(deadline - Date.now());
      if (result.done) throw new Error(`the subscription ended after ${events.length} of ${count} events`);
      if (result.value.kind === 'event') events.push(result.value.event);
    }
    return events;
  }

  close(): Promise<void> {
    return this.subscription.close();
  }

  /**
   * Consumes a subscription with `for await`, closing it from inside the loop once `stopAt` matches, and returns the
   * messages seen. Fails if the loop has not ended within the deadline or if more than `messagesMax` arrive.
   */
  static async consumeUntilClosed(
    subscription: Subscription,
    stopAt: (message: SubscriptionMessage) => boolean,
    messagesMax: number,
  ): Promise<SubscriptionMessage[]> {
    const seen: SubscriptionMessage[] = [];
    const loop = (async () => {
      for await (const message of subscription) {
        seen.push(message);
        if (seen.length > messagesMax) throw new Error(`more than ${messagesMax} messages before the stop condition`);
        if (stopAt(message)) await subscription.close();
      }
    })();
    try {
      await withDeadline(loop, WAIT_MS_MAX, 'the end of a for-await loop over a closed subscription');
    } finally {
      await subscription.close();
    }
    return seen;
  }
}

/**
 * Waits until readers of $all can see `position`. An append is acknowledged before every reader of the global log
 * sees it: the PostgreSQL adapter holds back commits that a still running, older transaction could precede.
 */
export async function waitUntilReadableOnAll(store: EventStore, position: Position, timeoutMs = WAIT_MS_MAX): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await store.headPosition();
    if (comparePositions(head, position) >= 0) return;
    if (Date.now() >= deadline) throw new Error(`$all did not reach the appended position within ${timeoutMs} ms (head ${head.commit}.${head.prepare})`);
    await sleep(READABLE_POLL_MS);
  }
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Settles like `promise`, or fails naming `what` once `timeoutMs` has passed. */
export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), Math.max(timeoutMs, 0));
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
