import { uuidV5 } from '../../application/src/deterministic-id.js';

/**
 * Where the ledger keeps what it must be able to use but must never show: webhook signing secrets, bearer tokens,
 * basic-auth passwords, API keys of endpoints, payment gateway tokens. Events, read models, responses and logs
 * carry a reference (`sec_<uuid>`) instead; only the code that uses a secret reveals it, at the moment of use.
 */
export interface SecretStore {
  /**
   * Stores `plaintext` under `reference` for the tenant. Idempotent for the same plaintext (a retried command writes
   * the same reference again); a different plaintext under a reference already used is SecretConflictError.
   */
  put(tenantId: string, reference: string, plaintext: string): Promise<void>;
  /** The plaintext stored under `reference` for the tenant; SecretNotFoundError when there is none. */
  reveal(tenantId: string, reference: string): Promise<string>;
}

/**
 * Errors of the store name the reference, never the secret. They are not domain errors: a handler that meets one has
 * met a broken invariant (a reference its own events name is missing), or a configuration problem (another key).
 */
export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
  readonly code = 'SECRET_NOT_FOUND';

  constructor(readonly reference: string) {
    super(`no secret is stored under the reference ${reference} for this tenant`);
  }
}

export class SecretConflictError extends Error {
  override readonly name = 'SecretConflictError';
  readonly code = 'SECRET_CONFLICT';

  constructor(readonly reference: string) {
    super(`the reference ${reference} already holds another secret: a reference is written once`);
  }
}

/** The stored secret could not be decrypted: the key is not the one it was written with, or the row was altered. */
export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';
  readonly code = 'SECRET_UNREADABLE';

  constructor(
    readonly reference: string,
    why: string,
  ) {
    super(`the secret under ${reference} cannot be read: ${why}`);
  }
}

const REFERENCE_PATTERN = /^sec_[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The reference a handler stores a secret under: derived from its command id and what the secret is for (`label`,
 * e.g. `webhook:<endpointId>`), so that a retried command (same command id) names, and writes, the same reference.
 */
export function secretReference(commandId: string, label: string): string {
  if (commandId.length === 0 || label.length === 0) throw new TypeError('secretReference needs a command id and a label');
  return `sec_${uuidV5(`${commandId}:secret:${label}`)}`;
}

/** Whether `value` is a reference `secretReference` makes (legacy references are not: see legacy-secrets.ts). */
export function isSecretReference(value: unknown): boolean {
  return typeof value === 'string' && REFERENCE_PATTERN.test(value);
}

/** References into old events (`legacy:...`), resolved by reading the event that still holds the plaintext. */
export function isLegacySecretReference(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('legacy:');
}
