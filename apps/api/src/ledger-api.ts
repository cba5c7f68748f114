import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { GraphQLSchema } from 'graphql';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { connectDatabase, installRowLevelSecurity, migrateToLatest, secureTenantTables } from '../../../libs/database/src/index.js';
import { ProjectionRunner, type ReadModelDatabase } from '../../../libs/projection-runtime/src/index.js';
import { ledgerLogFrom, openDatabase, openEventStore, readLedgerConfig, type LedgerConfig, type LedgerLog } from '../../../libs/runtime/src/index.js';
import { allProjections } from '../../../projections/index.js';
import { InvoiceQueries } from '../../../projections/invoices/invoices.queries.js';
import { AppModule } from './app.module.js';
import type { LedgerServices } from './ledger-services.js';
import { ApiKeysService, generateApiKey } from '../../../libs/access/src/api-keys.service.js';
import { IdempotencyService } from './platform/idempotency.service.js';
import { platformMigrations } from '../../../libs/access/src/platform.migrations.js';
import { LedgerMetrics } from './operations/ledger-metrics.js';
import { startOperationsServer } from './operations/operations-server.js';
import { processManagers } from '../../../libs/ledger-application/src/process-managers.js';
import { scheduledWork } from '../../../libs/ledger-application/src/scheduled-work.js';
import { schedulerOptionsOf, type ApplicationServices, type ScheduledWork } from '../../../libs/ledger-application/src/index.js';
import { EventStoreTenantClock, SchedulerRunner } from '../../../libs/scheduler/src/index.js';
import { NestLogAdapter } from './platform/nest-log.adapter.js';
import { KeyRevocationWatcher } from './platform/key-revocation.watcher.js';
import { refuseOversizedBodies } from './graphql/limits/oversized-body.middleware.js';
import { openLedgerSecretStore } from '../../../libs/secrets/src/index.js';

export interface RunningLedgerApi {
  readonly url: string;
  /** The operations endpoints' own base URL when LEDGER_OPERATIONS_PORT is set. */
  readonly operationsUrl: string | undefined;
  readonly services: LedgerServices;
  /** The GraphQL schema being served, as built by Nest (what `npm run schema:write` prints to schema.graphql). */
  readonly schema: GraphQLSchema;
  readonly stop: () => Promise<void>;
}

export interface StartOptions {
  /**
   * Where the API logs: a LedgerLog (main.ts makes one from LEDGER_LOG_LEVEL and LEDGER_LOG_FORMAT), or a plain
   * function that receives each line as JSON (tests capture logs so). Nothing is logged without it.
   */
  readonly log?: LedgerLog | ((line: string) => void);
  readonly config?: LedgerConfig;
  /** The real clock (default: the system's); tests pass one they control. Tenants' clocks are built over it. */
  readonly clock?: () => Date;
  /**
   * The scheduled work (default: scheduledWork of libs/ledger-application). Tests add a due-work source of their own
   * here; a source not in allProjections is run by this process's ProjectionRunner too.
   */
  readonly scheduledWork?: (services: ApplicationServices) => ScheduledWork;
}

/** Starts everything `npm start` runs; tests start the same thing in-process. */
export async function startLedgerApi(options: StartOptions = {}): Promise<RunningLedgerApi> {
  const config = options.config ?? readLedgerConfig();
  const log = ledgerLogFrom(options.log, { name: 'ledger-api', level: config.logLevel });
  const database = await openDatabase(config, log);
  const cleanups: (() => Promise<void>)[] = [];
  if (database.embedded) cleanups.push(() => database.embedded!.stop());
  try {
    const { db, close } = connectDatabase(database.connectionString, { applicationName: 'ledger-api' });
    cleanups.unshift(close);
    await migrateToLatest(db, platformMigrations, 'platform_migrations');
    const metrics = new LedgerMetrics();
    const rawStore = await openEventStore(config, database.connectionString);
    cleanups.unshift(() => rawStore.close());
    const store = metrics.instrument(rawStore);
    // Row-level security on the platform and event-store tables now, on read models as the runner creates them.
    await installRowLevelSecurity(db);
    await secureTenantTables(db);
    const clock = options.clock ?? (() => new Date());
    const apiKeys = new ApiKeysService(db, clock);
    await bootstrapDevelopmentTenant(config, apiKeys, log);
    const keyRevocations = new KeyRevocationWatcher(apiKeys, log);
    keyRevocations.start();
    cleanups.unshift(async () => keyRevocations.stop());
    // Every tenant's now: real time by `clock`, or its test clock (one indexed read per command, cached by revision).
    const tenantClock = new EventStoreTenantClock(store, clock);
    // Webhook secrets and gateway tokens: encrypted in platform.secrets, with the key of LEDGER_SECRET_KEY (or its file).
    const secrets = await openLedgerSecretStore(db, store, config, log);
    const application: ApplicationServices = { store, db, clock, tenantClock, log, config, secrets };
    const work = (options.scheduledWork ?? scheduledWork)(application);
    const scheduler = schedulerOptionsOf(application, work, database.connectionString);
    const schedulerRunner = config.projections === 'on' ? new SchedulerRunner(scheduler) : undefined;
    const services: LedgerServices = {
      config,
      store,
      db,
      apiKeys,
      keyRevocations,
      idempotency: new IdempotencyService(db),
      invoiceQueries: new InvoiceQueries(db),
      metrics,
      clock,
      tenantClock,
      secrets,
      scheduler,
      schedulerRunner,
      log,
    };
    if (schedulerRunner) {
      // The process managers and the due-work projections run under the same runner (lease, checkpoint, batches); see
      // process-managers.ts and scheduled-work.ts. The scheduler runs beside it and stops first.
      const listed = new Set(allProjections.map((projection) => projection.name));
      const projections = [...allProjections, ...work.sources.filter((source) => !listed.has(source.name)), ...processManagers(services)];
      // A pool of their own, as in the projector process: sharing the API's ten connections, a projection's batch waited
      // behind requests for a connection, and the read model's freshness (ack to visible) had a p99 of about 200 ms at
      // 200 commands/s against about 45 ms in a projector process (bench P4).
      const projectionPool = connectDatabase<ReadModelDatabase>(database.connectionString, { applicationName: 'ledger-projections' });
      cleanups.unshift(projectionPool.close);
      const runner = new ProjectionRunner({ store, db: projectionPool.db, connectionString: database.connectionString, projections, log });
      await runner.start();
      cleanups.unshift(() => runner.stop());
      log(`projections running in this process: ${projections.map((projection) => projection.name).join(', ')}`);
      await schedulerRunner.start();
      cleanups.unshift(() => schedulerRunner.stop());
      log(`scheduler running in this process (due-work sources: ${work.sources.map((source) => source.name).join(', ') || 'none yet'})`);
    } else {
      log('PROJECTIONS=off: read models and the scheduler run in a separate projector process (npm run start:projector)');
    }
    const app: INestApplication = await NestFactory.create(AppModule.register(services), { logger: new NestLogAdapter(log) });
    app.use(refuseOversizedBodies()); // before the body parser, which would read a huge body whole before refusing it
    app.enableShutdownHooks();
    await app.listen(config.port, config.host);
    cleanups.unshift(() => app.close());
    const address = app.getHttpServer().address() as { port: number };
    const url = `http://localhost:${address.port}/graphql`;
    log(`GraphQL API ready at ${url} (subscriptions over graphql-ws on the same path)`);
    let operationsUrl: string | undefined;
    if (config.operationsPort !== undefined) {
      const operations = await startOperationsServer(services, config.operationsPort, config.operationsHost);
      cleanups.unshift(() => operations.close());
      operationsUrl = operations.url;
      log(`operations endpoints on their own port: ${operations.url}/health/ready, ${operations.url}/metrics`);
    }
    // The scheduler stops first (after the piece of work in hand), before the server and the projections it waits for.
    const stop = async () => {
      await schedulerRunner?.stop().catch(() => undefined);
      await runAll(cleanups);
    };
    return { url, operationsUrl, services, schema: app.get(GraphQLSchemaHost).schema, stop };
  } catch (error) {
    await runAll(cleanups);
    throw error;
  }
}

async function runAll(cleanups: (() => Promise<void>)[]): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
}

/**
 * The development tenant gets an admin key: LEDGER_API_KEY when set, otherwise one generated on first start and kept
 * (mode 0600) beside the data directory. A generated key is printed once, when it is made; after that only its file.
 */
async function bootstrapDevelopmentTenant(config: LedgerConfig, apiKeys: ApiKeysService, log: (message: string) => void): Promise<void> {
  await apiKeys.ensureTenant(config.devTenantId, 'Development tenant');
  if (config.apiKey) {
    await apiKeys.registerKey(config.devTenantId, 'admin', 'LEDGER_API_KEY', config.apiKey);
    log(`tenant "${config.devTenantId}": admin key taken from LEDGER_API_KEY`);
    return;
  }
  const keyFile = join(dirname(config.dataDirectory), 'dev-api-key');
  if (existsSync(keyFile)) {
    await apiKeys.registerKey(config.devTenantId, 'admin', 'generated development key', (await readFile(keyFile, 'utf8')).trim());
    log(`tenant "${config.devTenantId}": admin key in ${keyFile}`);
    return;
  }
  const key = generateApiKey();
  await mkdir(dirname(keyFile), { recursive: true });
  await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  await apiKeys.registerKey(config.devTenantId, 'admin', 'generated development key', key);
  log(`tenant "${config.devTenantId}": generated an admin API key (shown once, kept in ${keyFile}):\n\n    Authorization: Bearer ${key}\n`);
}
