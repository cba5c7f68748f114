import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase } from '../../libs/testing/src/test-database.js';

describe('the test PostgreSQL server', () => {
  it('is a real PostgreSQL 18 that gives each file its own database', async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.connectionString });
    await client.connect();
    const result = await client.query<{ version: string; db: string }>('select version(), current_database() as db');
    await client.end();
    await database.drop();
    expect(result.rows[0]?.version).toMatch(/^PostgreSQL 18/);
    expect(result.rows[0]?.db).toBe(database.name);
  });
});
