import { sql, type Kysely } from 'kysely';
import { decodePosition, encodePosition, START_POSITION, type EventStore, type Position } from '../../../event-store/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../../projection-runtime/src/index.js';

/**
 * Where a delivering process manager (e-mail, webhooks) starts: the log's head when it first ran, recorded once per
 * name in `table` (read-model schema; no tenant data), so a restart, or another process taking the lease, keeps the
 * same starting point, and nothing recorded before the feature existed is ever delivered. `fromStart` (tests, and a
 * deliberate replay) starts at the beginning instead. The answer is loaded once and kept; a failed read is tried
 * again on the next call rather than remembered.
 */
export function processManagerOrigin(
  services: { readonly store: Pick<EventStore, 'headPosition'>; readonly db: Kysely<unknown> },
  table: string,
  name: string,
  fromStart = false,
): () => Promise<Position> {
  let origin: Promise<Position> | undefined;
  return () => {
    if (origin === undefined) {
      const loading = fromStart ? Promise.resolve(START_POSITION) : loadOrigin(services, table, name);
      loading.catch(() => (origin = undefined));
      origin = loading;
    }
    return origin;
  };
}

async function loadOrigin(services: { readonly store: Pick<EventStore, 'headPosition'>; readonly db: Kysely<unknown> }, table: string, name: string): Promise<Position> {
  const head = await services.store.headPosition();
  const origins = sql.table(`${LIVE_READ_MODEL_SCHEMA}.${table}`);
  await sql`create table if not exists ${origins} (name text primary key, position text not null)`.execute(services.db);
  await sql`insert into ${origins} (name, position) values (${name}, ${encodePosition(head)}) on conflict (name) do nothing`.execute(services.db);
  const { rows } = await sql<{ position: string }>`select position from ${origins} where name = ${name}`.execute(services.db);
  const row = rows[0];
  if (row === undefined) throw new Error(`${table} has no row for ${name}`);
  return decodePosition(row.position);
}
