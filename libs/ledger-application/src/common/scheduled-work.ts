import type { DueWorkHandlers, DueWorkProjection, SchedulerOptions } from '../../../scheduler/src/index.js';
import type { ApplicationServices } from './application-services.js';

/**
 * Everything that happens because time passed, as the scheduler runs it: the due-work projections that state the work
 * (run by the ProjectionRunner like every read model) and a handler per kind of work. One list for the API, the
 * projector and advanceTestClock: libs/ledger-application/src/scheduled-work.ts.
 */
export interface ScheduledWork {
  readonly sources: readonly DueWorkProjection[];
  readonly handlers: DueWorkHandlers;
}

/**
 * The options the SchedulerRunner and runDueWork share, for one process: its store and read-model database, the
 * tenants' clock (what is due, and which tenants are on test clocks), the real clock (leases and backoff), and the
 * connection string for the lease and LISTEN connections, which do not come from the pool.
 */
export function schedulerOptionsOf(services: Pick<ApplicationServices, 'store' | 'db' | 'clock' | 'tenantClock' | 'log'>, work: ScheduledWork, connectionString: string): SchedulerOptions {
  return {
    store: services.store,
    db: services.db,
    connectionString,
    sources: work.sources,
    handlers: work.handlers,
    clock: services.tenantClock,
    realClock: services.clock,
    log: services.log,
  };
}
