/**
 * The event store port on KurrentDB, through `@kurrent/kurrentdb-client` 1.x. A thin adapter: the port mirrors
 * KurrentDB's semantics, so most of the work is the mapping in kurrentdb-mapping.ts (unit-tested) and the
 * subscription pump in kurrentdb-subscription.ts.
 *
 * Server requirements: KurrentDB (or EventStoreDB 23.10 or later, for event positions on stream reads and the
 * caught-up signal of subscriptions); KurrentDB 25.1 or later for appendToStreams over more than one stream. The
 * connection's user must be allowed to read `$all` (readAll, subscribeToAll, headPosition).
 *
 * - appendToStream: the client's append with `streamState`. Idempotency is KurrentDB's own rule, keyed by the
 *   caller's event ids: the same ids right after the expected revision are acknowledged without writing, a partial
 *   overlap is a conflict. An append of no events checks the expected revision by reading the stream's last event
 *   (it writes nothing, so there is nothing to make atomic) and, like the PostgreSQL adapter, answers the start
 *   position.
 * - appendToStreams: one stream goes through appendToStream; several go through the client's `multiStreamAppend`
 *   (KurrentDB 25.1+: all streams are written or none). Its answer carries one transaction position and each
 *   stream's last revision, so the adapter reads each stream's last written event back for the exact per-stream
 *   positions the port returns. Limits of that server feature: string metadata values only, every stream must
 *   receive at least one event; both are refused with an InvalidAppendError before anything is sent. On a server or
 *   client without it, an InvalidAppendError says which version is needed.
 * - readStream / readAll: the client's async-iterable reads collected into arrays with the same maxCount defaults
 *   as the PostgreSQL adapter (1,000, at most 10,000). A missing stream reads as []. readAll's fromPosition is
 *   exclusive: KurrentDB's is inclusive, so the boundary event is dropped and the page is one longer. System events
 *   are never returned; when part of the filter is checked here (see planFilter) the read pages until maxCount
 *   matching events are found or the log ends.
 * - subscribeToAll / subscribeToStream: the client's catch-up subscriptions (start exclusive, like the port), with
 *   caught_up mapped from the client's `caughtUp` event and filter checkpoints, and resubscription after a drop
 *   (see KurrentDbSubscription). A start at 'end' is resolved to the current last position (or revision) first, so
 *   a resubscription can never skip what was appended in between.
 * - headPosition: `$all` read backwards, one event (system events included: they are positions too).
 */
import { BACKWARDS, END, FORWARDS, KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { AllStreamResolvedEvent } from '@kurrent/kurrentdb-client';
import { InvalidAppendError, WrongExpectedVersionError } from '../event-store.errors.js';
import type {
  AppendRequest,
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  MultiStreamAppendResult,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscribeToStreamOptions,
  Subscription,
} from '../event-store.port.js';
import { maxPosition, START_POSITION } from '../position.js';
import {
  KurrentDbAssertionError,
  collectStreamEvents,
  fromClientPosition,
  isBeyond,
  multiStreamAppendUnsupportedMessage,
  originalPosition,
  planFilter,
  toClientAppendStreamRequest,
  toClientEventData,
  toClientPosition,
  toClientReadRevision,
  toClientReadStreamOptions,
  toClientStreamState,
  toReadAllStart,
  toRecordedEvent,
  translateAppendError,
  validateAppendRequests,
  type RetryPolicy,
} from './kurrentdb-mapping.js';
import { AllCursor, KurrentDbSubscription, StreamCursor, type ClientSubscriptionLike } from './kurrentdb-subscription.js';

/** The part of the client the adapter uses (a real KurrentDBClient, or another implementation of the same calls). */
export type KurrentDbClientLike = Pick<
  KurrentDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'subscribeToStream' | 'dispose'
> &
  Partial<Pick<KurrentDBClient, 'multiStreamAppend'>>;

export interface KurrentDbEventStoreOptions {
  /** e.g. `kurrentdb://admin:changeit@localhost:2113?tls=false`. */
  readonly connectionString?: string;
  /** A client to use instead; close() disposes it only when `ownsClient` is true. */
  readonly client?: KurrentDbClientLike;
  readonly ownsClient?: boolean;
  /** Resubscription after a dropped subscription: attempts in a row and backoff. */
  readonly retry?: RetryPolicy;
}

/** How many more events a readAll page asks for when part of the filter is checked here. */
const CLIENT_FILTER_PAGE_MIN = 256;

export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDbClientLike;
  private readonly ownsClient: boolean;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(private readonly options: KurrentDbEventStoreOptions) {
    if (options.client) {
      this.client = options.client;
      this.ownsClient = options.ownsClient ?? false;
    } else if (options.connectionString) {
      this.client = KurrentDBClient.connectionString(options.connectionString);
      this.ownsClient = true;
    } else {
      throw new Error('KurrentDbEventStore needs a connectionString or a client');
    }
  }

  async appendToStream(streamId: string, events: readonly EventData[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    const request: AppendRequest = { streamId, events, expectedRevision: options.expectedRevision };
    validateAppendRequests([request]);
    if (events.length === 0) return this.checkRevision(request);
    let result;
    try {
      result = await this.client.appendToStream(streamId, events.map(toClientEventData), {
        streamState: toClientStreamState(options.expectedRevision),
      });
    } catch (error) {
      throw translateAppendError(error, [request]);
    }
    const position = result.position ? fromClientPosition(result.position) : await this.positionAt(streamId, result.nextExpectedRevision);
    return { nextExpectedRevision: result.nextExpectedRevision, position: position ?? START_POSITION };
  }

  async appendToStreams(requests: readonly AppendRequest[]): Promise<MultiStreamAppendResult> {
    validateAppendRequests(requests);
    const [single] = requests;
    if (single && requests.length === 1) {
      const result = await this.appendToStream(single.streamId, single.events, { expectedRevision: single.expectedRevision });
      return { results: [result], position: result.position };
    }
    const payload = requests.map(toClientAppendStreamRequest);
    if (typeof this.client.multiStreamAppend !== 'function') {
      throw new InvalidAppendError(multiStreamAppendUnsupportedMessage(requests.length, 'the installed @kurrent/kurrentdb-client has no multiStreamAppend'));
    }
    let answer;
    try {
      answer = await this.client.multiStreamAppend(payload);
    } catch (error) {
      throw translateAppendError(error, requests);
    }
    const transaction: Position = { commit: answer.position, prepare: answer.position };
    const results = await Promise.all(
      requests.map(async (request): Promise<AppendResult> => {
        const response = answer.responses.find((each) => each.streamName === request.streamId);
        if (!response) throw new KurrentDbAssertionError(`KurrentDB's multi-stream append did not report stream ${request.streamId}`);
        const position = await this.positionAt(request.streamId, response.revision);
        return { nextExpectedRevision: response.revision, position: position ?? transaction };
      }),
    );
    const position = results.map((result) => result.position).reduce((left, right) => maxPosition(left, right));
    return { results, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return collectStreamEvents(this.client.readStream(streamId, toClientReadStreamOptions(options)));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const start = toReadAllStart(options);
    if (start.nothing) return [];
    const plan = planFilter(options.filter);
    const found: RecordedEvent[] = [];
    let fromPosition = start.fromPosition;
    let after = start.after;
    for (;;) {
      const wanted = start.maxCount - found.length;
      // One more than wanted: KurrentDB includes the event at fromPosition, which the port excludes.
      const pageSize = plan.checkedHere.length > 0 ? Math.max(wanted + 1, CLIENT_FILTER_PAGE_MIN) : wanted + 1;
      let received = 0;
      let last: Position | undefined;
      for await (const resolved of this.client.readAll({ direction: start.direction, fromPosition, maxCount: pageSize, filter: plan.server })) {
        received += 1;
        const position = originalPosition(resolved);
        if (!position) throw new KurrentDbAssertionError('KurrentDB returned a $all event without a position');
        last = position;
        if (!isBeyond(position, after, start.direction)) continue;
        const event = this.onAll(resolved, plan.matches);
        if (event) found.push(event);
        if (found.length === start.maxCount) return found;
      }
      if (received < pageSize || !last) return found;
      fromPosition = toClientPosition(last);
      after = last;
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const from = options.fromPosition ?? 'start';
    const matches = planFilter(options.filter).matches;
    const cursor = new AllCursor(typeof from === 'object' ? from : undefined, { matches });
    return this.track(
      (onClose) =>
        new KurrentDbSubscription({
          cursor,
          retry: this.options.retry,
          onClose,
          // From the end: start after the last position now, so that a resubscription cannot skip anything.
          prepare: from === 'end' ? async () => cursor.startAfter(await this.lastPosition()) : undefined,
          subscribe: (onCheckpoint) =>
            this.client.subscribeToAll({
              fromPosition: cursor.resumeFrom(),
              filter: planFilter(options.filter, { checkpointReached: (_subscription, position) => onCheckpoint(position) }).server,
            }) as ClientSubscriptionLike,
        }),
    );
  }

  subscribeToStream(streamId: string, options: SubscribeToStreamOptions = {}): Subscription {
    const from = options.fromRevision ?? 'start';
    if (typeof from === 'bigint') toClientReadRevision(from);
    const cursor = new StreamCursor(typeof from === 'bigint' ? from : undefined);
    return this.track(
      (onClose) =>
        new KurrentDbSubscription({
          cursor,
          retry: this.options.retry,
          onClose,
          prepare:
            from === 'end'
              ? async () => cursor.startAfter((await this.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0]?.revision)
              : undefined,
          subscribe: () => this.client.subscribeToStream(streamId, { fromRevision: cursor.resumeFrom() }) as ClientSubscriptionLike,
        }),
    );
  }

  async headPosition(): Promise<Position> {
    return (await this.lastPosition()) ?? START_POSITION;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.ownsClient) await this.client.dispose();
  }

  /** The position of the last record in `$all`, or `undefined` for an empty log. */
  private async lastPosition(): Promise<Position | undefined> {
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
      const position = originalPosition(resolved);
      if (!position) throw new KurrentDbAssertionError('KurrentDB returned the last $all event without a position');
      return position;
    }
    return undefined;
  }

  /** A `$all` event for the port: no system events, only what the complete filter matches. */
  private onAll(resolved: AllStreamResolvedEvent, matches: (streamId: string, type: string) => boolean): RecordedEvent | undefined {
    const record = resolved.event;
    if (!record || !matches(record.streamId, record.type)) return undefined;
    return toRecordedEvent(resolved);
  }

  /** The position of the event at `revision` of a stream, or `undefined` when it cannot be read (any more). */
  private async positionAt(streamId: string, revision: bigint): Promise<Position | undefined> {
    if (revision < 0n) return undefined;
    const [event] = await collectStreamEvents(this.client.readStream(streamId, { direction: FORWARDS, fromRevision: revision, maxCount: 1 }));
    return event?.position;
  }

  /** An append of no events: checks the expected revision against the stream's last event and writes nothing. */
  private async checkRevision(request: AppendRequest): Promise<AppendResult> {
    const [last] = await this.readStream(request.streamId, { direction: 'backwards', maxCount: 1 });
    const current = last?.revision;
    const expected = request.expectedRevision;
    const matches =
      expected === 'any' ||
      (expected === 'no_stream' && current === undefined) ||
      (expected === 'stream_exists' && current !== undefined) ||
      (typeof expected === 'bigint' && current === expected);
    if (!matches) throw new WrongExpectedVersionError(request.streamId, expected, current ?? 'no_stream');
    return { nextExpectedRevision: current ?? -1n, position: START_POSITION };
  }

  private track(open: (onClose: () => void) => Subscription): Subscription {
    if (this.closed) throw new Error('the KurrentDB event store is closed');
    let subscription: Subscription | undefined = undefined;
    subscription = open(() => {
      if (subscription) this.subscriptions.delete(subscription);
    });
    this.subscriptions.add(subscription);
    return subscription;
  }
}
