import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidPositionError, WrongExpectedVersionError } from '../src/event-store.errors.js';
import type { AppendResult, EventData, EventStore, ExpectedRevision, JsonObject, Position, RecordedEvent } from '../src/event-store.port.js';
import { comparePositions, decodePosition, encodePosition } from '../src/position.js';
import { SubscriptionReader, waitUntilReadableOnAll } from './subscription-reader.js';

/**
 * The event store contract: one suite that every adapter runs (docs/architecture.md, Conventions 8), so that the
 * PostgreSQL adapter and the KurrentDB adapter cannot drift apart. It uses nothing but the port.
 *
 * The store may be shared with other suites and other runs (a KurrentDB server is), so every test writes to streams
 * under its own random prefix and reads the global log through a filter on that prefix, never assuming it is empty.
 */
export interface EventStoreUnderTest {
  readonly store: EventStore;
  readonly dispose: () => Promise<void>;
}

export function eventStoreContract(adapterName: string, factory: () => Promise<EventStoreUnderTest>): void {
  describe(`event store contract: ${adapterName}`, () => {
    let underTest: EventStoreUnderTest | undefined;
    const store = (): EventStore => {
      if (!underTest) throw new Error('the adapter under test was not created (see beforeAll)');
      return underTest.store;
    };

    beforeAll(async () => {
      underTest = await factory();
    });

    afterAll(async () => {
      await underTest?.dispose();
    });

    const append = (streamId: string, events: readonly EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult> =>
      store().appendToStream(streamId, events, { expectedRevision });

    describe('appending and reading a stream', () => {
      it('starts a new stream at revision 0 and reads it forwards, backwards, from a revision and with maxCount', async () => {
        const stream = `${uniquePrefix('stream')}order`;
        // More than ten events, so that an order by text instead of by number (9 before 10) shows.
        const events = someEvents(12, 'OrderNoted');
        const [first, ...rest] = events;
        const everyRevision = events.map((_, index) => BigInt(index));

        const created = await append(stream, [first], 'no_stream');
        const extended = await append(stream, rest, 0n);

        expect(created.nextExpectedRevision).toBe(0n);
        expect(extended.nextExpectedRevision).toBe(11n);
        const forwards = await store().readStream(stream);
        expect(forwards.map(summary)).toEqual(events.map((event, index) => expectedSummary(stream, BigInt(index), event)));
        expect(forwards.every((event) => event.recordedAt instanceof Date)).toBe(true);
        expectStrictlyIncreasingPositions(forwards);
        expect(forwards[0]?.position).toEqual(created.position);
        expect(forwards[11]?.position).toEqual(extended.position);

        expect(revisions(await store().readStream(stream, { direction: 'backwards' }))).toEqual([...everyRevision].reverse());
        expect(revisions(await store().readStream(stream, { direction: 'backwards', fromRevision: 'end' }))).toEqual([...everyRevision].reverse());
        expect(revisions(await store().readStream(stream, { fromRevision: 9n }))).toEqual([9n, 10n, 11n]);
        expect(revisions(await store().readStream(stream, { direction: 'backwards', fromRevision: 10n, maxCount: 3 }))).toEqual([10n, 9n, 8n]);
        expect(revisions(await store().readStream(stream, { maxCount: 2 }))).toEqual([0n, 1n]);
        expect(revisions(await store().readStream(stream, { fromRevision: 'start', maxCount: 1 }))).toEqual([0n]);
        expect(revisions(await store().readStream(stream, { direction: 'backwards', maxCount: 1 }))).toEqual([11n]);
      });

      it('reads a stream that does not exist as an empty list', async () => {
        const missing = `${uniquePrefix('missing')}nothing`;

        expect(await store().readStream(missing)).toEqual([]);
        expect(await store().readStream(missing, { direction: 'backwards' })).toEqual([]);
      });

      it('records an event without metadata with empty metadata', async () => {
        const stream = `${uniquePrefix('metadata')}order`;
        const event: EventData = { eventId: randomUUID(), type: 'OrderNoted', data: { note: 'no metadata' } };

        await append(stream, [event], 'no_stream');

        expect((await store().readStream(stream))[0]?.metadata).toEqual({});
      });
    });

    describe('expected revision', () => {
      it('any: appends to a missing stream and to an existing one', async () => {
        const stream = `${uniquePrefix('any')}order`;

        expect((await append(stream, someEvents(1), 'any')).nextExpectedRevision).toBe(0n);
        expect((await append(stream, someEvents(2), 'any')).nextExpectedRevision).toBe(2n);

        expect(revisions(await store().readStream(stream))).toEqual([0n, 1n, 2n]);
      });

      it('no_stream: appends to a missing stream, and conflicts on an existing one without writing', async () => {
        const stream = `${uniquePrefix('no-stream')}order`;
        await append(stream, someEvents(1), 'no_stream');
        const before = await store().readStream(stream);

        await expectConflict(append(stream, someEvents(1), 'no_stream'), { streamId: stream, expected: 'no_stream', actual: 0n });

        expect(await store().readStream(stream)).toEqual(before);
      });

      it('stream_exists: appends to an existing stream, and conflicts on a missing one without writing', async () => {
        const stream = `${uniquePrefix('exists')}order`;
        const missing = `${uniquePrefix('exists')}missing`;
        await append(stream, someEvents(1), 'no_stream');

        expect((await append(stream, someEvents(1), 'stream_exists')).nextExpectedRevision).toBe(1n);
        await expectConflict(append(missing, someEvents(1), 'stream_exists'), { streamId: missing, expected: 'stream_exists', actual: 'no_stream' });

        expect(await store().readStream(missing)).toEqual([]);
      });

      it('an exact revision: appends when it is the current one, and conflicts on a wrong one or a missing stream without writing', async () => {
        const stream = `${uniquePrefix('exact')}order`;
        const missing = `${uniquePrefix('exact')}missing`;
        await append(stream, someEvents(2), 'no_stream');

        expect((await append(stream, someEvents(1), 1n)).nextExpectedRevision).toBe(2n);
        const before = await store().readStream(stream);
        await expectConflict(append(stream, someEvents(1), 1n), { streamId: stream, expected: 1n, actual: 2n });
        await expectConflict(append(stream, someEvents(1), 7n), { streamId: stream, expected: 7n, actual: 2n });
        await expectConflict(append(missing, someEvents(1), 0n), { streamId: missing, expected: 0n, actual: 'no_stream' });

        expect(await store().readStream(stream)).toEqual(before);
        expect(await store().readStream(missing)).toEqual([]);
      });
    });

    describe('idempotent appends (the same event ids again)', () => {
      it('acknowledges the same ids after the same expected revision, or with any, without writing them again', async () => {
        const stream = `${uniquePrefix('idempotent')}order`;
        const [first, second, third] = someEvents(3);
        const opened = await append(stream, [first, second], 'no_stream');
        const extended = await append(stream, [third], 1n);

        expect((await append(stream, [first, second], 'no_stream')).nextExpectedRevision).toBe(opened.nextExpectedRevision);
        expect((await append(stream, [third], 1n)).nextExpectedRevision).toBe(extended.nextExpectedRevision);
        expect((await append(stream, [third], 'any')).nextExpectedRevision).toBe(extended.nextExpectedRevision);
        expect((await append(stream, [first, second], 'any')).nextExpectedRevision).toBe(opened.nextExpectedRevision);

        expect(eventIds(await store().readStream(stream))).toEqual(eventIds([first, second, third]));
      });

      it('rejects a partial overlap (some ids written, some new) as a conflict and writes none of it', async () => {
        const stream = `${uniquePrefix('overlap')}order`;
        const [first, second, third] = someEvents(3);
        const [fresh] = someEvents(1);
        await append(stream, [first, second], 'no_stream');
        await append(stream, [third], 1n);

        await expectConflict(append(stream, [third, fresh], 1n), { streamId: stream, expected: 1n, actual: 2n });
        await expectConflict(append(stream, [second, fresh], 0n), { streamId: stream, expected: 0n, actual: 2n });

        expect(eventIds(await store().readStream(stream))).toEqual(eventIds([first, second, third]));
      });

      it('rejects the same ids at a different expected revision as a conflict', async () => {
        const stream = `${uniquePrefix('moved')}order`;
        const [first, second, third] = someEvents(3);
        await append(stream, [first, second], 'no_stream');
        await append(stream, [third], 1n);

        await expectConflict(append(stream, [third], 0n), { streamId: stream, expected: 0n, actual: 2n });
        await expectConflict(append(stream, [first, second], 1n), { streamId: stream, expected: 1n, actual: 2n });
        await expectConflict(append(stream, [third], 'no_stream'), { streamId: stream, expected: 'no_stream', actual: 2n });

        expect(eventIds(await store().readStream(stream))).toEqual(eventIds([first, second, third]));
      });
    });

    describe('appending to several streams at once', () => {
      it('writes to both streams in one append', async () => {
        const prefix = uniquePrefix('multi');
        const counter = `${prefix}invoice-number`;
        const invoice = `${prefix}invoice-1`;
        const [numberSeeded, numberTaken, invoiceOpened, invoiceLineAdded] = someEvents(4);
        await append(counter, [numberSeeded], 'no_stream');

        const result = await store().appendToStreams([
          { streamId: counter, events: [numberTaken], expectedRevision: 0n },
          { streamId: invoice, events: [invoiceOpened, invoiceLineAdded], expectedRevision: 'no_stream' },
        ]);

        expect(result.results.map((each) => each.nextExpectedRevision)).toEqual([1n, 1n]);
        expect(eventIds(await store().readStream(counter))).toEqual(eventIds([numberSeeded, numberTaken]));
        expect(eventIds(await store().readStream(invoice))).toEqual(eventIds([invoiceOpened, invoiceLineAdded]));
        const written = [...(await store().readStream(counter, { fromRevision: 1n })), ...(await store().readStream(invoice))];
        const lastWritten = written.map((event) => event.position).reduce((left, right) => (comparePositions(left, right) >= 0 ? left : right));
        expect(result.position).toEqual(lastWritten);
        expect(result.results.map((each) => each.position)).toEqual([written[0]?.position, written[2]?.position]);
      });

      it('writes to neither stream when the second one conflicts', async () => {
        const prefix = uniquePrefix('multi-conflict');
        const counter = `${prefix}invoice-number`;
        const invoice = `${prefix}invoice-1`;
        const existingInvoice = `${prefix}invoice-0`;
        await append(counter, someEvents(1), 'no_stream');
        await append(existingInvoice, someEvents(2), 'no_stream');

        await expectConflict(
          store().appendToStreams([
            { streamId: counter, events: someEvents(1), expectedRevision: 0n },
            { streamId: invoice, events: someEvents(1), expectedRevision: 3n },
          ]),
          { streamId: invoice, expected: 3n, actual: 'no_stream' },
        );
        await expectConflict(
          store().appendToStreams([
            { streamId: counter, events: someEvents(1), expectedRevision: 0n },
            { streamId: existingInvoice, events: someEvents(1), expectedRevision: 0n },
          ]),
          { streamId: existingInvoice, expected: 0n, actual: 1n },
        );

        expect(revisions(await store().readStream(counter))).toEqual([0n]);
        expect(await store().readStream(invoice)).toEqual([]);
        expect(revisions(await store().readStream(existingInvoice))).toEqual([0n, 1n]);
      });
    });

    describe('reading $all', () => {
      /** Four events on two streams under one prefix, appended one after the other. */
      async function appendFourEvents(label: string) {
        const prefix = uniquePrefix(label);
        const events = someEvents(4);
        const [a, b, c, d] = events;
        const first = await append(`${prefix}one`, [a, b], 'no_stream');
        const second = await append(`${prefix}two`, [c], 'no_stream');
        const third = await append(`${prefix}one`, [d], 1n);
        await waitUntilReadableOnAll(store(), third.position);
        return { prefix, filter: { streamPrefixes: [prefix] }, events, appends: [first, second, third] as const };
      }

      it('reads forwards from the start and from a position (exclusive), in append order with increasing positions', async () => {
        const { filter, events, appends } = await appendFourEvents('all-forwards');
        const [first, second, third] = appends;

        const fromStart = await store().readAll({ fromPosition: 'start', filter });
        const byDefault = await store().readAll({ filter });
        const afterFirstAppend = await store().readAll({ fromPosition: first.position, filter });

        expect(eventIds(fromStart)).toEqual(eventIds(events));
        expect(eventIds(byDefault)).toEqual(eventIds(events));
        expectStrictlyIncreasingPositions(fromStart);
        expect(fromStart.map((event) => event.position)).toEqual([fromStart[0]?.position, first.position, second.position, third.position]);
        expect(eventIds(afterFirstAppend)).toEqual(eventIds(events.slice(2)));
        expect(await store().readAll({ fromPosition: 'end', filter })).toEqual([]);
      });

      it('reads backwards from the end and from a position (exclusive)', async () => {
        const { filter, events, appends } = await appendFourEvents('all-backwards');
        const [, second] = appends;
        const newestFirst = eventIds(events).reverse();

        expect(eventIds(await store().readAll({ direction: 'backwards', filter }))).toEqual(newestFirst);
        expect(eventIds(await store().readAll({ direction: 'backwards', fromPosition: 'end', filter }))).toEqual(newestFirst);
        expect(eventIds(await store().readAll({ direction: 'backwards', fromPosition: second.position, filter }))).toEqual(newestFirst.slice(2));
        expect(await store().readAll({ direction: 'backwards', fromPosition: 'start', filter })).toEqual([]);
      });

      it('counts maxCount in matching events, however many other events lie between them', async () => {
        const prefix = uniquePrefix('all-count');
        const noise = uniquePrefix('all-count-noise');
        const mine = someEvents(5);
        await append(`${prefix}one`, mine.slice(0, 3), 'no_stream');
        await append(`${noise}other`, someEvents(5), 'no_stream');
        const last = await append(`${prefix}one`, mine.slice(3), 2n);
        await waitUntilReadableOnAll(store(), last.position);
        const filter = { streamPrefixes: [prefix] };

        expect(eventIds(await store().readAll({ filter, maxCount: 4 }))).toEqual(eventIds(mine.slice(0, 4)));
        expect(eventIds(await store().readAll({ filter, maxCount: 1 }))).toEqual(eventIds(mine.slice(0, 1)));
        expect(eventIds(await store().readAll({ direction: 'backwards', filter, maxCount: 2 }))).toEqual(eventIds(mine.slice(3)).reverse());
      });

      it('filters by event type', async () => {
        const prefix = uniquePrefix('all-types');
        const suffix = prefix.replaceAll('-', '');
        const [invoiced, paid, voided] = [`Invoiced${suffix}`, `Paid${suffix}`, `Voided${suffix}`];
        const events = [anEvent(invoiced), anEvent(paid), anEvent(voided), anEvent(invoiced)];
        const last = await append(`${prefix}invoice`, events, 'no_stream');
        await waitUntilReadableOnAll(store(), last.position);

        const found = await store().readAll({ filter: { eventTypes: [invoiced, voided] } });

        expect(eventIds(found)).toEqual(eventIds([events[0], events[2], events[3]]));
      });

      it('filters by stream prefixes, taking each prefix literally', async () => {
        const prefix = uniquePrefix('all-prefixes');
        const invoice = anEvent();
        const payment = anEvent();
        const customer = anEvent();
        const underscored = anEvent();
        const lookalike = anEvent();
        await append(`${prefix}invoice-1`, [invoice], 'no_stream');
        await append(`${prefix}payment-1`, [payment], 'no_stream');
        await append(`${prefix}customer-1`, [customer], 'no_stream');
        await append(`${prefix}a_b-1`, [underscored], 'no_stream');
        const last = await append(`${prefix}axb-1`, [lookalike], 'no_stream');
        await waitUntilReadableOnAll(store(), last.position);

        const found = await store().readAll({ filter: { streamPrefixes: [`${prefix}invoice-`, `${prefix}payment-`, `${prefix}a_`] } });

        expect(eventIds(found)).toEqual(eventIds([invoice, payment, underscored]));
      });
    });

    describe('positions', () => {
      it('round-trips through encodePosition and decodePosition, and the decoded cursor reads on from there', async () => {
        const prefix = uniquePrefix('cursor');
        const [first, second] = someEvents(2);
        const written = await append(`${prefix}one`, [first], 'no_stream');
        const last = await append(`${prefix}one`, [second], 0n);
        await waitUntilReadableOnAll(store(), last.position);

        const cursor = encodePosition(written.position);
        const decoded = decodePosition(cursor);

        expect(typeof cursor).toBe('string');
        expect(decoded).toEqual(written.position);
        expect(comparePositions(decoded, written.position)).toBe(0);
        expect(eventIds(await store().readAll({ fromPosition: decoded, filter: { streamPrefixes: [prefix] } }))).toEqual(eventIds([second]));
      });

      it('rejects a cursor that is not a position', () => {
        for (const garbage of ['', 'garbage', '12', '1.2.3', '-1.0', '1.-2', '01.2', ' 1.2', '1.2 ', '1e3.0', '18446744073709551616.0']) {
          expect(() => decodePosition(garbage)).toThrow(InvalidPositionError);
        }
      });
    });

    describe('subscribing to $all', () => {
      it('catches up, signals caught_up, then delivers live events in order, applying the filter', async () => {
        const prefix = uniquePrefix('sub-all');
        const noise = uniquePrefix('sub-all-noise');
        const [a, b, c, d, e] = someEvents(5);
        await append(`${prefix}one`, [a, b], 'no_stream');
        await append(`${noise}one`, someEvents(2), 'no_stream');
        const beforeSubscribing = await append(`${prefix}two`, [c], 'no_stream');

        const reader = new SubscriptionReader(store().subscribeToAll({ filter: { streamPrefixes: [prefix] } }));
        try {
          const caughtUp = await reader.untilCaughtUp(10);
          await append(`${prefix}one`, [d], 1n);
          await append(`${noise}one`, someEvents(1), 1n);
          await append(`${prefix}three`, [e], 'no_stream');
          const live = await reader.nextEvents(2);

          expect(eventIds(caughtUp.events)).toEqual(eventIds([a, b, c]));
          expect(comparePositions(caughtUp.position, beforeSubscribing.position)).toBeGreaterThanOrEqual(0);
          expect(eventIds(live)).toEqual(eventIds([d, e]));
          expectStrictlyIncreasingPositions([...caughtUp.events, ...live]);
        } finally {
          await reader.close();
        }
      });

      it('starts after the given position (exclusive)', async () => {
        const prefix = uniquePrefix('sub-all-from');
        const [a, b, c, d] = someEvents(4);
        const first = await append(`${prefix}one`, [a, b], 'no_stream');
        await append(`${prefix}two`, [c], 'no_stream');

        const reader = new SubscriptionReader(store().subscribeToAll({ fromPosition: first.position, filter: { streamPrefixes: [prefix] } }));
        try {
          const caughtUp = await reader.untilCaughtUp(10);
          await append(`${prefix}one`, [d], 1n);
          const live = await reader.nextEvents(1);

          expect(eventIds(caughtUp.events)).toEqual(eventIds([c]));
          expect(eventIds(live)).toEqual(eventIds([d]));
        } finally {
          await reader.close();
        }
      });

      it('from the end delivers only events appended afterwards', async () => {
        const prefix = uniquePrefix('sub-all-end');
        const [old, fresh] = someEvents(2);
        const written = await append(`${prefix}one`, [old], 'no_stream');
        await waitUntilReadableOnAll(store(), written.position);

        const reader = new SubscriptionReader(store().subscribeToAll({ fromPosition: 'end', filter: { streamPrefixes: [prefix] } }));
        try {
          const caughtUp = await reader.untilCaughtUp(10);
          await append(`${prefix}one`, [fresh], 0n);
          const live = await reader.nextEvents(1);

          expect(caughtUp.events).toEqual([]);
          expect(eventIds(live)).toEqual(eventIds([fresh]));
        } finally {
          await reader.close();
        }
      });

      it('ends iteration when closed, both a pending next() and a for-await loop', async () => {
        const prefix = uniquePrefix('sub-all-close');
        await append(`${prefix}one`, someEvents(2), 'no_stream');

        const reader = new SubscriptionReader(store().subscribeToAll({ filter: { streamPrefixes: [prefix] } }));
        await reader.untilCaughtUp(10);
        const pending = reader.next();
        await reader.close();
        expect((await pending).done).toBe(true);
        expect((await reader.next()).done).toBe(true);

        const looped = store().subscribeToAll({ filter: { streamPrefixes: [prefix] } });
        const seen = await SubscriptionReader.consumeUntilClosed(looped, (message) => message.kind === 'caught_up', 10);
        expect(seen.map((message) => message.kind)).toEqual(['event', 'event', 'caught_up']);
      });
    });

    describe('subscribing to a stream', () => {
      it('catches up, signals caught_up, then delivers live events of that stream only', async () => {
        const stream = `${uniquePrefix('sub-stream')}order`;
        const [a, b, c] = someEvents(3);
        await append(stream, [a, b], 'no_stream');

        const reader = new SubscriptionReader(store().subscribeToStream(stream));
        try {
          const caughtUp = await reader.untilCaughtUp(10);
          // A stream whose name merely starts with this one's must not leak in.
          await append(`${stream}-other`, someEvents(1), 'no_stream');
          await append(stream, [c], 1n);
          const live = await reader.nextEvents(1);

          expect(eventIds(caughtUp.events)).toEqual(eventIds([a, b]));
          expect(eventIds(live)).toEqual(eventIds([c]));
          expect(revisions([...caughtUp.events, ...live])).toEqual([0n, 1n, 2n]);
        } finally {
          await reader.close();
        }
      });

      it('starts after the given revision (exclusive), or at the end', async () => {
        const stream = `${uniquePrefix('sub-stream-from')}order`;
        const [a, b, c, d] = someEvents(4);
        await append(stream, [a, b, c], 'no_stream');

        const fromRevision = new SubscriptionReader(store().subscribeToStream(stream, { fromRevision: 0n }));
        const fromEnd = new SubscriptionReader(store().subscribeToStream(stream, { fromRevision: 'end' }));
        try {
          const caughtUpFromRevision = await fromRevision.untilCaughtUp(10);
          const caughtUpFromEnd = await fromEnd.untilCaughtUp(10);
          await append(stream, [d], 2n);

          expect(eventIds(caughtUpFromRevision.events)).toEqual(eventIds([b, c]));
          expect(caughtUpFromEnd.events).toEqual([]);
          expect(eventIds(await fromRevision.nextEvents(1))).toEqual(eventIds([d]));
          expect(eventIds(await fromEnd.nextEvents(1))).toEqual(eventIds([d]));
        } finally {
          await fromRevision.close();
          await fromEnd.close();
        }
      });

      it('waits for a stream that does not exist yet', async () => {
        const stream = `${uniquePrefix('sub-stream-missing')}order`;
        const [first] = someEvents(1);

        const reader = new SubscriptionReader(store().subscribeToStream(stream));
        try {
          const caughtUp = await reader.untilCaughtUp(10);
          await append(stream, [first], 'no_stream');

          expect(caughtUp.events).toEqual([]);
          expect(eventIds(await reader.nextEvents(1))).toEqual(eventIds([first]));
        } finally {
          await reader.close();
        }
      });

      it('ends iteration when closed', async () => {
        const stream = `${uniquePrefix('sub-stream-close')}order`;
        await append(stream, someEvents(1), 'no_stream');

        const reader = new SubscriptionReader(store().subscribeToStream(stream));
        await reader.untilCaughtUp(10);
        const pending = reader.next();
        await reader.close();

        expect((await pending).done).toBe(true);
        expect((await reader.next()).done).toBe(true);
      });
    });

    describe('concurrent appends', () => {
      it('lets exactly one of 20 concurrent appenders win each revision, leaving the stream gapless', async () => {
        const stream = `${uniquePrefix('race')}counter`;
        const appenderCount = 20;
        const eventsPerAppender = 3;
        // Each lost attempt means another appender took that revision, so no appender can lose more often than
        // there are events in total.
        const attemptsMax = appenderCount * eventsPerAppender + 1;
        const wins: { expected: ExpectedRevision; revision: bigint; eventId: string }[] = [];
        let conflicts = 0;

        await Promise.all(
          Array.from({ length: appenderCount }, async (_, appender) => {
            let written = 0;
            for (let attempt = 0; written < eventsPerAppender; attempt += 1) {
              if (attempt >= attemptsMax) throw new Error(`appender ${appender} lost ${attempt} times in a row`);
              const [last] = await store().readStream(stream, { direction: 'backwards', maxCount: 1 });
              const expected: ExpectedRevision = last ? last.revision : 'no_stream';
              const event = anEvent('CounterIncremented', { appender, attempt });
              try {
                const result = await append(stream, [event], expected);
                wins.push({ expected, revision: result.nextExpectedRevision, eventId: event.eventId });
                written += 1;
              } catch (error) {
                if (!(error instanceof WrongExpectedVersionError)) throw error;
                conflicts += 1;
              }
            }
          }),
        );

        const total = appenderCount * eventsPerAppender;
        const everyRevision = Array.from({ length: total }, (_, index) => BigInt(index));
        const byRevision = [...wins].sort((left, right) => (left.revision < right.revision ? -1 : left.revision > right.revision ? 1 : 0));
        expect(byRevision.map((win) => win.revision)).toEqual(everyRevision);
        expect(byRevision.map((win) => win.expected)).toEqual(everyRevision.map((revision) => (revision === 0n ? 'no_stream' : revision - 1n)));
        expect(conflicts).toBeGreaterThan(0);
        const stored = await store().readStream(stream);
        expect(revisions(stored)).toEqual(everyRevision);
        expect(eventIds(stored)).toEqual(byRevision.map((win) => win.eventId));
      });
    });
  });
}

/** A prefix no other test, suite or run uses, so that reads of the (possibly shared) global log can filter on it. */
function uniquePrefix(label: string): string {
  return `contract-${label}-${randomUUID().replaceAll('-', '').slice(0, 16)}-`;
}

function anEvent(type = 'SomethingHappened', data: JsonObject = {}): EventData {
  return { eventId: randomUUID(), type, data: { ...data, marker: randomUUID() }, metadata: { source: 'event-store-contract' } };
}

/** `count` events, typed as a tuple of that length so that destructuring them needs no checks. */
function someEvents<Count extends number>(count: Count, type?: string): Tuple<EventData, Count> {
  return Array.from({ length: count }, (_, index) => anEvent(type, { index })) as Tuple<EventData, Count>;
}

type Tuple<Element, Length extends number, Built extends Element[] = []> = Built['length'] extends Length
  ? Built
  : Tuple<Element, Length, [...Built, Element]>;

function eventIds(events: readonly ({ eventId: string } | undefined)[]): string[] {
  return events.map((event) => {
    if (!event) throw new Error('expected an event, found a hole');
    return event.eventId;
  });
}

function revisions(events: readonly RecordedEvent[]): bigint[] {
  return events.map((event) => event.revision);
}

function summary(event: RecordedEvent) {
  return { streamId: event.streamId, revision: event.revision, eventId: event.eventId, type: event.type, data: event.data, metadata: event.metadata };
}

function expectedSummary(streamId: string, revision: bigint, event: EventData | undefined) {
  if (!event) throw new Error('expected an event, found a hole');
  return { streamId, revision, eventId: event.eventId, type: event.type, data: event.data, metadata: event.metadata ?? {} };
}

function expectStrictlyIncreasingPositions(events: readonly RecordedEvent[]): void {
  const positions: Position[] = events.map((event) => event.position);
  const outOfOrder = positions.slice(1).filter((position, index) => comparePositions(positions[index] as Position, position) >= 0);
  expect(outOfOrder).toEqual([]);
}

async function expectConflict(
  attempt: Promise<unknown>,
  expected: { streamId: string; expected: ExpectedRevision; actual: bigint | 'no_stream' },
): Promise<void> {
  const outcome = await attempt.then(
    (result) => ({ resolved: result }),
    (error: unknown) => ({ rejected: error }),
  );
  if (!('rejected' in outcome)) {
    const written = JSON.stringify(outcome.resolved, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    throw new Error(`expected a WrongExpectedVersionError, but the append succeeded: ${written}`);
  }
  expect(outcome.rejected).toBeInstanceOf(WrongExpectedVersionError);
  const conflict = outcome.rejected as WrongExpectedVersionError;
  expect({ code: conflict.code, streamId: conflict.streamId, expected: conflict.expected, actual: conflict.actual }).toEqual({
    code: 'CONCURRENCY_CONFLICT',
    ...expected,
  });
}
