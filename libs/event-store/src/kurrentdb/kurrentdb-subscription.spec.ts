import { Transform, type TransformCallback } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { AccessDeniedError, START, UnavailableError } from '@kurrent/kurrentdb-client';
import type { CaughtUp, Position as ClientPosition, ReadPosition, ReadRevision } from '@kurrent/kurrentdb-client';
import type { Subscription, SubscriptionMessage } from '../event-store.port.js';
import { KurrentDbAssertionError, planFilter, type RetryPolicy } from './kurrentdb-mapping.js';
import { AllCursor, KurrentDbSubscription, StreamCursor } from './kurrentdb-subscription.js';

/**
 * A double of the client's subscription object, built like the client's own (a Transform over the server's
 * responses): `caughtUp` and `fellBehind` are emitted on the stream object and checkpoints go to the filter's
 * callback *while transforming*, so they can overtake events still buffered in the Readable, exactly as they can with
 * the real client.
 */
type Response =
  | { event: unknown }
  | { caughtUp: CaughtUp }
  | { fellBehind: Record<string, never> }
  | { checkpoint: ClientPosition };

class FakeClientSubscription extends Transform {
  unsubscribed = false;

  constructor(private readonly onCheckpoint?: (position: ClientPosition) => void) {
    super({ objectMode: true });
  }

  override _transform(response: Response, _encoding: string, next: TransformCallback): void {
    if ('caughtUp' in response) this.emit('caughtUp', response.caughtUp);
    if ('fellBehind' in response) this.emit('fellBehind', response.fellBehind);
    if ('checkpoint' in response) this.onCheckpoint?.(response.checkpoint);
    // An event response is the resolved event itself ({ event, link? }).
    if ('event' in response) return next(null, response);
    next();
  }

  send(...responses: Response[]): void {
    for (const response of responses) this.write(response);
  }

  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
    this.destroy();
  }
}

const FAST_RETRY: RetryPolicy = { attemptsMax: 2, delayMsInitial: 1, delayMsMax: 2 };
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

function at(n: number): ClientPosition {
  return { commit: BigInt(n), prepare: BigInt(n) };
}

/** A $all event as the client delivers it, at position n. */
function allEvent(n: number, streamId = 'acme:invoice-1', type = 'InvoiceIssued') {
  return {
    event: {
      streamId,
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      isJson: true,
      revision: BigInt(n),
      type,
      created: new Date(0),
      data: { n },
      metadata: undefined,
      position: at(n),
    },
  };
}

function harness(options: { filter?: Parameters<typeof planFilter>[0]; from?: number; retry?: RetryPolicy } = {}) {
  const plan = planFilter(options.filter);
  const cursor = new AllCursor(options.from === undefined ? undefined : { commit: BigInt(options.from), prepare: BigInt(options.from) }, plan);
  const opened: { source: FakeClientSubscription; from: ReadPosition }[] = [];
  let closedCallbacks = 0;
  const subscription = new KurrentDbSubscription({
    cursor,
    retry: options.retry ?? FAST_RETRY,
    onClose: () => (closedCallbacks += 1),
    subscribe: (onCheckpoint) => {
      const source = new FakeClientSubscription(onCheckpoint);
      opened.push({ source, from: cursor.resumeFrom() });
      return source;
    },
  });
  const iterator = subscription[Symbol.asyncIterator]();
  const current = (): FakeClientSubscription => {
    const last = opened.at(-1);
    if (!last) throw new Error('no subscription was opened');
    return last.source;
  };
  return { subscription, iterator, opened, current, closedCallbacks: () => closedCallbacks };
}

async function take(iterator: AsyncIterator<SubscriptionMessage>, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const result = await iterator.next();
    if (result.done) {
      seen.push('done');
      break;
    }
    seen.push(label(result.value));
  }
  return seen;
}

function label(message: SubscriptionMessage): string {
  return message.kind === 'event' ? `event@${message.event.position.commit}` : `caught_up@${message.position.commit}`;
}

/** Whether a next() settles within a short wait (without consuming anything if it does not). */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([promise.then(() => true), settle().then(() => false)]);
}

describe('KurrentDbSubscription over the client catch-up subscription', () => {
  it('delivers caught_up after the events the client pushed before it, even when they were still buffered', async () => {
    const { iterator, current } = harness();
    // Nothing has been read yet: the events sit in the Readable buffer when caughtUp is emitted.
    current().send(allEvent(1), allEvent(2), allEvent(3), { caughtUp: { date: new Date(), position: at(3) } });

    expect(await take(iterator, 4)).toEqual(['event@1', 'event@2', 'event@3', 'caught_up@3']);
  });

  it('reports the furthest position known: the server caught-up checkpoint beyond the last event counts', async () => {
    const { iterator, current } = harness();
    current().send(allEvent(1), { caughtUp: { date: new Date(), position: at(40) } });

    expect(await take(iterator, 2)).toEqual(['event@1', 'caught_up@40']);
  });

  it('reports the start when nothing was seen, and ignores the server "no position" sentinel', async () => {
    const { iterator, current } = harness();
    current().send({ caughtUp: { date: new Date(), position: { commit: (1n << 64n) - 1n, prepare: (1n << 64n) - 1n } } });

    expect(await take(iterator, 1)).toEqual(['caught_up@0']);
  });

  it('skips system events and what the filter rejects, but moves the caught_up position past them', async () => {
    const { iterator, current } = harness({ filter: { streamPrefixes: ['acme:'] } });
    current().send(allEvent(1), allEvent(2, '$stats', '$statsCollected'), allEvent(3, 'globex:invoice-1'), { caughtUp: { date: new Date() } });

    expect(await take(iterator, 2)).toEqual(['event@1', 'caught_up@3']);
  });

  it('while live, sends caught_up again once drained and moved on (live events, checkpoints past skipped events), never a repeat', async () => {
    const { iterator, current } = harness({ filter: { streamPrefixes: ['acme:'] } });
    current().send(allEvent(1), { caughtUp: { date: new Date(), position: at(1) } });
    expect(await take(iterator, 2)).toEqual(['event@1', 'caught_up@1']);

    current().send(allEvent(2), allEvent(3));
    expect(await take(iterator, 3)).toEqual(['event@2', 'event@3', 'caught_up@3']);

    current().send(allEvent(4, 'globex:invoice-9'), { checkpoint: at(9) });
    expect(await take(iterator, 1)).toEqual(['caught_up@9']);

    // Nothing moved: no message at all.
    expect(await settlesSoon(iterator.next())).toBe(false);
  });

  it('after fellBehind, reports nothing until the server says caughtUp again', async () => {
    const { iterator, current } = harness();
    current().send({ caughtUp: { date: new Date(), position: at(1) } });
    expect(await take(iterator, 1)).toEqual(['caught_up@1']);

    current().send({ fellBehind: {} }, allEvent(5), allEvent(6));
    expect(await take(iterator, 2)).toEqual(['event@5', 'event@6']);
    const pending = iterator.next();
    expect(await settlesSoon(pending)).toBe(false);

    current().send({ caughtUp: { date: new Date(), position: at(6) } });
    expect(label((await pending).value as SubscriptionMessage)).toBe('caught_up@6');
  });

  it('starts after the given position and drops anything at or before it', async () => {
    const { iterator, current, opened } = harness({ from: 2 });
    current().send(allEvent(2), allEvent(3), { caughtUp: { date: new Date() } });

    expect(opened[0]?.from).toEqual(at(2));
    expect(await take(iterator, 2)).toEqual(['event@3', 'caught_up@3']);
  });

  it('resubscribes after a transient drop from the last position applied, without repeating events or caught_up', async () => {
    const { iterator, current, opened } = harness();
    current().send(allEvent(1), allEvent(2), { caughtUp: { date: new Date(), position: at(2) } });
    expect(await take(iterator, 3)).toEqual(['event@1', 'event@2', 'caught_up@2']);

    const first = current();
    first.emit('error', new UnavailableError());
    await settle();

    expect(first.unsubscribed).toBe(true);
    expect(opened.map((each) => each.from)).toEqual([START, at(2)]);
    // A server that replays the boundary must not make the consumer see it twice.
    current().send(allEvent(2), allEvent(3), { caughtUp: { date: new Date(), position: at(3) } });
    expect(await take(iterator, 2)).toEqual(['event@3', 'caught_up@3']);
  });

  it('resubscribes when the server ends the stream cleanly', async () => {
    const { current, opened } = harness();
    current().send(allEvent(1));
    await settle();
    current().end();
    await settle();

    expect(opened.map((each) => each.from)).toEqual([START, at(1)]);
  });

  it('surfaces the error after the bounded number of failed resubscriptions, then ends', async () => {
    const { iterator, current, opened } = harness({ retry: { attemptsMax: 2, delayMsInitial: 1, delayMsMax: 1 } });
    const failure = new UnavailableError(undefined, 'server unreachable');

    for (let attempt = 0; attempt < 3; attempt += 1) {
      current().emit('error', failure);
      await settle();
    }

    expect(opened).toHaveLength(3);
    await expect(iterator.next()).rejects.toBe(failure);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('surfaces a non-transient error at once, to a consumer already waiting', async () => {
    const { iterator, current, opened } = harness();
    const pending = iterator.next();
    current().emit('error', new AccessDeniedError(undefined, 'denied'));

    await expect(pending).rejects.toBeInstanceOf(AccessDeniedError);
    expect(opened).toHaveLength(1);
  });

  it('surfaces an unreadable event as an assertion error after the events before it', async () => {
    const { iterator, current } = harness();
    const broken = allEvent(2);
    broken.event.position = undefined as unknown as ClientPosition;
    current().send(allEvent(1), broken);

    expect(await take(iterator, 1)).toEqual(['event@1']);
    await expect(iterator.next()).rejects.toBeInstanceOf(KurrentDbAssertionError);
  });

  it('close() ends a pending next() and every later one, unsubscribes, and ends a for-await loop', async () => {
    const { subscription, iterator, current, closedCallbacks } = harness();
    current().send(allEvent(1), { caughtUp: { date: new Date() } });
    await take(iterator, 2);
    const pending = iterator.next();

    await subscription.close();

    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(current().unsubscribed).toBe(true);
    expect(closedCallbacks()).toBe(1);

    const looped = harness();
    looped.current().send(allEvent(1), allEvent(2), { caughtUp: { date: new Date() } });
    const seen: string[] = [];
    for await (const message of looped.subscription as Subscription) {
      seen.push(label(message));
      if (message.kind === 'caught_up') await looped.subscription.close();
    }
    expect(seen).toEqual(['event@1', 'event@2', 'caught_up@2']);
  });

  it('pauses the client stream when the consumer falls far behind, and resumes it once drained', async () => {
    const { iterator, current } = harness();
    const source = current();
    for (let n = 1; n <= 600; n += 1) source.send(allEvent(n));
    await settle();

    expect(source.isPaused()).toBe(true);
    const first = await take(iterator, 600);
    expect(first[0]).toBe('event@1');
    expect(first.at(-1)).toBe('event@600');
    expect(source.isPaused()).toBe(false);
  });

  it('keeps caught_up behind events that were still buffered in the paused client stream when it was emitted', async () => {
    const { iterator, current } = harness();
    const source = current();
    for (let n = 1; n <= 700; n += 1) source.send(allEvent(n));
    source.send({ caughtUp: { date: new Date(), position: at(700) } });
    await settle();
    expect(source.isPaused()).toBe(true);

    const seen = await take(iterator, 701);

    expect(seen.filter((message) => message.startsWith('caught_up'))).toEqual(['caught_up@700']);
    expect(seen.at(-1)).toBe('caught_up@700');
    expect(seen.at(-2)).toBe('event@700');
  });

  it('runs prepare once before subscribing (a start at the end), retrying it like a drop', async () => {
    let calls = 0;
    const cursor = new AllCursor(undefined, planFilter(undefined));
    const opened: ReadPosition[] = [];
    const subscription = new KurrentDbSubscription({
      cursor,
      retry: FAST_RETRY,
      prepare: async () => {
        calls += 1;
        if (calls === 1) throw new UnavailableError();
        cursor.startAfter({ commit: 70n, prepare: 70n });
      },
      subscribe: () => {
        opened.push(cursor.resumeFrom());
        return new FakeClientSubscription();
      },
    });
    await settle();

    expect(calls).toBe(2);
    expect(opened).toEqual([at(70)]);
    await subscription.close();
  });
});

describe('StreamCursor', () => {
  function streamEvent(revision: number, position: number) {
    return { event: { ...allEvent(position).event, revision: BigInt(revision) } };
  }

  it('resumes after the last revision delivered, drops repeats, and reports the last event position', () => {
    const cursor = new StreamCursor(undefined);
    expect(cursor.resumeFrom()).toBe(START);
    expect(cursor.progress()).toBeUndefined();

    expect(cursor.accept(streamEvent(0, 100))?.revision).toBe(0n);
    expect(cursor.accept(streamEvent(1, 180))?.revision).toBe(1n);
    expect(cursor.accept(streamEvent(1, 180))).toBeUndefined();

    expect(cursor.resumeFrom() as ReadRevision).toBe(1n);
    expect(cursor.progress()).toEqual({ commit: 180n, prepare: 180n });
  });

  it('starts after a given revision', () => {
    const cursor = new StreamCursor(4n);

    expect(cursor.accept(streamEvent(4, 10))).toBeUndefined();
    expect(cursor.accept(streamEvent(5, 11))?.revision).toBe(5n);
  });

  it('drives a stream subscription: caught_up at the start position when the stream is empty', async () => {
    const cursor = new StreamCursor(undefined);
    const source = new FakeClientSubscription();
    const subscription = new KurrentDbSubscription({ cursor, retry: FAST_RETRY, subscribe: () => source });
    const iterator = subscription[Symbol.asyncIterator]();
    source.send({ caughtUp: { date: new Date() } }, streamEvent(0, 300));

    expect(await take(iterator, 2)).toEqual(['caught_up@0', 'event@300']);
    await subscription.close();
  });
});
