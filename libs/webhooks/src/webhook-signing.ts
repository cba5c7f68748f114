import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks 1.0 signing (https://www.standardwebhooks.com): the signed content is `<webhook-id>.<webhook-timestamp>.<body>`,
 * the signature `v1,<base64 HMAC-SHA256>` keyed with the bytes of the secret's base64 part (after `whsec_`). Several
 * signatures go space-separated in one `webhook-signature` header, so a receiver that knows either key accepts the
 * message while a secret is being rotated.
 */

export const SIGNING_SECRET_PREFIX = 'whsec_';

/** Standard Webhooks secrets carry 24 to 64 random bytes. */
export const signingSecretLimits = { keyBytesMin: 24, keyBytesMax: 64 } as const;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** True for a `whsec_` secret whose key is valid base64 of an acceptable length (what signing needs). */
export function isSigningSecret(secret: string): boolean {
  return signingKeyOf(secret) !== null;
}

/** The HMAC key of a `whsec_` secret, or null when `secret` is not one (another auth type's token or password). */
export function signingKeyOf(secret: string): Buffer | null {
  if (!secret.startsWith(SIGNING_SECRET_PREFIX)) return null;
  const encoded = secret.slice(SIGNING_SECRET_PREFIX.length);
  if (encoded.length === 0 || encoded.length % 4 !== 0 || !BASE64.test(encoded)) return null;
  const key = Buffer.from(encoded, 'base64');
  if (key.length < signingSecretLimits.keyBytesMin || key.length > signingSecretLimits.keyBytesMax) return null;
  return key;
}

/** What one signature covers: the message id (same on every retry), the attempt's timestamp (seconds) and the exact body. */
export interface SignedContent {
  readonly messageId: string;
  readonly timestampSeconds: number;
  readonly body: string;
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the key of a `whsec_` secret; throws for any other secret. */
export function signWebhook(content: SignedContent, secret: string): string {
  const key = signingKeyOf(secret);
  if (key === null) throw new Error('not a whsec_ signing secret');
  return signWithKey(content, key);
}

/** The `webhook-signature` header value: one `v1,` signature per key, space-separated (the current key first). */
export function signatureHeaderValue(content: SignedContent, secrets: readonly string[]): string {
  return secrets.map((secret) => signWebhook(content, secret)).join(' ');
}

function signWithKey({ messageId, timestampSeconds, body }: SignedContent, key: Buffer): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) throw new Error(`webhook timestamp must be whole seconds, got ${timestampSeconds}`);
  const digest = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.`, 'utf8').update(body, 'utf8').digest('base64');
  return `v1,${digest}`;
}
