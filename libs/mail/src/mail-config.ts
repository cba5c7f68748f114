import { readFileSync } from 'node:fs';

/**
 * How the ledger sends email (docs/email.md, "Transports"), read once at start from the environment:
 *
 * - `LEDGER_SMTP_URL`: `smtp://host[:port]` (587 by default; STARTTLS when the server offers it) or
 *   `smtps://host[:port]` (465 by default; TLS from the first byte). User and password may be in the URL
 *   (`smtp://user:pass@host`, percent-encoded) or in `LEDGER_SMTP_USER` / `LEDGER_SMTP_PASSWORD` (which win).
 * - `LEDGER_SMTP_PASSWORD_FILE`: instead of `LEDGER_SMTP_PASSWORD`, a file that holds the password (a mounted secret
 *   of Docker, Kubernetes or a vault agent; one trailing newline is dropped), so the password is in no environment.
 * - `LEDGER_MAIL_FROM`: the sender address (`billing@example.com`); the tenant's company name is shown beside it.
 * - `LEDGER_SMTP_TIMEOUT_MS`: the bound on connecting, the server's greeting and each wait on the socket.
 *
 * Without `LEDGER_SMTP_URL` messages go to a file outbox under the data directory, so `npm start` needs no mail server.
 * The password lives here and in the SMTP transport only: it is never logged, never in an event, never in an answer.
 */
export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  /** smtps: TLS from the start; smtp: plain, upgraded with STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user: string | undefined;
  readonly password: string | undefined;
}

export interface MailConfig {
  /** undefined: no SMTP server configured, messages go to the file outbox. */
  readonly smtp: SmtpConfig | undefined;
  /** The envelope and From address. */
  readonly from: string;
  readonly timeoutMs: number;
}

/** A bad mail setting: the process refuses to start, naming the variable (never its secret value). */
export class MailConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const mailConfigDefaults = { from: 'billing@localhost', timeoutMs: 15_000, timeoutMsMin: 1_000, timeoutMsMax: 120_000 } as const;

/** A plain address: no display name, no spaces or control characters, one @ (the display name is the tenant's). */
const ADDRESS_PATTERN = /^[^\s@<>()"',;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function readMailConfig(environment: NodeJS.ProcessEnv): MailConfig {
  const from = environment.LEDGER_MAIL_FROM || mailConfigDefaults.from;
  if (from.length > 254 || !ADDRESS_PATTERN.test(from)) throw new MailConfigError(`LEDGER_MAIL_FROM must be a plain email address such as billing@example.com, got "${printable(from)}"`);
  return { smtp: readSmtp(environment), from, timeoutMs: timeoutOf(environment) };
}

function readSmtp(environment: NodeJS.ProcessEnv): SmtpConfig | undefined {
  const raw = environment.LEDGER_SMTP_URL;
  if (raw === undefined || raw === '') {
    if (environment.LEDGER_SMTP_USER || environment.LEDGER_SMTP_PASSWORD || environment.LEDGER_SMTP_PASSWORD_FILE) {
      throw new MailConfigError('LEDGER_SMTP_USER, LEDGER_SMTP_PASSWORD and LEDGER_SMTP_PASSWORD_FILE need LEDGER_SMTP_URL');
    }
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The text is not repeated: it may hold the password.
    throw new MailConfigError('LEDGER_SMTP_URL is not a URL: use smtp://host:587 or smtps://host:465 (user and password percent-encoded)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new MailConfigError(`LEDGER_SMTP_URL must start with smtp:// or smtps://, got ${url.protocol}//`);
  if (url.hostname === '') throw new MailConfigError('LEDGER_SMTP_URL names no host');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new MailConfigError('LEDGER_SMTP_URL takes no path, query or fragment: smtp://[user:password@]host[:port]');
  }
  const secure = url.protocol === 'smtps:';
  const user = environment.LEDGER_SMTP_USER || decoded(url.username, 'user') || undefined;
  const password = passwordFromFile(environment) ?? (environment.LEDGER_SMTP_PASSWORD || decoded(url.password, 'password') || undefined);
  if (password !== undefined && user === undefined) throw new MailConfigError('an SMTP password needs a user (in LEDGER_SMTP_URL or LEDGER_SMTP_USER)');
  // An IPv6 host comes bracketed from URL; the socket wants it bare.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: url.port === '' ? (secure ? 465 : 587) : Number(url.port), secure, user, password };
}

/** LEDGER_SMTP_PASSWORD_FILE's content; both password variables at once is refused (which one would win is a guess). */
function passwordFromFile(environment: NodeJS.ProcessEnv): string | undefined {
  const file = environment.LEDGER_SMTP_PASSWORD_FILE;
  if (file === undefined || file === '') return undefined;
  if (environment.LEDGER_SMTP_PASSWORD) throw new MailConfigError('set LEDGER_SMTP_PASSWORD or LEDGER_SMTP_PASSWORD_FILE, not both');
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable';
    throw new MailConfigError(`LEDGER_SMTP_PASSWORD_FILE cannot be read (${code}): ${printable(file)}`);
  }
  const password = content.replace(/\r?\n$/, '');
  if (password === '') throw new MailConfigError(`LEDGER_SMTP_PASSWORD_FILE is empty: ${printable(file)}`);
  return password;
}

function decoded(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new MailConfigError(`LEDGER_SMTP_URL: the ${what} is not valid percent-encoding`);
  }
}

function timeoutOf(environment: NodeJS.ProcessEnv): number {
  const raw = environment.LEDGER_SMTP_TIMEOUT_MS;
  if (raw === undefined || raw === '') return mailConfigDefaults.timeoutMs;
  const { timeoutMsMin: min, timeoutMsMax: max } = mailConfigDefaults;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new MailConfigError(`LEDGER_SMTP_TIMEOUT_MS must be an integer from ${min} to ${max}, got "${printable(raw)}"`);
  return Number(raw);
}

/** A value as it may be shown in an error: printable ASCII, at most 100 characters. */
function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

/** Where a transport goes, for the start-up log: host and port, never a user or password. */
export function describeSmtp(smtp: SmtpConfig): string {
  return `${smtp.secure ? 'smtps' : 'smtp'}://${smtp.host.includes(':') ? `[${smtp.host}]` : smtp.host}:${smtp.port}${smtp.user === undefined ? '' : ' (authenticated)'}`;
}
