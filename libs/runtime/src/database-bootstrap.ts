import { ensureDatabase, findRunningEmbeddedPostgres, startEmbeddedPostgres, type RunningPostgres } from '../../database/src/index.js';
import type { LedgerConfig } from './ledger-config.js';

export interface DatabaseHandle {
  readonly connectionString: string;
  readonly embedded: RunningPostgres | undefined;
  /** Set by attachOrStartEmbeddedPostgres when it connected to the server of this live ledger process. */
  readonly attachedTo?: number;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL with its data in LEDGER_DATA_DIR (kept across restarts). */
export async function openDatabase(config: Pick<LedgerConfig, 'databaseUrl' | 'dataDirectory'>, log: (line: string) => void): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { connectionString: config.databaseUrl, embedded: undefined };
  log(`starting the embedded PostgreSQL (data in ${config.dataDirectory})`);
  const embedded = await startEmbeddedPostgres({
    dataDirectory: config.dataDirectory,
    port: Number(process.env.LEDGER_EMBEDDED_PG_PORT ?? 0),
    log: (line) => {
      if (/FATAL|PANIC|ERROR/.test(line)) log(`postgres: ${line}`);
    },
    notice: log,
  });
  await ensureDatabase(embedded.connectionString('postgres'), 'ledger');
  log(`embedded PostgreSQL listening on 127.0.0.1:${embedded.port}`);
  return { connectionString: embedded.connectionString('ledger'), embedded };
}

/**
 * For a short command such as the operator CLI: DATABASE_URL when set; otherwise the embedded PostgreSQL that a live
 * ledger process (`npm start`) already runs on LEDGER_DATA_DIR, attached to and left running; otherwise one started
 * for the command (the caller stops `embedded` when done). The ledger database is created when missing.
 */
export async function attachOrStartEmbeddedPostgres(config: Pick<LedgerConfig, 'databaseUrl' | 'dataDirectory'>, log: (line: string) => void): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { connectionString: config.databaseUrl, embedded: undefined };
  const running = await findRunningEmbeddedPostgres(config.dataDirectory);
  if (running) {
    await ensureDatabase(running.connectionString('postgres'), 'ledger'); // its owner may still be starting
    return { connectionString: running.connectionString('ledger'), embedded: undefined, attachedTo: running.ownerPid };
  }
  return openDatabase(config, log);
}
