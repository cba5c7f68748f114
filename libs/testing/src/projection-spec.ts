import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { uuidV5 } from '../../application/src/index.js';
import { comparePositions, type JsonObject, type Position, type RecordedEvent } from '../../event-store/src/index.js';
import { applyEvents, type Projection, type ReadModelDatabase } from '../../projection-runtime/src/index.js';

/**
 * Given / (When) / Then for one projection on a real PostgreSQL, in the style of Emmett's PostgreSQLProjectionSpec:
 *
 *   const spec = ProjectionSpecification.for({ projection: invoicesProjection, db });
 *   await spec.given([inStream('acme:invoice-1', drafted), inStream('acme:invoice-1', issued)]).then({ invoices: [row] });
 *   await spec.given(events).thenQuery((db, schema) => new InvoiceQueries(db, schema).getInvoice('acme', 'i-1', today), expected);
 *
 * Each run makes a fresh schema, creates the projection's tables there with its own `createTables`, and applies the
 * given events (then the `when` events, as a second batch) the way the runner applies a batch: in log order, inside one
 * read-committed transaction, `apply({ trx, schema }, event)` per event. The events are RecordedEvent-like: a stream id,
 * a type and data, and optionally what the store would add (position, revision, event id, metadata, recordedAt). What
 * is left out is filled in predictably: positions 1.1, 2.2, ... in the order given, revisions counting from 0 per stream,
 * event ids derived from the stream and revision (uuidV5), empty metadata, and recordedAt one second apart from
 * 2026-01-01T00:00:00Z. Positions given must increase, as the log's do.
 *
 * - `then({ table: rows })` reads every row of each named table (one of the projection's own) ordered by its primary
 *   key and compares them with `rows`, exactly: every row, every column. Values are as `pg` reads them, except that
 *   timestamps are ISO strings: numerics are strings as PostgreSQL prints them ("49.990000000000" in a numeric(38, 12)),
 *   dates 'YYYY-MM-DD' (with the ledger's connection), JSON parsed.
 * - `thenQuery(run, expected)` runs a query (typically a projection's query class, built on `db` and `schema`) and
 *   compares its answer with `expected`.
 * The schema is dropped afterwards. The database (and its connection) are the caller's: a fresh one per spec file.
 */
export interface ProjectionSpecOptions {
  readonly projection: Projection;
  readonly db: Kysely<ReadModelDatabase>;
}

export interface ProjectionSpecEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: object;
  readonly metadata?: JsonObject;
  readonly position?: Position;
  readonly revision?: bigint;
  readonly eventId?: string;
  readonly recordedAt?: Date | string;
}

export type ExpectedRows = Readonly<Record<string, readonly Record<string, unknown>[]>>;

export interface ProjectionThen {
  /** Exactly these rows in each named table, ordered by its primary key. */
  then(tables: ExpectedRows): Promise<void>;
  /** `run`'s answer on the projected rows equals `expected`. */
  thenQuery<Answer>(run: (db: Kysely<ReadModelDatabase>, schema: string) => Promise<Answer>, expected: Answer): Promise<void>;
}

export interface ProjectionWhen extends ProjectionThen {
  /** More events, applied after the given ones in a batch (a transaction) of their own. */
  when(events: readonly ProjectionSpecEvent[]): ProjectionThen;
}

export interface ProjectionGiven {
  given(events: readonly ProjectionSpecEvent[]): ProjectionWhen;
}

/** An event of `streamId` for `given`/`when`: a domain event ({ type, data }) with whatever else is to be pinned. */
export function inStream(streamId: string, event: { readonly type: string; readonly data: object }, recorded: Omit<ProjectionSpecEvent, 'streamId' | 'type' | 'data'> = {}): ProjectionSpecEvent {
  return { ...recorded, streamId, type: event.type, data: event.data };
}

/** The event id `given` gives an event that names none: derived from its stream and revision. */
export function specEventId(streamId: string, revision: bigint): string {
  return uuidV5(`projection-spec:${streamId}:${revision}`);
}

const RECORDED_AT_BASE_MS = Date.parse('2026-01-01T00:00:00.000Z');

export const ProjectionSpecification = {
  for(options: ProjectionSpecOptions): ProjectionGiven {
    const { projection, db } = options;
    if (projection.sideEffects) throw new Error(`projection ${projection.name} is a process manager (sideEffects): it writes no rows to assert on`);
    return {
      given(givenEvents) {
        const build = (whenEvents: readonly ProjectionSpecEvent[]): ProjectionThen => {
          const project = async <Answer>(assert: (schema: string) => Promise<Answer>): Promise<Answer> => {
            const [given, when] = recordedEventsOf([givenEvents, whenEvents]);
            const schema = `projection_spec_${randomBytes(6).toString('hex')}`;
            await sql.raw(`create schema ${schema}`).execute(db);
            try {
              await projection.createTables(db, schema);
              for (const batch of [given, when]) {
                if (batch === undefined || batch.length === 0) continue;
                await db
                  .transaction()
                  .setIsolationLevel('read committed')
                  .execute(async (trx) => {
                    await applyEvents(projection, { trx, schema }, batch);
                  });
              }
              return await assert(schema);
            } finally {
              await sql.raw(`drop schema if exists ${schema} cascade`).execute(db);
            }
          };
          return {
            async then(tables) {
              const unknown = Object.keys(tables).filter((table) => !projection.tables.includes(table));
              if (unknown.length > 0) throw new Error(`projection ${projection.name} has no table ${unknown.join(', ')} (its tables: ${projection.tables.join(', ')})`);
              const actual = await project(async (schema) => {
                const rows: Record<string, Record<string, unknown>[]> = {};
                for (const table of Object.keys(tables)) rows[table] = await rowsOf(db, schema, table);
                return rows;
              });
              expect(actual).toEqual(tables);
            },
            async thenQuery(run, expected) {
              const answer = await project((schema) => run(db, schema));
              expect(answer).toEqual(expected);
            },
          };
        };
        return { ...build([]), when: (whenEvents) => build(whenEvents) };
      },
    };
  },
};

/** The spec's events as the store would record them, defaults filled in, checked to be in log order. */
function recordedEventsOf(batches: readonly (readonly ProjectionSpecEvent[])[]): RecordedEvent[][] {
  const revisions = new Map<string, bigint>();
  let previous: Position | undefined;
  let index = 0;
  return batches.map((batch) =>
    batch.map((event) => {
      index += 1;
      const revision = event.revision ?? revisions.get(event.streamId) ?? 0n;
      revisions.set(event.streamId, revision + 1n);
      const position = event.position ?? { commit: BigInt(index), prepare: BigInt(index) };
      if (previous !== undefined && comparePositions(position, previous) <= 0) {
        throw new Error(`event ${index} (${event.type} on ${event.streamId}) is at ${position.commit}.${position.prepare}, not after ${previous.commit}.${previous.prepare}: the log's positions increase`);
      }
      previous = position;
      const recordedAt = event.recordedAt === undefined ? new Date(RECORDED_AT_BASE_MS + (index - 1) * 1_000) : new Date(event.recordedAt);
      return {
        streamId: event.streamId,
        revision,
        eventId: event.eventId ?? specEventId(event.streamId, revision),
        type: event.type,
        data: event.data as JsonObject,
        metadata: event.metadata ?? {},
        position,
        recordedAt,
      };
    }),
  );
}

/** Every row of `schema.table`, ordered by its primary key (by the whole row when it has none), timestamps as ISO strings. */
async function rowsOf(db: Kysely<ReadModelDatabase>, schema: string, table: string): Promise<Record<string, unknown>[]> {
  const { rows: keys } = await sql<{ column: string }>`
    select a.attname as column
      from pg_index i
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
     where i.indrelid = to_regclass(${`${schema}.${table}`}) and i.indisprimary
     order by array_position(i.indkey::int2[], a.attnum)`.execute(db);
  const order = keys.length === 0 ? sql`t::text` : sql.join(keys.map((key) => sql.ref(`t.${key.column}`)));
  const { rows } = await sql<Record<string, unknown>>`select t.* from ${sql.table(`${schema}.${table}`)} t order by ${order}`.execute(db);
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([column, value]) => [column, value instanceof Date ? value.toISOString() : value])));
}
