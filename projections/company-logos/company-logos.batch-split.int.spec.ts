import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { storedEvents, uuidV5, type CommandContext } from '../../libs/application/src/index.js';
import { companyLogoDecider, type CompanyLogoCommand, type CompanyLogoState } from '../../libs/billing/src/index.js';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { pngOf, SAMPLE_JPEG_BASE64 } from '../../libs/documents/src/logo-fixtures.test-helper.js';
import { PostgresEventStore, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { projectInBatches, readAppendedLog, seededBatchSizes } from '../../libs/testing/src/batch-split.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { companyLogosProjection } from './company-logos.projection.js';
import { CompanyLogoQueries } from './company-logos.queries.js';

/**
 * The company_logos read model folds whole batches (applyBatch): each tenant's last event decides its row, so the rows
 * must not depend on how the log is cut, and the row holds exactly the bytes of the last upload.
 */

const png = pngOf({ width: 30, height: 10 });
const otherPng = pngOf({ width: 12, height: 12, colorType: 0 });
const upload = (contentType: string, bytes: Buffer, at: string): CompanyLogoCommand => ({ type: 'UploadCompanyLogo', data: { contentType, contentBase64: bytes.toString('base64') }, metadata: { now: at } });
const remove = (at: string): CompanyLogoCommand => ({ type: 'RemoveCompanyLogo', data: {}, metadata: { now: at } });

/** Each tenant's commands: the last one decides what its row holds. */
const lives: Record<string, CompanyLogoCommand[]> = {
  replaced: [upload('image/png', png, '2026-01-01T00:00:00.000Z'), upload('image/jpeg', Buffer.from(SAMPLE_JPEG_BASE64, 'base64'), '2026-01-02T00:00:00.000Z')],
  removed: [upload('image/png', png, '2026-01-01T00:00:00.000Z'), remove('2026-01-03T00:00:00.000Z')],
  returned: [upload('image/png', png, '2026-01-01T00:00:00.000Z'), remove('2026-01-02T00:00:00.000Z'), upload('image/png', otherPng, '2026-01-04T00:00:00.000Z')],
};

async function appendLives(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const states = new Map<string, CompanyLogoState>();
  let appended = 0;
  const longest = Math.max(...Object.values(lives).map((sequence) => sequence.length));
  for (let round = 0; round < longest; round += 1) {
    for (const [tenantId, sequence] of Object.entries(lives)) {
      const command = sequence[round];
      if (command === undefined) continue;
      const state = states.get(tenantId) ?? companyLogoDecider.initialState;
      const events = companyLogoDecider.decide(command, state);
      states.set(tenantId, events.reduce(companyLogoDecider.evolve, state));
      const streamId = `${tenantId}:company_logo-${tenantId}`;
      const commandId = uuidV5(`${tenantId}:${round}`);
      const context: CommandContext = { tenantId, actor: 'spec', commandId, correlationId: commandId, causationId: commandId, now: command.metadata.now };
      await store.appendToStream(streamId, storedEvents(events, context, streamId), { expectedRevision: round === 0 ? 'no_stream' : BigInt(round - 1) });
      appended += events.length;
    }
  }
  return readAppendedLog(store, appended);
}

describe('company_logos read model', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let history: RecordedEvent[];

  beforeAll(async () => {
    database = await createTestDatabase('company_logos_split');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString, { poolSize: 2, applicationName: 'company-logos-split' });
    history = await appendLives(store);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await connection?.close();
    await database?.drop();
  });

  it('one event per batch, the whole log in one batch and seeded random splits give the same rows', async () => {
    const one = await projectInBatches(connection.db, companyLogosProjection, history, history.map(() => 1));
    expect(await projectInBatches(connection.db, companyLogosProjection, history, [history.length])).toMatchObject({ rows: one.rows });
    for (const seed of [7, 42]) expect((await projectInBatches(connection.db, companyLogosProjection, history, seededBatchSizes(history.length, 3, seed))).rows).toEqual(one.rows);
    const tenants = (one.rows.company_logos ?? []).map((text) => (JSON.parse(text) as { tenant_id: string }).tenant_id).sort();
    expect(tenants).toEqual(['replaced', 'returned']);
  });

  it('a batch writes with at most two statements whatever it holds', async () => {
    const whole = await projectInBatches(connection.db, companyLogosProjection, history, [history.length]);
    expect(whole.statements[0]).toBeLessThanOrEqual(2);
  });

  it('the queries give back the bytes of the last upload, and nothing for a removed logo', async () => {
    const schema = 'company_logos_queries';
    await sql.raw(`create schema if not exists ${schema}`).execute(connection.db);
    await companyLogosProjection.createTables(connection.db, schema);
    await connection.db.transaction().execute((trx) => (companyLogosProjection.applyBatch as NonNullable<typeof companyLogosProjection.applyBatch>)({ trx, schema }, history));
    const queries = new CompanyLogoQueries(connection.db, schema);
    const replaced = await queries.logo('replaced');
    expect(replaced).toMatchObject({ contentType: 'image/jpeg', width: 16, height: 8, uploadedAt: '2026-01-02T00:00:00.000Z' });
    expect(replaced?.bytes.equals(Buffer.from(SAMPLE_JPEG_BASE64, 'base64'))).toBe(true);
    expect((await queries.logo('returned'))?.bytes.equals(otherPng)).toBe(true);
    expect(await queries.summary('returned')).toEqual({ contentType: 'image/png', byteLength: otherPng.length, width: 12, height: 12, uploadedAt: '2026-01-04T00:00:00.000Z' });
    expect(await queries.logo('removed')).toBeUndefined();
    expect(await queries.summary('never')).toBeUndefined();
  });
});
