import { randomBytes, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { auditKeyId, generateAuditKeyPair, parseAuditPrivateKey } from '../../../audit/src/index.js';

/**
 * Where the checkpoint signing key comes from: LEDGER_AUDIT_SIGNING_KEY_FILE (a PKCS#8 PEM ed25519 private key), or,
 * when it is not set, `audit-signing-key.pem` generated on first start (mode 0600) beside the data directory and
 * reused on every restart, like the secret store's key (libs/secrets/src/secret-key-source.ts says why beside and not
 * inside). The key is read into memory only: never logged, returned or stored anywhere else (checkpoints keep its id).
 */
export const AUDIT_SIGNING_KEY_FILE_NAME = 'audit-signing-key.pem';

export class AuditSigningKeyError extends Error {
  override readonly name = 'AuditSigningKeyError';
}

/** The signing key of a process, with the id the checkpoints carry. */
export interface AuditSigningKey {
  readonly privateKey: KeyObject;
  readonly keyId: string;
}

export function auditSigningKeyFilePath(dataDirectory: string): string {
  return join(dirname(dataDirectory), AUDIT_SIGNING_KEY_FILE_NAME);
}

/** The key in `pem`; `source` names where it came from in the error, which never repeats the text. */
export function parseAuditSigningKey(pem: string, source: string): AuditSigningKey {
  try {
    const privateKey = parseAuditPrivateKey(pem);
    return { privateKey, keyId: auditKeyId(privateKey) };
  } catch {
    throw new AuditSigningKeyError(`${source} must hold an ed25519 private key in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----; make one with: openssl genpkey -algorithm ed25519)`);
  }
}

/**
 * The key in `path`, created when there is none. Safe when several processes start at once: the key is written to a
 * private temporary file and linked into place, which fails if another process got there first, and then that
 * process's key is read; no process ever reads a half-written file.
 */
export async function loadOrCreateAuditSigningKeyFile(path: string): Promise<{ key: AuditSigningKey; created: boolean }> {
  try {
    return { key: parseAuditSigningKey(await readFile(path, 'utf8'), path), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // The file itself is 0600. Its directory is usually .ledger, which also holds the embedded PostgreSQL's data
  // directory: made 0700 here (when a CLI command runs before the first `npm start`), the "postgres" OS user could not
  // enter it when the ledger runs as root.
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const pair = generateAuditKeyPair();
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
  try {
    await chmod(temporary, 0o600);
    await link(temporary, path);
    return { key: { privateKey: pair.privateKey, keyId: auditKeyId(pair.publicKey) }, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: parseAuditSigningKey(await readFile(path, 'utf8'), path), created: false };
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

export interface AuditSigningKeyConfig {
  /** LEDGER_AUDIT_SIGNING_KEY_FILE. */
  readonly auditSigningKeyFile: string | undefined;
  readonly dataDirectory: string;
  readonly databaseUrl: string | undefined;
}

type KeyLog = ((message: string) => void) & { readonly warn?: (message: string) => void };

/** The configured key file's key, or the generated one beside the data directory. Logs where and the key id, never the key. */
export async function auditSigningKeyFor(config: AuditSigningKeyConfig, log: KeyLog): Promise<AuditSigningKey> {
  const warn = log.warn ?? log;
  if (config.auditSigningKeyFile !== undefined) {
    const path = config.auditSigningKeyFile;
    let pem: string;
    try {
      pem = await readFile(path, 'utf8');
    } catch (error) {
      throw new AuditSigningKeyError(`LEDGER_AUDIT_SIGNING_KEY_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const key = parseAuditSigningKey(pem, `LEDGER_AUDIT_SIGNING_KEY_FILE (${path})`);
    log(`audit checkpoints: signing key ${key.keyId} from ${path}`);
    if (((await stat(path)).mode & 0o077) !== 0) warn(`audit checkpoints: ${path} can be read by other users: chmod 600 it`);
    return key;
  }
  const path = auditSigningKeyFilePath(config.dataDirectory);
  const { key, created } = await loadOrCreateAuditSigningKeyFile(path);
  if (created) log(`audit checkpoints: generated the signing key ${key.keyId} in ${path} (mode 0600); its public key is at GET /audit/public-key`);
  else log(`audit checkpoints: signing key ${key.keyId} in ${path}`);
  if (((await stat(path)).mode & 0o077) !== 0) warn(`audit checkpoints: ${path} can be read by other users: chmod 600 it`);
  if (config.databaseUrl !== undefined) {
    warn('audit checkpoints: LEDGER_AUDIT_SIGNING_KEY_FILE is not set; every API process that shares this database should sign with the same key file');
  }
  return key;
}
