import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventStore, Position, RecordedEvent } from '../../event-store/src/index.js';
import { comparePositions, encodePosition } from '../../event-store/src/index.js';
import { applyEvents } from './projection-apply.js';
import { currentVersionsSql, positionKey, positionOfKey, quoteIdent, versionsTable } from './history.js';
import { LIVE_READ_MODEL_SCHEMA, type Projection, type ReadModelDatabase } from './projection.js';

/**
 * As-of reads (docs/as-of.md): runs any query written against a read-model schema against the read models as they
 * stood at a position, inside one transaction that is always rolled back.
 *
 * In that transaction every table of every projection is shadowed in the session's temporary schema (`pg_temp`):
 * - by a view of its versions valid at the position, when the position is a batch boundary of its projection (or no
 *   batch of that projection straddles it);
 * - by a temporary table, when the position falls inside a batch: filled with the tenant's rows as they stood before
 *   that batch, then the tenant's events of the batch up to the position are applied to it by the projection itself.
 * The query class is handed the transaction and the schema name `pg_temp`, so the same SQL reads the past.
 */

/** The schema name a query class is given inside readAsOf. */
export const AS_OF_SCHEMA = 'pg_temp';

const REPLAY_PAGE = 1_000;

export type AsOfRefusal = 'not_recorded' | 'before_history' | 'not_reached';

/** The read models cannot answer as of this position (see `reason`); nothing was read. */
export class AsOfUnavailableError extends Error {
  override readonly name = 'AsOfUnavailableError';

  constructor(
    readonly reason: AsOfRefusal,
    readonly projection: string,
    readonly position: Position,
    detail: string,
  ) {
    super(`projection ${projection} cannot answer as of ${encodePosition(position)}: ${detail}`);
  }
}

export interface AsOfOptions {
  readonly db: Kysely<ReadModelDatabase>;
  /** For the events replayed inside a batch. */
  readonly store: EventStore;
  /** The projections whose tables the query may read (the side-effect ones are skipped). */
  readonly projections: readonly Projection[];
  readonly tenantId: string;
  readonly position: Position;
  /** The live schema whose history is read. */
  readonly schema?: string;
  /**
   * The head of the whole log, when the caller knows it: under a tenant's row-level security the store's own head is
   * that tenant's, which says nothing about the positions of other tenants' events.
   */
  readonly head?: Position;
  /** Told the plan actually used (after the tenant's events narrowed it): for tests and diagnostics. */
  readonly onPlan?: (plan: readonly AsOfPlanEntry[]) => void;
}

/** How each projection's tables are shown at the position: a view of the versions, or a replay into a temporary table. */
export interface AsOfPlanEntry {
  readonly projection: Projection;
  readonly mode: 'view' | 'replay';
  /** view: the key the versions are read at; replay: the key of the state before the batch (its checkpoint). */
  readonly key: string;
  /** replay: the key of the batch's last event (its versions start there). */
  readonly lastKey?: string;
}

interface HistoryRow {
  name: string;
  started_key: string;
  recorded_key: string;
  commit: string;
  prepare: string;
  from_key: string | null;
  first_key: string | null;
  last_key: string | null;
}

class Rollback {
  constructor(readonly value: unknown) {}
}

/**
 * Runs `work` against the read models of `tenantId` as they stood at `position` (inclusive): the answer equals the
 * same work on a fresh rebuild stopped at that position (test/property/as-of.property.spec.ts). Nothing is written:
 * the transaction is rolled back, temporary views and tables with it. Refuses with AsOfUnavailableError a position a
 * projection has not reached yet, or one before its recorded history begins.
 */
export async function readAsOf<Result>(options: AsOfOptions, work: (trx: Transaction<ReadModelDatabase>, schema: string) => Promise<Result>): Promise<Result> {
  try {
    await options.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        await prepareAsOf(trx, options);
        throw new Rollback(await work(trx, AS_OF_SCHEMA));
      });
  } catch (error) {
    if (error instanceof Rollback) return error.value as Result;
    throw error;
  }
  throw new Error('unreachable: the as-of transaction always rolls back');
}

/** Decides per projection whether the versions answer at the position or a batch must be replayed. */
export async function planAsOf(
  trx: Transaction<ReadModelDatabase> | Kysely<ReadModelDatabase>,
  options: Omit<AsOfOptions, 'db' | 'store' | 'tenantId'> & { readonly store?: EventStore; readonly tenantId?: string },
): Promise<AsOfPlanEntry[]> {
  const schema = options.schema ?? LIVE_READ_MODEL_SCHEMA;
  const projections = options.projections.filter((projection) => !projection.sideEffects);
  const unrecorded = projections.find((projection) => projection.history === false);
  if (unrecorded) throw new AsOfUnavailableError('not_recorded', unrecorded.name, options.position, 'it keeps no history (history: false)');
  const key = positionKey(options.position);
  const { rows } = await sql<HistoryRow>`
    select h.name, h.started_key::text as started_key, h.recorded_key::text as recorded_key, c.commit::text as commit, c.prepare::text as prepare,
           b.from_key::text as from_key, b.first_key::text as first_key, b.last_key::text as last_key
      from projection_runtime.histories h
      join projection_runtime.checkpoints c on c.name = h.name and c.schema_name = h.schema_name
      left join lateral (
        select from_key, first_key, last_key from projection_runtime.history_batches b
         where b.schema_name = h.schema_name and b.name = h.name and b.last_key > ${key}::numeric
         order by b.last_key limit 1) b on true
     where h.schema_name = ${schema} and h.name = any(${projections.map((projection) => projection.name)}::text[])`.execute(trx);
  const byName = new Map(rows.map((row) => [row.name, row]));
  const head = options.head ?? (options.store ? await options.store.headPosition() : undefined);
  const plan: AsOfPlanEntry[] = [];
  for (const projection of projections) {
    const row = byName.get(projection.name);
    if (!row) throw new AsOfUnavailableError('not_recorded', projection.name, options.position, 'its history is not recorded (yet): it starts when the projector runs it');
    const checkpoint = { commit: BigInt(row.commit), prepare: BigInt(row.prepare) };
    if (comparePositions(checkpoint, options.position) < 0 && !(await nothingToApply(options.store, head, projection, options.tenantId, checkpoint, options.position))) {
      throw new AsOfUnavailableError('not_reached', projection.name, options.position, `it has applied the log up to ${encodePosition(checkpoint)} only`);
    }
    // The history is recorded in the batches' own transactions, so it is behind its tables only when a rebuild swapped
    // fresh tables in since (until the runner's next start bridges it): then no answer past it, rather than a wrong one.
    if (BigInt(key) > BigInt(row.recorded_key) && !(await nothingToApply(options.store, head, projection, options.tenantId, positionOfKey(row.recorded_key), options.position))) {
      throw new AsOfUnavailableError('not_reached', projection.name, options.position, `its history is recorded up to ${encodePosition(positionOfKey(row.recorded_key))} only (a rebuild swapped its tables in; the projector bridges it when it starts)`);
    }
    if (BigInt(key) < BigInt(row.started_key)) {
      throw new AsOfUnavailableError('before_history', projection.name, options.position, `its history begins at ${encodePosition(positionOfKey(row.started_key))} (its version ${projection.version} started there)`);
    }
    if (row.first_key !== null && row.from_key !== null && BigInt(row.first_key) <= BigInt(key)) plan.push({ projection, mode: 'replay', key: row.from_key, lastKey: row.last_key ?? undefined });
    else plan.push({ projection, mode: 'view', key });
  }
  return plan;
}

/**
 * A checkpoint below the position still answers when the log is readable up to the position and holds no event of
 * the projection's types for the tenant in between (the checkpoint only lags: idle advances are written lazily).
 */
async function nothingToApply(store: EventStore | undefined, head: Position | undefined, projection: Projection, tenantId: string | undefined, checkpoint: Position, position: Position): Promise<boolean> {
  if (!store || !head || tenantId === undefined || comparePositions(head, position) < 0) return false;
  const [next] = await store.readAll({ fromPosition: checkpoint, maxCount: 1, filter: { eventTypes: projection.eventTypes, streamPrefixes: [`${tenantId}:`] } });
  return next === undefined || comparePositions(next.position, position) > 0;
}

async function prepareAsOf(trx: Transaction<ReadModelDatabase>, options: AsOfOptions): Promise<void> {
  const schema = options.schema ?? LIVE_READ_MODEL_SCHEMA;
  const candidates = await planAsOf(trx, { projections: options.projections, position: options.position, schema, store: options.store, tenantId: options.tenantId, head: options.head });
  // A batch that straddles the position needs a replay only when it holds the tenant's events on both sides of it:
  // with none up to the position the tenant's rows are as before the batch (the versions at the position show that),
  // with none after it they are as after the batch.
  const plan: AsOfPlanEntry[] = [];
  const replays = new Map<string, RecordedEvent[]>();
  for (const entry of candidates) {
    if (entry.mode === 'view' || entry.lastKey === undefined) {
      plan.push(entry);
      continue;
    }
    const events = await tenantEventsBetween(options.store, entry.projection, options.tenantId, positionOfKey(entry.key), positionOfKey(entry.lastKey));
    const upTo = events.filter((event) => comparePositions(event.position, options.position) <= 0);
    if (upTo.length === 0) plan.push({ projection: entry.projection, mode: 'view', key: positionKey(options.position) });
    else if (upTo.length === events.length) plan.push({ projection: entry.projection, mode: 'view', key: entry.lastKey });
    else {
      plan.push(entry);
      replays.set(entry.projection.name, upTo);
    }
  }
  options.onPlan?.(plan);
  const statements: string[] = [];
  const tenant = `'${options.tenantId.replace(/'/g, "''")}'`;
  const columnsByTable = await columnsOfTables(trx, schema, plan.flatMap((entry) => entry.projection.tables));
  for (const entry of plan) {
    for (const table of entry.projection.tables) {
      const shape = columnsByTable.get(table);
      if (!shape) throw new Error(`as-of: table ${schema}.${table} does not exist`);
      const list = shape.columns.map(quoteIdent).join(', ');
      const versions = `${quoteIdent(schema)}.${quoteIdent(versionsTable(table))}`;
      if (entry.mode === 'view') {
        statements.push(`create temp view ${quoteIdent(table)} as select ${list} from ${currentVersionsSql(versions, shape.columns, shape.keys, entry.key)} v where not v.deleted`);
      } else {
        const ofTenant = shape.columns.includes('tenant_id') ? `tenant_id = ${tenant}` : '';
        statements.push(
          `create temp table ${quoteIdent(table)} (like ${quoteIdent(schema)}.${quoteIdent(table)} including defaults including constraints including indexes)`,
          `insert into pg_temp.${quoteIdent(table)} (${list}) select ${list} from ${currentVersionsSql(versions, shape.columns, shape.keys, entry.key, ofTenant)} v where not v.deleted`,
        );
      }
    }
  }
  if (statements.length > 0) await sql.raw(statements.join(';\n')).execute(trx);
  for (const entry of plan) {
    const events = replays.get(entry.projection.name);
    if (entry.mode === 'replay' && events) await applyEvents(entry.projection, { trx, schema: AS_OF_SCHEMA }, events);
  }
}

/** The tenant's events of the projection's types after `from` (exclusive) up to `to` (inclusive), in log order. */
async function tenantEventsBetween(store: EventStore, projection: Projection, tenantId: string, from: Position, to: Position): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after = from;
  for (;;) {
    const page = await store.readAll({ fromPosition: after, maxCount: REPLAY_PAGE, filter: { eventTypes: projection.eventTypes, streamPrefixes: [`${tenantId}:`] } });
    for (const event of page) {
      if (comparePositions(event.position, to) > 0) return events;
      events.push(event);
    }
    if (page.length < REPLAY_PAGE) return events;
    after = (page.at(-1) as RecordedEvent).position;
  }
}

/** The columns of the tables, in order, and their primary keys, in one catalog read (not cached: a rebuild may swap in other columns). */
async function columnsOfTables(trx: Transaction<ReadModelDatabase>, schema: string, tables: readonly string[]): Promise<Map<string, { columns: string[]; keys: string[] }>> {
  const { rows } = await sql<{ table: string; columns: string[]; keys: string[] | null }>`
    select c.relname as table,
           array_agg(a.attname::text order by a.attnum) as columns,
           (select array_agg(k.attname::text order by x.ord)
              from pg_index i
              join lateral unnest(i.indkey) with ordinality as x(attnum, ord) on true
              join pg_attribute k on k.attrelid = i.indrelid and k.attnum = x.attnum
             where i.indrelid = c.oid and i.indisprimary) as keys
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname = ${schema} and c.relname = any(${[...tables]}::text[]) and c.relkind in ('r', 'p')
     group by c.oid, c.relname`.execute(trx);
  return new Map(rows.map((row) => [row.table, { columns: row.columns, keys: row.keys ?? [] }]));
}
