import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/test-database.js';
import { sleep, withDeadline } from '../../contract/subscription-reader.js';
import type { RecordedEvent } from '../event-store.port.js';
import { comparePositions } from '../position.js';
import { PostgresEventStore } from './postgres-event-store.js';

/**
 * The gap test. A sequence number is taken at insert but becomes visible at commit, so when transactions commit out
 * of order a reader that checkpoints "the last global_position seen" skips the late commits for good. Here eight
 * writers hold their transactions open for a random while after appending, so that commits overtake each other,
 * and some roll back; a subscription to $all must still deliver every committed event exactly once, no rolled-back
 * one, and in the same order as a fresh read of $all afterwards.
 */
const WRITERS = 8;
const TRANSACTIONS_PER_WRITER = 40;
const EVENTS_PER_TRANSACTION_MAX = 3;
const HOLD_OPEN_MS_MAX = 50;
/** Every seventh transaction of each writer rolls back. */
const ROLLBACK_EVERY = 7;
/** Every tenth transaction appends to one stream that all writers share, so that some wait on its row lock. */
const SHARED_STREAM_EVERY = 10;
const DELIVERY_WAIT_MS_MAX = 15_000;
const NAIVE_POLL_MS = 5;

interface CommittedTransaction {
  readonly xid: bigint;
  readonly eventIds: readonly string[];
}

describe('gap-free $all under out-of-order commits (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('event_store_gap');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('delivers every committed event once, no rolled-back event, in the order of a fresh readAll', async () => {
    const prefix = `gap-${randomUUID().slice(0, 8)}-`;
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const delivered: RecordedEvent[] = [];
    const consuming = (async () => {
      for await (const message of subscription) if (message.kind === 'event') delivered.push(message.event);
    })();
    const naiveReader = new NaiveReader(database.connectionString, prefix);
    const naiveReading = naiveReader.run();

    // Commit order is the order in which COMMIT returned; xids are handed out in the order transactions began.
    const commits: CommittedTransaction[] = [];
    const rolledBackEventIds: string[] = [];
    try {
      await Promise.all(Array.from({ length: WRITERS }, (_, writer) => runWriter(database.connectionString, prefix, writer, commits, rolledBackEventIds)));
    } finally {
      naiveReader.stop();
      await naiveReading;
    }

    const committedEventIds = commits.flatMap((commit) => commit.eventIds);
    await waitUntil(() => {
      const deliveredIds = new Set(delivered.map((event) => event.eventId));
      return committedEventIds.every((eventId) => deliveredIds.has(eventId));
    }, `the subscription to deliver all ${committedEventIds.length} committed events`);
    await subscription.close();
    await withDeadline(consuming, 5_000, 'the subscription loop to end after close()');

    const deliveredIds = delivered.map((event) => event.eventId);
    const deliveredSet = new Set(deliveredIds);
    const committedSet = new Set(committedEventIds);
    const skipped = committedEventIds.filter((eventId) => !deliveredSet.has(eventId));
    const deliveredTwice = deliveredIds.length - deliveredSet.size;
    const rolledBackDelivered = rolledBackEventIds.filter((eventId) => deliveredSet.has(eventId));
    const neverWritten = deliveredIds.filter((eventId) => !committedSet.has(eventId));
    const overtakingCommits = countOvertakingCommits(commits);
    const naiveSkipped = committedEventIds.filter((eventId) => !naiveReader.seen.has(eventId)).length;
    const freshRead = await store.readAll({ filter: { streamPrefixes: [prefix] }, maxCount: 10_000 });
    console.log(
      `gap test: ${commits.length} commits (${committedEventIds.length} events), ${rolledBackEventIds.length} rolled-back events, ` +
        `${overtakingCommits} commits overtook an older transaction; subscription skipped ${skipped.length}, ` +
        `a "last global_position seen" reader would have skipped ${naiveSkipped}`,
    );

    expect(overtakingCommits).toBeGreaterThan(0);
    expect(rolledBackEventIds.length).toBeGreaterThan(0);
    expect({ skipped, deliveredTwice, rolledBackDelivered, neverWritten }).toEqual({ skipped: [], deliveredTwice: 0, rolledBackDelivered: [], neverWritten: [] });
    expect(freshRead.map((event) => event.eventId)).toEqual(deliveredIds);
    expect(freshRead.map((event) => event.position)).toEqual(delivered.map((event) => event.position));
    const positionsOutOfOrder = delivered.slice(1).filter((event, index) => comparePositions((delivered[index] as RecordedEvent).position, event.position) >= 0);
    expect(positionsOutOfOrder).toEqual([]);
    await expectGaplessStreams(store, [...new Set(freshRead.map((event) => event.streamId))]);
  });
});

/** One writer on its own connection: BEGIN, append, hold the transaction open for a random while, COMMIT or ROLLBACK. */
async function runWriter(
  connectionString: string,
  prefix: string,
  writer: number,
  commits: CommittedTransaction[],
  rolledBackEventIds: string[],
): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    for (let transaction = 0; transaction < TRANSACTIONS_PER_WRITER; transaction += 1) {
      const stream = transaction % SHARED_STREAM_EVERY === 0 ? `${prefix}shared` : `${prefix}writer-${writer}-${transaction % 3}`;
      const events = Array.from({ length: 1 + randomInt(EVENTS_PER_TRANSACTION_MAX) }, (_, index) => ({
        eventId: randomUUID(),
        type: 'GapProbed',
        data: { writer, transaction, index },
        metadata: { test: 'gap' },
      }));
      const eventIds = events.map((event) => event.eventId);
      await client.query('begin');
      try {
        const { rows } = await client.query<{ xid: string }>('select pg_current_xact_id()::text as xid');
        await client.query('select event_store.append($1::jsonb)', [JSON.stringify([{ stream, expected: 'any', events }])]);
        await client.query('select pg_sleep($1)', [randomInt(HOLD_OPEN_MS_MAX + 1) / 1000]);
        if (transaction % ROLLBACK_EVERY === ROLLBACK_EVERY - 1) {
          await client.query('rollback');
          rolledBackEventIds.push(...eventIds);
        } else {
          await client.query('commit');
          commits.push({ xid: BigInt((rows[0] as { xid: string }).xid), eventIds });
        }
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/** Commits that came before the commit of a transaction with a smaller xid, i.e. that overtook an older one. */
function countOvertakingCommits(commits: readonly CommittedTransaction[]): number {
  let smallestLaterXid: bigint | undefined;
  let overtaking = 0;
  for (let index = commits.length - 1; index >= 0; index -= 1) {
    const commit = commits[index] as CommittedTransaction;
    if (smallestLaterXid !== undefined && smallestLaterXid < commit.xid) overtaking += 1;
    if (smallestLaterXid === undefined || commit.xid < smallestLaterXid) smallestLaterXid = commit.xid;
  }
  return overtaking;
}

async function expectGaplessStreams(store: PostgresEventStore, streamIds: readonly string[]): Promise<void> {
  for (const streamId of streamIds) {
    const revisions = (await store.readStream(streamId, { maxCount: 10_000 })).map((event) => event.revision);
    expect({ streamId, revisions }).toEqual({ streamId, revisions: revisions.map((_, index) => BigInt(index)) });
  }
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DELIVERY_WAIT_MS_MAX;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`timed out after ${DELIVERY_WAIT_MS_MAX} ms waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * The reader that Marten and Emmett once shipped: it remembers the largest global_position it has seen and asks
 * for larger ones. A transaction that took a smaller number but commits later is never read. Only measured here.
 */
class NaiveReader {
  readonly seen = new Set<string>();
  private stopped = false;

  constructor(
    private readonly connectionString: string,
    private readonly prefix: string,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  async run(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    await client.connect();
    let lastSeen = 0n;
    try {
      // Bounded by the writers' lifetime (stop()) and, should they hang, by a deadline. It reads once more after
      // stop(), when every writer has finished, just as a reader that kept polling would.
      const deadline = Date.now() + DELIVERY_WAIT_MS_MAX + 30_000;
      for (;;) {
        const finalRead = this.stopped || Date.now() >= deadline;
        const { rows } = await client.query<{ event_id: string; position: string }>(
          `select event_id::text, global_position::text as position
             from event_store.events e
            where e.stream_id ^@ $1 and e.global_position > $2
            order by e.global_position`,
          [this.prefix, lastSeen.toString()],
        );
        for (const row of rows) {
          this.seen.add(row.event_id);
          lastSeen = BigInt(row.position);
        }
        if (finalRead) return;
        await sleep(NAIVE_POLL_MS);
      }
    } finally {
      await client.end();
    }
  }
}
