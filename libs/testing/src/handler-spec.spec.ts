import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore, type EventStore } from '../../event-store/src/index.js';
import { HandlerSpecification, type HandlerGiven } from './handler-spec.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/**
 * The helper on a real PostgreSQL event store, with a tiny "handler" that appends what it is told to: enough to show
 * that a right spec passes and that every kind of wrong one fails (an extra event, an event on another stream, wrong
 * data, wrong metadata, a missing event, a failure with another code, a failure that appended first, a success).
 */
class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

describe('HandlerSpecification', () => {
  let database: TestDatabase;
  let store: EventStore;
  let pool: pg.Pool;
  let spec: HandlerGiven;

  /** The same wait as test/support's waitForEarlierTransactions: every transaction begun before the call has ended. */
  async function settle(): Promise<void> {
    const { rows } = await pool.query<{ xmax: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as xmax');
    const horizon = BigInt(rows[0]?.xmax ?? '0');
    for (let waited = 0; waited < 5_000; waited += 5) {
      const current = await pool.query<{ xmin: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
      if (BigInt(current.rows[0]?.xmin ?? '0') >= horizon) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error('earlier transactions still running after 5 s');
  }

  beforeAll(async () => {
    database = await createTestDatabase('handler_spec');
    const postgres = new PostgresEventStore({ connectionString: database.connectionString });
    await postgres.migrate();
    store = postgres;
    pool = new pg.Pool({ connectionString: database.connectionString, max: 2 });
    spec = HandlerSpecification.for({ store, settle });
  });

  afterAll(async () => {
    await pool?.end();
    await store?.close();
    await database?.drop();
  });

  const streamOf = (name: string) => `spec:${name}-${randomUUID()}`;
  const opened = { type: 'CounterOpened', data: { limit: 10 } };
  const added = (amount: number) => ({ type: 'Added', data: { amount } });

  /** Appends `events` to `streamId` after the revision the given events left it at, as a handler would. */
  const append = (streamId: string, expectedRevision: bigint | 'no_stream', events: { type: string; data: object }[], metadata = { actor: 'spec' }) =>
    store.appendToStream(streamId, events.map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data as never, metadata })), { expectedRevision });

  it('then: passes when exactly the expected events were appended, and returns the command result', async () => {
    const counter = streamOf('counter');
    const audit = streamOf('audit');
    const result = await spec
      .given({ [counter]: [opened] })
      .when(async () => {
        await store.appendToStreams([
          { streamId: counter, expectedRevision: 0n, events: [{ eventId: randomUUID(), type: 'Added', data: { amount: 3 }, metadata: { actor: 'spec', commandId: 'c-1' } }] },
          { streamId: audit, expectedRevision: 'no_stream', events: [{ eventId: randomUUID(), type: 'Audited', data: { what: 'add' } }] },
        ]);
        return 'done';
      })
      .then({ [counter]: [{ ...added(3), metadata: { commandId: 'c-1' } }], [audit]: [{ type: 'Audited', data: { what: 'add' } }] });
    expect(result).toBe('done');
  });

  it('then: fails when the command appends one event more than expected', async () => {
    const counter = streamOf('counter');
    await expect(
      spec
        .given({ [counter]: [opened] })
        .when(() => append(counter, 0n, [added(3), added(4)]))
        .then({ [counter]: [added(3)] }),
    ).rejects.toThrow(/toEqual/);
  });

  it('then: fails when the command appends to a stream the spec does not expect', async () => {
    const counter = streamOf('counter');
    const elsewhere = streamOf('elsewhere');
    await expect(
      spec
        .given({ [counter]: [opened] })
        .when(async () => {
          await append(counter, 0n, [added(3)]);
          await append(elsewhere, 'no_stream', [added(1)]);
        })
        .then({ [counter]: [added(3)] }),
    ).rejects.toThrow(/toEqual/);
  });

  it('then: fails on wrong data, a wrong type and a missing event', async () => {
    const given = () => streamOf('counter');
    const wrongData = given();
    await expect(spec.given({ [wrongData]: [opened] }).when(() => append(wrongData, 0n, [added(3)])).then({ [wrongData]: [added(4)] })).rejects.toThrow(/toEqual/);
    const wrongType = given();
    await expect(spec.given({ [wrongType]: [opened] }).when(() => append(wrongType, 0n, [added(3)])).then({ [wrongType]: [{ type: 'Removed', data: { amount: 3 } }] })).rejects.toThrow(/toEqual/);
    const missing = given();
    await expect(spec.given({ [missing]: [opened] }).when(() => append(missing, 0n, [added(3)])).then({ [missing]: [added(3), added(4)] })).rejects.toThrow(/toEqual/);
  });

  it('then: fails when a metadata key differs, and when nothing was expected but something was appended', async () => {
    const counter = streamOf('counter');
    await expect(spec.given({ [counter]: [opened] }).when(() => append(counter, 0n, [added(3)])).then({ [counter]: [{ ...added(3), metadata: { actor: 'someone-else' } }] })).rejects.toThrow(/toEqual/);
    const quiet = streamOf('counter');
    await expect(spec.given({ [quiet]: [opened] }).when(() => append(quiet, 0n, [added(3)])).then({})).rejects.toThrow(/toEqual/);
    const reallyQuiet = streamOf('counter');
    await spec.given({ [reallyQuiet]: [opened] }).when(async () => 'nothing to do').then({ [reallyQuiet]: [] });
  });

  it('then: fails, saying why, when the command throws', async () => {
    await expect(
      spec
        .given({})
        .when(() => Promise.reject(new CodedError('LIMIT', 'over the limit')))
        .then({}),
    ).rejects.toThrow('expected new events but the command failed: Error [LIMIT]: over the limit');
  });

  it('given: refuses a stream that already exists, so every case works on streams of its own', async () => {
    const counter = streamOf('counter');
    await spec.given({ [counter]: [opened] }).when(async () => undefined).then({});
    await expect(spec.given({ [counter]: [opened] }).when(async () => undefined).then({})).rejects.toThrow();
  });

  it('thenFails: passes on the expected code when nothing was appended', async () => {
    const counter = streamOf('counter');
    await spec
      .given({ [counter]: [opened, added(9)] })
      .when(() => Promise.reject(new CodedError('LIMIT', 'total would exceed 10')))
      .thenFails('LIMIT', /exceed 10/);
  });

  it('thenFails: fails on another code, on another message, and when the command succeeds', async () => {
    const reject = () => Promise.reject(new CodedError('LIMIT', 'total would exceed 10'));
    await expect(spec.given({ [streamOf('counter')]: [opened] }).when(reject).thenFails('VALIDATION_FAILED')).rejects.toThrow(/toEqual/);
    await expect(spec.given({ [streamOf('counter')]: [opened] }).when(reject).thenFails('LIMIT', /negative/)).rejects.toThrow(/toEqual/);
    const counter = streamOf('counter');
    await expect(spec.given({ [counter]: [opened] }).when(() => append(counter, 0n, [added(1)])).thenFails('LIMIT')).rejects.toThrow(
      `expected the command to fail with LIMIT, but it succeeded and appended ${counter}: Added`,
    );
  });

  it('thenFails: fails when the command appended before it failed, on a given stream or another one', async () => {
    const counter = streamOf('counter');
    await expect(
      spec
        .given({ [counter]: [opened] })
        .when(async () => {
          await append(counter, 0n, [added(1)]);
          throw new CodedError('LIMIT', 'too late');
        })
        .thenFails('LIMIT'),
    ).rejects.toThrow(/appended .*Added first/);
    const other = streamOf('other');
    await expect(
      spec
        .given({ [streamOf('counter')]: [opened] })
        .when(async () => {
          await append(other, 'no_stream', [added(1)]);
          throw new CodedError('LIMIT', 'too late');
        })
        .thenFails('LIMIT'),
    ).rejects.toThrow(/appended .*Added first/);
  });

  it('notices a settle that does not wait: an event the log does not show yet but its stream does', async () => {
    const blocker = new pg.Client({ connectionString: database.connectionString });
    await blocker.connect();
    try {
      // An open transaction with an id older than the command's append holds that append back from the global log.
      await blocker.query('begin');
      await blocker.query('select pg_current_xact_id()');
      const counter = streamOf('counter');
      const hasty = HandlerSpecification.for({ store, settle: async () => undefined });
      await expect(hasty.given({ [counter]: [opened] }).when(() => append(counter, 0n, [added(3)])).then({ [counter]: [added(3)] })).rejects.toThrow(
        /did not show \(Added\): the spec's settle\(\) did not wait/,
      );
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      await blocker.end();
    }
  });
});
