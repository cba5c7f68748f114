import pg from 'pg';
import { InvalidAppendError, WrongExpectedVersionError } from '../event-store.errors.js';
import type {
  AppendRequest,
  AppendResult,
  EventData,
  EventFilter,
  EventStore,
  ExpectedRevision,
  JsonObject,
  MultiStreamAppendResult,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscribeToStreamOptions,
  Subscription,
  SubscriptionMessage,
} from '../event-store.port.js';
import { comparePositions, START_POSITION } from '../position.js';
import { readCount, validateAppend } from '../adapter-checks.js';
import { eventStoreSchemaSql } from './postgres-event-store.schema.js';
import { AppendWakeups } from './append-wakeups.js';
import { AllTail, TailConsumer } from './all-tail.js';
import { StreamReadBatch, type StreamReadRequest } from './stream-read-batch.js';
import { ScopedPool } from '../../../database/src/scoped-pool.js';
import { currentDatabaseScope } from '../../../database/src/database-scope.js';
import { AuditInputError, canonicalEventTemplate, eventHash } from '../../../audit/src/index.js';

const SUBSCRIPTION_BATCH = 500;
/** The tail's connections: one reads at a time; the second covers its head reads while a page is in flight. */
const TAIL_POOL_SIZE = 2;
/**
 * A consumer catching up on its own (a new projection, a runner started behind, a subscription from the start) reads
 * larger windows: fewer round trips, and larger batches for a projection runner to apply at once.
 */
const CATCH_UP_PAGE = 2_000;
/**
 * NOTIFY is only a hint; this slow poll catches anything a lost notification or the xmin barrier held back. Only the
 * process's one $all tail and the stream subscriptions poll; $all subscribers wait on the tail.
 */
const FALLBACK_POLL_MS = 250;
/** How soon the tail re-reads when committed events wait behind an older, still running transaction. */
const HELD_BACK_RETRY_MS = 20;
/** How long the tail waits before reading again after a failed read. */
const TAIL_ERROR_RETRY_MS = 500;
/**
 * Items an $all subscriber may have waiting before the tail cuts it off; it then reads on its own (catch-up pages)
 * and joins the tail again. Bounds the memory a slow consumer can hold, and keeps it from slowing the others.
 */
const CONSUMER_BUFFER_MAX = 5_000;
/**
 * Rows of transactions older than every running one: nothing can commit before them any more, so reading $all in
 * (transaction_id, global_position) order below this barrier never skips a late commit.
 */
const READABLE_BARRIER = 'pg_snapshot_xmin(pg_current_snapshot())';
/** Selected as text so that bigints and xid8 reach JavaScript exactly. Sort by qualified columns, never by these names. */
const EVENT_COLUMNS = `stream_id, revision::text, event_id::text, type, data, metadata, transaction_id::text as commit,
              global_position::text, recorded_at, encode(hash, 'hex') as hash`;

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  readonly poolSize?: number;
  readonly pool?: pg.Pool;
}

type NullableRow<Row> = { [Column in keyof Row]: Row[Column] | null };

interface EventRow {
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  commit: string;
  global_position: string;
  recorded_at: Date;
  hash: string | null;
}

/**
 * The commonest appends of all, ONE event on one stream at an exact expected revision (FAST_APPEND_NEXT_SQL) or to a
 * new stream (FAST_APPEND_FIRST_SQL). $1 stream, $2 event id, $3 type, $4 and $5 the event's canonical text before and
 * after its revision, and for the next event $6 the expected revision: a conditional write of the stream row, which
 * also chains the new event's hash onto the stream's last one under the row lock it takes anyway, then the event. The
 * data and metadata are taken from the canonical text itself (it is JSON), so they cross the wire once. Two
 * statements, not one with both branches: each append then plans and runs only the stream write it needs (the other
 * branch's insert with its conflict check was set up on every append). See tryFastAppend.
 */
const FAST_APPEND_EVENT_SQL = `
insert into event_store.events (transaction_id, tenant_id, stream_id, revision, event_id, type, data, metadata, hash)
select pg_current_xact_id(), nullif(split_part($1, ':', 1), $1), $1, base.base + 1, $2::uuid, $3, canonical.event->'data',
       canonical.event->'metadata', base.hash
  from base, (select ($4 || '0' || $5)::jsonb as event) canonical
returning transaction_id::text as commit, global_position::text as prepare, revision::text as revision`;

const FAST_APPEND_NEXT_SQL = `
with base as (
  update event_store.streams set revision = revision + 1, head_hash = event_store.chain_hash(head_hash, revision + 1, $4, $5)
   where stream_id = $1 and revision = $6::bigint
  returning revision - 1 as base, head_hash as hash
)${FAST_APPEND_EVENT_SQL}`;

const FAST_APPEND_FIRST_SQL = `
with base as (
  insert into event_store.streams (stream_id, tenant_id, revision, head_hash)
  values ($1, nullif(split_part($1, ':', 1), $1), 0, event_store.chain_hash(null, 0, $4, $5))
  on conflict (stream_id) do nothing
  returning -1::bigint as base, head_hash as hash
)${FAST_APPEND_EVENT_SQL}`;

export class PostgresEventStore implements EventStore {
  /** Connections run as the current scope: a request's appends and reads are held to its tenant by row-level security. */
  private readonly pool: ScopedPool;
  private readonly ownsPool: boolean;
  /**
   * The tail's own connections (system scope, no tenant): on the request pool every tail read found a connection a
   * request had set to its tenant, and switched it (a set_config round trip), then the next request switched it back.
   * The shared pool when one was given.
   */
  private readonly tailPool: ScopedPool;
  private readonly wakeups: AppendWakeups;
  private readonly subscriptions = new Set<Subscription>();
  private readonly streamReads = new StreamReadBatch((reads) => this.readStreamsTogether(reads));
  /** The process's one reader of the live end of $all, shared by every subscribeToAll (see all-tail.ts). */
  private readonly tail: AllTail;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.ownsPool = !options.pool;
    const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
    // An idle client whose server went away emits 'error'; without a listener that would crash the process.
    // The pool drops the client and the next query connects afresh, so there is nothing else to do here.
    if (this.ownsPool) pool.on('error', () => undefined);
    this.pool = new ScopedPool(pool);
    if (this.ownsPool) {
      const tailPool = new pg.Pool({ connectionString: options.connectionString, max: TAIL_POOL_SIZE, application_name: 'event-store-tail' });
      tailPool.on('error', () => undefined);
      this.tailPool = new ScopedPool(tailPool);
    } else {
      this.tailPool = this.pool;
    }
    this.wakeups = new AppendWakeups(options.connectionString);
    this.tail = new AllTail(
      {
        pageSize: SUBSCRIPTION_BATCH,
        readPage: (from) => this.readSubscriptionPage(from, undefined, undefined, SUBSCRIPTION_BATCH, this.tailPool),
        headPosition: () => this.readHead(this.tailPool),
        nextWakeup: (timeoutMs) => this.wakeups.next(timeoutMs),
      },
      { fallbackPollMs: FALLBACK_POLL_MS, heldBackRetryMs: HELD_BACK_RETRY_MS, errorRetryMs: TAIL_ERROR_RETRY_MS },
    );
  }

  /** Creates the schema if needed. Safe to call from several processes at once. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("select pg_advisory_lock(hashtext('event_store.migrate'))");
      await client.query(eventStoreSchemaSql);
      await backfillHashChains(client);
    } finally {
      await client.query("select pg_advisory_unlock(hashtext('event_store.migrate'))").catch(() => undefined);
      client.release();
    }
  }

  async appendToStream(streamId: string, events: readonly EventData[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    const result = await this.appendToStreams([{ streamId, events, expectedRevision: options.expectedRevision }]);
    return result.results[0] as AppendResult;
  }

  async appendToStreams(requests: readonly AppendRequest[]): Promise<MultiStreamAppendResult> {
    validatePostgresAppend(requests);
    const fast = await this.tryFastAppend(requests);
    if (fast) return fast;
    const payload = requests.map((request) => ({
      stream: request.streamId,
      expected: typeof request.expectedRevision === 'bigint' ? request.expectedRevision.toString() : request.expectedRevision,
      events: request.events.map((event) => {
        const { head, tail } = canonicalTemplate(request.streamId, event);
        return { eventId: event.eventId, type: event.type, data: event.data, metadata: event.metadata ?? {}, head, tail };
      }),
    }));
    let response: { results: { nextExpectedRevision: string; commit: string | null; prepare: string | null }[]; commit: string; prepare: string };
    try {
      const { rows } = await this.pool.query<{ result: typeof response }>({ name: 'event_store_append', text: 'select event_store.append($1::jsonb) as result', values: [JSON.stringify(payload)] });
      response = (rows[0] as { result: typeof response }).result;
    } catch (error) {
      throw translateAppendError(error, requests);
    }
    if (response.results.some((result) => result.commit !== null && result.commit === response.commit)) this.wakeups.announce();
    return {
      results: response.results.map((result) => ({
        nextExpectedRevision: BigInt(result.nextExpectedRevision),
        position: result.commit === null ? START_POSITION : { commit: BigInt(result.commit), prepare: BigInt(result.prepare ?? '0') },
      })),
      position: { commit: BigInt(response.commit), prepare: BigInt(response.prepare) },
    };
  }

  /**
   * The command handler's case, one event on one stream at the exact revision it read (or a new stream), as ONE plain
   * SQL statement: a conditional write of the stream row, then the event. No match (a conflict, an idempotent retry)
   * returns no row and the full append function decides what happened, so the fast path changes no outcome. Several
   * events take the function, which chains their hashes one after another.
   */
  private async tryFastAppend(requests: readonly AppendRequest[]): Promise<MultiStreamAppendResult | undefined> {
    const request = requests[0];
    const only = request?.events.length === 1 ? request.events[0] : undefined;
    if (requests.length !== 1 || !request || !only) return undefined;
    const expected = request.expectedRevision === 'no_stream' ? -1n : request.expectedRevision;
    if (typeof expected !== 'bigint' || expected < -1n) return undefined;
    const { head, tail } = canonicalTemplate(request.streamId, only);
    let rows: { commit: string; prepare: string; revision: string }[];
    try {
      const values = [request.streamId, only.eventId, only.type, head, tail];
      ({ rows } = await this.pool.query<{ commit: string; prepare: string; revision: string }>(
        expected === -1n
          ? { name: 'event_store_append_first', text: FAST_APPEND_FIRST_SQL, values }
          : { name: 'event_store_append_next', text: FAST_APPEND_NEXT_SQL, values: [...values, expected.toString()] },
      ));
    } catch (error) {
      throw translateAppendError(error, requests);
    }
    const row = rows[0];
    if (!row) return undefined;
    this.wakeups.announce();
    const position = { commit: BigInt(row.commit), prepare: BigInt(row.prepare) };
    return { results: [{ nextExpectedRevision: BigInt(row.revision), position }], position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const maxCount = readCount(options.maxCount);
    const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    const forwards = direction === 'forwards';
    // Forwards from 'start' means every revision; backwards from 'end' means every revision, newest first.
    const bound = from === 'start' ? 0n : from === 'end' ? 1n << 62n : from;
    if (forwards) return this.streamReads.read(streamId, bound, maxCount);
    return this.readOneStream(streamId, bound, maxCount, forwards);
  }

  /** One stream, one statement: `readStream`'s own query, and a coalesced batch of one. */
  private async readOneStream(streamId: string, bound: bigint, maxCount: number, forwards: boolean): Promise<RecordedEvent[]> {
    const comparison = forwards ? '>=' : '<=';
    // Sort keys are qualified (e.revision): a bare name in ORDER BY means the output column, here revision::text,
    // which sorts revision 10 before revision 9.
    // Named, so that each connection parses and plans it once: every command reads its streams with it.
    const { rows } = await this.pool.query<EventRow>({
      name: forwards ? 'event_store_read_stream_forwards' : 'event_store_read_stream_backwards',
      text: `select ${EVENT_COLUMNS}
         from event_store.events e
        where e.stream_id = $1 and e.revision ${comparison} $2
        order by e.revision ${forwards ? 'asc' : 'desc'}
        limit $3`,
      values: [streamId, bound.toString(), maxCount],
    });
    return rows.map(toRecordedEvent);
  }

  /**
   * Forward stream reads asked for in the same tick under the same database scope, in ONE statement: a command reads
   * its own stream, the tenant's settings and (for an invoice) the customer side by side, and each statement costs a
   * round trip, a socket write and its share of the server's work. A lone read runs readStream's own statement.
   * One statement also means one snapshot: the streams are read as they stood at one moment.
   */
  private async readStreamsTogether(reads: readonly StreamReadRequest[]): Promise<RecordedEvent[][]> {
    if (reads.length === 1) {
      const [only] = reads as [StreamReadRequest];
      return [await this.readOneStream(only.streamId, only.fromRevision, only.maxCount, true)];
    }
    const { rows } = await this.pool.query<EventRow & { ord: string }>({
      name: 'event_store_read_streams_forwards',
      text: `select r.ord::text as ord, e.*
         from unnest($1::text[], $2::bigint[], $3::bigint[]) with ordinality as r(stream_id, from_revision, max_count, ord)
         cross join lateral (
           select ${EVENT_COLUMNS}
             from event_store.events e
            where e.stream_id = r.stream_id and e.revision >= r.from_revision
            order by e.revision asc
            limit r.max_count) e
        order by r.ord, e.revision::bigint`,
      values: [reads.map((read) => read.streamId), reads.map((read) => read.fromRevision.toString()), reads.map((read) => read.maxCount)],
    });
    const results: RecordedEvent[][] = reads.map(() => []);
    for (const row of rows) (results[Number(row.ord) - 1] as RecordedEvent[]).push(toRecordedEvent(row));
    return results;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    const maxCount = readCount(options.maxCount);
    const from = options.fromPosition ?? (forwards ? 'start' : 'end');
    // The start is exclusive: nothing lies after the end, nor before the start.
    if ((forwards && from === 'end') || (!forwards && from === 'start')) return [];
    const parameters: unknown[] = [];
    const where: string[] = [`transaction_id < ${READABLE_BARRIER}`];
    if (from !== 'start' && from !== 'end') {
      parameters.push(from.commit.toString(), from.prepare.toString());
      where.push(`(transaction_id, global_position) ${forwards ? '>' : '<'} ($1::text::xid8, $2::bigint)`);
    }
    // The filter belongs in the WHERE clause so that maxCount counts matching events, not scanned ones: a window
    // of unwanted events must not read as the end of the log.
    where.push(filterSql(options.filter, parameters));
    parameters.push(maxCount);
    const order = forwards ? 'asc' : 'desc';
    const { rows } = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS}
         from event_store.events e
        where ${where.join(' and ')}
        order by e.transaction_id ${order}, e.global_position ${order}
        limit $${parameters.length}`,
      parameters,
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * Reads the next window of the global log for a subscription and filters it, reporting the last position
   * scanned, so that a sparse filter still moves the checkpoint past the events it did not want. With `upTo`, the
   * window ends there (inclusive): a consumer joining the tail reads what the tail had already passed.
   *
   * `heldBack` says whether wanted events are already committed but not yet readable because an older transaction
   * is still running (anywhere on the server: a snapshot's xmin is server-wide). The window and the flag come from
   * one statement, hence one snapshot, so "not held back and not a full window" means every committed event was read.
   *
   * The statement is prepared (named), one per filter shape: it runs on every wake-up of the tail and every
   * catch-up page, and planning it took twice as long as running it.
   */
  private async readSubscriptionPage(
    from: Position,
    filter: EventFilter | undefined,
    upTo?: Position,
    pageSize: number = SUBSCRIPTION_BATCH,
    pool: ScopedPool = this.pool,
  ): Promise<{ events: RecordedEvent[]; lastScanned: Position | undefined; scanned: number; heldBack: boolean }> {
    const parameters: unknown[] = [from.commit.toString(), from.prepare.toString()];
    const wanted = filterSql(filter, parameters);
    let bound = '';
    if (upTo) {
      parameters.push(upTo.commit.toString(), upTo.prepare.toString());
      bound = `and (e.transaction_id, e.global_position) <= ($${parameters.length - 1}::text::xid8, $${parameters.length}::bigint)`;
    }
    parameters.push(pageSize);
    // An event the filter does not want is scanned only for its position: its data and metadata are not sent, so a
    // consumer of a few types catching up does not transfer and parse the JSON of every event in the log.
    const columns = wanted === 'true' ? EVENT_COLUMNS : EVENT_COLUMNS.replace('data, metadata,', `case when ${wanted} then data end as data, case when ${wanted} then metadata end as metadata,`);
    const name = `event_store_page${filter?.eventTypes?.length ? '_types' : ''}${filter?.streamPrefixes?.length ? '_prefixes' : ''}${upTo ? '_bounded' : ''}`;
    const { rows } = await pool.query<NullableRow<EventRow> & { wanted: boolean | null; held_back: boolean }>({
      name,
      text: `with page as (
         select ${columns}, ${wanted} as wanted
           from event_store.events e
          where e.transaction_id < ${READABLE_BARRIER}
            and (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
            ${bound}
          order by e.transaction_id, e.global_position
          limit $${parameters.length}
       ),
       held as (
         select exists (
           select 1
             from event_store.events
            where transaction_id >= ${READABLE_BARRIER}
              and (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
              and ${wanted}
         ) as held_back
       )
       select page.*, held.held_back
         from held left join page on true
        order by page.commit::xid8, page.global_position::bigint`,
      values: parameters,
    });
    const scannedRows = rows.filter((row): row is EventRow & { wanted: boolean; held_back: boolean } => row.event_id !== null);
    const last = scannedRows.at(-1);
    return {
      events: scannedRows.filter((row) => row.wanted).map(toRecordedEvent),
      lastScanned: last ? { commit: BigInt(last.commit), prepare: BigInt(last.global_position) } : undefined,
      scanned: scannedRows.length,
      heldBack: rows[0]?.held_back ?? false,
    };
  }

  headPosition(): Promise<Position> {
    return this.readHead(this.pool);
  }

  /**
   * A position's commit part is a transaction id. One at or beyond the server's next transaction id was never handed
   * out (false at once); one below it was, and $all shows it once every older transaction has ended: a position a
   * command returned a moment ago can be past the head while another transaction, anywhere on the server, is open.
   */
  async waitForHead(position: Position, timeoutMs: number): Promise<boolean> {
    const { rows } = await this.pool.query<{ assigned: boolean }>({
      name: 'event_store_position_assigned',
      text: 'select $1::text::xid8 < pg_snapshot_xmax(pg_current_snapshot()) as assigned',
      values: [position.commit.toString()],
    });
    if (rows[0]?.assigned !== true) return false;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (comparePositions(await this.readHead(this.pool), position) >= 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async readHead(pool: ScopedPool): Promise<Position> {
    const { rows } = await pool.query<{ commit: string; prepare: string }>({
      name: 'event_store_head',
      text: `select transaction_id::text as commit, global_position::text as prepare
         from event_store.events
        where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by transaction_id desc, global_position desc
        limit 1`,
    });
    const row = rows[0];
    return row ? { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } : START_POSITION;
  }

  /**
   * How far a follower of $all is behind, without reading any event: the events of `eventTypes` after `from`,
   * counted exactly up to `limit` (an index-only count on (type, transaction_id, global_position)), and the span of
   * global positions from `from` to the head, which estimates the events of every type after it. Not part of the
   * port: operations figures (projection-lag.ts) use it when the store has it. Sort keys are qualified (h.): a bare
   * global_position would sort the text output column, putting 9999 after 30000.
   */
  async countBacklog(from: Position, eventTypes: readonly string[], limit: number): Promise<{ counted: number; positionsBehind: bigint }> {
    const { rows } = await this.pool.query<{ counted: number; head: string | null }>({
      name: 'event_store_backlog',
      text: `select (select count(*)::int
                 from (select 1
                         from event_store.events e
                        where e.type = any($3::text[])
                          and e.transaction_id < ${READABLE_BARRIER}
                          and (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
                        limit $4) as behind) as counted,
              (select h.global_position::text
                 from event_store.events h
                where h.transaction_id < ${READABLE_BARRIER}
                order by h.transaction_id desc, h.global_position desc
                limit 1) as head`,
      values: [from.commit.toString(), from.prepare.toString(), [...eventTypes], limit],
    });
    const row = rows[0];
    const span = row?.head ? BigInt(row.head) - from.prepare : 0n;
    return { counted: row?.counted ?? 0, positionsBehind: span > 0n ? span : 0n };
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    return this.track((signal) => this.allMessages(options, signal));
  }

  subscribeToStream(streamId: string, options: SubscribeToStreamOptions = {}): Subscription {
    return this.track((signal) => this.streamMessages(streamId, options, signal));
  }

  /**
   * One $all subscription. Behind the live end (a rebuild, a new projection, a subscription from the start) it reads
   * pages of its own; near the end it attaches to the process's one tail, first reading what the tail had passed
   * when it attached, and from then on takes the tail's events. If it falls too far behind the tail it is cut off
   * and goes back to reading pages. Its position only moves forwards, so nothing is delivered twice.
   */
  private async *allMessages(options: SubscribeToAllOptions, signal: CloseSignal): AsyncGenerator<SubscriptionMessage> {
    const startAt = options.fromPosition ?? 'start';
    let position: Position = startAt === 'start' ? START_POSITION : startAt === 'end' ? await this.headPosition() : startAt;
    let reported: Position | undefined;
    const consumer = new TailConsumer(consumerFilter(options.filter), CONSUMER_BUFFER_MAX);
    try {
      while (!signal.closed) {
        // Catch-up: pages of its own until a page is not full, i.e. the live end is near.
        for (;;) {
          const page = await this.readSubscriptionPage(position, options.filter, undefined, CATCH_UP_PAGE);
          for (const event of page.events) {
            if (signal.closed) return;
            yield { kind: 'event', event };
          }
          if (page.lastScanned) position = page.lastScanned;
          if (page.scanned < CATCH_UP_PAGE || signal.closed) break;
        }
        if (signal.closed) return;
        const attachedAt = await this.tail.attach(consumer);
        // What the tail had passed when this consumer attached is read here; what comes after, the tail pushes.
        while (comparePositions(position, attachedAt) < 0) {
          const page = await this.readSubscriptionPage(position, options.filter, attachedAt, CATCH_UP_PAGE);
          for (const event of page.events) {
            if (signal.closed) return;
            yield { kind: 'event', event };
          }
          position = page.scanned < CATCH_UP_PAGE ? attachedAt : (page.lastScanned ?? attachedAt);
        }
        // Live: the tail's events and ends of the log, each at most once (anything up to `position` is already out).
        for (;;) {
          const item = consumer.take();
          if (item === undefined) {
            if (consumer.overflowed) break;
            await Promise.race([consumer.ready(), signal.closedPromise]);
            if (signal.closed) return;
            continue;
          }
          if ('event' in item) {
            if (comparePositions(item.event.position, position) <= 0) continue;
            position = item.event.position;
            yield { kind: 'event', event: item.event };
          } else {
            // An end of the log that this consumer is already past (its own read got further) says nothing yet.
            if (comparePositions(item.endOfLog, position) < 0) continue;
            position = item.endOfLog;
            if (!reported || comparePositions(reported, position) !== 0) {
              reported = position;
              yield { kind: 'caught_up', position };
            }
          }
        }
        // Cut off for falling behind: everything queued has been delivered, read on from there.
        this.tail.detach(consumer);
      }
    } finally {
      this.tail.detach(consumer);
    }
  }

  private async *streamMessages(streamId: string, options: SubscribeToStreamOptions, signal: CloseSignal): AsyncGenerator<SubscriptionMessage> {
    let last: bigint =
      options.fromRevision === undefined || options.fromRevision === 'start'
        ? -1n
        : options.fromRevision === 'end'
          ? ((await this.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0]?.revision ?? -1n)
          : options.fromRevision;
    // The position of the last event delivered: a final read that returns nothing must not move it back to the start.
    let lastPosition: Position = START_POSITION;
    let caughtUp = false;
    while (!signal.closed) {
      const wake = this.wakeups.next(FALLBACK_POLL_MS);
      const events = await this.readStream(streamId, { fromRevision: last + 1n, maxCount: SUBSCRIPTION_BATCH });
      for (const event of events) {
        if (signal.closed) return;
        last = event.revision;
        lastPosition = event.position;
        yield { kind: 'event', event };
      }
      if (events.length < SUBSCRIPTION_BATCH) {
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caught_up', position: lastPosition };
        }
        await Promise.race([wake.promise, signal.closedPromise]);
      }
      wake.cancel();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.tail.close();
    await this.wakeups.close();
    if (this.ownsPool) await Promise.all([this.pool.end(), this.tailPool.end()]);
  }

  private track(start: (signal: CloseSignal) => AsyncGenerator<SubscriptionMessage>): Subscription {
    const signal = new CloseSignal();
    const generator = start(signal);
    const subscriptions = this.subscriptions;
    const subscription: Subscription = {
      [Symbol.asyncIterator]: () => generator,
      close: async () => {
        signal.close();
        subscriptions.delete(subscription);
        await generator.return(undefined).catch(() => undefined);
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }
}

class CloseSignal {
  closed = false;
  private resolveClosed!: () => void;
  readonly closedPromise = new Promise<void>((resolve) => (this.resolveClosed = resolve));
  close(): void {
    this.closed = true;
    this.resolveClosed();
  }
}

/**
 * The filter of a subscription as a predicate, for the events the tail hands out. The tail reads as the system, so
 * a subscription opened in a tenant's scope also gets only that tenant's streams (`<tenant>:...`, what row-level
 * security shows the tenant role), and one opened without a credential gets nothing: the same as when each
 * subscription read the table itself.
 */
function consumerFilter(filter: EventFilter | undefined): (event: RecordedEvent) => boolean {
  const scope = currentDatabaseScope();
  const tenantPrefix = scope?.kind === 'tenant' ? `${scope.tenantId}:` : undefined;
  const anonymous = scope?.kind === 'anonymous';
  const types = filter?.eventTypes && filter.eventTypes.length > 0 ? new Set(filter.eventTypes) : undefined;
  const prefixes = filter?.streamPrefixes && filter.streamPrefixes.length > 0 ? filter.streamPrefixes : undefined;
  return (event) => {
    if (anonymous) return false;
    if (tenantPrefix !== undefined && !event.streamId.startsWith(tenantPrefix)) return false;
    if (types && !types.has(event.type)) return false;
    return !prefixes || prefixes.some((prefix) => event.streamId.startsWith(prefix));
  };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    position: { commit: BigInt(row.commit), prepare: BigInt(row.global_position) },
    recordedAt: row.recorded_at,
    ...(row.hash === null ? {} : { hash: row.hash }),
  };
}

/** A boolean SQL expression for the filter (`true` when there is none); its values are pushed onto `parameters`. */
function filterSql(filter: EventFilter | undefined, parameters: unknown[]): string {
  const clauses: string[] = [];
  if (filter?.eventTypes && filter.eventTypes.length > 0) {
    parameters.push([...filter.eventTypes]);
    clauses.push(`type = any($${parameters.length}::text[])`);
  }
  if (filter?.streamPrefixes && filter.streamPrefixes.length > 0) {
    parameters.push([...filter.streamPrefixes]);
    // `^@` is the starts-with operator: ANY needs an operator (starts_with(x, any(...)) is a syntax error), and
    // unlike LIKE it takes % and _ in a prefix literally.
    clauses.push(`stream_id ^@ any($${parameters.length}::text[])`);
  }
  return clauses.length === 0 ? 'true' : clauses.map((clause) => `(${clause})`).join(' and ');
}

/** PostgreSQL takes any revision the bigint column holds. */
const BACKFILL_PAGE = 1_000;

/**
 * Chains the events of streams written before hashing existed (their stream row has no head hash yet), once, at
 * migration, under the migration lock and before this process appends. The hashes are those the append statement
 * would have written (libs/audit eventHash over the stored event). A stream is chained in one transaction, so a
 * crash leaves it either chained or still to do.
 */
async function backfillHashChains(client: pg.PoolClient): Promise<void> {
  // Keyset over stream ids: a stream left without a head (its events are gone) is passed, not retried for ever.
  for (let after = ''; ; ) {
    const { rows: streams } = await client.query<{ stream_id: string }>(
      'select stream_id from event_store.streams where head_hash is null and revision >= 0 and stream_id > $1 order by stream_id limit 100',
      [after],
    );
    if (streams.length === 0) return;
    after = (streams.at(-1) as { stream_id: string }).stream_id;
    for (const { stream_id: streamId } of streams) {
      await client.query('begin');
      try {
        let previous: Buffer | null = null;
        for (let from = 0n; ; from += BigInt(BACKFILL_PAGE)) {
          const { rows } = await client.query<{ revision: string; event_id: string; type: string; data: JsonObject; metadata: JsonObject }>(
            `select e.revision::text, e.event_id::text, e.type, e.data, e.metadata from event_store.events e
              where e.stream_id = $1 and e.revision >= $2 order by e.revision limit $3`,
            [streamId, from.toString(), BACKFILL_PAGE],
          );
          const hashes: string[] = [];
          for (const row of rows) {
            previous = eventHash(previous, { eventId: row.event_id, streamId, revision: row.revision, type: row.type, data: row.data, metadata: row.metadata });
            hashes.push(previous.toString('hex'));
          }
          if (rows.length > 0) {
            await client.query(
              `update event_store.events e set hash = decode(v.hash, 'hex')
                 from unnest($2::bigint[], $3::text[]) as v(revision, hash)
                where e.stream_id = $1 and e.revision = v.revision`,
              [streamId, rows.map((row) => row.revision), hashes],
            );
          }
          if (rows.length < BACKFILL_PAGE) break;
        }
        await client.query('update event_store.streams set head_hash = $2 where stream_id = $1', [streamId, previous]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    }
  }
}

/**
 * The event's RFC 8785 text around its revision, for the append statement to hash (event_store.chain_hash). The text
 * is of the event as PostgreSQL will store and return it: JSON.stringify drops what JSON cannot hold, exactly as the
 * data parameter does. A value JCS refuses (NaN, Infinity, a lone surrogate) is an invalid append, not a store failure.
 */
function canonicalTemplate(streamId: string, event: EventData): { head: string; tail: string } {
  try {
    return canonicalEventTemplate({ eventId: event.eventId, streamId, type: event.type, data: event.data, metadata: event.metadata ?? {} });
  } catch (error) {
    if (error instanceof AuditInputError) throw new InvalidAppendError(`event ${event.eventId} cannot be stored: ${error.message}`);
    throw error;
  }
}

function validatePostgresAppend(requests: readonly AppendRequest[]): void {
  validateAppend(requests, {
    expectedRevision: (revision) => {
      if (typeof revision === 'bigint' && revision < 0n) throw new InvalidAppendError(`expected revision must be >= 0, got ${revision}`);
    },
  });
}

function translateAppendError(error: unknown, requests: readonly AppendRequest[]): unknown {
  const pgError = error as { code?: string; detail?: string; constraint?: string };
  if (pgError.code === 'LW001' && pgError.detail) {
    const detail = JSON.parse(pgError.detail) as { stream: string; expected: string; actual: string; reason?: string };
    const request = requests.find((candidate) => candidate.streamId === detail.stream);
    const actual = BigInt(detail.actual);
    return new WrongExpectedVersionError(detail.stream, request?.expectedRevision ?? 'any', actual < 0n ? 'no_stream' : actual, detail.reason);
  }
  if (pgError.code === '40P01') {
    // Cannot happen between two appends (streams are locked in name order), but a deadlock with another writer
    // of the streams table is still a lost race: report it as a conflict so that callers retry.
    const request = requests[0];
    return new WrongExpectedVersionError(request?.streamId ?? 'unknown', request?.expectedRevision ?? 'any', 'unknown', 'deadlock with a concurrent append');
  }
  if (pgError.code === '23505') {
    // A concurrent writer took the same revision or event id between our check and insert.
    const request = requests[0];
    return new WrongExpectedVersionError(request?.streamId ?? 'unknown', request?.expectedRevision ?? 'any', 'unknown', 'concurrent append');
  }
  return error;
}
