import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  AccessDeniedError,
  BACKWARDS,
  DeadlineExceededError,
  END,
  FORWARDS,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  UnsupportedError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { AllStreamResolvedEvent, ResolvedEvent } from '@kurrent/kurrentdb-client';
import { InvalidAppendError, InvalidPositionError, WrongExpectedVersionError } from '../event-store.errors.js';
import type { AppendRequest, EventData } from '../event-store.port.js';
import { decodePosition, encodePosition } from '../position.js';
import {
  DEFAULT_RETRY_POLICY,
  KurrentDbAssertionError,
  READ_COUNT_DEFAULT,
  READ_COUNT_MAX,
  SubscriptionEndedError,
  collectStreamEvents,
  escapeRegex,
  exactNamesRegex,
  fromClientActualState,
  fromClientCaughtUp,
  fromClientCheckpoint,
  fromClientExpectedState,
  fromClientPosition,
  isBeyond,
  isSystemEventType,
  isTransientSubscriptionError,
  originalPosition,
  planFilter,
  readCount,
  retryDelayMs,
  toClientAppendStreamRequest,
  toClientDirection,
  toClientEventData,
  toClientPosition,
  toClientReadPosition,
  toClientReadRevision,
  toClientReadStreamOptions,
  toClientStreamState,
  toReadAllStart,
  toRecordedEvent,
  toWrongExpectedVersionError,
  translateAppendError,
  validateAppendRequests,
} from './kurrentdb-mapping.js';

const ID = '0b7c3f6e-5d1a-4f2b-9c8d-7e6f5a4b3c2d';
const OTHER_ID = '1c8d4a7f-6e2b-4a3c-8d9e-8f7a6b5c4d3e';
const CREATED = new Date('2026-01-02T03:04:05.678Z');
const TWO_TO_64 = 1n << 64n;

function event(overrides: Partial<EventData> = {}): EventData {
  return { eventId: ID, type: 'InvoiceIssued', data: { amount: '10.00' }, metadata: { tenant: 'acme' }, ...overrides };
}

function request(overrides: Partial<AppendRequest> = {}): AppendRequest {
  return { streamId: 'acme:invoice-1', events: [event()], expectedRevision: 'no_stream', ...overrides };
}

/** A client recorded event (the shape the client's converters produce). */
function record(overrides: Record<string, unknown> = {}) {
  return {
    streamId: 'acme:invoice-1',
    id: ID.toUpperCase(),
    isJson: true,
    revision: 3n,
    type: 'InvoiceIssued',
    created: CREATED,
    data: { amount: '10.00' },
    metadata: { tenant: 'acme' },
    position: { commit: 1200n, prepare: 1200n },
    ...overrides,
  };
}

function resolved(eventOverrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): ResolvedEvent {
  return { event: record(eventOverrides), ...extra } as unknown as ResolvedEvent;
}

describe('KurrentDB mapping: expected revisions', () => {
  it('maps any, no_stream, stream_exists and an exact revision onto the client stream states', () => {
    expect(toClientStreamState('any')).toBe('any');
    expect(toClientStreamState('no_stream')).toBe('no_stream');
    expect(toClientStreamState('stream_exists')).toBe('stream_exists');
    expect(toClientStreamState(0n)).toBe(0n);
    expect(toClientStreamState(41n)).toBe(41n);
  });

  it('rejects a negative or out-of-range revision before anything is sent', () => {
    expect(() => toClientStreamState(-1n)).toThrow(InvalidAppendError);
    expect(() => toClientStreamState(1n << 63n)).toThrow(InvalidAppendError);
  });

  it('decodes the client expected state, including the server sentinels -1, -2 and -4', () => {
    expect(fromClientExpectedState('any')).toBe('any');
    expect(fromClientExpectedState('no_stream')).toBe('no_stream');
    expect(fromClientExpectedState('stream_exists')).toBe('stream_exists');
    expect(fromClientExpectedState(7n)).toBe(7n);
    expect(fromClientExpectedState(-1n)).toBe('no_stream');
    expect(fromClientExpectedState(-2n)).toBe('any');
    expect(fromClientExpectedState(-4n)).toBe('stream_exists');
    expect(fromClientExpectedState(-3n)).toBeUndefined();
    expect(fromClientExpectedState(undefined)).toBeUndefined();
  });

  it('decodes the actual state: a revision, no_stream (also -1), and deleted or tombstoned streams as unknown with a reason', () => {
    expect(fromClientActualState(2n)).toEqual({ actual: 2n });
    expect(fromClientActualState(0n)).toEqual({ actual: 0n });
    expect(fromClientActualState('no_stream')).toEqual({ actual: 'no_stream' });
    expect(fromClientActualState(-1n)).toEqual({ actual: 'no_stream' });
    expect(fromClientActualState(-5n)).toEqual({ actual: 'unknown', reason: 'the stream is deleted' });
    expect(fromClientActualState(-6n)).toEqual({ actual: 'unknown', reason: 'the stream is tombstoned' });
    expect(fromClientActualState(-9n)).toEqual({ actual: 'unknown' });
    expect(fromClientActualState(undefined)).toEqual({ actual: 'unknown' });
  });
});

describe('KurrentDB mapping: conflicts and append errors', () => {
  it("turns the client's WrongExpectedVersionError into ours, with stream, expected and actual", () => {
    const clientError = new ClientWrongExpectedVersionError(undefined, { streamName: 'acme:invoice-1', expected: 1n, current: 2n });

    const mapped = toWrongExpectedVersionError(clientError);

    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect({ code: mapped.code, streamId: mapped.streamId, expected: mapped.expected, actual: mapped.actual }).toEqual({
      code: 'CONCURRENCY_CONFLICT',
      streamId: 'acme:invoice-1',
      expected: 1n,
      actual: 2n,
    });
  });

  it('maps a conflict on a missing stream to actual no_stream', () => {
    const clientError = new ClientWrongExpectedVersionError(undefined, { streamName: 's', expected: 'stream_exists', current: 'no_stream' });

    expect(toWrongExpectedVersionError(clientError)).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
  });

  it('keeps the expected revision the caller sent over the client field, and decodes sentinels when it is unknown', () => {
    // The batch-append path reports special expected states as sentinel numbers; the v2 path may leave it unset (0).
    const sentinel = { streamName: 's', expectedState: -4n, actualState: -1n };
    const unset = { streamName: 's', expectedState: 0n, actualState: 5n };

    expect(toWrongExpectedVersionError(sentinel)).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
    expect(toWrongExpectedVersionError(unset, 'no_stream')).toMatchObject({ expected: 'no_stream', actual: 5n });
    expect(toWrongExpectedVersionError({ streamName: 's' })).toMatchObject({ expected: 'any', actual: 'unknown' });
  });

  it('translates a conflict of a multi-stream append with the expected revision of the stream that conflicted', () => {
    const requests = [request({ streamId: 'counter', expectedRevision: 0n }), request({ streamId: 'invoice', expectedRevision: 3n })];
    const clientError = new ClientWrongExpectedVersionError(undefined, { streamName: 'invoice', expected: 0n, current: 'no_stream' });

    const translated = translateAppendError(clientError, requests);

    expect(translated).toBeInstanceOf(WrongExpectedVersionError);
    expect(translated).toMatchObject({ streamId: 'invoice', expected: 3n, actual: 'no_stream', code: 'CONCURRENCY_CONFLICT' });
  });

  it('translates a consistency violation (appendRecords checks) into a conflict on the violated stream', () => {
    const violation = {
      type: 'append-consistency-violation',
      violations: [{ checkIndex: 0, streamName: 'counter', expectedState: 0n, actualState: 4n }],
    };

    expect(translateAppendError(violation, [request({ streamId: 'counter', expectedRevision: 0n })])).toMatchObject({
      streamId: 'counter',
      expected: 0n,
      actual: 4n,
    });
  });

  it('says which server version is needed when the multi-stream append is unsupported', () => {
    const translated = translateAppendError(new UnsupportedError('multiStreamAppend', '25.1'), [request(), request({ streamId: 'b' })]);

    expect(translated).toBeInstanceOf(InvalidAppendError);
    expect((translated as Error).message).toMatch(/2 streams atomically needs the multi-stream append of KurrentDB 25\.1 or later/);
    expect((translated as Error).message).toMatch(/single-stream appends still work/);
  });

  it('returns every other error unchanged', () => {
    const deleted = StreamDeletedError.fromStreamName('s');
    const plain = new Error('boom');

    expect(translateAppendError(deleted, [request()])).toBe(deleted);
    expect(translateAppendError(plain, [request()])).toBe(plain);
    expect(translateAppendError('not an error', [request()])).toBe('not an error');
  });
});

describe('KurrentDB mapping: appends', () => {
  it('accepts a well-formed append', () => {
    expect(() => validateAppendRequests([request(), request({ streamId: 'other', events: [event({ eventId: OTHER_ID })] })])).not.toThrow();
    expect(() => validateAppendRequests([request({ events: [] })])).not.toThrow();
  });

  it('refuses what the PostgreSQL adapter refuses, and KurrentDB system names', () => {
    const refusals: [string, AppendRequest[]][] = [
      ['no stream', []],
      ['empty stream id', [request({ streamId: '' })]],
      ['system stream', [request({ streamId: '$settings' })]],
      ['stream twice', [request(), request({ events: [event({ eventId: OTHER_ID })] })]],
      ['negative revision', [request({ expectedRevision: -2n })]],
      ['not a uuid', [request({ events: [event({ eventId: 'order-1' })] })]],
      ['id twice (any case)', [request({ events: [event(), event({ eventId: ID.toUpperCase() })] })]],
      ['no type', [request({ events: [event({ type: '' })] })]],
      ['system event type', [request({ events: [event({ type: '$metadata' })] })]],
      ['too many events', [request({ events: Array.from({ length: 10_001 }, () => event({ eventId: randomUUID() })) })]],
    ];
    const accepted = refusals
      .filter(([, requests]) => {
        try {
          validateAppendRequests(requests);
          return true;
        } catch (error) {
          return !(error instanceof InvalidAppendError);
        }
      })
      .map(([label]) => label);

    expect(accepted).toEqual([]);
  });

  it("serialises our event as the client's JSON event with the caller's id", () => {
    expect(toClientEventData(event())).toEqual({
      id: ID,
      contentType: 'application/json',
      type: 'InvoiceIssued',
      data: { amount: '10.00' },
      metadata: { tenant: 'acme' },
    });
    expect(toClientEventData(event({ metadata: undefined }))).toMatchObject({ id: ID, metadata: undefined });
  });

  it('builds a multi-stream request per stream with its expected state', () => {
    expect(toClientAppendStreamRequest(request({ streamId: 'invoice', expectedRevision: 4n }))).toEqual({
      streamName: 'invoice',
      expectedState: 4n,
      events: [toClientEventData(event())],
    });
  });

  it('refuses what the multi-stream append cannot carry: non-string metadata, a stream without events', () => {
    expect(() => toClientAppendStreamRequest(request({ events: [event({ metadata: { attempt: 2 } })] }))).toThrow(/metadata "attempt" is not a string/);
    expect(() => toClientAppendStreamRequest(request({ events: [] }))).toThrow(InvalidAppendError);
  });
});

describe('KurrentDB mapping: positions and cursors', () => {
  it('maps positions both ways as fresh objects', () => {
    const ours = { commit: 1200n, prepare: 1100n };
    const theirs = toClientPosition(ours);

    expect(theirs).toEqual({ commit: 1200n, prepare: 1100n });
    expect(theirs).not.toBe(ours);
    expect(fromClientPosition(theirs)).toEqual(ours);
  });

  it('round-trips a client position through a cursor string', () => {
    const clientPosition = { commit: 18446744073709551615n, prepare: 42n };
    const cursor = encodePosition(fromClientPosition(clientPosition));

    expect(cursor).toBe('18446744073709551615.42');
    expect(toClientPosition(decodePosition(cursor))).toEqual(clientPosition);
  });

  it('refuses a position outside unsigned 64 bits', () => {
    expect(() => toClientPosition({ commit: -1n, prepare: 0n })).toThrow(InvalidPositionError);
    expect(() => toClientPosition({ commit: 0n, prepare: TWO_TO_64 })).toThrow(InvalidPositionError);
  });

  it("maps 'start' and 'end' to the client's START and END", () => {
    expect(toClientReadPosition('start')).toBe(START);
    expect(toClientReadPosition('end')).toBe(END);
    expect(toClientReadPosition({ commit: 5n, prepare: 5n })).toEqual({ commit: 5n, prepare: 5n });
  });

  it('ignores a checkpoint that is no real place in the log (the server -1 as 2^64 - 1)', () => {
    expect(fromClientCheckpoint({ commit: 300n, prepare: 300n })).toEqual({ commit: 300n, prepare: 300n });
    expect(fromClientCheckpoint({ commit: TWO_TO_64 - 1n, prepare: TWO_TO_64 - 1n })).toBeUndefined();
    expect(fromClientCheckpoint(undefined)).toBeUndefined();
  });

  it('reads the caught-up checkpoint of $all and stream subscriptions', () => {
    expect(fromClientCaughtUp({ date: CREATED, position: { commit: 9n, prepare: 9n } })).toEqual({ position: { commit: 9n, prepare: 9n } });
    expect(fromClientCaughtUp({ date: CREATED, revision: 4n })).toEqual({ revision: 4n });
    expect(fromClientCaughtUp({ revision: TWO_TO_64 - 1n })).toEqual({});
    expect(fromClientCaughtUp({})).toEqual({});
  });
});

describe('KurrentDB mapping: recorded events', () => {
  it('maps a JSON event: stream, revision, lower-case id, type, data, metadata, position and created date', () => {
    expect(toRecordedEvent(resolved())).toEqual({
      streamId: 'acme:invoice-1',
      revision: 3n,
      eventId: ID,
      type: 'InvoiceIssued',
      data: { amount: '10.00' },
      metadata: { tenant: 'acme' },
      position: { commit: 1200n, prepare: 1200n },
      recordedAt: CREATED,
    });
  });

  it('reads missing or empty metadata as {}', () => {
    expect(toRecordedEvent(resolved({ metadata: undefined }))?.metadata).toEqual({});
    expect(toRecordedEvent(resolved({ metadata: new Uint8Array() }))?.metadata).toEqual({});
  });

  it('decodes JSON that arrives as bytes', () => {
    const bytes = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'));

    const mapped = toRecordedEvent(resolved({ isJson: false, data: bytes({ a: 1 }), metadata: bytes({ b: 'c' }) }));

    expect(mapped).toMatchObject({ data: { a: 1 }, metadata: { b: 'c' } });
  });

  it('fails loudly on data or metadata that is not a JSON object', () => {
    expect(() => toRecordedEvent(resolved({ isJson: false, data: new Uint8Array([0xff, 0x00]) }))).toThrow(KurrentDbAssertionError);
    expect(() => toRecordedEvent(resolved({ data: '{not json' }))).toThrow(/is not a JSON object/);
    expect(() => toRecordedEvent(resolved({ data: [1, 2] }))).toThrow(KurrentDbAssertionError);
    expect(() => toRecordedEvent(resolved({ metadata: 'text' }))).toThrow(/metadata .* is not a JSON object/);
  });

  it('treats a missing position as an assertion error naming the event', () => {
    expect(() => toRecordedEvent(resolved({ position: undefined }))).toThrow(KurrentDbAssertionError);
    expect(() => toRecordedEvent(resolved({ position: undefined }))).toThrow(/revision 3 of stream acme:invoice-1 without a position/);
  });

  it('maps a resolved link to its target event at the link position (where the reader is)', () => {
    const link = record({ streamId: '$ce-acme', type: '$>', revision: 77n, position: { commit: 5000n, prepare: 5000n } });

    const mapped = toRecordedEvent(resolved({}, { link }));

    expect(mapped).toMatchObject({ streamId: 'acme:invoice-1', revision: 3n, type: 'InvoiceIssued', position: { commit: 5000n, prepare: 5000n } });
    expect(originalPosition(resolved({}, { link }))).toEqual({ commit: 5000n, prepare: 5000n });
    expect(originalPosition(resolved())).toEqual({ commit: 1200n, prepare: 1200n });
  });

  it('skips a link whose target is gone, and refuses a resolved event with neither part', () => {
    expect(toRecordedEvent({ link: record({ type: '$>' }) } as unknown as AllStreamResolvedEvent)).toBeUndefined();
    expect(() => toRecordedEvent({} as ResolvedEvent)).toThrow(KurrentDbAssertionError);
  });

  it('recognises system event types by their $', () => {
    expect(isSystemEventType('$>')).toBe(true);
    expect(isSystemEventType('$metadata')).toBe(true);
    expect(isSystemEventType('InvoiceIssued')).toBe(false);
  });

  it('collects a stream read, and reads a missing stream (StreamNotFoundError while iterating) as []', async () => {
    async function* found() {
      yield resolved({ revision: 0n });
      yield resolved({ revision: 1n });
    }
    /** Like the client's read: the error surfaces on the first next(), not when the read is created. */
    const failing = (error: Error): AsyncIterable<ResolvedEvent> => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
    });
    const missing = () => failing(new StreamNotFoundError(undefined, 'acme:invoice-404'));
    const denied = () => failing(new AccessDeniedError(undefined, 'access denied'));

    expect((await collectStreamEvents(found())).map((each) => each.revision)).toEqual([0n, 1n]);
    expect(await collectStreamEvents(missing())).toEqual([]);
    await expect(collectStreamEvents(denied())).rejects.toBeInstanceOf(AccessDeniedError);
  });
});

describe('KurrentDB mapping: filters', () => {
  it('escapes every regular-expression character of an event type', () => {
    const nasty = 'a.b*c+d?e^f$g|h(i)j[k]l{m}n\\o';
    const escaped = escapeRegex(nasty);

    expect(new RegExp(`^${escaped}$`).test(nasty)).toBe(true);
    expect(new RegExp(`^${escaped}$`).test('aXb*c+d?e^f$g|h(i)j[k]l{m}n\\o')).toBe(false);
  });

  it('matches exact event type names only, with one anchored alternation', () => {
    const regex = exactNamesRegex(['Invoiced', 'Paid.v2']);
    const pattern = new RegExp(regex);

    expect(regex).toBe('^(?:Invoiced|Paid\\.v2)$');
    expect(['Invoiced', 'Paid.v2'].map((type) => pattern.test(type))).toEqual([true, true]);
    expect(['InvoicedLate', 'PreInvoiced', 'PaidXv2', 'Invoiced|Paid.v2'].map((type) => pattern.test(type))).toEqual([false, false, false, false]);
  });

  it('without a filter, excludes system events on the server and here', () => {
    const plan = planFilter(undefined);

    expect(plan.serverSide).toBe('exclude_system_events');
    expect(plan.server).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
    expect(plan.matches('acme:invoice-1', 'InvoiceIssued')).toBe(true);
    expect(plan.matches('$stats-1', '$statsCollected')).toBe(false);
  });

  it('filters event types on the server by an exact-name regex', () => {
    const plan = planFilter({ eventTypes: ['Invoiced', 'Voided'] });

    expect(plan.serverSide).toBe('event_types');
    expect(plan.server).toMatchObject({ filterOn: 'eventType', regex: '^(?:Invoiced|Voided)$' });
    expect(plan.checkedHere).toEqual([]);
    expect(plan.matches('any', 'Voided')).toBe(true);
    expect(plan.matches('any', 'VoidedTwice')).toBe(false);
  });

  it('filters stream prefixes on the server, literally', () => {
    const plan = planFilter({ streamPrefixes: ['acme:invoice-', 'acme:a_'] });

    expect(plan.serverSide).toBe('stream_prefixes');
    expect(plan.server).toMatchObject({ filterOn: 'streamName', prefixes: ['acme:invoice-', 'acme:a_'] });
    expect(plan.matches('acme:invoice-7', 'Invoiced')).toBe(true);
    expect(plan.matches('acme:a_b-1', 'Invoiced')).toBe(true);
    expect(plan.matches('acme:axb-1', 'Invoiced')).toBe(false);
  });

  it('with both, sends the stream prefixes to the server and checks the event types here', () => {
    const plan = planFilter({ eventTypes: ['Invoiced'], streamPrefixes: ['acme:'] });

    expect(plan.serverSide).toBe('stream_prefixes');
    expect(plan.server).toMatchObject({ filterOn: 'streamName', prefixes: ['acme:'] });
    expect(plan.checkedHere).toEqual(['Invoiced']);
    expect(plan.matches('acme:invoice-1', 'Invoiced')).toBe(true);
    expect(plan.matches('acme:invoice-1', 'Paid')).toBe(false);
    expect(plan.matches('globex:invoice-1', 'Invoiced')).toBe(false);
  });

  it('treats empty lists as no constraint (like the PostgreSQL adapter) and passes the checkpoint callback on', () => {
    const checkpointReached = () => undefined;

    expect(planFilter({ eventTypes: [], streamPrefixes: [] }).serverSide).toBe('exclude_system_events');
    expect(planFilter({ streamPrefixes: ['a'] }, { checkpointReached }).server.checkpointReached).toBe(checkpointReached);
    expect(planFilter({ eventTypes: ['A'] }, { checkpointReached }).server.checkpointReached).toBe(checkpointReached);
    expect(planFilter(undefined, { checkpointReached }).server.checkpointReached).toBe(checkpointReached);
  });
});

describe('KurrentDB mapping: read options', () => {
  it('maps readStream defaults: forwards from START, backwards from END, 1,000 events', () => {
    expect(toClientReadStreamOptions()).toEqual({ direction: FORWARDS, fromRevision: START, maxCount: READ_COUNT_DEFAULT });
    expect(toClientReadStreamOptions({ direction: 'backwards' })).toEqual({ direction: BACKWARDS, fromRevision: END, maxCount: READ_COUNT_DEFAULT });
  });

  it('maps readStream revisions and counts', () => {
    expect(toClientReadStreamOptions({ fromRevision: 9n, maxCount: 3 })).toEqual({ direction: FORWARDS, fromRevision: 9n, maxCount: 3 });
    expect(toClientReadStreamOptions({ direction: 'backwards', fromRevision: 'start' })).toMatchObject({ fromRevision: START });
    expect(toClientReadStreamOptions({ fromRevision: 'end' })).toMatchObject({ fromRevision: END });
    expect(() => toClientReadRevision(-1n)).toThrow(InvalidAppendError);
  });

  it('caps maxCount like the PostgreSQL adapter and refuses a count that is not a positive integer', () => {
    expect(readCount(undefined)).toBe(READ_COUNT_DEFAULT);
    expect(readCount(50_000)).toBe(READ_COUNT_MAX);
    expect(() => readCount(0)).toThrow(InvalidAppendError);
    expect(() => readCount(1.5)).toThrow(InvalidAppendError);
  });

  it('maps directions', () => {
    expect(toClientDirection(undefined)).toBe(FORWARDS);
    expect(toClientDirection('forwards')).toBe(FORWARDS);
    expect(toClientDirection('backwards')).toBe(BACKWARDS);
  });

  it('starts readAll at the given position and remembers it as the excluded boundary', () => {
    const from = { commit: 10n, prepare: 10n };

    expect(toReadAllStart({})).toEqual({ direction: FORWARDS, fromPosition: START, maxCount: READ_COUNT_DEFAULT, nothing: false });
    expect(toReadAllStart({ direction: 'backwards' })).toMatchObject({ fromPosition: END, nothing: false });
    expect(toReadAllStart({ fromPosition: from, maxCount: 2 })).toEqual({ direction: FORWARDS, fromPosition: from, after: from, maxCount: 2, nothing: false });
    expect(toReadAllStart({ fromPosition: 'end' }).nothing).toBe(true);
    expect(toReadAllStart({ direction: 'backwards', fromPosition: 'start' }).nothing).toBe(true);
  });

  it('excludes the boundary position in both directions', () => {
    const boundary = { commit: 10n, prepare: 10n };

    expect(isBeyond({ commit: 10n, prepare: 10n }, boundary, FORWARDS)).toBe(false);
    expect(isBeyond({ commit: 10n, prepare: 11n }, boundary, FORWARDS)).toBe(true);
    expect(isBeyond({ commit: 9n, prepare: 99n }, boundary, FORWARDS)).toBe(false);
    expect(isBeyond({ commit: 10n, prepare: 10n }, boundary, BACKWARDS)).toBe(false);
    expect(isBeyond({ commit: 9n, prepare: 99n }, boundary, BACKWARDS)).toBe(true);
    expect(isBeyond({ commit: 1n, prepare: 1n }, undefined, BACKWARDS)).toBe(true);
  });
});

describe('KurrentDB mapping: subscription drops', () => {
  it('backs off exponentially up to the cap', () => {
    const delays = Array.from({ length: 9 }, (_, index) => retryDelayMs(index + 1));

    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    expect(DEFAULT_RETRY_POLICY.attemptsMax).toBeGreaterThan(0);
    expect(retryDelayMs(3, { attemptsMax: 3, delayMsInitial: 1, delayMsMax: 3 })).toBe(3);
  });

  it('resubscribes after connection-level failures and a clean end, and surfaces everything else', () => {
    expect(isTransientSubscriptionError(new UnavailableError())).toBe(true);
    expect(isTransientSubscriptionError(new DeadlineExceededError())).toBe(true);
    expect(isTransientSubscriptionError({ type: 'not-leader' })).toBe(true);
    expect(isTransientSubscriptionError(new SubscriptionEndedError())).toBe(true);
    expect(isTransientSubscriptionError(new AccessDeniedError())).toBe(false);
    expect(isTransientSubscriptionError(StreamDeletedError.fromStreamName('s'))).toBe(false);
    expect(isTransientSubscriptionError(new KurrentDbAssertionError('bad event'))).toBe(false);
    expect(isTransientSubscriptionError(new Error('boom'))).toBe(false);
  });
});
