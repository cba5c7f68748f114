import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * AES-256-GCM, one random 96-bit IV per write, and the tenant and reference as additional authenticated data: a
 * ciphertext copied to another tenant's row, or to another reference, fails authentication instead of decrypting.
 */

export const SECRET_KEY_BYTES = 32;
export const SECRET_IV_BYTES = 12;
export const SECRET_AUTH_TAG_BYTES = 16;

/** One key of the keyring and its version (the version is stored with every row it encrypted). */
export interface SecretKey {
  readonly version: number;
  readonly key: Buffer;
}

/**
 * The keys secrets are encrypted with: the current one (every write) and older ones still needed to read rows
 * written before a rotation. It never prints or serialises its keys (a log of an object holding it shows a mask).
 */
export class SecretKeyring {
  private readonly keys: ReadonlyMap<number, Buffer>;

  constructor(
    private readonly currentKey: SecretKey,
    older: readonly SecretKey[] = [],
  ) {
    const keys = new Map<number, Buffer>();
    for (const { version, key } of [currentKey, ...older]) {
      if (!Number.isInteger(version) || version < 1) throw new TypeError(`a secret key version is a positive integer (got ${version})`);
      if (key.length !== SECRET_KEY_BYTES) throw new TypeError(`the secret key of version ${version} must be ${SECRET_KEY_BYTES} bytes`);
      if (keys.has(version)) throw new TypeError(`two secret keys share the version ${version}`);
      keys.set(version, Buffer.from(key));
    }
    this.keys = keys;
  }

  get currentVersion(): number {
    return this.currentKey.version;
  }

  key(version: number): Buffer | undefined {
    return this.keys.get(version);
  }

  toJSON(): string {
    return `[secret keyring, versions ${[...this.keys.keys()].join(', ')}]`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

/** A secret as stored: which key, the IV, the ciphertext and the GCM tag. */
export interface SealedSecret {
  readonly keyVersion: number;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly authTag: Buffer;
}

/** What the tag authenticates besides the ciphertext: the format, the tenant and the reference. */
function additionalData(tenantId: string, reference: string): Buffer {
  return Buffer.from(`ledger-secret:v1\u0000${tenantId}\u0000${reference}`, 'utf8');
}

export function sealSecret(keyring: SecretKeyring, tenantId: string, reference: string, plaintext: string): SealedSecret {
  const keyVersion = keyring.currentVersion;
  const iv = randomBytes(SECRET_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyring.key(keyVersion) as Buffer, iv, { authTagLength: SECRET_AUTH_TAG_BYTES });
  cipher.setAAD(additionalData(tenantId, reference));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyVersion, iv, ciphertext, authTag: cipher.getAuthTag() };
}

/**
 * The plaintext, or an Error saying why not (the key version is unknown, or authentication failed: another key, or
 * an altered row). The caller wraps it with the reference; OpenSSL's own message is not passed on.
 */
export function openSecret(keyring: SecretKeyring, tenantId: string, reference: string, sealed: SealedSecret): string | Error {
  const key = keyring.key(sealed.keyVersion);
  if (key === undefined) return new Error(`it was encrypted with key version ${sealed.keyVersion}, which is not configured`);
  if (sealed.iv.length !== SECRET_IV_BYTES || sealed.authTag.length !== SECRET_AUTH_TAG_BYTES) return new Error('the stored row is malformed');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: SECRET_AUTH_TAG_BYTES });
    decipher.setAAD(additionalData(tenantId, reference));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return new Error(`authentication failed (the key of version ${sealed.keyVersion} is not the one it was written with, or the row was altered)`);
  }
}
