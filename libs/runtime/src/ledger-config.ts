import { resolve } from 'node:path';
import { logFormats, logLevels, type LogFormat, type LogLevel } from './ledger-logger.js';
import { readMailConfig, type MailConfig } from '../../mail/src/mail-config.js';

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
  /** LEDGER_LOG_LEVEL: the least severe level logged. */
  readonly logLevel: LogLevel;
  /** LEDGER_LOG_FORMAT: `json` lines, `pretty` lines, or `auto` (pretty when stdout is a terminal). */
  readonly logFormat: LogFormat;
  /** The GraphiQL page at /graphql (browsers) and /graphiql; off by default when NODE_ENV=production. */
  readonly graphiql: 'on' | 'off';
  /** When set, /metrics and /health/ready answer only `Authorization: Bearer <token>` (401 otherwise). */
  readonly operationsToken: string | undefined;
  /** When set, /metrics and /health/ready are served on this port (and host) only, the API port answers 404 for them; /health/live is on both. */
  readonly operationsPort: number | undefined;
  readonly operationsHost: string;
  /** Introspection and "did you mean" suggestions in errors; off by default when NODE_ENV=production. */
  readonly introspection: boolean;
  readonly graphqlLimits: GraphQLLimits;
  /** LEDGER_WEBHOOK_TIMEOUT_MS: one webhook attempt's whole HTTP exchange (connect, send, response headers); default 15000. */
  readonly webhookTimeoutMs: number;
  /**
   * LEDGER_SECRET_KEY: the secret store's key, the base64 of 32 random bytes (libs/secrets). Unset: a key generated
   * on first start is kept beside the data directory (secret-store.key). Never logged.
   */
  readonly secretStoreKey: string | undefined;
  /** LEDGER_SMTP_URL, LEDGER_SMTP_USER, LEDGER_SMTP_PASSWORD(_FILE), LEDGER_MAIL_FROM, LEDGER_SMTP_TIMEOUT_MS (libs/mail/src/mail-config.ts); no SMTP URL: the file outbox. */
  readonly mail: MailConfig;
  /**
   * LEDGER_AUDIT_SIGNING_KEY_FILE: a PKCS#8 PEM ed25519 private key that signs the audit checkpoints. Unset: a key
   * generated on first start is kept beside the data directory (audit-signing-key.pem). Never logged.
   */
  readonly auditSigningKeyFile: string | undefined;
  /** LEDGER_AUDIT_CHECKPOINT_INTERVAL_SECONDS: how often the API signs a checkpoint of every tenant whose log grew; 0 = off (on demand only). */
  readonly auditCheckpointIntervalSeconds: number;
}

/** What one GraphQL request may ask for, over HTTP and WebSocket alike (README, "Limits"). */
export interface GraphQLLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxTokens: number;
  readonly maxCost: number;
  /** Fields selected, fragments expanded. */
  readonly maxFields: number;
  readonly maxDocumentBytes: number;
  /** ws `maxPayload`: any WebSocket message, connection_init included, before authentication. */
  readonly webSocketMaxMessageBytes: number;
  readonly maxSubscriptionsPerConnection: number;
  /** Across the connections of one API key, on one API node. */
  readonly maxSubscriptionsPerKey: number;
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
  const host = environment.HOST || '0.0.0.0';
  const operations = readOperations(environment, port, host);
  return {
    port,
    host,
    databaseUrl: environment.DATABASE_URL || undefined,
    dataDirectory: resolve(environment.LEDGER_DATA_DIR || '.ledger/data'),
    eventStore,
    kurrentDbConnectionString,
    projections: oneOf(environment, 'PROJECTIONS', ['on', 'off'] as const, 'on'),
    apiKey,
    devTenantId: environment.LEDGER_DEV_TENANT || 'dev',
    readYourWritesTimeoutMs: integer(environment, 'LEDGER_READ_YOUR_WRITES_TIMEOUT_MS', 5_000, 0, 60_000),
    logLevel: oneOf(environment, 'LEDGER_LOG_LEVEL', logLevels, 'info'),
    logFormat: oneOf(environment, 'LEDGER_LOG_FORMAT', logFormats, 'auto'),
    graphiql: oneOf(environment, 'LEDGER_GRAPHIQL', ['on', 'off'] as const, environment.NODE_ENV === 'production' ? 'off' : 'on'),
    ...operations,
    introspection: oneOf(environment, 'LEDGER_INTROSPECTION', ['on', 'off'] as const, environment.NODE_ENV === 'production' ? 'off' : 'on') === 'on',
    graphqlLimits: readGraphQLLimits(environment),
    webhookTimeoutMs: integer(environment, 'LEDGER_WEBHOOK_TIMEOUT_MS', 15_000, 100, 120_000),
    secretStoreKey: readSecretStoreKey(environment),
    mail: readMailConfig(environment),
    auditSigningKeyFile: environment.LEDGER_AUDIT_SIGNING_KEY_FILE ? resolve(environment.LEDGER_AUDIT_SIGNING_KEY_FILE) : undefined,
    auditCheckpointIntervalSeconds: integer(environment, 'LEDGER_AUDIT_CHECKPOINT_INTERVAL_SECONDS', 3_600, 0, 31_622_400),
  };
}

/** The base64 of exactly 32 bytes, padded; the message never repeats the value. */
function readSecretStoreKey(environment: NodeJS.ProcessEnv): string | undefined {
  const raw = environment.LEDGER_SECRET_KEY?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^[A-Za-z0-9+/]{43}=$/.test(raw) || Buffer.from(raw, 'base64').length !== 32) {
    throw new ConfigError('LEDGER_SECRET_KEY must be the base64 encoding of exactly 32 random bytes (make one with: openssl rand -base64 32)');
  }
  return raw;
}

function readGraphQLLimits(environment: NodeJS.ProcessEnv): GraphQLLimits {
  return {
    maxDepth: integer(environment, 'LEDGER_MAX_QUERY_DEPTH', 12, 1, 100),
    maxAliases: integer(environment, 'LEDGER_MAX_QUERY_ALIASES', 30, 0, 1_000),
    maxDirectives: integer(environment, 'LEDGER_MAX_QUERY_DIRECTIVES', 20, 0, 1_000),
    maxTokens: integer(environment, 'LEDGER_MAX_QUERY_TOKENS', 1_000, 100, 100_000),
    maxCost: integer(environment, 'LEDGER_MAX_QUERY_COST', 10_000, 1, 1_000_000_000),
    maxFields: integer(environment, 'LEDGER_MAX_QUERY_FIELDS', 250, 1, 100_000),
    maxDocumentBytes: integer(environment, 'LEDGER_MAX_DOCUMENT_BYTES', 32_768, 1_024, 1_048_576),
    webSocketMaxMessageBytes: integer(environment, 'LEDGER_WS_MAX_MESSAGE_BYTES', 102_400, 1_024, 16_777_216),
    maxSubscriptionsPerConnection: integer(environment, 'LEDGER_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', 10, 1, 1_000),
    maxSubscriptionsPerKey: integer(environment, 'LEDGER_WS_MAX_SUBSCRIPTIONS_PER_KEY', 50, 1, 100_000),
  };
}

const OPERATIONS_TOKEN_PATTERN = /^[\x21-\x7e]{24,512}$/;

function readOperations(environment: NodeJS.ProcessEnv, port: number, host: string): Pick<LedgerConfig, 'operationsToken' | 'operationsPort' | 'operationsHost'> {
  const operationsToken = environment.LEDGER_OPERATIONS_TOKEN || undefined;
  if (operationsToken !== undefined && !OPERATIONS_TOKEN_PATTERN.test(operationsToken)) {
    throw new ConfigError('LEDGER_OPERATIONS_TOKEN must be 24 to 512 printable characters without spaces');
  }
  const rawPort = environment.LEDGER_OPERATIONS_PORT;
  const operationsPort = rawPort === undefined || rawPort === '' ? undefined : integer(environment, 'LEDGER_OPERATIONS_PORT', 0, 0, 65_535);
  if (operationsPort !== undefined && operationsPort !== 0 && operationsPort === port) {
    throw new ConfigError(`LEDGER_OPERATIONS_PORT must differ from PORT (both are ${port})`);
  }
  if (environment.LEDGER_OPERATIONS_HOST && operationsPort === undefined) throw new ConfigError('LEDGER_OPERATIONS_HOST needs LEDGER_OPERATIONS_PORT');
  return { operationsToken, operationsPort, operationsHost: environment.LEDGER_OPERATIONS_HOST || host };
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
