import { pino, type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { currentDatabaseScope } from '../../database/src/database-scope.js';

/**
 * The processes' logs: pino, one JSON object per line on stdout (level, time, message, and the request's tenant, key
 * id and correlation id when the line is logged inside a request), or human-readable lines on a terminal.
 *
 * Code logs through a LedgerLog: `log(message)` is info, `log.warn(message, fields)` and the others their level.
 * A LedgerLog is also a `(message: string) => void`, so every service that takes such a function keeps working.
 */

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];
/** `auto`: human-readable when stdout is a terminal, JSON otherwise. */
export const logFormats = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof logFormats)[number];

export type LogFields = Readonly<Record<string, unknown>>;
export type LogMethod = (message: string, fields?: LogFields) => void;

export interface LedgerLog extends LogMethod {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
}

export const REDACTED = '[redacted]';

/** Field names whose values never reach a log line, at any of the first three levels of a logged object. */
const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'cookie',
  '["set-cookie"]',
  '["x-api-key"]',
  'apiKey',
  'api_key',
  'key',
  'secret',
  'webhookSecret',
  'signingSecret',
  'clientSecret',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'gatewayToken',
  'operationsToken',
  'connectionString',
  'databaseUrl',
];

export const redactedLogPaths: readonly string[] = SECRET_FIELDS.flatMap((field) => {
  const step = field.startsWith('[') ? field : `.${field}`;
  return [field, `*${step}`, `*.*${step}`];
});

/**
 * The fields every line logged inside a unit of work carries (pino `mixin`): a request's tenant, key id and
 * correlation id; an anonymous request's correlation id; the process a system scope names.
 */
export function logScopeFields(): Record<string, string> {
  const scope = currentDatabaseScope();
  if (scope === undefined) return {};
  const fields: Record<string, string> = {};
  if (scope.kind === 'tenant') {
    fields.tenantId = scope.tenantId;
    if (scope.keyId !== undefined) fields.keyId = scope.keyId;
  } else if (scope.kind === 'system') {
    fields.system = scope.reason;
  }
  if (scope.correlationId !== undefined) fields.correlationId = scope.correlationId;
  return fields;
}

export interface LedgerLoggerOptions {
  /** The `service` field of every line, e.g. `ledger-api`. */
  readonly name: string;
  readonly level?: LogLevel;
  readonly format?: LogFormat;
  /** Where lines go; stdout when absent. */
  readonly destination?: DestinationStream;
  /** Whether `auto` means pretty; stdout's TTY-ness when absent. */
  readonly terminal?: boolean;
}

export function createLedgerLogger(options: LedgerLoggerOptions): LedgerLog {
  return ledgerLogOf(createPinoLogger(options));
}

/**
 * The log a process uses before its configuration is read (to report a bad value): LEDGER_LOG_LEVEL and
 * LEDGER_LOG_FORMAT when they are valid, the defaults otherwise.
 */
export function startupLedgerLogger(name: string, environment: NodeJS.ProcessEnv = process.env): LedgerLog {
  const level = logLevels.find((candidate) => candidate === environment.LEDGER_LOG_LEVEL) ?? 'info';
  const format = logFormats.find((candidate) => candidate === environment.LEDGER_LOG_FORMAT) ?? 'auto';
  return createLedgerLogger({ name, level, format });
}

export function createPinoLogger(options: LedgerLoggerOptions): Logger {
  const format = options.format ?? 'auto';
  const pretty = format === 'pretty' || (format === 'auto' && (options.terminal ?? process.stdout.isTTY === true));
  const out = options.destination ?? pino.destination({ fd: 1, sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.name, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: logScopeFields,
      redact: { paths: [...redactedLogPaths], censor: REDACTED },
    },
    pretty ? prettyLines(out, options.destination === undefined && process.stdout.isTTY === true) : out,
  );
}

/** Each JSON line (already redacted, with its fields) turned into a readable one, in the same synchronous write. */
function prettyLines(out: DestinationStream, colorize: boolean): DestinationStream {
  const prettify = pinoPretty.prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return { write: (line: string) => out.write(prettify(line)) };
}

/** A LedgerLog writing to a pino logger. */
export function ledgerLogOf(logger: Logger): LedgerLog {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error'): LogMethod =>
    (message, fields) => {
      if (fields === undefined) logger[level](message);
      else logger[level]({ ...fields }, message);
    };
  return Object.assign(at('info'), { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') });
}

/** Logs nothing (a process started without a log, e.g. in a test that does not read it). */
export const silentLog: LedgerLog = Object.assign(() => undefined, { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined });

export function isLedgerLog(log: unknown): log is LedgerLog {
  return typeof log === 'function' && typeof (log as Partial<LedgerLog>).error === 'function' && typeof (log as Partial<LedgerLog>).warn === 'function';
}

/**
 * The log a process was given: a LedgerLog as it is; a plain `(line) => void` receives each line as JSON (redacted,
 * with the request's fields), which is how tests capture what the API logs; nothing logs nothing.
 */
export function ledgerLogFrom(log: LedgerLog | ((line: string) => void) | undefined, options: Omit<LedgerLoggerOptions, 'destination' | 'format' | 'terminal'>): LedgerLog {
  if (log === undefined) return silentLog;
  if (isLedgerLog(log)) return log;
  const sink = log;
  return createLedgerLogger({ ...options, format: 'json', destination: { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) } });
}
