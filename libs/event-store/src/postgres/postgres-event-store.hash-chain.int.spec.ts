import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { type ChainedEvent, GENESIS_HASH, eventHash, verifyChain } from '../../../audit/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/test-database.js';
import { InvalidAppendError, WrongExpectedVersionError } from '../event-store.errors.js';
import type { EventData, JsonObject, RecordedEvent } from '../event-store.port.js';
import { PostgresEventStore } from './postgres-event-store.js';

/** The per-stream hash chain is written by the append statement itself; a verifier that knows only libs/audit agrees. */
describe('PostgresEventStore hash chain', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let admin: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase('event_store_chain');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    admin = new pg.Pool({ connectionString: database.connectionString, max: 2 });
  });

  afterAll(async () => {
    await admin?.end();
    await store?.close();
    await database?.drop();
  });

  const chained = (events: readonly RecordedEvent[]): ChainedEvent[] =>
    events.map((event) => ({
      eventId: event.eventId,
      streamId: event.streamId,
      revision: event.revision.toString(),
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      hash: Buffer.from(event.hash ?? '', 'hex'),
    }));

  const expectIntactChain = async (streamId: string, length: number): Promise<RecordedEvent[]> => {
    const events = await store.readStream(streamId, { maxCount: 10_000 });
    expect(events).toHaveLength(length);
    const verification = verifyChain(chained(events));
    expect(verification).toEqual(expect.objectContaining({ ok: true }));
    const head = await admin.query<{ head: string }>(`select encode(head_hash, 'hex') as head from event_store.streams where stream_id = $1`, [streamId]);
    expect(head.rows[0]?.head).toBe(events.at(-1)?.hash);
    return events;
  };

  it('chains every event, whatever way it was appended: new stream, exact revision, several events, several streams, any, stream_exists', async () => {
    const a = `t1:chain-a-${randomUUID()}`;
    const b = `t1:chain-b-${randomUUID()}`;
    await store.appendToStream(a, someEvents(1), { expectedRevision: 'no_stream' });
    await store.appendToStream(a, someEvents(1), { expectedRevision: 0n });
    await store.appendToStream(a, someEvents(3), { expectedRevision: 1n });
    await store.appendToStream(a, someEvents(2), { expectedRevision: 'any' });
    await store.appendToStream(a, someEvents(1), { expectedRevision: 'stream_exists' });
    await store.appendToStream(b, someEvents(4), { expectedRevision: 'no_stream' });
    await store.appendToStreams([
      { streamId: a, expectedRevision: 7n, events: someEvents(2) },
      { streamId: b, expectedRevision: 3n, events: someEvents(1) },
    ]);
    const events = await expectIntactChain(a, 10);
    await expectIntactChain(b, 5);
    // Revision 0 follows the 32 zero bytes, and each hash is exactly libs/audit's eventHash of the stored event.
    let previous: Buffer | null = null;
    for (const event of events) {
      const expected = eventHash(previous, { ...event, revision: event.revision.toString() });
      expect(event.hash).toBe(expected.toString('hex'));
      previous = expected;
    }
    expect(eventHash(GENESIS_HASH, { ...(events[0] as RecordedEvent), revision: '0' }).toString('hex')).toBe(events[0]?.hash);
  });

  it('hashes the event as stored: unicode, escapes, big and small numbers, nested arrays, keys in any order', async () => {
    const streamId = `t1:chain-json-${randomUUID()}`;
    const awkward: JsonObject[] = [
      { name: 'Zoë Ångström €£¥ 日本 😀', quote: 'a "quoted" \\ back\\slash\n\ttab', control: '\u0001\u001f' },
      { big: 1e21, small: 1e-7, negativeZero: -0, precise: 0.30000000000000004, integer: 12345678901234567000 },
      { z: 1, a: [3, [2, [1, { y: null, b: true }]]], '': 'empty key', 'é': 'accented key', '\u20ac': 'euro key' },
    ];
    await store.appendToStream(streamId, awkward.map((data) => ({ eventId: randomUUID(), type: 'Awkward', data, metadata: { tenantId: 't1', note: 'ü' } })), {
      expectedRevision: 'no_stream',
    });
    await store.appendToStream(streamId, [{ eventId: randomUUID(), type: 'Awkward', data: awkward[1] as JsonObject }], { expectedRevision: 2n });
    await expectIntactChain(streamId, 4);
  });

  it('keeps one chain per stream when many writers append to it at once', async () => {
    const streamId = `t1:chain-race-${randomUUID()}`;
    await Promise.all(Array.from({ length: 24 }, () => store.appendToStream(streamId, someEvents(2), { expectedRevision: 'any' })));
    await expectIntactChain(streamId, 48);
  });

  it('writes no hash for a conflict and none again for a retried append', async () => {
    const streamId = `t1:chain-retry-${randomUUID()}`;
    const first = someEvents(2);
    await store.appendToStream(streamId, first, { expectedRevision: 'no_stream' });
    const before = await expectIntactChain(streamId, 2);
    await store.appendToStream(streamId, first, { expectedRevision: 'no_stream' });
    await expect(store.appendToStream(streamId, someEvents(1), { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await expectIntactChain(streamId, 2)).toEqual(before);
  });

  it('refuses an event JSON cannot hold exactly (NaN) as an invalid append, writing nothing', async () => {
    const streamId = `t1:chain-nan-${randomUUID()}`;
    const bad = { eventId: randomUUID(), type: 'Bad', data: { amount: Number.NaN } } as EventData;
    await expect(store.appendToStream(streamId, [bad], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(InvalidAppendError);
    await expect(store.appendToStream(streamId, [...someEvents(1), bad], { expectedRevision: 'any' })).rejects.toBeInstanceOf(InvalidAppendError);
    expect(await store.readStream(streamId)).toEqual([]);
  });

  it('shows a change made behind the store: the changed event no longer matches its hash', async () => {
    const streamId = `t1:chain-tamper-${randomUUID()}`;
    await store.appendToStream(streamId, someEvents(3), { expectedRevision: 'no_stream' });
    await admin.query(`update event_store.events set data = jsonb_set(data, '{n}', '999') where stream_id = $1 and revision = 1`, [streamId]);
    const events = await store.readStream(streamId);
    expect(verifyChain(chained(events))).toEqual(expect.objectContaining({ ok: false, eventId: events[1]?.eventId, reason: 'HASH_MISMATCH' }));
  });

  it('chains, at migration, the streams written before hashing existed, and appends carry on from them', async () => {
    const streamId = `t1:chain-legacy-${randomUUID()}`;
    await store.appendToStream(streamId, someEvents(3), { expectedRevision: 'no_stream' });
    await admin.query('update event_store.events set hash = null where stream_id = $1', [streamId]);
    await admin.query('update event_store.streams set head_hash = null where stream_id = $1', [streamId]);
    expect((await store.readStream(streamId)).every((event) => event.hash === undefined)).toBe(true);
    await store.migrate();
    await expectIntactChain(streamId, 3);
    await store.appendToStream(streamId, someEvents(1), { expectedRevision: 2n });
    await expectIntactChain(streamId, 4);
  });
});

let counter = 0;
function someEvents(count: number): EventData[] {
  return Array.from({ length: count }, () => {
    counter += 1;
    return { eventId: randomUUID(), type: 'Counted', data: { n: counter, label: `event ${counter}` }, metadata: { tenantId: 't1' } };
  });
}
