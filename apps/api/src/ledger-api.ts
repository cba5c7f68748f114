import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { connectDatabase, migrateToLatest } from '../../../libs/database/src/index.js';
import { ProjectionRunner } from '../../../libs/projection-runtime/src/index.js';
import { openDatabase, openEventStore, readLedgerConfig, type LedgerConfig } from '../../../libs/runtime/src/index.js';
import { allProjections } from '../../../projections/index.js';
import { InvoiceQueries } from '../../../projections/invoices/invoices.queries.js';
import { AppModule } from './app.module.js';
import type { LedgerServices } from './ledger-services.js';
import { ApiKeysService, generateApiKey } from './platform/api-keys.service.js';
import { IdempotencyService } from './platform/idempotency.service.js';
import { platformMigrations } from './platform/platform.migrations.js';
import { LedgerMetrics } from './operations/ledger-metrics.js';
import { processManagers } from './process-managers.js';

export interface RunningLedgerApi {
  readonly url: string;
  readonly services: LedgerServices;
  readonly stop: () => Promise<void>;
}

export interface StartOptions {
  readonly log?: (message: string) => void;
  readonly config?: LedgerConfig;
  readonly clock?: () => Date;
}

/** Starts everything `npm start` runs; tests start the same thing in-process. */
export async function startLedgerApi(options: StartOptions = {}): Promise<RunningLedgerApi> {
  const log = options.log ?? (() => undefined);
  const config = options.config ?? readLedgerConfig();
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
    const apiKeys = new ApiKeysService(db);
    await bootstrapDevelopmentTenant(config, apiKeys, log);
    const services: LedgerServices = {
      config,
      store,
      db,
      apiKeys,
      idempotency: new IdempotencyService(db),
      invoiceQueries: new InvoiceQueries(db),
      metrics,
      clock: options.clock ?? (() => new Date()),
      log,
    };
    if (config.projections === 'on') {
      // The process managers run under the same runner (lease, checkpoint, batches); see process-managers.ts.
      const projections = [...allProjections, ...processManagers({ store, clock: services.clock, log, db })];
      const runner = new ProjectionRunner({ store, db, connectionString: database.connectionString, projections, log });
      await runner.start();
      cleanups.unshift(() => runner.stop());
      log(`projections running in this process: ${projections.map((projection) => projection.name).join(', ')}`);
    } else {
      log('PROJECTIONS=off: read models are maintained by a separate projector process (npm run start:projector)');
    }
    const app: INestApplication = await NestFactory.create(AppModule.register(services), { logger: ['error', 'warn'] });
    app.enableShutdownHooks();
    await app.listen(config.port, config.host);
    cleanups.unshift(() => app.close());
    const address = app.getHttpServer().address() as { port: number };
    const url = `http://localhost:${address.port}/graphql`;
    log(`GraphQL API ready at ${url} (subscriptions over graphql-ws on the same path)`);
    return { url, services, stop: () => runAll(cleanups) };
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
