import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** Runs in-code migrations (no files to discover at run time, so the same code works from src/ and dist/). */
export async function migrateToLatest(db: Kysely<unknown>, migrations: Record<string, Migration>, tableName: string): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db, provider, migrationTableName: tableName, migrationLockTableName: `${tableName}_lock` });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
