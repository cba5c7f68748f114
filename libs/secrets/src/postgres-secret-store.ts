import { timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { openSecret, sealSecret, type SecretKeyring } from './secret-cipher.js';
import { isLegacySecretReference, isSecretReference, SecretConflictError, SecretDecryptionError, SecretNotFoundError, type SecretStore } from './secret-store.js';

/** Resolves legacy references (`legacy:...`): secrets that still sit in events written before the store existed. */
export interface LegacySecretSource {
  /** The plaintext, or undefined when the reference names nothing the tenant has. */
  reveal(tenantId: string, reference: string): Promise<string | undefined>;
}

export interface PostgresSecretStoreOptions {
  readonly keyring: SecretKeyring;
  readonly legacy?: LegacySecretSource;
}

interface SecretRow {
  key_version: number;
  iv: Buffer;
  ciphertext: Buffer;
  auth_tag: Buffer;
}

const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * The secret store on PostgreSQL (platform.secrets, see secret-store.migrations.ts). Inside a request the database
 * runs as the tenant role, so row-level security adds its own tenant check to the one in every statement. Nothing
 * here logs, and no error carries a plaintext.
 */
export class PostgresSecretStore implements SecretStore {
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private readonly db: Kysely<any>,
    private readonly options: PostgresSecretStoreOptions,
  ) {}

  async put(tenantId: string, reference: string, plaintext: string): Promise<void> {
    requireTenant(tenantId);
    if (!isSecretReference(reference)) throw new TypeError(`not a secret reference: ${JSON.stringify(reference.slice(0, 80))} (make one with secretReference)`);
    if (typeof plaintext !== 'string' || plaintext.length === 0) throw new TypeError('a secret is a non-empty string');
    const sealed = sealSecret(this.options.keyring, tenantId, reference, plaintext);
    const inserted = await sql<{ reference: string }>`
      insert into platform.secrets (tenant_id, reference, key_version, iv, ciphertext, auth_tag)
      values (${tenantId}, ${reference}, ${sealed.keyVersion}, ${sealed.iv}, ${sealed.ciphertext}, ${sealed.authTag})
      on conflict (tenant_id, reference) do nothing
      returning reference`.execute(this.db);
    if (inserted.rows.length === 1) return;
    // Written before: the same secret again is a retry; another one is refused (a reference is written once).
    if (!sameText(await this.revealStored(tenantId, reference), plaintext)) throw new SecretConflictError(reference);
  }

  async reveal(tenantId: string, reference: string): Promise<string> {
    requireTenant(tenantId);
    if (isLegacySecretReference(reference)) {
      const legacy = await this.options.legacy?.reveal(tenantId, reference);
      if (legacy === undefined) throw new SecretNotFoundError(reference);
      return legacy;
    }
    if (!isSecretReference(reference)) throw new SecretNotFoundError(String(reference).slice(0, 300));
    return this.revealStored(tenantId, reference);
  }

  private async revealStored(tenantId: string, reference: string): Promise<string> {
    const { rows } = await sql<SecretRow>`
      select key_version, iv, ciphertext, auth_tag from platform.secrets where tenant_id = ${tenantId} and reference = ${reference}`.execute(this.db);
    const row = rows[0];
    if (row === undefined) throw new SecretNotFoundError(reference);
    const opened = openSecret(this.options.keyring, tenantId, reference, { keyVersion: row.key_version, iv: row.iv, ciphertext: row.ciphertext, authTag: row.auth_tag });
    if (opened instanceof Error) throw new SecretDecryptionError(reference, opened.message);
    return opened;
  }
}

function requireTenant(tenantId: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new TypeError(`invalid tenant id ${JSON.stringify(tenantId.slice(0, 60))}`);
}

/** Equality that takes the same time wherever the texts differ. */
export function sameText(left: string, right: string): boolean {
  const a = Buffer.from(left, 'utf8');
  const b = Buffer.from(right, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
