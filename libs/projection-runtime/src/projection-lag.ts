import type { Kysely } from 'kysely';
import type { EventStore } from '../../event-store/src/index.js';
import { START_POSITION } from '../../event-store/src/index.js';
import { loadCheckpoint } from './checkpoint-store.js';
import { LIVE_READ_MODEL_SCHEMA, type Projection, type ReadModelDatabase } from './projection.js';

/** Counting stops here: a lag this large is reported as "at least" this many events. */
export const PROJECTION_LAG_COUNT_MAX = 10_000;

export interface ProjectionLag {
  readonly projection: string;
  /** Events the projection handles that are in the log but not yet in its read model (capped). */
  readonly lagEvents: number;
  readonly capped: boolean;
  readonly checkpoint: string | null;
}

/** Works for any adapter and across processes: reads the committed checkpoint, then counts what lies after it. */
export async function measureProjectionLag(store: EventStore, db: Kysely<ReadModelDatabase>, projections: readonly Pick<Projection, 'name' | 'eventTypes'>[]): Promise<ProjectionLag[]> {
  return Promise.all(
    projections.map(async (projection) => {
      const checkpoint = await loadCheckpoint(db, projection.name, LIVE_READ_MODEL_SCHEMA).catch(() => undefined);
      const behind = await store.readAll({ fromPosition: checkpoint?.position ?? START_POSITION, maxCount: PROJECTION_LAG_COUNT_MAX, filter: { eventTypes: projection.eventTypes } });
      return {
        projection: projection.name,
        lagEvents: behind.length,
        capped: behind.length >= PROJECTION_LAG_COUNT_MAX,
        checkpoint: checkpoint ? `${checkpoint.position.commit}.${checkpoint.position.prepare}` : null,
      };
    }),
  );
}
