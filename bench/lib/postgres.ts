import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { eventStoreSchemaSql } from '../../libs/event-store/src/postgres/postgres-event-store.schema.js';

/** A PostgreSQL server for the whole run: the embedded one in a temporary directory, or DATABASE_URL's. */
export interface BenchServer {
  readonly kind: 'embedded' | 'DATABASE_URL';
  /** The `postgres` database (or DATABASE_URL's own): where databases are created and dropped. */
  readonly adminConnectionString: string;
  readonly stop: () => Promise<void>;
}

export async function startBenchServer(log: (line: string) => void): Promise<BenchServer> {
  const externalUrl = process.env.DATABASE_URL;
  if (externalUrl) {
    log('bench: using DATABASE_URL (creates and drops bench_* databases there)');
    return { kind: 'DATABASE_URL', adminConnectionString: externalUrl, stop: async () => undefined };
  }
  const directory = await mkdtemp(join(os.tmpdir(), 'ledger-bench-'));
  await chmod(directory, 0o755); // as root, the postgres OS user must be able to enter it
  const { startEmbeddedPostgres } = await import('../../libs/database/src/index.js');
  const started = Date.now();
  let server;
  try {
    // Durable settings (fsync and synchronous_commit on): commits pay for the WAL flush as in production.
    server = await startEmbeddedPostgres({ dataDirectory: join(directory, 'data'), ephemeral: false });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  log(`bench: embedded PostgreSQL on port ${server.port} (durable settings) in ${Date.now() - started} ms, data in ${directory}`);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= server.stop().finally(() => rm(directory, { recursive: true, force: true }));
    return stopped;
  };
  return { kind: 'embedded', adminConnectionString: server.connectionString('postgres'), stop };
}

/** The same server's connection string for another database. */
export function databaseUrl(adminConnectionString: string, database: string): string {
  const url = new URL(adminConnectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(connectionString: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database (dropped first if a previous run left it); returns its connection string. */
export async function freshDatabase(adminConnectionString: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name ${JSON.stringify(name)}`);
  await withClient(adminConnectionString, async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  });
  return databaseUrl(adminConnectionString, name);
}

export async function dropDatabases(adminConnectionString: string, prefix: string): Promise<void> {
  await withClient(adminConnectionString, async (client) => {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
  });
}

export interface ServerDescription {
  readonly version: string;
  readonly settings: Record<string, string>;
}

const DESCRIBED_SETTINGS = ['synchronous_commit', 'fsync', 'wal_sync_method', 'full_page_writes', 'max_connections', 'shared_buffers', 'work_mem', 'effective_cache_size', 'jit'];

export async function describeServer(connectionString: string): Promise<ServerDescription> {
  return withClient(connectionString, async (client) => {
    const version = (await client.query<{ version: string }>('select version()')).rows[0]?.version ?? '?';
    const settings: Record<string, string> = {};
    for (const name of DESCRIBED_SETTINGS) {
      settings[name] = (await client.query<{ value: string }>('select current_setting($1, true) as value', [name])).rows[0]?.value ?? '?';
    }
    return { version, settings };
  });
}

/** CHECKPOINT, so that the next timed phase does not pay for the previous phase's dirty pages. */
export async function checkpoint(connectionString: string): Promise<void> {
  await withClient(connectionString, (client) => client.query('checkpoint')).catch(() => undefined);
}

/**
 * A table with the same columns and indexes as event_store.events, in `schema`, taken from the adapter's own schema
 * so that a raw reference cannot drift from what it is compared with: only the schema name changes.
 */
export function eventsTableCopySql(schema: string): string {
  const table = /create table if not exists event_store\.events \([\s\S]*?\n\);/.exec(eventStoreSchemaSql)?.[0];
  const indexes = eventStoreSchemaSql.match(/create (?:unique )?index if not exists \w+ on event_store\.events[^;]*;/g) ?? [];
  if (!table) throw new Error('could not find the events table in the event store schema: update bench/lib/postgres.ts');
  return `create schema if not exists ${schema};\n${[table, ...indexes].join('\n').replaceAll('event_store.', `${schema}.`)}\n`;
}
