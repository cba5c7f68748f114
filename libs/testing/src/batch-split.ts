import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import type { EventStore, RecordedEvent } from '../../event-store/src/index.js';
import { applyEvents, type Projection, type ReadModelDatabase } from '../../projection-runtime/src/index.js';
import { mulberry32 } from './seeded-random.js';

/**
 * Batch-split equivalence for projections with applyBatch: the same history applied one event per batch, all in one
 * batch, or in any other split must leave the same rows. `projectInBatches` applies a history the way the runner does
 * (each batch in one read-committed transaction) into a fresh schema and returns every row of the projection's tables
 * as JSON text, with the statements each batch sent; `seededBatchSizes` draws a reproducible random split.
 *
 *   const one = await projectInBatches(db, projection, events, events.map(() => 1));
 *   const all = await projectInBatches(db, projection, events, [events.length]);
 *   expect(all.rows).toEqual(one.rows);
 */
/**
 * The whole log of a spec's database from the start, once all `appended` events can be read. The log is readable
 * below the oldest open transaction of the whole PostgreSQL cluster (other test files' databases included), so
 * right after appending, under load, the last events may take a moment to show: a history read too early would be
 * cut short, and the comparison would silently test less.
 */
export async function readAppendedLog(store: EventStore, appended: number, timeoutMs = 30_000): Promise<RecordedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events: RecordedEvent[] = [];
    for (;;) {
      const page = await store.readAll({ fromPosition: events.at(-1)?.position ?? 'start', maxCount: 1_000 });
      events.push(...page);
      if (page.length < 1_000) break;
    }
    if (events.length >= appended) return events;
    if (Date.now() > deadline) throw new Error(`only ${events.length} of ${appended} appended events became readable in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface BatchProjectionResult {
  /** `<table>` -> every row as `to_jsonb(row)::text`, sorted: numerics keep the scale they are stored with. */
  readonly rows: Readonly<Record<string, readonly string[]>>;
  /** The statements each batch sent to PostgreSQL, in batch order (BEGIN and COMMIT not counted). */
  readonly statements: readonly number[];
  /** Wall-clock milliseconds spent applying each batch (its transaction included). */
  readonly elapsedMs: readonly number[];
}

export async function projectInBatches(db: Kysely<ReadModelDatabase>, projection: Projection, events: readonly RecordedEvent[], batchSizes: readonly number[]): Promise<BatchProjectionResult> {
  const total = batchSizes.reduce((sum, size) => sum + size, 0);
  if (total !== events.length || batchSizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new Error(`batch sizes ${batchSizes.length > 10 ? `(${batchSizes.length} of them)` : batchSizes.join(', ')} do not split ${events.length} events`);
  }
  const schema = `batch_split_${randomBytes(6).toString('hex')}`;
  await sql.raw(`create schema ${schema}`).execute(db);
  try {
    await projection.createTables(db, schema);
    const counter = new StatementCounter();
    const counted = db.withPlugin(counter);
    const statements: number[] = [];
    const elapsedMs: number[] = [];
    let start = 0;
    for (const size of batchSizes) {
      const batch = events.slice(start, start + size);
      start += size;
      const before = counter.count;
      const began = performance.now();
      await counted
        .transaction()
        .setIsolationLevel('read committed')
        .execute((trx) => applyEvents(projection, { trx, schema }, batch));
      elapsedMs.push(performance.now() - began);
      statements.push(counter.count - before);
    }
    return { rows: await rowsOfTables(db, schema, projection.tables), statements, elapsedMs };
  } finally {
    await sql.raw(`drop schema if exists ${schema} cascade`).execute(db);
  }
}

/**
 * Every row of each table as JSON text, sorted, so that two schemas compare with toEqual. The text does not depend
 * on the server's settings: timestamps are written in UTC and rows sorted byte by byte, so a digest of it can be
 * pinned in a test.
 */
export async function rowsOfTables(db: Kysely<ReadModelDatabase>, schema: string, tables: readonly string[]): Promise<Record<string, string[]>> {
  return db.transaction().execute(async (trx) => {
    await sql`set local time zone 'UTC'`.execute(trx);
    const rows: Record<string, string[]> = {};
    for (const table of tables) {
      const result = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.table(`${schema}.${table}`)} t order by to_jsonb(t)::text collate "C"`.execute(trx);
      rows[table] = result.rows.map((row) => row.row);
    }
    return rows;
  });
}

/** A SHA-256 of each table's rows (as rowsOfTables gives them), to pin a known-good read model in a test. */
export function digestsOfRows(rows: Readonly<Record<string, readonly string[]>>): Record<string, string> {
  return Object.fromEntries(Object.entries(rows).map(([table, tableRows]) => [table, createHash('sha256').update(tableRows.join('\n')).digest('hex')]));
}

/**
 * `count` batch sizes (at least 1 each) that add up to `total`, cut at points drawn from `seed`: the same seed gives
 * the same split, so a failing split can be replayed.
 */
export function seededBatchSizes(total: number, count: number, seed: number): number[] {
  const parts = Math.max(1, Math.min(count, total));
  const random = mulberry32(seed);
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) cuts.add(1 + Math.floor(random() * (total - 1)));
  const points = [0, ...[...cuts].sort((a, b) => a - b), total];
  return points.slice(1).map((point, index) => point - (points[index] as number));
}

/**
 * Counts the statements sent through a Kysely instance. transformResult runs once per executed query (transformQuery
 * would also count subqueries, which are no round trip of their own), raw `sql` included.
 */
export class StatementCounter implements KyselyPlugin {
  count = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count += 1;
    return args.result;
  }
}
