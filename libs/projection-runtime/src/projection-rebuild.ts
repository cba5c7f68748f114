import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type pg from 'pg';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { EventStore, Position, RecordedEvent } from '../../event-store/src/index.js';
import { comparePositions, PostgresEventStore, START_POSITION } from '../../event-store/src/index.js';
import { connectDatabase, copyColumnKinds, copyRows, scopedPoolOf, secureTenantTables, type CopyColumnKind } from '../../database/src/index.js';
import { initialiseCheckpoint } from './checkpoint-store.js';
import { ProjectionLease } from './projection-lease.js';
import { LIVE_READ_MODEL_SCHEMA } from './projection.js';
import type { Projection, ProjectionContext, ReadModelDatabase } from './projection.js';
import { applyEvents, ensureProjectionRuntimeSchema } from './projection-apply.js';
import { projectionStateHash } from './projection-state-hash.js';

/** Events read from the log per page: fresh tables, so the larger the page the fewer round trips and commits. */
const REBUILD_PAGE_SIZE = 5_000;
const PROGRESS_EVERY_EVENTS = 50_000;
/** The young generation of a rebuild worker: three 64 MB semi-spaces' worth. */
const REBUILD_YOUNG_GENERATION_MB = 192;
/** How far (in pages) the fastest projection of a shared rebuild may run ahead of the slowest. */
const PAGES_AHEAD_MAX = 6;

export interface RebuildOptions {
  /** Swap the rebuilt tables into this schema (the live one). Omit to leave them in their build schema for comparison. */
  readonly targetSchema?: string;
  /** The build schema of one projection (rebuildProjection) ... */
  readonly buildSchema?: string;
  /** ... or of each projection when several are rebuilt together. */
  readonly buildSchemaOf?: (projection: Projection) => string;
  readonly log?: (message: string) => void;
  /** Called after each page read from the log (and once when the log is read to its end), for a progress bar. */
  readonly progress?: (progress: RebuildProgress) => void;
  readonly batchSize?: number;
  /**
   * Stop at this position (inclusive): events after it are not applied, and the rebuilt position (the checkpoint) is
   * the last event applied. A rebuild stopped at a position is the read model as it stood there (`ledger replay
   * --projection`, as-of tests). Omit to rebuild to the end of the log.
   */
  readonly toPosition?: Position;
}

/** How far one read of the log (the projections rebuilt together: one worker's group) has come. */
export interface RebuildProgress {
  readonly projections: readonly string[];
  /** Events of their types read (and handed to them) so far. */
  readonly eventsRead: number;
  /** Events of their types in the log when the rebuild started: the head to reach (events appended since come on top). */
  readonly eventsTotal: number;
  /** The log is read to its end (the indexes and the swap follow). */
  readonly done: boolean;
}

export interface RebuiltProjection {
  readonly name: string;
  readonly schema: string;
  readonly position: Position;
  /** The events of its types it applied. */
  readonly events: number;
  /** Milliseconds from the start of its rebuild until its last page was applied (before indexes and swap). */
  readonly loadMs: number;
  /** projectionStateHash of its live tables right after the swap (rebuildLiveProjections with stateHashes only). */
  readonly stateHash?: string;
}

/**
 * Builds a projection from position zero into fresh tables (see rebuildProjections, of which this is the case of one).
 */
export async function rebuildProjection(store: EventStore, db: Kysely<ReadModelDatabase>, projection: Projection, options: RebuildOptions = {}): Promise<RebuiltProjection> {
  const [rebuilt] = await rebuildProjections(store, db, [projection], options);
  return rebuilt as RebuiltProjection;
}

/**
 * Builds projections from position zero into fresh tables, each in a schema of its own, with ONE read of the log
 * for all of them: each page of the events any of them handles is read once (the next page is read while this one is
 * applied) and handed to each projection as its own filtered batch, through applyBatch, in a transaction per
 * projection and page with asynchronous commit (a crash mid-rebuild leaves only build schemas, which the next rebuild
 * drops). The tables are created without their secondary indexes, which come once after the load (see
 * Projection.createIndexes). With a target schema, each projection's fresh tables then replace the target's in one
 * transaction, so readers never see a half-built read model. Replaying twice gives identical rows.
 *
 * The checkpoint is the last event actually read, never the head of the log: an event committed between the last
 * (empty) read and a head lookup would otherwise lie below the checkpoint and never be applied. The runner moves the
 * checkpoint past later events a projection does not handle. With `toPosition`, the read stops there (inclusive) and the
 * checkpoint is the last event applied at or before it.
 */
export async function rebuildProjections(
  store: EventStore,
  db: Kysely<ReadModelDatabase>,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<RebuiltProjection[]> {
  if (projections.length === 0) return [];
  const log = options.log ?? (() => undefined);
  const pageSize = options.batchSize ?? REBUILD_PAGE_SIZE;
  const stamp = Date.now().toString(36);
  const schemaOf = (projection: Projection): string =>
    options.buildSchemaOf?.(projection) ??
    (projections.length === 1 ? options.buildSchema : undefined) ??
    `rebuild_${projection.name.replace(/[^a-z0-9_]/g, '_')}_${stamp}`;
  const started = performance.now();
  const targets = projections.map((projection) => {
    const schema = schemaOf(projection);
    return { projection, schema, types: new Set(projection.eventTypes), events: 0, loadMs: 0, session: new RebuildSession(db, schema) };
  });
  await ensureProjectionRuntimeSchema(db);
  for (const target of targets) {
    await sql.raw(`drop schema if exists ${target.schema} cascade; create schema ${target.schema}`).execute(db);
    await target.projection.createTables(db, target.schema);
  }
  const eventTypes = [...new Set(projections.flatMap((projection) => projection.eventTypes))];
  const pages = new SharedPages(store, eventTypes, pageSize, targets.length, options.toPosition);
  let reported = 0;
  const names = projections.map((projection) => projection.name);
  const eventsTotal = options.progress ? await countEvents(db, eventTypes, options.toPosition) : 0;
  let progressed = -1;
  const progress = (done: boolean): void => {
    if (!options.progress || (!done && pages.eventsRead === progressed)) return;
    progressed = pages.eventsRead;
    options.progress({ projections: names, eventsRead: pages.eventsRead, eventsTotal: Math.max(eventsTotal, pages.eventsRead), done });
  };
  // Each projection goes through the pages at its own pace (a slow one does not hold the others back), at most
  // PAGES_AHEAD_MAX pages ahead of the slowest, so memory stays bounded whatever the length of the log.
  await Promise.all(
    targets.map(async (target, targetIndex) => {
      for (let index = 0; ; index += 1) {
        const page = await pages.page(index);
        if (page.length === 0) {
          target.loadMs = Math.round(performance.now() - started);
          break;
        }
        const batch = targets.length === 1 ? page : page.filter((event) => target.types.has(event.type));
        if (batch.length > 0) {
          await target.session.transaction(async (trx, copyRows) => {
            await sql`set local synchronous_commit = off`.execute(trx);
            await applyEvents(target.projection, { trx, schema: target.schema, rebuilding: true, ...(copyRows ? { copyRows } : {}) }, batch);
          });
          target.events += batch.length;
        }
        pages.done(index, targetIndex);
        progress(false);
        if (pages.eventsRead >= reported + PROGRESS_EVERY_EVENTS) {
          reported = pages.eventsRead;
          log(`rebuild of ${targets.map((entry) => entry.projection.name).join(', ')}: ${reported} events read so far`);
        }
      }
    }),
  );
  const position = pages.lastPosition;
  progress(true);
  return Promise.all(
    targets.map(async (target) => {
      // Secondary indexes are built once over the loaded rows rather than maintained row by row during the load.
      await target.projection.createIndexes?.(db, target.schema);
      const schema = await finishRebuild(db, target.projection, target.schema, position, options.targetSchema);
      log(`projection ${target.projection.name}: rebuilt ${target.events} events into ${schema}`);
      return { name: target.projection.name, schema, position, events: target.events, loadMs: target.loadMs };
    }),
  );
}

type CopyRows = NonNullable<ProjectionContext['copyRows']>;

/**
 * One projection's writes during a rebuild: a transaction per page on a pooled connection, and COPY on that same
 * connection (ProjectionContext.copyRows) when the database came from connectDatabase, whose pool Kysely's own
 * connections come from; for any other Kysely, plain transactions and no COPY.
 */
class RebuildSession {
  private readonly scopedDb: Kysely<ReadModelDatabase> | undefined;
  private client: pg.PoolClient | undefined;
  private readonly kinds = new Map<string, Promise<Map<string, CopyColumnKind>>>();

  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string,
  ) {
    const scoped = scopedPoolOf(db);
    this.scopedDb = scoped
      ? new Kysely<ReadModelDatabase>({
          dialect: new PostgresDialect({
            pool: {
              // Kysely takes one connection for a whole transaction and releases it to the pool afterwards.
              connect: async () => {
                this.client = await scoped.connect();
                return this.client;
              },
              end: async () => undefined,
            },
          }),
        })
      : undefined;
  }

  async transaction(work: (trx: Transaction<ReadModelDatabase>, copyRows: CopyRows | undefined) => Promise<void>): Promise<void> {
    if (!this.scopedDb) {
      await this.db.transaction().execute((trx) => work(trx, undefined));
      return;
    }
    try {
      await this.scopedDb.transaction().execute((trx) => work(trx, (table, columns, rows) => this.copy(table, columns, rows)));
    } finally {
      this.client = undefined;
    }
  }

  private async copy(table: string, columns: readonly string[], rows: readonly Readonly<Record<string, unknown>>[]): Promise<void> {
    const client = this.client;
    if (!client) throw new Error(`COPY into ${this.schema}.${table} outside a rebuild transaction`);
    let kinds = this.kinds.get(table);
    if (!kinds) {
      kinds = copyColumnKinds(client, this.schema, table);
      this.kinds.set(table, kinds);
    }
    await copyRows(client, this.schema, table, columns, await kinds, rows);
  }
}

/**
 * The events of these types in the log (of the PostgreSQL event store in the same database), up to `toPosition`
 * (inclusive) when given: a progress bar's 100 %.
 */
async function countEvents(db: Kysely<ReadModelDatabase>, eventTypes: readonly string[], toPosition?: Position): Promise<number> {
  if (eventTypes.length === 0) return 0;
  const upTo = toPosition
    ? sql`and (transaction_id, global_position) <= (${toPosition.commit.toString()}::text::xid8, ${toPosition.prepare.toString()}::bigint)`
    : sql``;
  const { rows } = await sql<{ events: string }>`select count(*)::text as events from event_store.events where type = any(${[...eventTypes]}::text[]) ${upTo}`.execute(db);
  return Number(rows[0]?.events ?? 0);
}

/**
 * The pages of one read of the log, shared by the projections rebuilt together: page i is read once, after page i-1
 * (the next one is requested as soon as a consumer takes the current one), kept until every consumer is done with
 * it, and a consumer more than PAGES_AHEAD_MAX pages ahead of the slowest waits. With a stop position, the page
 * that reaches it is cut there and the pages after it are empty.
 */
class SharedPages {
  private readonly pages = new Map<number, Promise<RecordedEvent[]>>();
  private readonly progress: number[];
  private readonly waiting: (() => void)[] = [];
  eventsRead = 0;
  lastPosition: Position = START_POSITION;

  constructor(
    private readonly store: EventStore,
    private readonly eventTypes: readonly string[],
    private readonly pageSize: number,
    consumers: number,
    private readonly toPosition?: Position,
  ) {
    this.progress = Array.from({ length: consumers }, () => 0);
  }

  /** Page `index` for a consumer that is done with the one before (which is therefore still held). */
  async page(index: number): Promise<RecordedEvent[]> {
    while (index - Math.min(...this.progress) >= PAGES_AHEAD_MAX) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const page = await this.fetch(index);
    // Read-ahead: the next page is on its way while this one is applied.
    if (page.length === this.pageSize) void this.fetch(index + 1).catch(() => undefined);
    return page;
  }

  /**
   * The consumer has applied page `index`: pages every consumer has passed are let go, except the last of them, which
   * the next read starts after (letting it go too made the next fetch read it from the log a second time).
   */
  done(index: number, consumer: number): void {
    this.progress[consumer] = index + 1;
    const slowest = Math.min(...this.progress);
    for (const key of this.pages.keys()) if (key < slowest - 1) this.pages.delete(key);
    for (const wake of this.waiting.splice(0)) wake();
  }

  private fetch(index: number): Promise<RecordedEvent[]> {
    let page = this.pages.get(index);
    if (!page) {
      const previous = index === 0 ? Promise.resolve<RecordedEvent[] | null>(null) : this.fetch(index - 1);
      page = previous.then(async (before) => {
        if (before !== null && before.length < this.pageSize) return [];
        const after = before === null ? START_POSITION : (before.at(-1) as RecordedEvent).position;
        const to = this.toPosition;
        // A page cut at the stop position is shorter than a full one, so the page after it reads as the end.
        if (to && comparePositions(after, to) >= 0) return [];
        const read = await this.store.readAll({ fromPosition: after, maxCount: this.pageSize, filter: { eventTypes: this.eventTypes } });
        const events = to && read.length > 0 && comparePositions((read.at(-1) as RecordedEvent).position, to) > 0 ? read.filter((event) => comparePositions(event.position, to) <= 0) : read;
        if (events.length > 0) {
          this.eventsRead += events.length;
          this.lastPosition = (events.at(-1) as RecordedEvent).position;
        }
        return events;
      });
      this.pages.set(index, page);
    }
    return page;
  }
}

/** Leaves the rebuilt tables with their checkpoint in the build schema, or swaps them into the target in one transaction. */
async function finishRebuild(db: Kysely<ReadModelDatabase>, projection: Projection, buildSchema: string, position: Position, targetSchema: string | undefined): Promise<string> {
  if (!targetSchema) {
    await initialiseCheckpoint(db, projection.name, buildSchema, projection.version, position);
    return buildSchema;
  }
  // Row-level security goes on before the swap (it moves with the tables), so the live schema never holds a table
  // that a tenant's request could read unfiltered, not even between the swap and the runner's next start.
  await secureTenantTables(db, projection.tables.map((table) => `${buildSchema}.${table}`));
  await db.transaction().execute(async (trx) => {
    await sql.raw(`create schema if not exists ${targetSchema}`).execute(trx);
    for (const table of [...projection.tables].reverse()) await sql.raw(`drop table if exists ${targetSchema}.${table} cascade`).execute(trx);
    for (const table of projection.tables) await sql.raw(`alter table ${buildSchema}.${table} set schema ${targetSchema}`).execute(trx);
    await sql.raw(`drop schema ${buildSchema} cascade`).execute(trx);
    await initialiseCheckpoint(trx, projection.name, targetSchema, projection.version, position);
  });
  return targetSchema;
}

export interface ParallelRebuildOptions extends Omit<RebuildOptions, 'buildSchemaOf'> {
  /** The PostgreSQL database holding the event store and the read models: each worker opens its own connections. */
  readonly connectionString: string;
  /**
   * The module a worker thread runs: it must call `serveRebuildWorker` with the same projections (by name), e.g.
   * projections/rebuild-worker.ts. The projections are code, so they cannot be sent to a worker; their names can.
   */
  readonly workerModule: URL;
  /** Worker threads; defaults to the machine's parallelism, at most one per projection. 1 rebuilds in this thread. */
  readonly workers?: number;
  readonly buildSchemas?: Readonly<Record<string, string>>;
}

interface WorkerRequest {
  readonly connectionString: string;
  readonly names: readonly string[];
  readonly buildSchemas: Readonly<Record<string, string>>;
  readonly targetSchema?: string;
  readonly batchSize?: number;
  /** RebuildOptions.toPosition, as decimal strings (a bigint cannot cross to a worker as it is). */
  readonly toPosition?: { readonly commit: string; readonly prepare: string };
  /** Whether to post progress messages (only when the caller asked for progress). */
  readonly progress?: boolean;
}

type WorkerMessage = { kind: 'log'; message: string } | { kind: 'progress'; progress: RebuildProgress } | { kind: 'done'; rebuilt: { name: string; schema: string; position: { commit: string; prepare: string }; events: number; loadMs: number }[] } | { kind: 'failed'; message: string; stack?: string };

/**
 * Rebuilds projections of the PostgreSQL event store in several worker threads at once: a rebuild is bound by the
 * Node CPU that folds events into rows, so a second core doubles what one thread can fold. The projections are split
 * into groups of about equal work (their share of the log's events, counted by type), and each worker rebuilds its
 * group with rebuildProjections (one read of the log per worker). Results, schemas and checkpoints are the same as
 * one rebuildProjections of all of them.
 */
export async function rebuildProjectionsInParallel(db: Kysely<ReadModelDatabase>, projections: readonly Projection[], options: ParallelRebuildOptions): Promise<RebuiltProjection[]> {
  const log = options.log ?? (() => undefined);
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), projections.length));
  const stamp = Date.now().toString(36);
  const buildSchemas: Record<string, string> = {};
  for (const projection of projections) {
    buildSchemas[projection.name] = options.buildSchemas?.[projection.name] ?? `rebuild_${projection.name.replace(/[^a-z0-9_]/g, '_')}_${stamp}`;
  }
  if (workers === 1) {
    const store = new PostgresEventStore({ connectionString: options.connectionString, poolSize: 4 });
    try {
      return await rebuildProjections(store, db, projections, { ...options, buildSchemaOf: (projection) => buildSchemas[projection.name] as string });
    } finally {
      await store.close();
    }
  }
  // Serialised here once, so that concurrent workers never race to create the runtime schema.
  await ensureProjectionRuntimeSchema(db);
  const groups = await balancedGroups(db, projections, workers);
  log(`rebuild: ${projections.length} projection(s) in ${groups.length} worker thread(s): ${groups.map((group) => group.map((projection) => projection.name).join(', ')).join(' | ')}`);
  const results = await Promise.all(
    groups.map((group) =>
      runWorker(
        options.workerModule,
        {
          connectionString: options.connectionString,
          names: group.map((projection) => projection.name),
          buildSchemas,
          targetSchema: options.targetSchema,
          batchSize: options.batchSize,
          toPosition: options.toPosition ? { commit: options.toPosition.commit.toString(), prepare: options.toPosition.prepare.toString() } : undefined,
          progress: options.progress !== undefined,
        },
        log,
        options.progress,
      ),
    ),
  );
  const byName = new Map(results.flat().map((rebuilt) => [rebuilt.name, rebuilt]));
  return projections.map((projection) => {
    const rebuilt = byName.get(projection.name);
    if (!rebuilt) throw new Error(`rebuild: no worker reported projection ${projection.name}`);
    return rebuilt;
  });
}

/** Greedy longest-first split by the number of events of each projection's types (a cheap estimate of its work). */
async function balancedGroups(db: Kysely<ReadModelDatabase>, projections: readonly Projection[], count: number): Promise<Projection[][]> {
  const { rows } = await sql<{ type: string; events: string }>`select type, count(*)::text as events from event_store.events group by type`.execute(db);
  const perType = new Map(rows.map((row) => [row.type, Number(row.events)]));
  const weighted = projections
    .map((projection) => ({ projection, weight: projection.eventTypes.reduce((sum, type) => sum + (perType.get(type) ?? 0), 0) }))
    .sort((a, b) => b.weight - a.weight || a.projection.name.localeCompare(b.projection.name));
  const groups = Array.from({ length: count }, () => ({ weight: 0, projections: [] as Projection[] }));
  for (const entry of weighted) {
    const lightest = groups.reduce((best, group) => (group.weight < best.weight ? group : best));
    lightest.weight += entry.weight;
    lightest.projections.push(entry.projection);
  }
  return groups.filter((group) => group.projections.length > 0).map((group) => group.projections);
}

function runWorker(module: URL, request: WorkerRequest, log: (message: string) => void, progress?: (progress: RebuildProgress) => void): Promise<RebuiltProjection[]> {
  return new Promise((resolve, reject) => {
    // A rebuild allocates many short-lived objects (parsed events, folded rows): a young generation of 64 MB semi-spaces
    // (V8's default is 16 MB) halves the time spent collecting them.
    const worker = new Worker(module, { workerData: request, resourceLimits: { maxYoungGenerationSizeMb: REBUILD_YOUNG_GENERATION_MB } });
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'log') log(message.message);
      else if (message.kind === 'progress') progress?.(message.progress);
      else if (message.kind === 'done') {
        settled = true;
        resolve(message.rebuilt.map((rebuilt) => ({ ...rebuilt, position: { commit: BigInt(rebuilt.position.commit), prepare: BigInt(rebuilt.position.prepare) } })));
      } else {
        settled = true;
        const error = new Error(`rebuild worker for ${request.names.join(', ')} failed: ${message.message}`);
        if (message.stack) error.stack = `${error.message}\n${message.stack}`;
        reject(error);
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`rebuild worker for ${request.names.join(', ')} exited with code ${code} before it finished`));
    });
  });
}

/**
 * The body of a rebuild worker thread (see rebuildProjectionsInParallel): rebuilds the projections named in its
 * workerData, found among `projections`, and reports back. Does nothing on the main thread, so the module that
 * calls it may also be imported normally.
 */
export async function serveRebuildWorker(projections: readonly Projection[]): Promise<void> {
  if (isMainThread || !parentPort) return;
  const port = parentPort;
  const request = workerData as WorkerRequest;
  const store = new PostgresEventStore({ connectionString: request.connectionString, poolSize: 2 });
  const { db, close } = connectDatabase<ReadModelDatabase>(request.connectionString, { poolSize: request.names.length + 2, applicationName: 'ledger-rebuild' });
  try {
    const chosen = request.names.map((name) => {
      const projection = projections.find((candidate) => candidate.name === name);
      if (!projection) throw new Error(`the worker module knows no projection named ${name}`);
      return projection;
    });
    const rebuilt = await rebuildProjections(store, db, chosen, {
      targetSchema: request.targetSchema,
      batchSize: request.batchSize,
      toPosition: request.toPosition ? { commit: BigInt(request.toPosition.commit), prepare: BigInt(request.toPosition.prepare) } : undefined,
      buildSchemaOf: (projection) => request.buildSchemas[projection.name] as string,
      log: (message) => port.postMessage({ kind: 'log', message } satisfies WorkerMessage),
      progress: request.progress ? (progress) => port.postMessage({ kind: 'progress', progress } satisfies WorkerMessage) : undefined,
    });
    const message: WorkerMessage = {
      kind: 'done',
      rebuilt: rebuilt.map((entry) => ({ ...entry, position: { commit: entry.position.commit.toString(), prepare: entry.position.prepare.toString() } })),
    };
    port.postMessage(message);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ kind: 'failed', message: failure.message, stack: failure.stack } satisfies WorkerMessage);
  } finally {
    await store.close();
    await close();
  }
}

/** A projection's lease is held by a running projector (or an API running projections): a live rebuild would race it. */
export class ProjectionBusyError extends Error {
  override readonly name = 'ProjectionBusyError';

  constructor(readonly projections: readonly string[]) {
    super(
      `${projections.join(', ')} ${projections.length === 1 ? 'is' : 'are'} being run by another process (its lease is held): stop the projector, or the API with PROJECTIONS=on, and run the rebuild again`,
    );
  }
}

/**
 * Rebuilds projections into the live read-model schema (the operator's `ledger projections rebuild`): takes each
 * projection's lease first, so that no runner applies events to the tables being replaced (refused with
 * ProjectionBusyError, and nothing changed, when a running process holds one), rebuilds them in worker threads and
 * swaps each in with its checkpoint, then lets the leases go: a runner started afterwards continues from the
 * rebuilt checkpoints.
 */
export async function rebuildLiveProjections(
  db: Kysely<ReadModelDatabase>,
  projections: readonly Projection[],
  options: Omit<ParallelRebuildOptions, 'targetSchema' | 'buildSchemas'> & { readonly stateHashes?: boolean },
): Promise<RebuiltProjection[]> {
  const leases: ProjectionLease[] = [];
  try {
    const busy: string[] = [];
    for (const projection of projections) {
      const lease = await ProjectionLease.tryAcquire(options.connectionString, projection.name);
      if (lease) leases.push(lease);
      else busy.push(projection.name);
    }
    if (busy.length > 0) throw new ProjectionBusyError(busy);
    const rebuilt = await rebuildProjectionsInParallel(db, projections, { ...options, targetSchema: LIVE_READ_MODEL_SCHEMA });
    if (!options.stateHashes) return rebuilt;
    // Hashed while the leases are still held: no runner has moved the tables past the rebuilt checkpoint yet.
    const hashed: RebuiltProjection[] = [];
    for (const [index, entry] of rebuilt.entries()) {
      hashed.push({ ...entry, stateHash: await projectionStateHash(db, LIVE_READ_MODEL_SCHEMA, projections[index] as Projection) });
    }
    return hashed;
  } finally {
    await Promise.all(leases.map((lease) => lease.release()));
  }
}
