import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  auditKeyId,
  CHECKPOINT_FORMAT,
  checkpointBody,
  checkpointBytes,
  type CheckpointInput,
  generateAuditKeyPair,
  parseAuditPrivateKey,
  parseAuditPublicKey,
  signCheckpoint,
  type SignedCheckpoint,
  verifyCheckpoint,
} from './checkpoint.js';

const keys = generateAuditKeyPair();
const input: CheckpointInput = {
  tenantId: 'acme',
  treeSize: 7,
  rootHash: Buffer.from('ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c', 'hex'),
  position: '42.42',
  time: '2026-12-07T13:00:00.000Z',
};

describe('checkpointBody and checkpointBytes', () => {
  it('sign the JCS of the format tag, tenant, size, hex root, position and time', () => {
    const body = checkpointBody(input);
    expect(body).toEqual({ format: CHECKPOINT_FORMAT, tenantId: 'acme', treeSize: 7, rootHash: input.rootHash.toString('hex'), position: '42.42', time: input.time });
    expect(checkpointBytes(body).toString('utf8')).toBe(
      '{"format":"billing-ledger/checkpoint/v1","position":"42.42",' +
        '"rootHash":"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c","tenantId":"acme","time":"2026-12-07T13:00:00.000Z","treeSize":7}',
    );
  });

  it('accept size 0 with the empty root (SHA-256 of nothing)', () => {
    const empty = Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex');
    expect(checkpointBody({ ...input, treeSize: 0, rootHash: empty, position: '0.0' }).rootHash).toBe(empty.toString('hex'));
  });

  it.each([
    ['an empty tenant', { tenantId: '' }],
    ['a negative tree size', { treeSize: -1 }],
    ['a fractional tree size', { treeSize: 1.5 }],
    ['a root of 31 bytes', { rootHash: Buffer.alloc(31) }],
    ['size 0 with a root other than the empty root', { treeSize: 0 }],
    ['a position that is not a cursor', { position: '42' }],
    ['a local time', { time: '2026-12-07T13:00:00' }],
    ['a date only', { time: '2026-12-07' }],
    ['an impossible instant', { time: '2026-13-45T13:00:00Z' }],
    ['a day the month does not have', { time: '2026-02-31T13:00:00Z' }],
    ['hour 24', { time: '2026-02-01T24:00:00Z' }],
  ])('refuse %s', (_description, change) => {
    expect(() => checkpointBody({ ...input, ...change })).toThrow();
  });
});

describe('signed checkpoints', () => {
  const signed = signCheckpoint(checkpointBody(input), keys.privateKey);

  it('carry a 64-byte ed25519 signature over checkpointBytes that verifies with the public key', () => {
    expect(Buffer.from(signed.signature, 'base64')).toHaveLength(64);
    expect(verify(null, checkpointBytes(signed.body), keys.publicKey, Buffer.from(signed.signature, 'base64'))).toBe(true);
    expect(verifyCheckpoint(signed, keys.publicKey)).toBe(true);
    expect(signed.keyId).toBe(auditKeyId(keys.publicKey));
    expect(signed.keyId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('survive a round trip through JSON and the PEM keys', () => {
    const copy = JSON.parse(JSON.stringify(signed)) as SignedCheckpoint;
    expect(verifyCheckpoint(copy, parseAuditPublicKey(keys.publicKeyPem))).toBe(true);
    const again = signCheckpoint(checkpointBody(input), parseAuditPrivateKey(keys.privateKeyPem));
    expect(again.signature).toBe(signed.signature); // ed25519 is deterministic
  });

  it.each([
    ['tenantId', { tenantId: 'globex' }],
    ['treeSize', { treeSize: 8 }],
    ['rootHash', { rootHash: '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328' }],
    ['position', { position: '42.43' }],
    ['time', { time: '2026-12-07T13:00:00.001Z' }],
    ['format', { format: 'billing-ledger/checkpoint/v2' }],
  ])('are rejected when the %s is changed', (_field, change) => {
    expect(verifyCheckpoint({ ...signed, body: { ...signed.body, ...change } as SignedCheckpoint['body'] }, keys.publicKey)).toBe(false);
  });

  it('are rejected with another key, an RSA key or a private key', () => {
    expect(verifyCheckpoint(signed, generateAuditKeyPair().publicKey)).toBe(false);
    expect(verifyCheckpoint(signed, generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey)).toBe(false);
    expect(verifyCheckpoint(signed, keys.privateKey)).toBe(false);
  });

  it('are rejected with a truncated, extended, flipped or missing signature', () => {
    const bytes = Buffer.from(signed.signature, 'base64');
    const flipped = Buffer.from(bytes);
    flipped[10] = (flipped[10] as number) ^ 1;
    for (const signature of [
      bytes.subarray(0, 63).toString('base64'),
      signed.signature.slice(0, -4),
      Buffer.concat([bytes, Buffer.alloc(1)]).toString('base64'),
      flipped.toString('base64'),
      '',
      bytes.toString('base64url'),
    ]) {
      expect(verifyCheckpoint({ ...signed, signature }, keys.publicKey)).toBe(false);
    }
    expect(verifyCheckpoint({ ...signed, signature: undefined } as unknown as SignedCheckpoint, keys.publicKey)).toBe(false);
  });

  it('refuse to be signed with a public key or a key of another type', () => {
    expect(() => signCheckpoint(checkpointBody(input), keys.publicKey)).toThrow('ed25519 private key');
    expect(() => signCheckpoint(checkpointBody(input), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toThrow('ed25519 private key');
  });
});

describe('audit keys', () => {
  it('are ed25519 in PKCS#8 and SPKI PEM', () => {
    expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(keys.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(createPublicKey(keys.privateKey).export({ type: 'spki', format: 'pem' })).toBe(keys.publicKeyPem);
  });

  it('have the same key id from the private and the public half', () => {
    expect(auditKeyId(keys.privateKey)).toBe(auditKeyId(keys.publicKey));
    expect(auditKeyId(generateAuditKeyPair().publicKey)).not.toBe(auditKeyId(keys.publicKey));
  });

  it('parsing refuses a private key where a public one is expected, other key types and garbage', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => parseAuditPublicKey(keys.privateKeyPem)).toThrow('PUBLIC KEY');
    expect(() => parseAuditPublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow('ed25519');
    expect(() => parseAuditPrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow('ed25519');
    expect(() => parseAuditPrivateKey('not a key')).toThrow('not a PEM private key');
    expect(() => parseAuditPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')).toThrow('not a PEM public key');
  });
});
