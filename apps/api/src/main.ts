import 'reflect-metadata';
import { startLedgerApi } from './ledger-api.js';

/**
 * `npm start`: migrations, then the GraphQL API and the projections in one process, on an embedded PostgreSQL
 * unless DATABASE_URL is set. Stops cleanly on SIGINT/SIGTERM (the embedded database with it).
 */
const log = (message: string) => console.log(`[ledger] ${message}`);
try {
  const api = await startLedgerApi({ log });
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
  console.error(`[ledger] could not start: ${(error as Error).message}`);
  process.exit(1);
}
