import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { sql } from 'kysely';
import { measureProjectionLag, type Projection } from '../../../../libs/projection-runtime/src/index.js';
import { allProjections } from '../../../../projections/index.js';
import { processManagers } from '../process-managers.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';


const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Liveness, readiness (event store, database, projection lag) and Prometheus metrics. No auth, no tenant data. */
@Controller()
export class OperationsController {
  /** Every follower of the log whose lag is reported: the read models and the process managers (the one list the runner runs). */
  private readonly followers: readonly Pick<Projection, 'name' | 'eventTypes'>[];

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.followers = [...allProjections, ...processManagers(services)];
  }

  @Get('health/live')
  live() {
    return { status: 'live' };
  }

  @Get('health/ready')
  async ready(@Res() response: Response) {
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
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unready', checks: { database, eventStore }, projections });
  }

  @Get('metrics')
  async metrics(@Res() response: Response) {
    const metrics = this.services.metrics;
    try {
      const lags = await withTimeout(measureProjectionLag(this.services.store, this.services.db, this.followers), 'projection lag');
      for (const lag of lags) metrics.projectionLag.set({ projection: lag.projection }, lag.lagEvents);
    } catch {
      // The lag gauges keep their last value; /health/ready says what is down.
    }
    response.setHeader('content-type', metrics.registry.contentType);
    response.send(await metrics.registry.metrics());
  }
}
