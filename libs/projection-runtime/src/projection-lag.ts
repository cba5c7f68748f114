import type { Kysely } from 'kysely';
import type { EventStore, Position } from '../../event-store/src/index.js';
import { START_POSITION } from '../../event-store/src/index.js';
import { loadCheckpoint } from './checkpoint-store.js';
import { LIVE_READ_MODEL_SCHEMA, type Projection, type ReadModelDatabase } from './projection.js';

/**
 * Events counted exactly; past this the lag is an estimate (`capped`). Kept small so that /health/ready and /metrics
 * cost a few index-only lookups per follower, whatever the lag.
 */
export const PROJECTION_LAG_COUNT_MAX = 1_000;

export interface ProjectionLag {
  readonly projection: string;
  /**
   * Events the projection handles that are in the log but not yet in its read model: exact up to
   * PROJECTION_LAG_COUNT_MAX; beyond it (`capped`) an estimate from positions, the number of events of any type
   * between the checkpoint and the head (so an upper bound, never less than the cap).
   */
  readonly lagEvents: number;
  /** True when lagEvents is the estimate rather than an exact count. */
  readonly capped: boolean;
  readonly checkpoint: string | null;
}

/** What the PostgreSQL store offers beyond the port: a lag measured from positions and an index, reading no event. */
interface BacklogCounter {
  countBacklog(from: Position, eventTypes: readonly string[], limit: number): Promise<{ counted: number; positionsBehind: bigint }>;
}

function countsBacklog(store: EventStore): store is EventStore & BacklogCounter {
  return typeof (store as Partial<BacklogCounter>).countBacklog === 'function';
}

/**
 * Works for any adapter and across processes: reads the committed checkpoint, then measures what lies after it.
 * With PostgreSQL no event is read (a bounded index-only count, then positions). Another adapter has no such count:
 * its lag reads at most PROJECTION_LAG_COUNT_MAX events and reports "at least" that many.
 */
export async function measureProjectionLag(store: EventStore, db: Kysely<ReadModelDatabase>, projections: readonly Pick<Projection, 'name' | 'eventTypes'>[]): Promise<ProjectionLag[]> {
  return Promise.all(
    projections.map(async (projection) => {
      const checkpoint = await loadCheckpoint(db, projection.name, LIVE_READ_MODEL_SCHEMA).catch(() => undefined);
      const from = checkpoint?.position ?? START_POSITION;
      let lagEvents: number;
      let capped: boolean;
      if (countsBacklog(store)) {
        const backlog = await store.countBacklog(from, projection.eventTypes, PROJECTION_LAG_COUNT_MAX);
        capped = backlog.counted >= PROJECTION_LAG_COUNT_MAX;
        lagEvents = capped ? Math.max(PROJECTION_LAG_COUNT_MAX, Number(backlog.positionsBehind)) : backlog.counted;
      } else {
        const behind = await store.readAll({ fromPosition: from, maxCount: PROJECTION_LAG_COUNT_MAX, filter: { eventTypes: projection.eventTypes } });
        capped = behind.length >= PROJECTION_LAG_COUNT_MAX;
        lagEvents = behind.length;
      }
      return { projection: projection.name, lagEvents, capped, checkpoint: checkpoint ? `${checkpoint.position.commit}.${checkpoint.position.prepare}` : null };
    }),
  );
}
