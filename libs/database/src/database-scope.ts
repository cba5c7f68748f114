import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who the current unit of work runs for, carried through every `await` with AsyncLocalStorage.
 *
 * - `tenant`: a request. Its database work runs as the `ledger_tenant` role with `ledger.tenant_id` set, so
 *   PostgreSQL's row-level security shows and accepts only that tenant's rows, whatever the SQL says.
 * - `anonymous`: a request without a valid credential. Its database work runs as the tenant role with no tenant,
 *   so every tenant table looks empty (it is refused before it reads anything, but this does not rely on that).
 * - `system`: the processes that work across tenants by design (projections, process managers, authentication,
 *   migrations, the operator CLI). Their database work runs as the connecting role, a member of `ledger_system`.
 *
 * The request fields (correlation id, key id and name) ride along for the structured logs.
 */
export type DatabaseScope =
  | { readonly kind: 'tenant'; readonly tenantId: string; readonly keyId?: string; readonly keyName?: string; readonly correlationId?: string }
  | { readonly kind: 'anonymous'; readonly correlationId?: string }
  | { readonly kind: 'system'; readonly reason: string; readonly correlationId?: string };

const storage = new AsyncLocalStorage<DatabaseScope>();

/** Runs `work` (and everything it awaits or schedules) for one tenant. */
export function runForTenant<Result>(scope: Omit<Extract<DatabaseScope, { kind: 'tenant' }>, 'kind'>, work: () => Result): Result {
  if (scope.tenantId.length === 0) throw new Error('a tenant scope needs a tenant id');
  return storage.run({ kind: 'tenant', ...scope }, work);
}

/** Runs `work` for a request that carries no valid credential. */
export function runAnonymous<Result>(correlationId: string | undefined, work: () => Result): Result {
  return storage.run({ kind: 'anonymous', ...(correlationId === undefined ? {} : { correlationId }) }, work);
}

/** Runs `work` across tenants; `reason` names the process (it shows in logs and in tests' assertions). */
export function runAsSystem<Result>(reason: string, work: () => Result): Result {
  return storage.run({ kind: 'system', reason }, work);
}

export function currentDatabaseScope(): DatabaseScope | undefined {
  return storage.getStore();
}
