import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SECRET_KEY_BYTES, SecretKeyring } from './secret-cipher.js';

/**
 * Where the secret store's key comes from: LEDGER_SECRET_KEY (the base64 of 32 random bytes), or, when it is not set,
 * a key generated on first start and kept in a file (mode 0600) beside the data directory, reused on every restart.
 *
 * Beside, not inside: the data directory is the embedded PostgreSQL cluster, which initdb creates only in an empty
 * directory (a key file written there first would stop it), and a copy of the cluster should not carry its own key.
 * The generated API key of the development tenant lives in the same place. Processes on other machines cannot share
 * such a file: a deployment with several (an api and projectors) sets LEDGER_SECRET_KEY for all of them.
 */

export const SECRET_KEY_FILE_NAME = 'secret-store.key';
/** The version of the one configured key; rotation adds keys of later versions (see SecretKeyring). */
export const CONFIGURED_KEY_VERSION = 1;

const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

/** Whether `text` is the (padded, standard) base64 of exactly 32 bytes: what LEDGER_SECRET_KEY must hold. */
export function isSecretKeyText(text: string): boolean {
  return BASE64_KEY.test(text) && Buffer.from(text, 'base64').length === SECRET_KEY_BYTES;
}

/** The key in `text`; `source` names where it came from in the error, which never repeats the text. */
export function parseSecretKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!isSecretKeyText(trimmed)) {
    throw new SecretKeyError(`${source} must hold the base64 encoding of exactly ${SECRET_KEY_BYTES} random bytes (make one with: openssl rand -base64 32)`);
  }
  return Buffer.from(trimmed, 'base64');
}

export function secretKeyFilePath(dataDirectory: string): string {
  return join(dirname(dataDirectory), SECRET_KEY_FILE_NAME);
}

/**
 * The key in `path`, created (32 random bytes, mode 0600) when there is none. Safe when several processes start at
 * once: the key is written to a private temporary file and linked into place, which fails if another process got
 * there first, and then that process's key is read; no process ever reads a half-written file.
 */
export async function loadOrCreateSecretKeyFile(path: string): Promise<{ key: Buffer; created: boolean }> {
  try {
    return { key: parseSecretKey(await readFile(path, 'utf8'), path), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // The file itself is 0600. Its directory is usually .ledger, which also holds the embedded PostgreSQL's data
  // directory: made 0700 here (when a CLI command runs before the first `npm start`), the "postgres" OS user could not
  // enter it when the ledger runs as root.
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const key = randomBytes(SECRET_KEY_BYTES);
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await chmod(temporary, 0o600);
    await link(temporary, path);
    return { key, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: parseSecretKey(await readFile(path, 'utf8'), path), created: false };
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

export interface SecretKeyConfig {
  /** LEDGER_SECRET_KEY, validated by readLedgerConfig. */
  readonly secretStoreKey: string | undefined;
  readonly dataDirectory: string;
  readonly databaseUrl: string | undefined;
}

type KeyLog = ((message: string) => void) & { readonly warn?: (message: string) => void };

/** The keyring of a process: the configured key, or the key file's (created on first start). Logs where, never the key. */
export async function secretKeyringFor(config: SecretKeyConfig, log: KeyLog): Promise<SecretKeyring> {
  if (config.secretStoreKey !== undefined) {
    return new SecretKeyring({ version: CONFIGURED_KEY_VERSION, key: parseSecretKey(config.secretStoreKey, 'LEDGER_SECRET_KEY') });
  }
  const path = secretKeyFilePath(config.dataDirectory);
  const { key, created } = await loadOrCreateSecretKeyFile(path);
  const warn = log.warn ?? log;
  if (created) log(`secret store: generated a key in ${path} (mode 0600). Keep it with the database: the secrets stored with it cannot be read without it`);
  else log(`secret store: key in ${path}`);
  if (((await stat(path)).mode & 0o077) !== 0) warn(`secret store: ${path} can be read by other users: chmod 600 it`);
  if (config.databaseUrl !== undefined) {
    warn('secret store: LEDGER_SECRET_KEY is not set; every process that shares this database must use the same key file or set LEDGER_SECRET_KEY');
  }
  return new SecretKeyring({ version: CONFIGURED_KEY_VERSION, key });
}
