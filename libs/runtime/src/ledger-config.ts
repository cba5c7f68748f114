import { resolve } from 'node:path';

/** Everything the processes read from the environment, parsed and checked once at start. */
export interface LedgerConfig {
  readonly port: number;
  readonly host: string;
  /** An external PostgreSQL; when absent an embedded server is started with its data in `dataDirectory`. */
  readonly databaseUrl: string | undefined;
  readonly dataDirectory: string;
  readonly eventStore: 'postgres' | 'kurrentdb';
  readonly kurrentDbConnectionString: string | undefined;
  readonly projections: 'on' | 'off';
  readonly apiKey: string | undefined;
  readonly devTenantId: string;
  readonly readYourWritesTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function readLedgerConfig(environment: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const port = integer(environment, 'PORT', 4000, 0, 65_535);
  const eventStore = oneOf(environment, 'EVENT_STORE', ['postgres', 'kurrentdb'] as const, 'postgres');
  const kurrentDbConnectionString = environment.KURRENTDB_CONNECTION_STRING || undefined;
  if (eventStore === 'kurrentdb' && !kurrentDbConnectionString) {
    throw new ConfigError('EVENT_STORE=kurrentdb needs KURRENTDB_CONNECTION_STRING (e.g. kurrentdb://localhost:2113?tls=false)');
  }
  const apiKey = environment.LEDGER_API_KEY || undefined;
  if (apiKey !== undefined && apiKey.length < 24) throw new ConfigError('LEDGER_API_KEY must be at least 24 characters');
  return {
    port,
    host: environment.HOST || '0.0.0.0',
    databaseUrl: environment.DATABASE_URL || undefined,
    dataDirectory: resolve(environment.LEDGER_DATA_DIR || '.ledger/data'),
    eventStore,
    kurrentDbConnectionString,
    projections: oneOf(environment, 'PROJECTIONS', ['on', 'off'] as const, 'on'),
    apiKey,
    devTenantId: environment.LEDGER_DEV_TENANT || 'dev',
    readYourWritesTimeoutMs: integer(environment, 'LEDGER_READ_YOUR_WRITES_TIMEOUT_MS', 5_000, 0, 60_000),
  };
}

function integer(environment: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = environment[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}

function oneOf<const Values extends readonly string[]>(environment: NodeJS.ProcessEnv, name: string, values: Values, fallback: Values[number]): Values[number] {
  const raw = environment[name];
  if (raw === undefined || raw === '') return fallback;
  if (!values.includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as Values[number];
}
