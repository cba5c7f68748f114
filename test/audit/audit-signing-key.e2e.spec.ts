import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { auditKeyId, parseAuditPrivateKey, parseAuditPublicKey } from '../../libs/audit/src/index.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Without LEDGER_AUDIT_SIGNING_KEY_FILE the API generates its checkpoint signing key at start, beside the data
 * directory (mode 0600), and publishes its public half at GET /audit/public-key; the private key appears nowhere in
 * the logs.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
}, 120_000);

afterAll(async () => {
  await ledger?.stop();
});

describe('the generated signing key', () => {
  it('is written beside the data directory at start, mode 0600, and GET /audit/public-key publishes its public key', async () => {
    const path = join(dirname(ledger.services.config.dataDirectory), 'audit-signing-key.pem');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const pem = await readFile(path, 'utf8');
    const privateKey = parseAuditPrivateKey(pem);
    const response = await fetch(ledger.url.replace(/\/graphql$/, '/audit/public-key'));
    const published = (await response.json()) as { algorithm: string; keyId: string; publicKeyPem: string };
    expect(published.algorithm).toBe('ed25519');
    expect(published.keyId).toBe(auditKeyId(privateKey));
    expect(auditKeyId(parseAuditPublicKey(published.publicKeyPem))).toBe(published.keyId);
    const secret = pem.split('\n')[1] as string;
    expect(ledger.logs.some((line) => line.includes(secret))).toBe(false);
    expect(ledger.logs.some((line) => line.includes(`generated the signing key ${published.keyId}`))).toBe(true);
  });
});
