import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ScopedPool } from './scoped-pool.js';

// NUMERIC and BIGINT arrive as strings (pg's default): money never becomes a JavaScript number.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value); // a calendar date stays 'YYYY-MM-DD', no time zone shift

export interface DatabaseConnection<Schema> {
  readonly db: Kysely<Schema>;
  readonly pool: pg.Pool;
  readonly close: () => Promise<void>;
}

export function connectDatabase<Schema>(connectionString: string, options: { poolSize?: number; applicationName?: string } = {}): DatabaseConnection<Schema> {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'billing-ledger',
    // A transaction that sits idle holds back every $all reader (the xmin barrier): never let one linger.
    idle_in_transaction_session_timeout: 60_000,
  } as pg.PoolConfig);
  pool.on('error', () => undefined); // an idle client's broken connection is replaced on next checkout
  // Every connection runs as the current scope: a request's tenant under row-level security, or the system role.
  const scoped = new ScopedPool(pool);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: scoped }) });
  scopedPools.set(db, scoped);
  return { db, pool, close: () => db.destroy() };
}

const scopedPools = new WeakMap<object, ScopedPool>();

/**
 * The scoped pool behind a Kysely made by connectDatabase, for work Kysely cannot express on a connection of its own
 * (COPY, in a rebuild); undefined for any other Kysely.
 */
export function scopedPoolOf(db: object): ScopedPool | undefined {
  return scopedPools.get(db);
}
