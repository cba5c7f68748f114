import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditKeyId, generateAuditKeyPair } from '../../../audit/src/index.js';
import { AuditSigningKeyError, auditSigningKeyFilePath, auditSigningKeyFor, loadOrCreateAuditSigningKeyFile } from './audit-signing-key.js';

let directory: string;
let lines: string[];
const log = Object.assign((message: string) => lines.push(`info ${message}`), { warn: (message: string) => lines.push(`warn ${message}`) });

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'audit-signing-key-'));
  lines = [];
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('the signing key beside the data directory (LEDGER_AUDIT_SIGNING_KEY_FILE unset)', () => {
  it('is generated on first start (mode 0600, PKCS#8 PEM ed25519) and the same key is read on every restart', async () => {
    const config = { auditSigningKeyFile: undefined, dataDirectory: join(directory, 'data'), databaseUrl: undefined };
    const path = auditSigningKeyFilePath(config.dataDirectory);
    expect(path).toBe(join(directory, 'audit-signing-key.pem'));
    const first = await auditSigningKeyFor(config, log);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const pem = await readFile(path, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(first.privateKey.asymmetricKeyType).toBe('ed25519');
    const second = await auditSigningKeyFor(config, log);
    expect(second.keyId).toBe(first.keyId);
    expect(second.keyId).toBe(auditKeyId(createPublicKey(first.privateKey)));
    // The same key signs: a signature by the first verifies with the second's public key.
    const signature = sign(null, Buffer.from('statement'), first.privateKey);
    expect(verify(null, Buffer.from('statement'), createPublicKey(second.privateKey), signature)).toBe(true);
    expect(lines[0]).toMatch(/generated the signing key [0-9a-f]{32} in .*audit-signing-key\.pem \(mode 0600\)/);
    expect(lines[1]).toMatch(/signing key [0-9a-f]{32} in /);
    // Never the key itself.
    const body = pem.split('\n')[1] as string;
    expect(lines.some((line) => line.includes(body) || line.includes('PRIVATE KEY'))).toBe(false);
  });

  it('is created once when several processes start together', async () => {
    const path = join(directory, 'audit-signing-key.pem');
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateAuditSigningKeyFile(path)));
    expect(new Set(keys.map(({ key }) => key.keyId)).size).toBe(1);
    expect(keys.filter(({ created }) => created)).toHaveLength(1);
  });

  it('warns when a shared database is used without a configured key file', async () => {
    await auditSigningKeyFor({ auditSigningKeyFile: undefined, dataDirectory: join(directory, 'data'), databaseUrl: 'postgres://db/ledger' }, log);
    expect(lines.some((line) => line.startsWith('warn ') && line.includes('LEDGER_AUDIT_SIGNING_KEY_FILE is not set'))).toBe(true);
  });
});

describe('LEDGER_AUDIT_SIGNING_KEY_FILE', () => {
  it('is read, never rewritten, and generates nothing beside the data directory', async () => {
    const pair = generateAuditKeyPair();
    const file = join(directory, 'configured.pem');
    await writeFile(file, pair.privateKeyPem, { mode: 0o600 });
    const key = await auditSigningKeyFor({ auditSigningKeyFile: file, dataDirectory: join(directory, 'data'), databaseUrl: 'postgres://db/ledger' }, log);
    expect(key.keyId).toBe(auditKeyId(pair.publicKey));
    expect(await readFile(file, 'utf8')).toBe(pair.privateKeyPem);
    await expect(stat(join(directory, 'audit-signing-key.pem'))).rejects.toThrow();
    expect(lines.filter((line) => line.startsWith('warn '))).toEqual([]);
  });

  it('warns when other users can read it', async () => {
    const file = join(directory, 'open.pem');
    await writeFile(file, generateAuditKeyPair().privateKeyPem, { mode: 0o644 });
    await auditSigningKeyFor({ auditSigningKeyFile: file, dataDirectory: join(directory, 'data'), databaseUrl: undefined }, log);
    expect(lines.some((line) => line.startsWith('warn ') && line.includes('chmod 600'))).toBe(true);
  });

  it.each([
    ['a public key', () => generateAuditKeyPair().publicKeyPem],
    ['an RSA private key', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
    ['text that is no key', () => 'not a key\n'],
  ])('refuses %s, without repeating the file', async (_case, contents) => {
    const file = join(directory, 'bad.pem');
    const text = contents();
    await writeFile(file, text, { mode: 0o600 });
    const attempt = auditSigningKeyFor({ auditSigningKeyFile: file, dataDirectory: join(directory, 'data'), databaseUrl: undefined }, log);
    await expect(attempt).rejects.toThrow(AuditSigningKeyError);
    await expect(attempt).rejects.toThrow(/ed25519 private key in PKCS#8 PEM/);
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).not.toContain(text.trim().split('\n')[1] ?? text.trim());
  });

  it('refuses a file that does not exist, naming it', async () => {
    const file = join(directory, 'missing.pem');
    await expect(auditSigningKeyFor({ auditSigningKeyFile: file, dataDirectory: join(directory, 'data'), databaseUrl: undefined }, log)).rejects.toThrow(`cannot read ${file} (ENOENT)`);
  });
});
