import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, readLedgerConfig } from '../../runtime/src/ledger-config.js';
import { isSecretKeyText, loadOrCreateSecretKeyFile, parseSecretKey, SECRET_KEY_FILE_NAME, secretKeyFilePath, secretKeyringFor } from './secret-key-source.js';

/** Where the key comes from: LEDGER_SECRET_KEY, or a key file made once and reused. */

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'secret-key-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const goodKey = randomBytes(32).toString('base64');

describe('LEDGER_SECRET_KEY', () => {
  it('is the base64 of exactly 32 bytes', () => {
    expect(readLedgerConfig({ LEDGER_SECRET_KEY: goodKey }).secretStoreKey).toBe(goodKey);
    expect(readLedgerConfig({}).secretStoreKey).toBeUndefined();
    expect(isSecretKeyText(goodKey)).toBe(true);
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['hex', randomBytes(32).toString('hex')],
    ['base64url without padding', randomBytes(32).toString('base64url')],
    ['a passphrase', 'correct horse battery staple and more words here!'],
  ])('refuses %s with a ConfigError that does not repeat it', (_case, value) => {
    let thrown: unknown;
    try {
      readLedgerConfig({ LEDGER_SECRET_KEY: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(/^LEDGER_SECRET_KEY must be the base64 encoding of exactly 32 random bytes/);
    expect((thrown as Error).message).not.toContain(value);
    expect(() => parseSecretKey(value, 'the key')).toThrow(/^the key must hold the base64 encoding of exactly 32 random bytes/);
  });
});

describe('the key file', () => {
  it('lives beside the data directory (the data directory is the PostgreSQL cluster)', () => {
    expect(secretKeyFilePath('/srv/ledger/data')).toBe(`/srv/ledger/${SECRET_KEY_FILE_NAME}`);
  });

  it('is made once, readable by its owner only, and reused', async () => {
    const path = join(directory, 'once', SECRET_KEY_FILE_NAME);
    const made = await loadOrCreateSecretKeyFile(path);
    expect(made.created).toBe(true);
    expect(made.key).toHaveLength(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    // The directory it made stays enterable: the embedded PostgreSQL's data directory is its sibling, and when the
    // ledger runs as root the "postgres" OS user must pass through it.
    expect((await stat(join(directory, 'once'))).mode & 0o011).toBe(0o011);
    const again = await loadOrCreateSecretKeyFile(path);
    expect(again).toEqual({ key: made.key, created: false });
  });

  it('is made by exactly one of several processes starting at once; all read the same key', async () => {
    const path = join(directory, 'race', SECRET_KEY_FILE_NAME);
    const results = await Promise.all(Array.from({ length: 12 }, () => loadOrCreateSecretKeyFile(path)));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    for (const result of results) expect(result.key.equals(results[0]?.key as Buffer)).toBe(true);
    expect(parseSecretKey(await readFile(path, 'utf8'), path).equals(results[0]?.key as Buffer)).toBe(true);
  });

  it('is refused when it holds something else, without quoting it', async () => {
    const path = join(directory, 'bad.key');
    await writeFile(path, 'not-a-key-at-all\n');
    await expect(loadOrCreateSecretKeyFile(path)).rejects.toThrow(`${path} must hold the base64 encoding of exactly 32 random bytes`);
  });

  it('gives a process its keyring: the configured key first, the file otherwise; the log names the file, never the key', async () => {
    const lines: string[] = [];
    const log = Object.assign((line: string) => void lines.push(line), { warn: (line: string) => void lines.push(`WARN ${line}`) });
    const configured = await secretKeyringFor({ secretStoreKey: goodKey, dataDirectory: join(directory, 'unused', 'data'), databaseUrl: undefined }, log);
    expect(configured.key(1)?.toString('base64')).toBe(goodKey);
    expect(lines).toEqual([]);

    const dataDirectory = join(directory, 'process', 'data');
    const fromFile = await secretKeyringFor({ secretStoreKey: undefined, dataDirectory, databaseUrl: 'postgres://db/ledger' }, log);
    const again = await secretKeyringFor({ secretStoreKey: undefined, dataDirectory, databaseUrl: undefined }, log);
    expect(again.key(1)?.equals(fromFile.key(1) as Buffer)).toBe(true);
    expect(lines[0]).toMatch(/generated a key in .*secret-store\.key \(mode 0600\)/);
    expect(lines.some((line) => line.startsWith('WARN') && line.includes('LEDGER_SECRET_KEY is not set'))).toBe(true);
    const text = lines.join('\n');
    expect(text).not.toContain((fromFile.key(1) as Buffer).toString('base64'));
  });
});
