import { connectDatabase } from '../../libs/database/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { createTestDatabase } from '../../libs/testing/src/test-database.js';
import type { Kysely } from 'kysely';

/**
 * A fresh database of the run's PostgreSQL server for one projection spec file, on the ledger's own connection (the
 * one the runner writes through: dates stay 'YYYY-MM-DD'). Each spec case gets a fresh schema in it.
 */
export interface ProjectionSpecDatabase {
  readonly db: Kysely<ReadModelDatabase>;
  stop(): Promise<void>;
}

export async function startProjectionSpecDatabase(): Promise<ProjectionSpecDatabase> {
  const database = await createTestDatabase('projection_spec');
  const { db, close } = connectDatabase<ReadModelDatabase>(database.connectionString, { poolSize: 2, applicationName: 'projection-spec' });
  return {
    db,
    async stop() {
      try {
        await close();
      } finally {
        await database.drop();
      }
    },
  };
}
