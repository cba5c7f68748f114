import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type { DomainEventLike } from '../../application/src/index.js';
import { comparePositions, maxPosition, START_POSITION, type EventData, type EventStore, type JsonObject, type Position, type RecordedEvent } from '../../event-store/src/index.js';

/**
 * Given / When / Then for command handlers, on a real event store, in the style of Emmett's ApiSpecification:
 *
 *   const spec = HandlerSpecification.for({ store, settle });
 *   await spec
 *     .given({ [invoiceStream]: [invoiceDrafted] })
 *     .when(() => issueInvoice(services, context, { invoiceId }))
 *     .then({ [sequenceStream]: [documentNumberAssigned], [invoiceStream]: [invoiceIssued] });
 *   await spec.given({ [invoiceStream]: [drafted, voided] }).when(() => writeOff(...)).thenFails('INVOICE_NOT_OPEN');
 *
 * `given` appends each stream's events to the store (one atomic append; every stream must be new, so each case needs
 * its own ids or tenant), `when` runs the command however the caller runs it (a handler call, an HTTP request), and:
 * - `then` asserts that EXACTLY the expected events were appended after the given ones, stream by stream: every event
 *   the log shows after the given append, on any stream, must be expected (type and data, in order; `metadata`, when an
 *   expected event names some, compared on those keys only), and every expected one must be there. `{}` asserts that
 *   nothing was appended. It returns the command's result.
 * - `thenFails` asserts that the command threw an error whose stable `code` is the one given (and whose message matches,
 *   when a pattern is given), and that nothing was appended: no event after the given ones on the log, every given
 *   stream still at the revision the given events left it.
 *
 * `settle` runs before each read of the log: on PostgreSQL the global log shows an event only once every transaction
 * older than it has ended (anywhere on the server), so the caller passes something that waits for that (test/support's
 * waitForEarlierTransactions). It is required because without it an event on an unexpected stream could stay hidden
 * and a wrong spec pass; the streams named by the spec are also read one by one (those reads see every commit), and a
 * difference from the log fails the spec, so a `settle` that does not do its job is noticed.
 *
 * The helper knows only the event-store port: the handlers, their services and the domain stay the caller's.
 */
export interface HandlerSpecOptions {
  readonly store: EventStore;
  /** Waits until the global log shows every event committed before the call (PostgreSQL's barrier). */
  readonly settle: () => Promise<void>;
  /** Count only streams with one of these prefixes (e.g. a tenant's `acme:`); every stream when omitted. */
  readonly streamPrefixes?: readonly string[];
}

/** An event to append in `given`: a domain event as the handlers emit it, optionally with stored metadata and id. */
export interface GivenEvent extends DomainEventLike {
  readonly metadata?: JsonObject;
  readonly eventId?: string;
}

export type GivenStreams = Readonly<Record<string, readonly GivenEvent[]>>;

/** An event `then` expects; `data` (and `metadata`) may hold asymmetric matchers such as expect.any(String). */
export interface ExpectedEvent {
  readonly type: string;
  readonly data: unknown;
  /** Compared on these keys only: the event's metadata may carry more. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export type ExpectedStreams = Readonly<Record<string, readonly ExpectedEvent[]>>;

export interface HandlerThen<Result> {
  /** Exactly these new events, by stream (a stream listed with `[]` must get none); resolves to the command's result. */
  then(expected: ExpectedStreams): Promise<Result>;
  /** The command fails with this code (and a message matching `messageMatch`), and appends nothing. */
  thenFails(code: string, messageMatch?: RegExp): Promise<void>;
}

export interface HandlerWhen {
  when<Result>(command: () => Promise<Result>): HandlerThen<Result>;
}

export interface HandlerGiven {
  given(streams: GivenStreams): HandlerWhen;
}

/** Where the log stood once the given events were in, and the revision each given stream was left at. */
interface Baseline {
  readonly from: Position | 'start';
  readonly revisions: ReadonlyMap<string, bigint | 'no_stream'>;
}

type Outcome<Result> = { readonly kind: 'result'; readonly result: Result } | { readonly kind: 'error'; readonly error: unknown };

const READ_PAGE = 1_000;
/** More new events than any one command writes: a loop without a bound would hide a store that never ends a read. */
const NEW_EVENTS_MAX = 10_000;

export const HandlerSpecification = {
  for(options: HandlerSpecOptions): HandlerGiven {
    return {
      given(streams) {
        return {
          when<Result>(command: () => Promise<Result>): HandlerThen<Result> {
            const run = async (): Promise<{ baseline: Baseline; outcome: Outcome<Result> }> => {
              const baseline = await appendGiven(options, streams);
              try {
                return { baseline, outcome: { kind: 'result', result: await command() } };
              } catch (error) {
                return { baseline, outcome: { kind: 'error', error } };
              }
            };
            return {
              async then(expected) {
                const { baseline, outcome } = await run();
                if (outcome.kind === 'error') throw new Error(`expected new events but the command failed: ${describeError(outcome.error)}`, { cause: outcome.error });
                const appended = await newEvents(options, baseline, Object.keys(expected));
                const streamIds = [...new Set([...appended.keys(), ...Object.keys(expected)])];
                const actualView: Record<string, unknown[]> = {};
                const expectedView: Record<string, unknown[]> = {};
                for (const streamId of streamIds) {
                  const wanted = expected[streamId] ?? [];
                  actualView[streamId] = (appended.get(streamId) ?? []).map((event, index) => viewOf(event, wanted[index]));
                  expectedView[streamId] = wanted.map((event) => ({ type: event.type, data: event.data, ...(event.metadata === undefined ? {} : { metadata: event.metadata }) }));
                }
                expect(actualView).toEqual(expectedView);
                return outcome.result;
              },
              async thenFails(code, messageMatch) {
                const { baseline, outcome } = await run();
                const appended = await newEvents(options, baseline, []);
                if (outcome.kind === 'result') {
                  throw new Error(`expected the command to fail with ${code}, but it succeeded and appended ${describeAppended(appended)}`);
                }
                const error = outcome.error as { code?: unknown; message?: unknown } | null;
                expect({ code: error?.code, message: error?.message }).toEqual({
                  code,
                  message: messageMatch === undefined ? expect.any(String) : expect.stringMatching(messageMatch),
                });
                if (appended.size > 0) throw new Error(`the command failed with ${code} as expected, but appended ${describeAppended(appended)} first`);
                for (const [streamId, revision] of baseline.revisions) {
                  const now = await lastRevisionOf(options.store, streamId);
                  if (now !== revision) throw new Error(`the command failed with ${code} as expected, but given stream ${streamId} moved from revision ${String(revision)} to ${String(now)}`);
                }
              },
            };
          },
        };
      },
    };
  },
};

/** Appends every given stream at once (each must be new), then waits until the log shows them. */
async function appendGiven(options: HandlerSpecOptions, streams: GivenStreams): Promise<Baseline> {
  const { store, settle } = options;
  const revisions = new Map<string, bigint | 'no_stream'>();
  const requests = Object.entries(streams).map(([streamId, events]) => {
    revisions.set(streamId, events.length === 0 ? 'no_stream' : BigInt(events.length - 1));
    return { streamId, expectedRevision: 'no_stream' as const, events: events.map(toEventData) };
  });
  const written = requests.filter((request) => request.events.length > 0);
  const appended = written.length === 0 ? undefined : await store.appendToStreams(written);
  await settle();
  const head = await store.headPosition();
  const from = appended === undefined ? head : maxPosition(head, appended.position);
  return { from: comparePositions(from, START_POSITION) === 0 ? 'start' : from, revisions };
}

function toEventData(event: GivenEvent): EventData {
  return { eventId: event.eventId ?? randomUUID(), type: event.type, data: event.data as JsonObject, metadata: event.metadata ?? {} };
}

/**
 * Every event appended after the baseline, grouped by stream in log order. The log is read after `settle`; the given
 * streams and `alsoRead` are read one by one as well, and an event those reads see but the log does not fails the
 * spec (the log's reader would have missed it: `settle` did not wait for everything).
 */
async function newEvents(options: HandlerSpecOptions, baseline: Baseline, alsoRead: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
  const { store, settle, streamPrefixes } = options;
  await settle();
  const fromLog: RecordedEvent[] = [];
  for (let position = baseline.from; ; ) {
    const page = await store.readAll({ fromPosition: position, maxCount: READ_PAGE, ...(streamPrefixes === undefined ? {} : { filter: { streamPrefixes } }) });
    fromLog.push(...page);
    const last = page.at(-1);
    if (page.length < READ_PAGE || last === undefined) break;
    if (fromLog.length > NEW_EVENTS_MAX) throw new Error(`more than ${NEW_EVENTS_MAX} events were appended after the given ones: more than any command writes`);
    position = last.position;
  }
  const seen = new Set(fromLog.map((event) => event.eventId));
  const counted = (streamId: string) => streamPrefixes === undefined || streamPrefixes.some((prefix) => streamId.startsWith(prefix));
  for (const streamId of new Set([...baseline.revisions.keys(), ...alsoRead])) {
    if (!counted(streamId)) continue;
    const revision = baseline.revisions.get(streamId);
    const fromRevision = revision === undefined || revision === 'no_stream' ? 'start' : revision + 1n;
    const missed = (await store.readStream(streamId, { fromRevision, maxCount: NEW_EVENTS_MAX })).filter((event) => !seen.has(event.eventId));
    if (missed.length > 0) {
      throw new Error(`stream ${streamId} has ${missed.length} new event(s) the global log did not show (${missed.map((event) => event.type).join(', ')}): the spec's settle() did not wait for every earlier transaction`);
    }
  }
  const byStream = new Map<string, RecordedEvent[]>();
  for (const event of fromLog) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
  return byStream;
}

/** What `then` compares: type and data, and the metadata keys the expected event names (if any). */
function viewOf(event: RecordedEvent, expected: ExpectedEvent | undefined): Record<string, unknown> {
  const view: Record<string, unknown> = { type: event.type, data: event.data };
  if (expected?.metadata !== undefined) view.metadata = Object.fromEntries(Object.keys(expected.metadata).map((key) => [key, event.metadata[key]]));
  return view;
}

async function lastRevisionOf(store: EventStore, streamId: string): Promise<bigint | 'no_stream'> {
  const [last] = await store.readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
  return last === undefined ? 'no_stream' : last.revision;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code === undefined ? '' : ` [${String(code)}]`}: ${error.message}`;
  }
  return `a thrown ${typeof error}: ${String(error)}`;
}

function describeAppended(appended: ReadonlyMap<string, readonly RecordedEvent[]>): string {
  if (appended.size === 0) return 'nothing';
  return [...appended].map(([streamId, events]) => `${streamId}: ${events.map((event) => event.type).join(', ')}`).join('; ');
}
