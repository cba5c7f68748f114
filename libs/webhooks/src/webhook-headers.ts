import { isSigningSecret, signatureHeaderValue } from './webhook-signing.js';

/** How an endpoint authenticates our requests (the settings' WebhookAuthType). */
export type WebhookAuth = 'none' | 'signature' | 'bearer_token' | 'basic_auth' | 'api_key';

/** Names the ledger to receivers (and in their logs). */
export const WEBHOOK_USER_AGENT = 'billing-ledger-webhooks/1.0';

/** What the headers of one attempt are made from. The secrets are plaintext here and go nowhere but into the headers. */
export interface WebhookHeaderInput {
  /** The public event id: `webhook-id`, the same on every retry and replay of the message. */
  readonly messageId: string;
  /** The attempt's real time, in whole seconds (`webhook-timestamp`, what the signature covers). */
  readonly timestampSeconds: number;
  /** The exact body sent. */
  readonly body: string;
  readonly authType: WebhookAuth;
  /** The endpoint's current secret (token, `user:password`, API key or `whsec_` key), or null when it has none. */
  readonly secret: string | null;
  /** The secret replaced less than 24 hours ago, still signed with during a rotation; null otherwise. */
  readonly previousSecret: string | null;
}

/**
 * The request headers of one attempt (Standard Webhooks 1.0, plus the endpoint's auth type):
 *
 * - `webhook-id`, `webhook-timestamp` always; `webhook-signature` whenever the endpoint's secret is a `whsec_` key,
 *   whatever its auth type, with a second signature by the previous key while a rotation lasts;
 * - `Authorization: Bearer <secret>` (bearer_token), `Authorization: Basic base64(user:password)` (basic_auth),
 *   `X-API-Key: <secret>` (api_key); nothing more for `signature` and `none`;
 * - `Content-Type: application/json` and a User-Agent naming the ledger.
 */
export function webhookRequestHeaders(input: WebhookHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    'webhook-id': input.messageId,
    'webhook-timestamp': String(input.timestampSeconds),
  };
  const signingSecrets = [input.secret, input.previousSecret].filter((secret): secret is string => secret !== null && isSigningSecret(secret));
  if (signingSecrets.length > 0 && input.secret !== null && isSigningSecret(input.secret)) {
    headers['webhook-signature'] = signatureHeaderValue({ messageId: input.messageId, timestampSeconds: input.timestampSeconds, body: input.body }, signingSecrets);
  }
  const secret = input.secret;
  if (secret === null) return headers;
  switch (input.authType) {
    case 'bearer_token':
      headers.authorization = `Bearer ${secret}`;
      break;
    case 'basic_auth':
      headers.authorization = `Basic ${Buffer.from(secret, 'utf8').toString('base64')}`;
      break;
    case 'api_key':
      headers['x-api-key'] = secret;
      break;
    case 'signature':
    case 'none':
      break;
  }
  return headers;
}
