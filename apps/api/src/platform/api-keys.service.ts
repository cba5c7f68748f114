import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { TENANT_ID_PATTERN } from '../../../../libs/application/src/index.js';
import type { Principal, Role } from './principal.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PlatformDatabase = any;

const KEY_PREFIX = 'ldg_';

/** Only a SHA-256 of each key is stored; the key itself is shown once, when it is made. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export class ApiKeysService {
  constructor(private readonly db: Kysely<PlatformDatabase>) {}

  async ensureTenant(tenantId: string, name: string): Promise<void> {
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error(`tenant id must match ${TENANT_ID_PATTERN}, got "${tenantId}"`);
    await this.db.withSchema('platform').insertInto('tenants').values({ tenant_id: tenantId, name }).onConflict((conflict) => conflict.column('tenant_id').doNothing()).execute();
  }

  /** Registers a key (idempotent for the same key). Returns the key id, never the key. */
  async registerKey(tenantId: string, role: Role, name: string, key: string): Promise<string> {
    const keyHash = hashApiKey(key);
    const existing = await this.db.withSchema('platform').selectFrom('api_keys').select(['key_id', 'tenant_id']).where('key_hash', '=', keyHash).executeTakeFirst();
    if (existing) {
      if (existing.tenant_id !== tenantId) throw new Error('this API key already belongs to another tenant');
      return existing.key_id as string;
    }
    const keyId = randomUUID();
    await this.db.withSchema('platform').insertInto('api_keys').values({ key_id: keyId, tenant_id: tenantId, role, name, key_hash: keyHash }).execute();
    return keyId;
  }

  async authenticate(key: string): Promise<Principal | undefined> {
    if (!key.startsWith(KEY_PREFIX) && key.length < 24) return undefined;
    const row = await this.db
      .withSchema('platform')
      .selectFrom('api_keys')
      .select(['key_id', 'tenant_id', 'role'])
      .where('key_hash', '=', hashApiKey(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row ? { tenantId: row.tenant_id, role: row.role as Role, keyId: row.key_id } : undefined;
  }
}

/** Reads `Bearer <key>` from an Authorization header or a graphql-ws connection_init payload. */
export function bearerToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}
