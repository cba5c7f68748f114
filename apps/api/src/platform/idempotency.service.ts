import { createHash } from 'node:crypto';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { ApplicationError } from '../graphql/application-error.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PlatformDatabase = any;

const WAIT_FOR_OTHER_EXECUTION_MS = 30_000;
/** A claim older than this is taken to be abandoned by a crashed process and may be taken over. */
const ABANDONED_CLAIM_SECONDS = 120;

// The claim and the completion run on every mutation with a key: written out, because building them with the query
// builder cost more Node time than sending them.
const CLAIM_SQL = `insert into platform.idempotency_keys (tenant_id, idempotency_key, operation, request_hash, state)
  values ($1, $2, $3, $4, 'pending') on conflict (tenant_id, idempotency_key) do nothing`;
const COMPLETE_SQL = `update platform.idempotency_keys set state = 'completed', response = $3, completed_at = now()
  where tenant_id = $1 and idempotency_key = $2`;

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Idempotency keys: the same key with the same input returns the stored payload and runs nothing; the same key
 * with a different input is IDEMPOTENCY_KEY_REUSED. Parallel requests with one key execute once: the first claims
 * the key (a primary-key insert), the others wait for its stored response.
 */
export class IdempotencyService {
  constructor(private readonly db: Kysely<PlatformDatabase>) {}

  async execute<Result>(tenantId: string, key: string, operation: string, input: unknown, run: () => Promise<Result>): Promise<Result> {
    if (key.length === 0 || key.length > 200) throw new ApplicationError('VALIDATION_FAILED', 'idempotencyKey must be 1 to 200 characters');
    const requestHash = createHash('sha256').update(canonicalJson({ operation, input })).digest('hex');
    const deadline = Date.now() + WAIT_FOR_OTHER_EXECUTION_MS;
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      if (await this.claim(tenantId, key, operation, requestHash)) {
        let result: Result;
        try {
          result = await run();
        } catch (error) {
          // Nothing was written (commands fail before appending), so the key is free for a corrected retry.
          await this.db.withSchema('platform').deleteFrom('idempotency_keys').where('tenant_id', '=', tenantId).where('idempotency_key', '=', key).where('state', '=', 'pending').execute();
          throw error;
        }
        await this.db.executeQuery(CompiledQuery.raw(COMPLETE_SQL, [tenantId, key, JSON.stringify(result)]));
        return result;
      }
      const row = await this.db.withSchema('platform').selectFrom('idempotency_keys').selectAll().where('tenant_id', '=', tenantId).where('idempotency_key', '=', key).executeTakeFirst();
      if (row && row.request_hash !== requestHash) {
        throw new ApplicationError('IDEMPOTENCY_KEY_REUSED', `idempotency key "${key}" was already used for a different request (${row.operation}); use a new key for a new request`);
      }
      if (row?.state === 'completed') return row.response as Result;
      if (Date.now() > deadline) throw new ApplicationError('CONCURRENCY_CONFLICT', `a request with idempotency key "${key}" is still in progress; retry later`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private async claim(tenantId: string, key: string, operation: string, requestHash: string): Promise<boolean> {
    const inserted = await this.db.executeQuery(CompiledQuery.raw(CLAIM_SQL, [tenantId, key, operation, requestHash]));
    if (Number(inserted.numAffectedRows ?? 0n) === 1) return true;
    const takenOver = await this.db
      .withSchema('platform')
      .updateTable('idempotency_keys')
      .set({ created_at: sql`now()` })
      .where('tenant_id', '=', tenantId)
      .where('idempotency_key', '=', key)
      .where('state', '=', 'pending')
      .where('request_hash', '=', requestHash)
      .where('created_at', '<', sql`now() - make_interval(secs => ${ABANDONED_CLAIM_SECONDS})`)
      .executeTakeFirst();
    return Number(takenOver.numUpdatedRows) === 1;
  }
}
