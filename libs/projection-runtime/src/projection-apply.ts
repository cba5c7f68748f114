import { sql, type Kysely } from 'kysely';
import type { RecordedEvent } from '../../event-store/src/index.js';
import { installRowLevelSecurity, secureTenantTables } from '../../database/src/index.js';
import { CHECKPOINTS_TABLE, checkpointSchemaSql } from './checkpoint-store.js';
import { LIVE_READ_MODEL_SCHEMA, type Projection, type ProjectionContext, type ReadModelDatabase } from './projection.js';

/** Creates the checkpoint table and the live read-model schema once per database (idempotent, serialised by a lock). */
export async function ensureProjectionRuntimeSchema(db: Kysely<ReadModelDatabase>): Promise<void> {
  // A transaction-scoped lock: a session lock taken through a pool may be released on another connection (a no-op)
  // and stay held by an idle one.
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('projection_runtime.migrate'))`.execute(trx);
    await sql.raw(checkpointSchemaSql).execute(trx);
    await sql.raw(`create schema if not exists ${LIVE_READ_MODEL_SCHEMA}`).execute(trx);
  });
  // Requests read the checkpoints (read-your-writes waits): the request role may read them, not write them.
  await installRowLevelSecurity(db);
  await secureTenantTables(db, [CHECKPOINTS_TABLE]);
}

/** A batch through applyBatch when the projection has it, otherwise event by event through apply. */
export async function applyEvents(projection: Projection, context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (projection.applyBatch) {
    await projection.applyBatch(context, events);
    return;
  }
  for (const event of events) await applyOne(projection, context, event);
}

export function applyOne(projection: Projection, context: ProjectionContext, event: RecordedEvent): Promise<void> {
  if (!projection.apply) throw new Error(`projection ${projection.name} has neither apply nor applyBatch`);
  return projection.apply(context, event);
}

/**
 * Waits until every transaction of the server that began before this call has ended. The PostgreSQL store's head
 * (headPosition) is the position every follower of $all may safely pass, which stays below a fresh commit while an
 * older transaction is still open; after this wait it includes every event committed before the call. Returns false
 * when older transactions were still running after `timeoutMs`.
 */
export async function waitForEarlierTransactions(db: Kysely<ReadModelDatabase>, timeoutMs: number): Promise<boolean> {
  const started = await sql<{ xmax: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as xmax`.execute(db);
  const horizon = BigInt(started.rows[0]?.xmax ?? '0');
  const deadline = Date.now() + timeoutMs;
  for (let interval = 2; ; interval = Math.min(interval * 2, 50)) {
    const current = await sql<{ xmin: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`.execute(db);
    if (BigInt(current.rows[0]?.xmin ?? '0') >= horizon) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
