import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from '../../database/src/index.js';
import type { LedgerConfig } from './ledger-config.js';

export interface DatabaseHandle {
  readonly connectionString: string;
  readonly embedded: RunningPostgres | undefined;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL with its data in LEDGER_DATA_DIR (kept across restarts). */
export async function openDatabase(config: LedgerConfig, log: (line: string) => void): Promise<DatabaseHandle> {
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
