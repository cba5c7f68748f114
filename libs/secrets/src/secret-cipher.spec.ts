import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { openSecret, sealSecret, SECRET_IV_BYTES, SecretKeyring, type SealedSecret } from './secret-cipher.js';

/** AES-256-GCM with a random IV per write and the tenant and reference authenticated beside the ciphertext. */

const keyring = new SecretKeyring({ version: 1, key: randomBytes(32) });
const reference = 'sec_0f8b5e1c-7a2d-5b3c-9d4e-6f7a8b9c0d1e';

function flipped(buffer: Buffer, index = 0): Buffer {
  const copy = Buffer.from(buffer);
  copy[index] = (copy[index] as number) ^ 0x01;
  return copy;
}

describe('sealSecret and openSecret', () => {
  it('give back any secret sealed, and the ciphertext never contains it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' }), (secret) => {
        const sealed = sealSecret(keyring, 'acme', reference, secret);
        expect(openSecret(keyring, 'acme', reference, sealed)).toBe(secret);
        if (secret.length >= 4) expect(sealed.ciphertext.includes(Buffer.from(secret, 'utf8'))).toBe(false);
      }),
    );
  });

  it('use a fresh 96-bit IV for every write, so one secret sealed twice gives two ciphertexts', () => {
    const first = sealSecret(keyring, 'acme', reference, 'whsec_same-secret-twice');
    const second = sealSecret(keyring, 'acme', reference, 'whsec_same-secret-twice');
    expect(first.iv).toHaveLength(SECRET_IV_BYTES);
    expect(first.iv.equals(second.iv)).toBe(false);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
  });

  it.each<[string, (sealed: SealedSecret) => [string, string, SealedSecret], RegExp]>([
    ['another tenant', (sealed) => ['globex', reference, sealed], /authentication failed/],
    ['another reference', (sealed) => ['acme', 'sec_00000000-0000-5000-8000-000000000000', sealed], /authentication failed/],
    ['an altered ciphertext', (sealed) => ['acme', reference, { ...sealed, ciphertext: flipped(sealed.ciphertext) }], /authentication failed/],
    ['an altered tag', (sealed) => ['acme', reference, { ...sealed, authTag: flipped(sealed.authTag, 15) }], /authentication failed/],
    ['an altered IV', (sealed) => ['acme', reference, { ...sealed, iv: flipped(sealed.iv, 11) }], /authentication failed/],
    ['a truncated tag', (sealed) => ['acme', reference, { ...sealed, authTag: sealed.authTag.subarray(0, 12) }], /malformed/],
    ['a key version not configured', (sealed) => ['acme', reference, { ...sealed, keyVersion: 7 }], /key version 7, which is not configured/],
  ])('refuse %s with an error that says why and never holds the secret', (_case, change, message) => {
    const secret = 'tok_do-not-leak-0123456789';
    const [tenant, otherReference, sealed] = change(sealSecret(keyring, 'acme', reference, secret));
    const opened = openSecret(keyring, tenant, otherReference, sealed);
    expect(opened).toBeInstanceOf(Error);
    expect((opened as Error).message).toMatch(message);
    expect((opened as Error).message).not.toContain(secret);
  });

  it('refuse another key cleanly (the GCM tag does not verify): no garbage plaintext comes out', () => {
    const sealed = sealSecret(keyring, 'acme', reference, 'whsec_written-with-the-first-key');
    const other = new SecretKeyring({ version: 1, key: randomBytes(32) });
    expect(openSecret(other, 'acme', reference, sealed)).toEqual(new Error('authentication failed (the key of version 1 is not the one it was written with, or the row was altered)'));
  });
});

describe('SecretKeyring', () => {
  it('reads what older keys wrote after a rotation, and writes with the current key', () => {
    const first = { version: 1, key: randomBytes(32) };
    const written = sealSecret(new SecretKeyring(first), 'acme', reference, 'tok_before-the-rotation');
    const rotated = new SecretKeyring({ version: 2, key: randomBytes(32) }, [first]);
    expect(openSecret(rotated, 'acme', reference, written)).toBe('tok_before-the-rotation');
    expect(sealSecret(rotated, 'acme', reference, 'tok_after').keyVersion).toBe(2);
  });

  it.each<[string, () => SecretKeyring, RegExp]>([
    ['a key of 16 bytes', () => new SecretKeyring({ version: 1, key: randomBytes(16) }), /must be 32 bytes/],
    ['version 0', () => new SecretKeyring({ version: 0, key: randomBytes(32) }), /positive integer/],
    ['two keys of one version', () => new SecretKeyring({ version: 1, key: randomBytes(32) }, [{ version: 1, key: randomBytes(32) }]), /share the version 1/],
  ])('refuses %s', (_case, make, message) => {
    expect(make).toThrow(message);
  });

  it('never prints or serialises its keys', () => {
    const key = randomBytes(32);
    const ring = new SecretKeyring({ version: 3, key });
    for (const text of [JSON.stringify({ ring }), inspect({ ring }, { depth: 5 }), String(ring.toJSON())]) {
      expect(text).not.toContain(key.toString('base64'));
      expect(text).not.toContain(key.toString('hex'));
      expect(text).toContain('secret keyring');
    }
  });
});
