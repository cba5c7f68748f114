import type pg from 'pg';
import { currentDatabaseScope, type DatabaseScope } from './database-scope.js';

/** The role a request's database work runs as; row-level security applies to it (see row-level-security.ts). */
export const TENANT_ROLE = 'ledger_tenant';
/** The role whose members read and write across tenants: projections, process managers, authentication, the CLI. */
export const SYSTEM_ROLE = 'ledger_system';
/** The session setting that row-level security policies compare each row's tenant_id with. */
export const TENANT_SETTING = 'ledger.tenant_id';

type Session = { readonly role: 'system' } | { readonly role: 'tenant'; readonly tenantId: string };

/** What each pooled connection was last set to; a new connection is the connecting role with no tenant. */
const sessions = new WeakMap<pg.PoolClient, string>();
const SYSTEM_SESSION = 'system';

function sessionOf(scope: DatabaseScope | undefined): Session {
  if (scope === undefined || scope.kind === 'system') return { role: 'system' };
  // An anonymous request gets the tenant role with an empty tenant: every tenant table looks empty to it.
  return { role: 'tenant', tenantId: scope.kind === 'tenant' ? scope.tenantId : '' };
}

function keyOf(session: Session): string {
  return session.role === 'system' ? SYSTEM_SESSION : `tenant:${session.tenantId}`;
}

/** Whether the connection is already set for this session: a pool serving one tenant pays nothing after warming up. */
function isPrepared(client: pg.PoolClient, session: Session): boolean {
  return (sessions.get(client) ?? SYSTEM_SESSION) === keyOf(session);
}

/** Sets the connection's role and tenant for the current scope, in one round trip. */
async function prepare(client: pg.PoolClient, session: Session): Promise<void> {
  const key = keyOf(session);
  sessions.delete(client);
  if (session.role === 'system') {
    await client.query(`select set_config('role', 'none', false), set_config('${TENANT_SETTING}', '', false)`);
  } else {
    await client.query(`select set_config('role', '${TENANT_ROLE}', false), set_config('${TENANT_SETTING}', $1, false)`, [session.tenantId]);
  }
  sessions.set(client, key);
}

/**
 * A pg pool whose connections always run as the current scope (database-scope.ts): the tenant role with the tenant
 * set inside a request, the connecting role (a member of the system role) outside one. Kysely and the event store
 * take it where they would take a pg.Pool.
 */
export class ScopedPool {
  constructor(readonly pool: pg.Pool) {}

  async connect(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    const session = sessionOf(currentDatabaseScope());
    if (isPrepared(client, session)) return client;
    try {
      await prepare(client, session);
    } catch (error) {
      // A connection whose session could not be set is not given back to the pool: it might serve the next scope.
      client.release(error as Error);
      throw error;
    }
    return client;
  }

  async query<Row extends pg.QueryResultRow = pg.QueryResultRow>(config: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<Row>> {
    const client = await this.connect();
    try {
      return await client.query<Row>(config as pg.QueryConfig, values);
    } finally {
      client.release();
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
