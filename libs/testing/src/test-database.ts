import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase, type DatabaseConnection } from '../../database/src/index.js';
import { PostgresEventStore } from '../../event-store/src/index.js';

export interface TestDatabase {
  readonly connectionString: string;
  readonly name: string;
  readonly drop: () => Promise<void>;
}

const DROP_WAIT_MS = 2_000;
const DROP_POLL_MS = 25;

/** A fresh, empty database on the run's real PostgreSQL server (see test/setup/global-setup.ts). */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const adminUrl = process.env.LEDGER_TEST_ADMIN_URL;
  if (!adminUrl) throw new Error('LEDGER_TEST_ADMIN_URL is not set: run the tests through jest (npm test), whose global setup starts PostgreSQL');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    connectionString: url.toString(),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // A pool ended just before may still be closing its connections: a forced drop would end them first with a
        // FATAL message, which an ended pool's idle client reports as an unhandled error. Give them a moment.
        for (let waited = 0; waited < DROP_WAIT_MS; waited += DROP_POLL_MS) {
          const { rows } = await client.query<{ open: number }>('select count(*)::int as open from pg_stat_activity where datname = $1', [name]);
          if ((rows[0]?.open ?? 0) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, DROP_POLL_MS));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh database with the event store migrated and a read-model connection: what runtime tests start from. */
export interface StoreDatabase<Schema> {
  readonly database: TestDatabase;
  readonly store: PostgresEventStore;
  readonly connection: DatabaseConnection<Schema>;
  readonly close: () => Promise<void>;
}

export async function createStoreDatabase<Schema>(prefix: string): Promise<StoreDatabase<Schema>> {
  const database = await createTestDatabase(prefix);
  const store = new PostgresEventStore({ connectionString: database.connectionString });
  await store.migrate();
  const connection = connectDatabase<Schema>(database.connectionString);
  return {
    database,
    store,
    connection,
    close: async () => {
      await store.close();
      await connection.close();
      await database.drop();
    },
  };
}
