import 'reflect-metadata';
import { createLedgerLogger, startupLedgerLogger, readLedgerConfig, type LedgerLog } from '../../../libs/runtime/src/index.js';
import { startLedgerApi } from './ledger-api.js';

/**
 * `npm start`: migrations, then the GraphQL API and the projections in one process, on an embedded PostgreSQL
 * unless DATABASE_URL is set. Stops cleanly on SIGINT/SIGTERM (the embedded database with it).
 */
// Until the configuration is read, a bad value is reported with the log settings that are valid.
let log: LedgerLog = startupLedgerLogger('ledger-api');
try {
  const config = readLedgerConfig();
  log = createLedgerLogger({ name: 'ledger-api', level: config.logLevel, format: config.logFormat });
  const api = await startLedgerApi({ config, log });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    await api.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  log.error(`could not start: ${(error as Error).message}`);
  process.exit(1);
}
