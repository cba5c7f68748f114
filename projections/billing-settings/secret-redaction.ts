import { billingSettingsLimits, type BillingSettings } from '../../libs/billing/src/index.js';

/**
 * Webhook secrets live in the secret store (libs/secrets); settings events of version 2 name them by reference, and
 * older events (which held the plaintext `secret`) are upcast to references whenever they are parsed. The one reader
 * that sees stored events raw is the billingEvents subscription: for it, and as a second guard in the settings read
 * models, every property named `secret` is still masked. The mask keeps the last four characters only of secrets
 * long enough for that to give little away (the minimum length of a secret the settings accept); a shorter secret
 * is masked whole.
 */

export const SECRET_MASK = '********';
const SECRET_LAST_CHARACTERS = 4;

/** Settings that hold no secret (references only, every stray `secret` masked): the only settings a read model or response may hold. */
export type RedactedBillingSettings = BillingSettings & { readonly __secretsRedacted: true };

export function maskSecret(secret: string | null): string | null {
  if (secret === null) return null;
  if (secret.length < billingSettingsLimits.webhookSecretLengthMin) return SECRET_MASK;
  return `${SECRET_MASK}${secret.slice(-SECRET_LAST_CHARACTERS)}`;
}

/** The last characters a mask keeps, or null when it keeps none. */
export function lastCharactersOfMask(mask: string | null): string | null {
  if (mask === null || mask.length <= SECRET_MASK.length) return null;
  return mask.slice(SECRET_MASK.length);
}

/** Settings bounds every list and nesting level, but a redaction walk over any event must not trust that. */
const DEPTH_MAX = 32;

/**
 * A copy of any JSON value in which every property named `secret` that holds a string is masked. It walks whole
 * values rather than known paths, so a secret in `previous`, in a reset's partial settings, or in an event type
 * added later is masked too. Masking is not idempotent by design: never apply it to a value already redacted.
 */
export function redactSecrets<Value>(value: Value): Value {
  return redactValue(value, 0) as Value;
}

function redactValue(value: unknown, depth: number): unknown {
  if (depth > DEPTH_MAX) throw new Error(`redactSecrets: value nested deeper than ${DEPTH_MAX} levels`);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = key === 'secret' && typeof item === 'string' ? maskSecret(item) : redactValue(item, depth + 1);
  }
  return copy;
}

export function redactBillingSettings(settings: BillingSettings): RedactedBillingSettings {
  return redactSecrets(settings) as RedactedBillingSettings;
}
