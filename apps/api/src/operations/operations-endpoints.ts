import { createHash, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { measureProjectionLag, type Projection } from '../../../../libs/projection-runtime/src/index.js';
import { allProjections } from '../../../../projections/index.js';
import { processManagers } from '../../../../libs/ledger-application/src/process-managers.js';
import type { LedgerServices } from '../ledger-services.js';
import { bearerToken } from '../../../../libs/access/src/api-keys.service.js';
import { runAsSystem } from '../../../../libs/database/src/index.js';
import { DueWorkStore, type DueWorkBacklog } from '../../../../libs/scheduler/src/index.js';

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** An answer of an operations endpoint, the same whichever port serves it. */
export interface OperationsAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const OPERATIONS_PATHS = ['/health/live', '/health/ready', '/metrics'] as const;
export type OperationsPath = (typeof OPERATIONS_PATHS)[number];

export function isOperationsPath(path: string): path is OperationsPath {
  return (OPERATIONS_PATHS as readonly string[]).includes(path);
}

const NO_STORE = { 'cache-control': 'no-store' };
/** PostgreSQL's "undefined_table": a due-work table the runner has not created yet holds no work. */
const UNDEFINED_TABLE = '42P01';

/** The scheduler as readiness shows it: whether it runs here and holds the lease, and what is due and not done. */
export interface SchedulerReport {
  /** A SchedulerRunner runs in this process (PROJECTIONS=on; otherwise the projector runs it). */
  readonly running: boolean;
  /** This process holds the scheduler lease: it is the one running the due work (one process at a time does). */
  readonly leaseHeld: boolean;
  readonly backlog: DueWorkBacklog | { readonly error: string };
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): OperationsAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...headers }, body: JSON.stringify(value) };
}

/** What the API port answers for /metrics and /health/ready when they live on LEDGER_OPERATIONS_PORT: nothing there. */
export function notFound(path: string): OperationsAnswer {
  return json(404, { message: `Cannot GET ${path}`, error: 'Not Found', statusCode: 404 });
}

/**
 * Liveness, readiness (event store, database, projection lag) and Prometheus metrics, served by the API port
 * (OperationsController) or by a port of their own (operations-server.ts). Only process-wide figures: no metric has a
 * tenant or key label, and the readiness body names dependencies and projections, never a tenant. With
 * LEDGER_OPERATIONS_TOKEN set, readiness and metrics need `Authorization: Bearer <token>`; liveness stays open.
 */
export class OperationsEndpoints {
  /** Every follower of the log whose lag is reported: the read models and the process managers (the one list the runner runs). */
  private readonly followers: readonly Pick<Projection, 'name' | 'eventTypes'>[];
  private readonly tokenDigest: Buffer | undefined;
  private readonly dueWork: DueWorkStore;

  constructor(private readonly services: LedgerServices) {
    this.followers = [...allProjections, ...processManagers(services)];
    this.dueWork = new DueWorkStore(services.db, services.scheduler.sources.map((source) => source.dueWork.table));
    const token = services.config.operationsToken;
    this.tokenDigest = token === undefined ? undefined : digest(token);
  }

  async answer(path: OperationsPath, authorization: string | undefined): Promise<OperationsAnswer> {
    if (path === '/health/live') return json(200, { status: 'live' });
    if (!this.authorized(authorization)) {
      return json(401, { error: 'UNAUTHENTICATED', message: `${path} needs Authorization: Bearer <LEDGER_OPERATIONS_TOKEN>` }, { 'www-authenticate': 'Bearer realm="ledger operations"' });
    }
    return path === '/metrics' ? this.metrics() : this.ready();
  }

  /** No token configured: open. Otherwise the bearer token must match, compared in constant time (digests of equal length). */
  private authorized(authorization: string | undefined): boolean {
    if (this.tokenDigest === undefined) return true;
    const supplied = bearerToken(authorization);
    const matches = timingSafeEqual(this.tokenDigest, digest(supplied ?? ''));
    return supplied !== undefined && matches;
  }

  private async ready(): Promise<OperationsAnswer> {
    const check = async (what: string, work: () => Promise<unknown>) => {
      try {
        await withTimeout(work(), what);
        return { status: 'up' as const };
      } catch (error) {
        return { status: 'down' as const, error: (error as Error).message.split('\n')[0] };
      }
    };
    // The scheduler does not decide readiness (one process holds its lease, the others are ready all the same); its
    // report is read beside the checks, within the same time bound.
    const scheduler = this.scheduler();
    const [database, eventStore] = await Promise.all([
      check('database', () => sql`select 1`.execute(this.services.db)),
      check('event store', () => this.services.store.headPosition()),
    ]);
    let projections: unknown = [];
    if (database.status === 'up' && eventStore.status === 'up') {
      projections = await withTimeout(measureProjectionLag(this.services.store, this.services.db, this.followers), 'projection lag').catch((error: Error) => ({ error: error.message }));
    }
    const ready = database.status === 'up' && eventStore.status === 'up';
    return json(ready ? 200 : 503, { status: ready ? 'ready' : 'unready', checks: { database, eventStore }, projections, scheduler: await scheduler });
  }

  private async scheduler(): Promise<SchedulerReport> {
    const status = this.services.schedulerRunner?.status() ?? { running: false, leaseHeld: false };
    const backlog = await withTimeout(this.backlog(), 'due-work backlog').catch((error: Error) => ({ error: error.message.split('\n')[0] ?? 'unknown error' }));
    return { running: status.running, leaseHeld: status.leaseHeld, backlog };
  }

  /**
   * Work due at real time and not done, for the tenants on real time (a test-clock tenant's work waits for its clock,
   * not for the scheduler): an index range counted up to a bound and the first entry of the due index, per table.
   */
  private backlog(): Promise<DueWorkBacklog> {
    if (this.services.scheduler.sources.length === 0) return Promise.resolve({ due: 0, capped: false, oldestDueAt: null });
    return runAsSystem('operations: due-work backlog', async () => {
      const excludedTenants = [...(await this.services.tenantClock.tenantsOnTestClocks())];
      try {
        return await this.dueWork.backlog({ now: this.services.clock().toISOString(), excludedTenants });
      } catch (error) {
        if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return { due: 0, capped: false, oldestDueAt: null };
        throw error;
      }
    });
  }

  private async metrics(): Promise<OperationsAnswer> {
    const metrics = this.services.metrics;
    const report = this.scheduler();
    try {
      const lags = await withTimeout(measureProjectionLag(this.services.store, this.services.db, this.followers), 'projection lag');
      for (const lag of lags) metrics.projectionLag.set({ projection: lag.projection }, lag.lagEvents);
    } catch {
      // The lag gauges keep their last value; /health/ready says what is down.
    }
    const scheduler = await report;
    metrics.schedulerLeaseHeld.set(scheduler.leaseHeld ? 1 : 0);
    if (!('error' in scheduler.backlog)) {
      const { due, oldestDueAt } = scheduler.backlog;
      metrics.dueWorkDue.set(due);
      metrics.dueWorkOldestAge.set(oldestDueAt === null ? 0 : Math.max(0, (this.services.clock().getTime() - Date.parse(oldestDueAt)) / 1000));
    }
    return { status: 200, headers: { 'content-type': metrics.registry.contentType, ...NO_STORE }, body: await metrics.registry.metrics() };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
