import { sql, type Kysely } from 'kysely';
import type { Projection, ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/** Every row of a projection's tables in one schema, as sorted JSON text: two schemas compare with toEqual. */
export async function readModelSnapshot(db: Kysely<ReadModelDatabase>, schema: string, projections: readonly Projection[]): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const projection of projections) {
    for (const table of projection.tables) {
      const { rows } = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.table(`${schema}.${table}`)} t order by 1`.execute(db);
      snapshot[`${projection.name}.${table}`] = rows.map((row) => row.row);
    }
  }
  return snapshot;
}
