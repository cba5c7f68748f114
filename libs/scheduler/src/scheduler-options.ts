import type { Kysely } from 'kysely';
import type { EventStore, Position } from '../../event-store/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, waitForProjections, type ReadModelDatabase } from '../../projection-runtime/src/index.js';
import type { DueWorkProjection } from './due-work.projection.js';
import { DueWorkStore } from './due-work.store.js';
import type { DueWorkHandlers } from './due-work.types.js';
import type { TenantClock } from './tenant-clock.js';

/** What the scheduler runner and runDueWork share. */
export interface SchedulerOptions {
  readonly store: EventStore;
  /** The read models' database (run as the system: the scheduler works across tenants, like the projections). */
  readonly db: Kysely<ReadModelDatabase>;
  /** For the lease and LISTEN connections, which must not come from the pool. */
  readonly connectionString: string;
  /** The due-work projections whose tables hold the work (the ProjectionRunner runs them). */
  readonly sources: readonly DueWorkProjection[];
  readonly handlers: DueWorkHandlers;
  readonly clock: TenantClock;
  /** Real time (the services' one clock); tests pass their own. */
  readonly realClock?: () => Date;
  readonly schema?: string;
  readonly log?: (message: string) => void;
  /** How long to wait for the due-work projections to see a command's events before giving up on this round (30 s). */
  readonly projectionWaitMs?: number;
}

export const schedulerDefaults = { projectionWaitMs: 30_000 } as const;

/** The longest a wait for the projections goes without looking at the stop flag. */
const WAIT_SLICE_MS = 100;

/** The pieces both the runner and runDueWork build from the options. */
export interface SchedulerParts {
  readonly workStore: DueWorkStore;
  readonly schema: string;
  readonly sourceNames: readonly string[];
  readonly realClock: () => Date;
  readonly log: (message: string) => void;
  readonly projectionWaitMs: number;
  /** Waits until every due-work projection has reached `position`: true, false on timeout, 'stopped' once `isStopped()`. */
  readonly waitForSources: (position: Position, isStopped?: () => boolean) => Promise<boolean | 'stopped'>;
}

export function schedulerParts(options: SchedulerOptions): SchedulerParts {
  const schema = options.schema ?? LIVE_READ_MODEL_SCHEMA;
  const sourceNames = options.sources.map((source) => source.name);
  const projectionWaitMs = options.projectionWaitMs ?? schedulerDefaults.projectionWaitMs;
  return {
    workStore: new DueWorkStore(options.db, options.sources.map((source) => source.dueWork.table), schema),
    schema,
    sourceNames,
    realClock: options.realClock ?? (() => new Date()),
    log: options.log ?? (() => undefined),
    projectionWaitMs,
    waitForSources: async (position, isStopped) => {
      // In short slices, so that a stop is seen within one slice and nothing keeps polling after it.
      const deadline = Date.now() + projectionWaitMs;
      for (;;) {
        if (isStopped?.()) return 'stopped';
        const slice = Math.max(1, Math.min(WAIT_SLICE_MS, deadline - Date.now()));
        if (await waitForProjections(options.db, sourceNames, position, slice, schema)) return true;
        if (Date.now() >= deadline) return false;
      }
    },
  };
}
