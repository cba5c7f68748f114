import type { Kysely, Transaction } from 'kysely';
import type { RecordedEvent } from '../../event-store/src/index.js';

/** Read models are written with a schema chosen at run time (live or rebuild), so their tables are typed loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReadModelDatabase = any;

export interface ProjectionContext {
  readonly trx: Transaction<ReadModelDatabase>;
  /** The PostgreSQL schema holding this projection's tables: `read_models` live, another one during a rebuild. */
  readonly schema: string;
  /**
   * True while a rebuild loads fresh tables from position zero: every event comes exactly once, in log order, so a
   * projection may skip work that only a redelivery needs (deleting rows an event wrote before).
   */
  readonly rebuilding?: boolean;
  /**
   * Only while a rebuild loads fresh tables (when the database allows it): loads rows, each giving exactly `columns`,
   * into one of the projection's tables with COPY on the transaction's own connection, for rows written once. Faster
   * than any INSERT, and stores the same values (libs/database/src/copy-rows.ts).
   */
  readonly copyRows?: (table: string, columns: readonly string[], rows: readonly Readonly<Record<string, unknown>>[]) => Promise<void>;
}

/**
 * A projection declares its name, version, the event types it handles, and a handler that writes inside the
 * transaction it is given. Raising the version makes the runtime rebuild it from position zero into fresh tables.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly eventTypes: readonly string[];
  /** Its tables, in dependency order (children after parents). */
  readonly tables: readonly string[];
  createTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void>;
  /**
   * Optional: the secondary indexes (those the queries need, not the keys the writes need), kept apart from
   * createTables so that a rebuild loads its fresh tables first and indexes them once at the end. The runner calls it
   * right after createTables for live tables, so it must be idempotent (`create index if not exists`).
   */
  createIndexes?(db: Kysely<ReadModelDatabase>, schema: string): Promise<void>;
  /** One event at a time: process managers, and any projection without applyBatch. */
  apply?(context: ProjectionContext, event: RecordedEvent): Promise<void>;
  /**
   * A whole batch at once, in log order, inside the transaction that also moves the checkpoint: the projection folds
   * the batch in memory and writes each touched row once with set-based SQL (multi-row INSERT ... ON CONFLICT,
   * UPDATE ... FROM (VALUES ...), unnest). Preferred over apply when both exist. Never called with an empty batch.
   */
  applyBatch?(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * A process manager: `apply` acts outside the database (it sends commands) and gets NO transaction (touching
   * `context.trx` throws). The runner calls it one event at a time and commits the checkpoint once per batch in a
   * short transaction of its own, so no read-model transaction stays open while commands run (an open transaction
   * would hold back every $all reader on the server). A stop, a lost lease or a failure ends the batch between two
   * events, at the last completed one. Redelivery after a crash is possible: `apply` must be idempotent
   * (deterministic ids).
   */
  readonly sideEffects?: boolean;
  /**
   * false: the runner keeps no row history of its tables (docs/as-of.md), and as-of reads cannot show them. For read
   * models whose rows are positional already (an append-only log, a Merkle tree), where the history would only double
   * the writes. On unless false.
   */
  readonly history?: boolean;
}

export const LIVE_READ_MODEL_SCHEMA = 'read_models';
