import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { TENANT_ID_PATTERN } from '../../application/src/index.js';
import { AccessError } from './access-error.js';
import { roles, type Principal, type Role } from './principal.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PlatformDatabase = any;

const KEY_PREFIX = 'ldg_';
/** A key given by hand (LEDGER_API_KEY) must be at least this long; generated keys carry 256 random bits. */
export const MINIMUM_KEY_LENGTH = 24;
export const KEY_NAME_MAX_LENGTH = 100;
export const TENANT_NAME_MAX_LENGTH = 200;
/** Printable text only: no control characters, no bidirectional overrides, no zero-width characters. */
const UNSAFE_TEXT = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u2028\u2029]/u;
/** Channel on which a revocation is announced, so that every API node closes the key's subscriptions at once. */
export const KEY_REVOKED_CHANNEL = 'ledger_api_key_revoked';

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** What anyone may see of a key: never the secret, never its hash. */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly role: Role;
  readonly status: ApiKeyStatus;
  readonly createdAt: Date;
  readonly createdBy: string | null;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly revokedBy: string | null;
  /** The key that replaced this one when it was rotated. */
  readonly replacedBy: string | null;
}

/** A key just made: the secret is in this value once and nowhere else. */
export interface IssuedApiKey {
  readonly key: ApiKeyRecord;
  readonly secret: string;
}

export interface NewApiKey {
  readonly role: Role;
  readonly name: string;
  readonly expiresAt?: Date | null;
}

export interface TenantRecord {
  readonly tenantId: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly activeKeys: number;
}

/** Only a SHA-256 of each key is stored; the key itself is shown once, when it is made. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Tenants and their API keys (the `platform` tables). Keys have a role, a name and an optional expiry; a key is
 * revoked, never deleted, so that the actor of every event can still be named. Inside a request these calls run
 * under row-level security as the caller's tenant; authentication and the operator CLI run as the system role.
 */
export class ApiKeysService {
  /** Key hash -> tenant of the keys that authenticated here (see tenantHintOf). */
  private readonly tenantHints = new Map<string, string>();

  constructor(
    private readonly db: Kysely<PlatformDatabase>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Creates the tenant if it does not exist (the development tenant at start). */
  async ensureTenant(tenantId: string, name: string): Promise<void> {
    validateTenant(tenantId, name);
    await this.db.withSchema('platform').insertInto('tenants').values({ tenant_id: tenantId, name }).onConflict((conflict) => conflict.column('tenant_id').doNothing()).execute();
  }

  /** An operator creates a tenant; an existing id is refused rather than silently reused. */
  async createTenant(tenantId: string, name: string): Promise<TenantRecord> {
    validateTenant(tenantId, name);
    const inserted = await this.db.withSchema('platform').insertInto('tenants').values({ tenant_id: tenantId, name }).onConflict((conflict) => conflict.column('tenant_id').doNothing()).returning(['tenant_id', 'name', 'created_at']).executeTakeFirst();
    if (!inserted) throw new AccessError('ALREADY_EXISTS', `tenant "${tenantId}" already exists`);
    return { tenantId: inserted.tenant_id, name: inserted.name, createdAt: inserted.created_at, activeKeys: 0 };
  }

  async listTenants(): Promise<TenantRecord[]> {
    const rows = await this.db
      .withSchema('platform')
      .selectFrom('tenants as t')
      .select(['t.tenant_id', 't.name', 't.created_at'])
      .select(sql<string>`(select count(*) from platform.api_keys k where k.tenant_id = t.tenant_id and k.revoked_at is null and (k.expires_at is null or k.expires_at > now()))`.as('active_keys'))
      .orderBy('t.tenant_id')
      .execute();
    return rows.map((row: { tenant_id: string; name: string; created_at: Date; active_keys: string }) => ({ tenantId: row.tenant_id, name: row.name, createdAt: row.created_at, activeKeys: Number(row.active_keys) }));
  }

  async requireTenant(tenantId: string): Promise<void> {
    const found = await this.db.withSchema('platform').selectFrom('tenants').select('tenant_id').where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!found) throw new AccessError('NOT_FOUND', `no tenant "${tenantId}"`);
  }

  /** Makes a key with a fresh random secret. `createdBy` names who asked (a key id, or `operator` for the CLI). */
  async createKey(tenantId: string, input: NewApiKey, createdBy: string): Promise<IssuedApiKey> {
    validateNewKey(input, this.clock());
    await this.requireTenant(tenantId);
    const secret = generateApiKey();
    const key = await this.insertKey(tenantId, input, createdBy, secret);
    return { key, secret };
  }

  /**
   * Registers a key given from outside (LEDGER_API_KEY, or the development key kept on disk). Idempotent for the
   * same secret. Returns the key id, never the key.
   */
  async registerKey(tenantId: string, role: Role, name: string, secret: string): Promise<string> {
    if (secret.length < MINIMUM_KEY_LENGTH) throw new AccessError('VALIDATION_FAILED', `an API key must be at least ${MINIMUM_KEY_LENGTH} characters`);
    const existing = await this.db.withSchema('platform').selectFrom('api_keys').select(['key_id', 'tenant_id']).where('key_hash', '=', hashApiKey(secret)).executeTakeFirst();
    if (existing) {
      if (existing.tenant_id !== tenantId) throw new Error('this API key already belongs to another tenant');
      return existing.key_id as string;
    }
    return (await this.insertKey(tenantId, { role, name }, 'operator', secret)).keyId;
  }

  async listKeys(tenantId: string, options: { includeInactive?: boolean } = {}): Promise<ApiKeyRecord[]> {
    let query = this.db.withSchema('platform').selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId);
    if (!options.includeInactive) query = query.where('revoked_at', 'is', null).where((eb: PlatformDatabase) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', this.clock())]));
    const rows = await query.orderBy('created_at').orderBy('key_id').execute();
    return rows.map((row: unknown) => toRecord(row as KeyRow, this.clock()));
  }

  async getKey(tenantId: string, keyId: string): Promise<ApiKeyRecord> {
    return toRecord(await this.keyRow(tenantId, keyId), this.clock());
  }

  /** Revokes at once: the next request with the key is refused, and its open subscriptions are closed. */
  async revokeKey(tenantId: string, keyId: string, revokedBy: string): Promise<ApiKeyRecord> {
    const row = await this.keyRow(tenantId, keyId);
    if (row.revoked_at !== null) return toRecord(row, this.clock());
    const updated = await this.db.transaction().execute(async (trx) => {
      const changed = await trx.withSchema('platform').updateTable('api_keys').set({ revoked_at: this.clock(), revoked_by: revokedBy }).where('tenant_id', '=', tenantId).where('key_id', '=', keyId).where('revoked_at', 'is', null).returningAll().executeTakeFirst();
      await sql`select pg_notify(${KEY_REVOKED_CHANNEL}, ${keyId})`.execute(trx);
      return changed as KeyRow | undefined;
    });
    return toRecord(updated ?? (await this.keyRow(tenantId, keyId)), this.clock());
  }

  /**
   * Replaces a key with a new one of the same name, role and expiry, and revokes the old one in the same
   * transaction. Rotating a revoked key is refused (make a new key instead).
   */
  async rotateKey(tenantId: string, keyId: string, rotatedBy: string): Promise<IssuedApiKey> {
    const old = await this.keyRow(tenantId, keyId);
    const status = statusOf(old, this.clock());
    if (status !== 'active') throw new AccessError('API_KEY_NOT_ACTIVE', `the API key ${keyId} is ${status} and cannot be rotated; create a new key instead`);
    const secret = generateApiKey();
    const key = await this.db.transaction().execute(async (trx) => {
      const fresh = await new ApiKeysService(trx, this.clock).insertKey(tenantId, { role: old.role, name: old.name, expiresAt: old.expires_at }, rotatedBy, secret);
      const revoked = await trx.withSchema('platform').updateTable('api_keys').set({ revoked_at: this.clock(), revoked_by: rotatedBy, replaced_by: fresh.keyId }).where('tenant_id', '=', tenantId).where('key_id', '=', keyId).where('revoked_at', 'is', null).returning('key_id').executeTakeFirst();
      if (!revoked) throw new AccessError('CONCURRENCY_CONFLICT', `the API key ${keyId} was revoked or rotated meanwhile`);
      await sql`select pg_notify(${KEY_REVOKED_CHANNEL}, ${keyId})`.execute(trx);
      return fresh;
    });
    return { key, secret };
  }

  /**
   * The principal of a valid key: known, not revoked, not expired. Constant work whatever the input. Run as the
   * system role it finds a key of any tenant; run in a tenant's scope, only that tenant's keys (row-level security),
   * which is how a key whose tenant is known already is checked again (see tenantHintOf).
   */
  async authenticate(secret: string): Promise<Principal | undefined> {
    if (secret.length < MINIMUM_KEY_LENGTH || secret.length > 512) return undefined;
    const keyHash = hashApiKey(secret);
    // Written out rather than built: every request runs it, and building the query cost more than sending it.
    const { rows } = await this.db.executeQuery<{ key_id: string; tenant_id: string; role: Role; name: string }>(
      CompiledQuery.raw(AUTHENTICATE_SQL, [keyHash, this.clock()]),
    );
    const row = rows[0];
    if (!row) {
      this.tenantHints.delete(keyHash);
      return undefined;
    }
    if (!this.tenantHints.has(keyHash) && this.tenantHints.size >= TENANT_HINTS_MAX) this.tenantHints.clear();
    this.tenantHints.set(keyHash, row.tenant_id);
    return { tenantId: row.tenant_id, role: row.role, keyId: row.key_id, keyName: row.name };
  }

  /**
   * The tenant of a key that authenticated in this process before, or undefined. Only a hint of where to look: the
   * key is still checked on every request, in that tenant's scope, so that a revocation or an expiry made anywhere
   * holds on the very next request; a key the hint does not lead to is checked again as the system role. Kept by
   * the key's hash, never the key.
   */
  tenantHintOf(secret: string): string | undefined {
    if (secret.length < MINIMUM_KEY_LENGTH || secret.length > 512 || this.tenantHints.size === 0) return undefined;
    return this.tenantHints.get(hashApiKey(secret));
  }

  /** Of these key ids, the ones no longer valid (revoked or expired): their open subscriptions must close. */
  async invalidKeyIds(keyIds: readonly string[]): Promise<string[]> {
    if (keyIds.length === 0) return [];
    const rows = await this.db
      .withSchema('platform')
      .selectFrom('api_keys')
      .select('key_id')
      .where('key_id', 'in', keyIds)
      .where((eb: PlatformDatabase) => eb.and([eb('revoked_at', 'is', null), eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', this.clock())])]))
      .execute();
    const valid = new Set(rows.map((row: { key_id: string }) => row.key_id));
    return keyIds.filter((keyId) => !valid.has(keyId));
  }

  private async insertKey(tenantId: string, input: NewApiKey, createdBy: string, secret: string): Promise<ApiKeyRecord> {
    const row = await this.db
      .withSchema('platform')
      .insertInto('api_keys')
      .values({ key_id: randomUUID(), tenant_id: tenantId, role: input.role, name: input.name, key_hash: hashApiKey(secret), created_at: this.clock(), created_by: createdBy, expires_at: input.expiresAt ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row as KeyRow, this.clock());
  }

  private async keyRow(tenantId: string, keyId: string): Promise<KeyRow> {
    if (!UUID.test(keyId)) throw new AccessError('NOT_FOUND', `no API key ${JSON.stringify(keyId.slice(0, 64))} in this tenant`);
    const row = await this.db.withSchema('platform').selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).where('key_id', '=', keyId).executeTakeFirst();
    if (!row) throw new AccessError('NOT_FOUND', `no API key ${keyId} in this tenant`);
    return row as KeyRow;
  }
}

const AUTHENTICATE_SQL = `select key_id, tenant_id, role, name from platform.api_keys
  where key_hash = $1 and revoked_at is null and (expires_at is null or expires_at > $2)`;
/** Keys remembered for tenantHintOf; past the bound the hints start again (a cost, never an error). */
const TENANT_HINTS_MAX = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface KeyRow {
  key_id: string;
  tenant_id: string;
  role: Role;
  name: string;
  created_at: Date;
  created_by: string | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  replaced_by: string | null;
}

function statusOf(row: KeyRow, now: Date): ApiKeyStatus {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null && row.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

function toRecord(row: KeyRow, now: Date): ApiKeyRecord {
  return {
    keyId: row.key_id,
    tenantId: row.tenant_id,
    name: row.name,
    role: row.role,
    status: statusOf(row, now),
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    replacedBy: row.replaced_by,
  };
}

function validateTenant(tenantId: string, name: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new AccessError('VALIDATION_FAILED', `a tenant id is 1-40 lower-case letters, digits and hyphens, starting with a letter or digit (${TENANT_ID_PATTERN}); got ${JSON.stringify(tenantId.slice(0, 64))}`);
  validateText(name, 'tenant name', TENANT_NAME_MAX_LENGTH);
}

function validateNewKey(input: NewApiKey, now: Date): void {
  if (!(roles as readonly string[]).includes(input.role)) throw new AccessError('VALIDATION_FAILED', `role must be one of ${roles.join(', ')}`);
  validateText(input.name, 'key name', KEY_NAME_MAX_LENGTH);
  if (input.expiresAt !== undefined && input.expiresAt !== null) {
    if (Number.isNaN(input.expiresAt.getTime())) throw new AccessError('VALIDATION_FAILED', 'expiresAt is not a valid instant');
    if (input.expiresAt.getTime() <= now.getTime()) throw new AccessError('VALIDATION_FAILED', `expiresAt must be in the future (now is ${now.toISOString()})`);
  }
}

function validateText(value: string, what: string, maxLength: number): void {
  if (value.trim().length === 0) throw new AccessError('VALIDATION_FAILED', `the ${what} must not be empty`);
  if (value.length > maxLength) throw new AccessError('VALIDATION_FAILED', `the ${what} is at most ${maxLength} characters`);
  if (UNSAFE_TEXT.test(value)) throw new AccessError('VALIDATION_FAILED', `the ${what} may not contain control, format or unpaired surrogate characters`);
}

/** Reads `Bearer <key>` from an Authorization header or a graphql-ws connection_init payload. */
export function bearerToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}
