import { sql, type Kysely } from 'kysely';
import { runAsSystem } from '../../../../libs/database/src/index.js';
import { encodePosition, type EventStore } from '../../../../libs/event-store/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, loadCheckpoint, measureProjectionLag, projectionStateHash, type Projection, type ReadModelDatabase } from '../../../../libs/projection-runtime/src/index.js';

/** What `projectionState` answers for one read model. */
export interface ProjectionStateView {
  readonly name: string;
  /** The projection's version in the code that serves the request (a stored checkpoint of another version is rebuilt). */
  readonly version: number;
  /** The projection's checkpoint (shared by every tenant), or null before its first one. */
  readonly position: string | null;
  /** Events of its types in the log after its checkpoint (shared by every tenant): see ProjectionLag. */
  readonly lag: number;
  /** True when lag is an upper-bound estimate rather than an exact count (a large backlog). */
  readonly lagEstimated: boolean;
  /** projectionStateHash of the caller's rows (the tenant's, through row-level security) at `position`; null before its tables exist. */
  readonly stateHash: string | null;
}

/**
 * One projection's position, lag and state hash. The position and the hash come from ONE repeatable-read snapshot (the
 * runner moves rows and checkpoint in one transaction), so the hash is of the rows at exactly that position; run in a
 * tenant's scope (a request), the hash covers that tenant's rows only. The lag is measured right after, as the
 * system (it is the projection's, not the tenant's: a tenant's scope would count only its own events).
 */
export async function readProjectionState(db: Kysely<ReadModelDatabase>, store: EventStore, projection: Projection): Promise<ProjectionStateView> {
  const { position, stateHash } = await db.transaction().execute(async (trx) => {
    await sql`set transaction isolation level repeatable read, read only`.execute(trx);
    const checkpoint = await loadCheckpoint(trx, projection.name, LIVE_READ_MODEL_SCHEMA).catch(() => undefined);
    const tables = projection.tables.map((table) => `${LIVE_READ_MODEL_SCHEMA}.${table}`);
    const { rows } = await sql<{ missing: number }>`select count(*)::int as missing from unnest(${tables}::text[]) as t(name) where to_regclass(t.name) is null`.execute(trx);
    const exists = (rows[0]?.missing ?? 0) === 0;
    return {
      position: checkpoint ? encodePosition(checkpoint.position) : null,
      stateHash: exists ? await projectionStateHash(trx, LIVE_READ_MODEL_SCHEMA, projection) : null,
    };
  });
  const [lag] = await runAsSystem('projection-state', () => measureProjectionLag(store, db, [projection]));
  return { name: projection.name, version: projection.version, position, lag: lag?.lagEvents ?? 0, lagEstimated: lag?.capped ?? false, stateHash };
}
