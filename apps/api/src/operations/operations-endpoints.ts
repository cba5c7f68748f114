import { createHash, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { measureProjectionLag, type Projection } from '../../../../libs/projection-runtime/src/index.js';
import { allProjections } from '../../../../projections/index.js';
import { processManagers } from '../../../../libs/ledger-application/src/process-managers.js';
import type { LedgerServices } from '../ledger-services.js';
import { bearerToken } from '../../../../libs/access/src/api-keys.service.js';

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

  constructor(private readonly services: LedgerServices) {
    this.followers = [...allProjections, ...processManagers(services)];
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
    const [database, eventStore] = await Promise.all([
      check('database', () => sql`select 1`.execute(this.services.db)),
      check('event store', () => this.services.store.headPosition()),
    ]);
    let projections: unknown = [];
    if (database.status === 'up' && eventStore.status === 'up') {
      projections = await withTimeout(measureProjectionLag(this.services.store, this.services.db, this.followers), 'projection lag').catch((error: Error) => ({ error: error.message }));
    }
    const ready = database.status === 'up' && eventStore.status === 'up';
    return json(ready ? 200 : 503, { status: ready ? 'ready' : 'unready', checks: { database, eventStore }, projections });
  }

  private async metrics(): Promise<OperationsAnswer> {
    const metrics = this.services.metrics;
    try {
      const lags = await withTimeout(measureProjectionLag(this.services.store, this.services.db, this.followers), 'projection lag');
      for (const lag of lags) metrics.projectionLag.set({ projection: lag.projection }, lag.lagEvents);
    } catch {
      // The lag gauges keep their last value; /health/ready says what is down.
    }
    return { status: 200, headers: { 'content-type': metrics.registry.contentType, ...NO_STORE }, body: await metrics.registry.metrics() };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
