import { sql, type Kysely } from 'kysely';
import type { EventStore, Position, RecordedEvent, SubscriptionMessage } from '../../event-store/src/index.js';
import { comparePositions, START_POSITION } from '../../event-store/src/index.js';
import { advanceCheckpoint, initialiseCheckpoint, loadCheckpoint } from './checkpoint-store.js';
import { applyEvents, applyOne, ensureProjectionRuntimeSchema } from './projection-apply.js';
import { rebuildProjection } from './projection-rebuild.js';
import { ProjectionLease } from './projection-lease.js';
import { secureTenantTables } from '../../database/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type Projection, type ProjectionContext, type ReadModelDatabase } from './projection.js';
import { ensureHistory, ensureHistorySchema, historyBatchSql } from './history.js';
import { announceCheckpoint, forgetReached, nextCheckpointAnnouncement, reachedInProcess } from './checkpoint-notifier.js';

const BATCH_SIZE_MAX = 2_000;
/**
 * How long a partly filled batch waits for more events before it is committed. The event store hands over a whole
 * page at once and then says caught_up, which commits the batch at once; the linger only covers a page cut short,
 * so it stays a couple of milliseconds: a lone event must not wait.
 */
const BATCH_LINGER_MS = 2;
/**
 * How long a checkpoint that only moved past events the projection does not handle waits before it is written. Such
 * an advance changes no row, so it is announced in the process at once (read-your-writes waiters here see it
 * immediately) and written lazily: writing it on every page of the log made each projection commit a transaction per
 * append, eleven commits for one command, which held back the projections that had work to do.
 */
const IDLE_CHECKPOINT_WRITE_MS = 100;
const LEASE_RETRY_MS = 1_000;
const ERROR_BACKOFF_MS_MAX = 30_000;

/** What a process manager gets instead of a transaction: any use is a programming error, and says so. */
const NO_TRANSACTION = new Proxy({} as ProjectionContext['trx'], {
  get(_target, property) {
    throw new Error(`a process manager (sideEffects) gets no transaction; it used trx.${String(property)}`);
  },
});

export interface ProjectionProgress {
  readonly projection: string;
  readonly position: Position;
  readonly eventsApplied: number;
}

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly db: Kysely<ReadModelDatabase>;
  /** For the lease connections, which must not come from the pool. */
  readonly connectionString: string;
  readonly projections: readonly Projection[];
  readonly schema?: string;
  readonly log?: (message: string) => void;
  readonly onProgress?: (progress: ProjectionProgress) => void;
  /** Keep the row history of every table (history.ts, docs/as-of.md); on unless false. */
  readonly history?: boolean;
}

/**
 * Runs every projection in its own loop: take the lease, follow $all from the checkpoint, and commit each batch's
 * rows together with the moved checkpoint. A crash anywhere leaves either the whole batch or none of it.
 */
export class ProjectionRunner {
  private readonly schema: string;
  private readonly log: (message: string) => void;
  private stopping = false;
  private readonly loops: Promise<void>[] = [];
  private readonly stopListeners = new Set<() => void>();

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.schema = options.schema ?? LIVE_READ_MODEL_SCHEMA;
    this.log = options.log ?? (() => undefined);
  }

  async start(): Promise<void> {
    await ensureProjectionRuntimeSchema(this.options.db);
    if (this.options.history !== false) await ensureHistorySchema(this.options.db);
    // Every read model's tables exist, with row-level security and the request role's grants, before start returns:
    // an API that starts serving at once must not meet a missing or not yet secured table. (Creating is idempotent;
    // a rebuild for a new version still happens under the lease, in prepare.)
    const tables: string[] = [];
    for (const projection of this.options.projections) {
      if (projection.sideEffects) continue;
      // A new version is rebuilt into fresh tables under the lease; its tables may not fit the live ones yet.
      const stored = await loadCheckpoint(this.options.db, projection.name, this.schema);
      if (stored && stored.version !== projection.version) continue;
      await projection.createTables(this.options.db, this.schema);
      await projection.createIndexes?.(this.options.db, this.schema);
      tables.push(...projection.tables.map((table) => `${this.schema}.${table}`));
    }
    await secureTenantTables(this.options.db, tables);
    for (const projection of this.options.projections) this.loops.push(this.runForever(projection));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const listener of [...this.stopListeners]) listener();
    await Promise.all(this.loops);
  }

  private async runForever(projection: Projection): Promise<void> {
    let backoffMs = 500;
    while (!this.stopping) {
      let lease: ProjectionLease | undefined;
      try {
        lease = await ProjectionLease.tryAcquire(this.options.connectionString, projection.name);
        if (!lease) {
          await this.sleep(LEASE_RETRY_MS);
          continue;
        }
        this.log(`projection ${projection.name}: lease taken, following the event log`);
        await this.follow(projection, lease);
        backoffMs = 500;
      } catch (error) {
        if (this.stopping) break;
        this.log(`projection ${projection.name}: ${(error as Error).message}; retrying in ${backoffMs} ms`);
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, ERROR_BACKOFF_MS_MAX);
      } finally {
        await lease?.release();
      }
    }
  }

  private async follow(projection: Projection, lease: ProjectionLease): Promise<void> {
    const { db, store } = this.options;
    await this.prepare(projection);
    let checkpoint = (await loadCheckpoint(db, projection.name, this.schema))?.position ?? START_POSITION;
    const subscription = store.subscribeToAll({ fromPosition: checkpoint, filter: { eventTypes: projection.eventTypes } });
    const iterator = subscription[Symbol.asyncIterator]();
    let stop!: () => void;
    const stopped = new Promise<'stop'>((resolve) => (stop = () => resolve('stop')));
    this.stopListeners.add(stop);
    // stop() may have run while this loop was preparing, before its listener existed: it must not wait forever.
    if (this.stopping) stop();
    let leaseLost = false;
    lease.onLost(() => {
      leaseLost = true;
      stop();
    });
    let batch: RecordedEvent[] = [];
    /** Where the projection is in the log: everything of its types up to here is in its read model (committed). */
    let reached = checkpoint;
    /** Since when `reached` has been ahead of the written checkpoint with nothing to apply (see IDLE_CHECKPOINT_WRITE_MS). */
    let idleSince: number | undefined;
    const announce = (position: Position) => {
      reached = position;
      announceCheckpoint(db, this.schema, projection.name, position);
    };
    /** Writes the checkpoint alone; `durable: false` for an idle advance, which a crash may lose at no cost. */
    const commitCheckpoint = async (to: Position, durable: boolean) => {
      const from = checkpoint;
      // One statement, its own transaction. An idle advance changes no row: losing it in a crash costs a re-read of
      // events that change nothing, so its commit does not wait for the WAL flush.
      await advanceCheckpoint(db, projection.name, this.schema, from, to, { synchronousCommit: durable });
      checkpoint = to;
      idleSince = undefined;
      announce(to);
    };
    announce(checkpoint);
    const flush = async (to: Position) => {
      if (batch.length === 0) {
        // Nothing to apply: the log moved past events this projection does not handle. Announced now, written later.
        if (comparePositions(to, reached) > 0) {
          idleSince ??= Date.now();
          announce(to);
        }
        return;
      }
      const events = batch;
      if (projection.sideEffects) {
        // Commands run one event at a time outside any transaction, and the checkpoint is committed once for the batch.
        // A stop (SIGTERM) or a lost lease ends the batch between two events, and a failure after the events that
        // succeeded: the checkpoint then marks the last completed event, so nothing is done twice or skipped.
        let done = 0;
        let failure: unknown;
        for (const event of events) {
          if (this.stopping || leaseLost) break;
          try {
            await applyOne(projection, { trx: NO_TRANSACTION, schema: this.schema }, event);
          } catch (error) {
            failure = error;
            break;
          }
          done += 1;
        }
        const upTo = done === events.length && failure === undefined ? to : done > 0 ? (events[done - 1] as RecordedEvent).position : checkpoint;
        if (comparePositions(upTo, checkpoint) > 0 && !leaseLost) await commitCheckpoint(upTo, true);
        batch = [];
        if (done > 0 || comparePositions(upTo, to) === 0) this.options.onProgress?.({ projection: projection.name, position: upTo, eventsApplied: done });
        if (failure !== undefined) throw failure;
        return;
      } else {
        const from = checkpoint;
        await db.transaction().setIsolationLevel('read committed').execute(async (trx) => {
          // Rows and checkpoint commit together or not at all, whether or not the commit waits for the WAL flush; a
          // crash can only lose the last few milliseconds of batches, rows and checkpoint alike, and they are applied
          // again from the log. The log itself (appends) stays synchronous.
          // The checkpoint, the commit's setting and the history's batch key go in one statement (advanceCheckpoint).
          const history = this.options.history !== false && projection.history !== false ? historyBatchSql(projection.name, this.schema, from, events) : undefined;
          await advanceCheckpoint(trx, projection.name, this.schema, from, to, { synchronousCommit: false, ...(history ? { extra: history } : {}) });
          await applyEvents(projection, { trx, schema: this.schema }, events);
        });
      }
      checkpoint = to;
      idleSince = undefined;
      announce(to);
      batch = [];
      this.options.onProgress?.({ projection: projection.name, position: to, eventsApplied: events.length });
    };
    try {
      let pending: Promise<IteratorResult<SubscriptionMessage>> = iterator.next();
      for (;;) {
        const linger = batch.length > 0 ? this.delay(BATCH_LINGER_MS) : undefined;
        const idle =
          batch.length === 0 && idleSince !== undefined ? this.delay(Math.max(0, idleSince + IDLE_CHECKPOINT_WRITE_MS - Date.now()), 'idle') : undefined;
        // `stopped` first: once stop() has run, it wins even over a message that is already waiting.
        const next = await Promise.race([stopped, pending, ...(linger ? [linger.promise] : []), ...(idle ? [idle.promise] : [])]);
        linger?.cancel();
        idle?.cancel();
        if (next === 'stop') {
          if (batch.length === 0 && comparePositions(reached, checkpoint) > 0 && !leaseLost) await commitCheckpoint(reached, false).catch(() => undefined);
          return;
        }
        if (next === 'idle') {
          await commitCheckpoint(reached, false);
          this.options.onProgress?.({ projection: projection.name, position: reached, eventsApplied: 0 });
          continue;
        }
        if (next === 'linger') {
          await flush((batch.at(-1) as RecordedEvent).position);
          continue;
        }
        pending = iterator.next();
        if (next.done) return;
        const message = next.value;
        if (message.kind === 'event') {
          batch.push(message.event);
          if (batch.length >= BATCH_SIZE_MAX) await flush(message.event.position);
        } else if (comparePositions(message.position, reached) > 0) {
          await flush(message.position);
        }
      }
    } finally {
      this.stopListeners.delete(stop);
      forgetReached(db, this.schema, [projection.name]);
      await subscription.close();
    }
  }

  /** Creates tables and the checkpoint; a changed projection version is rebuilt from zero and swapped in. */
  private async prepare(projection: Projection): Promise<void> {
    const { db } = this.options;
    const stored = await loadCheckpoint(db, projection.name, this.schema);
    if (stored && stored.version !== projection.version && projection.sideEffects) {
      // A process manager has no rows to rebuild, and replaying its commands is not a rebuild: keep the position.
      await initialiseCheckpoint(db, projection.name, this.schema, projection.version, stored.position);
      return;
    }
    if (stored && stored.version !== projection.version) {
      this.log(`projection ${projection.name}: version ${stored.version} -> ${projection.version}, rebuilding from position zero`);
      await rebuildProjection(this.options.store, db, projection, { targetSchema: this.schema, log: this.log });
    } else {
      await projection.createTables(db, this.schema);
      await projection.createIndexes?.(db, this.schema);
      if (!stored) await initialiseCheckpoint(db, projection.name, this.schema, projection.version);
    }
    // New tables get row-level security, its policies and the request role's grants before anyone reads them.
    await secureTenantTables(db, projection.tables.map((table) => `${this.schema}.${table}`));
    if (this.options.history !== false && !projection.sideEffects && projection.history !== false) await ensureHistory(db, this.schema, projection);
  }

  private delay<Signal extends string = 'linger'>(ms: number, signal: Signal = 'linger' as Signal): { promise: Promise<Signal>; cancel: () => void } {
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<Signal>((resolve) => (timer = setTimeout(() => resolve(signal), ms)));
    return { promise, cancel: () => clearTimeout(timer) };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopListeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopListeners.add(done);
    });
  }
}

/**
 * Read-your-writes: waits (bounded) until every named projection's checkpoint has reached `position`.
 * Works across processes, since it reads the checkpoints that the runners commit; a runner in this process also
 * wakes it at once (checkpoint-notifier.ts), so the wait ends within a millisecond or so of the commit.
 */
export async function waitForProjections(db: Kysely<ReadModelDatabase>, names: readonly string[], position: Position, timeoutMs: number, schema = LIVE_READ_MODEL_SCHEMA): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  // What a runner of this process knows is enough: it includes the advances past events a projection does not
  // handle, which the table learns only later. A projection run elsewhere is known from the table.
  const reachedHere = (name: string) => {
    const known = reachedInProcess(db, schema, name);
    return known !== undefined && comparePositions(known, position) >= 0;
  };
  for (let interval = 5; ; interval = Math.min(interval * 2, 100)) {
    const unknown = names.filter((name) => !reachedHere(name));
    if (unknown.length === 0) return true;
    const rows = await db
      .withSchema('projection_runtime')
      .selectFrom('checkpoints')
      .select(['name', sql<string>`commit::text`.as('commit'), sql<string>`prepare::text`.as('prepare')])
      .where('schema_name', '=', schema)
      .where('name', 'in', unknown)
      .execute();
    const behind = unknown.filter((name) => {
      const row = rows.find((candidate: { name: string }) => candidate.name === name);
      return !reachedHere(name) && (row === undefined || comparePositions({ commit: BigInt(row.commit), prepare: BigInt(row.prepare) }, position) < 0);
    });
    if (behind.length === 0) return true;
    if (Date.now() >= deadline) return false;
    // A runner in this process wakes us the moment it gets far enough; one in another process is seen at the poll.
    await nextCheckpointAnnouncement(db, schema, behind, position, Math.min(interval, Math.max(1, deadline - Date.now())));
  }
}
